"""第十一条, 第十四条: assessment, proportional cut and the progressive surcharge."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest

from ezhou_rules.core.params import AdminValue, ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import parameters
from ezhou_rules.water_plan import settlement as st
from ezhou_rules.water_plan.errors import WaterPlanError

TIERS = ((F(1, 10), F(3, 10)), (F(1, 2), F(1), F(2)))


def test_assessment():
    # actual = 1500 − 100 = 1400 ; plan = 1000 + 50 + 30 − 20 = 1060 ; excess = 340.00
    actual, plan, excess = st.assessment([150000], [10000], [100000], [5000], [3000], [2000])
    assert (actual.tolist(), plan.tolist(), excess.tolist()) == ([140000], [106000], [34000])
    with pytest.raises(WaterPlanError):
        st.assessment([100], [200], [0], [0], [0], [0])


def test_proportional_cut():
    # 1000 m³ × 10% × 31 days (2024-07-01..07-31) ÷ 366 days = 8.4699 → 8.47 m³
    t = Trace()
    assert st.proportional_cut(
        [100000], F(1, 10), dt.date(2024, 7, 1), dt.date(2024, 7, 31), trace=t
    ).tolist() == [847]
    assert t.steps[0].citation.anchor() == "art11-para1" or t.steps[0].citation.anchor() == "art11"


def test_surcharge_bands():
    # plan 1000, excess 350: band 1 = 100 m³ × 0.5 × 3.00 = 150.00; band 2 = 200 × 1 × 3 = 600.00;
    # band 3 = 50 × 2 × 3 = 300.00; total 1050.00 yuan
    t = Trace()
    bands, total = st.surcharge([100000], [35000], *TIERS, 300, trace=t)
    assert bands.tolist() == [[15000, 60000, 30000]] and total.tolist() == [105000]
    assert t.steps[-1].citation.anchor() == "art14-para1" or t.steps[-1].citation.anchor() == "art14"


def test_surcharge_within_first_band_and_rounding():
    # plan 1000, excess 33.33 m³ × 0.5 × 3.15 yuan = 52.49475 → 52.49 ; nothing else
    bands, total = st.surcharge([100000, 100000], [3333, 0], *TIERS, 315)
    assert bands.tolist() == [[5249, 0, 0], [0, 0, 0]] and total.tolist() == [5249, 0]


def test_surcharge_tiers_not_set_stop_the_calculation():
    with pytest.raises(ParameterNotSet):
        st.surcharge_tiers(parameters(), dt.date(2024, 12, 31))
    entered = parameters().with_values(
        [
            AdminValue("surcharge.band_upper_bounds", dt.date(2024, 1, 1), ["10%", "30%"], source="test"),
            AdminValue("surcharge.multipliers", dt.date(2024, 1, 1), ["0.5", "1", "2"], source="test"),
            AdminValue("surcharge.base_price", dt.date(2024, 1, 1), 300, source="test"),
        ]
    )
    assert st.surcharge_tiers(entered, dt.date(2024, 12, 31)) == (*TIERS, 300)


def test_tiers_checked():
    with pytest.raises(WaterPlanError):
        st.surcharge([1], [1], (F(3, 10), F(1, 10)), (F(1), F(1), F(1)), 300)
    with pytest.raises(WaterPlanError):
        st.surcharge([1], [1], (F(1, 10),), (F(1),), 300)
