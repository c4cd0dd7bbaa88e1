"""Exact parsing and unit conversion of lab values: converted by powers of ten or refused, never guessed."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.unconventional_water import units as u
from ezhou_rules.unconventional_water.units import parse_values


def one(indicator, value, unit):
    p = parse_values([indicator], [value], [unit])
    return int(p.value[0]), int(p.qualifier[0]), int(p.error[0])


def test_mass_concentrations_convert_exactly():
    # 300 μg/L = 0.3 mg/L = 300,000,000 × 10⁻⁹ mg/L, exactly (0.3 as a float would not be)
    assert one("iron", "300", "μg/L")[0] == one("iron", "0.3", "mg/L")[0] == 300_000_000
    assert one("iron", "300", "ug/l")[0] == 300_000_000  # spelling variants of the same unit
    assert one("iron", "300", "µg/L")[0] == 300_000_000  # micro sign
    assert one("tds", "1.2", "g/L")[0] == 1_200 * 10**9  # 1.2 g/L = 1200 mg/L
    assert one("iron", "0.5", "ng/L")[0] == 500  # 0.5 ng/L = 5×10⁻⁷ mg/L


def test_counts_per_litre_and_per_100ml():
    # 20 CFU/L = 2 per 100 mL
    assert one("e_coli", "20", "CFU/L")[0] == one("e_coli", "2", "MPN/100mL")[0]


def test_censored_and_not_detected_values():
    assert one("manganese", "<0.05", "mg/L") == (50_000_000, u.BELOW_LIMIT, 0)
    assert one("manganese", "＜0.05", "mg/L") == (50_000_000, u.BELOW_LIMIT, 0)
    assert one("manganese", "0.05L", "mg/L") == (50_000_000, u.BELOW_LIMIT, 0)  # HJ notation
    assert one("e_coli", "未检出", "MPN/100mL") == (0, u.NOT_DETECTED, 0)
    assert one("e_coli", " ND ", "MPN/100mL") == (0, u.NOT_DETECTED, 0)


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "error"),
    [
        ("turbidity", "3", "度", u.ERR_AMBIGUOUS),  # 度 for turbidity: JTU or mg/L SiO2, not NTU
        ("turbidity", "3", "mg/L", u.ERR_DIMENSION),
        ("iron", "3", "mg/m3", u.ERR_UNIT),
        ("iron", "3", "ppm", u.ERR_UNIT),  # not guessed as mg/L
        ("iron", "1e3", "mg/L", u.ERR_VALUE),
        ("iron", "1,000", "mg/L", u.ERR_VALUE),
        ("iron", "-0.1", "mg/L", u.ERR_NEGATIVE),
        ("iron", "0.0000000001", "mg/L", u.ERR_DECIMALS),
        ("iron", "0.0000001", "μg/L", u.ERR_DECIMALS),  # finer than 10⁻⁹ mg/L
        ("iron", "1234567890", "mg/L", u.ERR_RANGE),
        ("unobtainium", "1", "mg/L", u.ERR_INDICATOR),
    ],
)
def test_refusals(indicator, value, unit, error):
    assert one(indicator, value, unit)[2] == error


def test_colour_degree_is_the_platinum_cobalt_unit_and_temperature_may_be_negative():
    assert one("colour", "15", "度") == one("colour", "15", "铂钴色度单位")
    assert one("water_temperature", "-1.5", "℃")[0] == -1_500_000_000


def test_chinese_names_and_aliases_find_the_indicator():
    p = parse_values(["浊度", "BOD5", " 总氯 "], ["1", "1", "1"], ["NTU", "mg/L", "mg/L"])
    assert p.indicator.tolist() == [
        u.DEFAULT_CATALOGUE.index_of(["turbidity"])[0],
        u.DEFAULT_CATALOGUE.index_of(["bod5"])[0],
        u.DEFAULT_CATALOGUE.index_of(["total_chlorine"])[0],
    ]


decimals = st.decimals(
    min_value=0, max_value=Decimal("99999.999"), places=3, allow_nan=False, allow_infinity=False
)


@settings(max_examples=300, deadline=None)
@given(x=decimals)
def test_fast_and_slow_parsers_agree_and_mg_equals_1000_ug(x):
    text = f"{x:f}"
    mg = one("iron", text, "mg/L")
    ug = one("iron", f"{x * 1000:f}", "μg/L")
    assert mg[2] == 0 and mg == ug
    assert mg[0] == int(x * 10**9)
    # the slow path (spaces around) reads the same value
    assert one("iron", f"  {text} ", "mg/L") == mg


@settings(max_examples=200, deadline=None)
@given(x=decimals)
def test_columns_parse_like_single_values(x):
    texts = [f"{x:f}", f"<{x:f}", "未检出", f"{x:f}L"]
    p = parse_values(["iron"] * 4, texts, ["mg/L"] * 4)
    singles = [one("iron", t, "mg/L") for t in texts]
    assert list(zip(p.value.tolist(), p.qualifier.tolist(), p.error.tolist(), strict=True)) == singles
    assert (np.asarray(p.error) == 0).all() or x < 0
