"""The shipped GB/T 18920-2020 table: every value as in /work/shared/facts/facts.yaml, with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ezhou_rules.unconventional_water.standards import shipped_library

G9 = 10**9
A = ("toilet_flushing", "vehicle_washing")
B = ("urban_greening", "road_cleaning", "fire_fighting", "construction")

# (indicator, uses, kind, low, high, sample point) in 10⁻⁹ canonical units — copied by hand from facts.yaml
EXPECTED = {
    ("ph", A, "range", 6 * G9, 9 * G9, ""),
    ("ph", B, "range", 6 * G9, 9 * G9, ""),
    ("colour", A, "max", None, 15 * G9, ""),
    ("colour", B, "max", None, 30 * G9, ""),
    ("turbidity", A, "max", None, 5 * G9, ""),
    ("turbidity", B, "max", None, 10 * G9, ""),
    ("bod5", A, "max", None, 10 * G9, ""),
    ("bod5", B, "max", None, 10 * G9, ""),
    ("ammonia_n", A, "max", None, 5 * G9, ""),
    ("ammonia_n", B, "max", None, 8 * G9, ""),
    ("anionic_surfactant", A, "max", None, G9 // 2, ""),
    ("anionic_surfactant", B, "max", None, G9 // 2, ""),
    ("iron", A, "max", None, 3 * G9 // 10, ""),
    ("manganese", A, "max", None, G9 // 10, ""),
    ("tds", A, "max", None, 1000 * G9, ""),
    ("tds", B, "max", None, 1000 * G9, ""),
    ("dissolved_oxygen", A, "min", 2 * G9, None, ""),
    ("dissolved_oxygen", B, "min", 2 * G9, None, ""),
    ("total_chlorine", A, "min", G9, None, "plant_outlet"),
    ("total_chlorine", B, "min", G9, None, "plant_outlet"),
    ("total_chlorine", A, "min", G9 // 5, None, "network_end"),
    ("total_chlorine", B, "min", G9 // 5, None, "network_end"),
    ("total_chlorine", ("urban_greening",), "max", None, 5 * G9 // 2, ""),
    ("e_coli", A, "not_detected", None, None, ""),
    ("e_coli", B, "not_detected", None, None, ""),
    ("chloride", A + B, "max", None, 350 * G9, ""),
    ("sulphate", A + B, "max", None, 500 * G9, ""),
}


def test_shipped_table_by_hand():
    lib = shipped_library()
    s = lib.standards["GB/T 18920-2020"]
    assert (
        s.in_force.isoformat() == "2021-02-01"
        and "ynkm168.com" in s.source
        and s.verification == "verified-secondary"
    )
    got = {(r.indicator, r.uses, r.kind, r.low, r.high, r.sample_point) for r in lib.rows}
    assert got == EXPECTED
    assert all(r.fact.startswith("reclaimed.gbt18920_2020.") for r in lib.rows)
    assert {r.indicator for r in lib.rows if r.selective} == {"chloride", "sulphate"}
    # the other standards the gazette names are not shipped: they are entered with their source
    assert set(lib.standards) == {"GB/T 18920-2020"}


FACTS = Path("/work/shared/facts/facts.yaml")


@pytest.mark.skipif(not FACTS.exists(), reason="the shared facts file is not on this machine")
def test_every_row_matches_the_fact_it_names():
    facts = {p["name"]: p for p in yaml.safe_load(FACTS.read_text(encoding="utf-8"))["parameters"]}
    for row in shipped_library().rows:
        fact = facts[row.fact]
        value = fact["value"]
        if row.kind == "range":
            assert [row.low, row.high] == [round(v * G9) for v in value]
        elif row.kind == "not_detected":
            assert value == "not detectable"
        elif row.table == "表1注":
            assert "2.5 mg/L" in fact["unit"] and row.high == 5 * G9 // 2
        else:
            assert (row.high if row.kind == "max" else row.low) == round(value * G9), row
