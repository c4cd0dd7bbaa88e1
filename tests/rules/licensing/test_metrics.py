"""Oversight figures per item, department and district, checked against a hand count."""

from __future__ import annotations

import pytest

from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.metrics import oversight_metrics, percent

CASES = {
    "item": ["b1-20", "b1-20", "b1-20", "b1-22", "b1-22"],
    "department": ["approval", "approval", "approval", "amr", "amr"],
    "district": ["echeng", "huarong", "echeng", "echeng", "echeng"],
    "route": ["commitment", "commitment", "general", "commitment", "commitment"],
    "decided": [True, True, True, True, False],
    "on_the_spot": [True, False, False, True, False],
    "materials_expected": [True, True, False, True, False],
    "materials_on_time": [True, False, False, True, False],
    "verified": [True, False, False, False, False],
    "revoked": [False, True, False, False, False],
    "rectifications": [0, 2, 0, 1, 0],
}


def test_per_item():
    rows = {r["item"]: r for r in oversight_metrics(CASES, by=("item",)).rows()}
    b20 = rows["b1-20"]
    # 3 applications, 2 by commitment → 2/3 = 66.7%; both decided, 1 on the spot → 50.0%;
    # materials: 2 expected, 1 in time → 50.0%; verified 1 of 2 → 50.0%; orders 0 + 2 = 2; 1 revocation
    assert (b20["applications"], b20["commitment"], b20["commitment_share"]) == (3, 2, "66.7%")
    assert (b20["on_the_spot"], b20["on_the_spot_rate"]) == (1, "50.0%")
    assert (b20["materials_on_time_rate"], b20["verification_coverage"]) == ("50.0%", "50.0%")
    assert (b20["rectifications"], b20["revocations"]) == (2, 1)
    b22 = rows["b1-22"]
    # 2 commitment applications, 1 decided (on the spot: 100.0%), not verified (0.0%)
    assert (b22["commitment_share"], b22["on_the_spot_rate"], b22["verification_coverage"]) == (
        "100.0%",
        "100.0%",
        "0.0%",
    )


def test_two_keys_and_total():
    table = oversight_metrics(CASES, by=("department", "district"))
    assert table.groups == (("amr", "echeng"), ("approval", "echeng"), ("approval", "huarong"))
    assert [r["applications"] for r in table.rows()] == [2, 2, 1]
    total = oversight_metrics(CASES, by=()).rows()
    assert total == [{**total[0], "applications": 5}] and total[0]["commitment_share"] == "80.0%"
    assert table.headers()[0] == ("department", "部门")


def test_percent_half_up_and_empty():
    assert percent(1, 8) == "12.5%"  # 12.5 exactly
    assert percent(2, 3) == "66.7%"  # 66.66… → 66.7
    assert percent(1, 3) == "33.3%"
    assert percent(1, 16) == "6.3%"  # 6.25 → 6.3 (half up, not to even)
    assert percent(0, 0) == "—"


def test_bad_tables():
    with pytest.raises(LicensingError) as e:
        oversight_metrics({k: v for k, v in CASES.items() if k != "verified"})
    assert e.value.code == "metrics_column_missing"
    with pytest.raises(LicensingError):
        oversight_metrics({**CASES, "route": ["x"] * 5})
    with pytest.raises(LicensingError):
        oversight_metrics(CASES, by=("colour",))
    with pytest.raises(LicensingError):
        oversight_metrics({**CASES, "revoked": [False]})
