"""附件1: the statistic and quota methods and the coefficient, each worked out by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import plan as p
from ezhou_rules.water_plan.errors import WaterPlanError

E = p.CoefficientEvent


def test_statistic_three_years_weights_10_20_70():
    t = Trace()
    # (1000×10% + 1200×20% + 1500×70%) = 100 + 240 + 1050 = 1390 m³; ×(1.0+0.1) = 1529.00 m³
    assert p.statistic_plan([[100000, 120000, 150000]], [5], [10], [0], 2024, trace=t).tolist() == [152900]
    assert t.steps[0].citation.anchor() == "annex1-sec2-item2-sub1"
    assert "1390.00" in t.steps[0].explanation


def test_statistic_two_years_weights_30_70_with_adjustment():
    t = Trace()
    # 1200×30% + 1500×70% = 360 + 1050 = 1410 m³; ×(1.0−0.05) = 1339.50; −10.25 = 1329.25 m³
    assert p.statistic_plan([[999900, 120000, 150000]], [2], [-5], [-1025], 2024, trace=t).tolist() == [
        132925
    ]
    assert t.steps[0].citation.anchor() == "annex1-sec2-item2-sub2"


def test_statistic_one_year_100_percent_and_rounding_half_up():
    # 1000.01 × 100% × (1.0+0.05) = 1050.0105 → 1050.01 m³ ; 333.33 × 1.05 = 349.9965 → 350.00
    out = p.statistic_plan([[0, 0, 100001], [0, 0, 33333]], [1, 1], [5, 5], [0, 0], 2024)
    assert out.tolist() == [105001, 35000]


def test_statistic_batch_mixes_weight_sets():
    # row1: 3 years → 10/20/70 of (100,100,200) = 10+20+140 = 170 m³ ; row2: 2 years → 30/70 = 30+140 = 170
    out = p.statistic_plan([[10000, 10000, 20000], [10000, 10000, 20000]], [3, 2], [0, 0], [0, 0], 2024)
    assert out.tolist() == [17000, 17000]


def test_statistic_refuses_under_one_year():
    with pytest.raises(WaterPlanError) as e:
        p.statistic_plan([[0, 0, 100]], [0], [0], [0], 2024)
    assert e.value.code == "normal_use_under_one_year" and "附件1 二（二）4" in e.value.message


def test_normal_use_years_counts_full_years_before_plan_year():
    assert p.normal_use_years(dt.date(2021, 1, 1), 2024) == 3
    assert p.normal_use_years(dt.date(2021, 1, 2), 2024) == 2
    assert p.normal_use_years(dt.date(2023, 6, 1), 2024) == 0


def test_quota_plan():
    t = Trace()
    # 500 人 × 12.5 m³/(人·a) = 6250 m³; × (1.0 − 0.05) = 5937.50; + 10.00 = 5947.50 m³
    out = p.quota_plan([F(500)], [F("12.5")], [-5], [1000], trace=t, unit="m³/(人·a)")
    assert out.tolist() == [594750]
    assert t.steps[0].citation.anchor() == "annex1-sec1-item2"


def test_quota_plan_rounds_once_half_up():
    # 3.33 × 1.0005 = 3.331665 m³ ×(1+0.3) = 4.3311645 → 4.33 m³
    assert p.quota_plan([F("3.33")], [F("1.0005")], [30], [0]).tolist() == [433]


def test_find_quota_refuses_without_entry_naming_it():
    entries = [p.QuotaEntry("机关办公", "m³/(人·a)", F(15), dt.date(2025, 1, 1), "test")]
    with pytest.raises(WaterPlanError) as e:
        p.find_quota(entries, "机关办公", "m³/(人·a)", dt.date(2024, 1, 1))
    assert e.value.code == "quota_missing" and "机关办公" in e.value.message
    assert p.find_quota(entries, "机关办公", "m³/(人·a)", dt.date(2025, 3, 1)).value == 15


def test_clerk_set_plan_requires_reason():
    with pytest.raises(WaterPlanError):
        p.clerk_set_plan(10000, "design", " ")
    assert p.clerk_set_plan(10000, "design", "按设计用水量核定") == 10000


@pytest.mark.parametrize(
    ("event", "counts_for", "delta"),
    [
        # (一) title valid 2023-06-01 … 2025-05-31: plan years whose 1 Jan is inside: 2024, 2025
        (E("water_saving_title", dt.date(2023, 6, 1), until=dt.date(2025, 5, 31)), (2024, 2025), 10),
        # (二) test and rectification completed 2023: +0.1 in 2024, 2025, 2026
        (E("balance_test_rectified", dt.date(2023, 8, 1)), (2024, 2026), 10),
        (E("balance_test_not_done", dt.date(2023, 12, 31)), (2024, 2024), -10),
        # (三) retrofit filed 2023: 1 year from the next year
        (E("retrofit_filed", dt.date(2023, 3, 1)), (2024, 2024), 10),
        (E("project_without_measures", dt.date(2023, 3, 1)), (2024, 2024), -10),
        # (四) unconventional water used: the year of implementation
        (E("unconventional_used", dt.date(2024, 3, 1)), (2024, 2024), 10),
        (E("unconventional_not_used", dt.date(2023, 3, 1)), (2024, 2024), -10),
        (E("advanced_efficiency", dt.date(2023, 3, 1)), (2024, 2024), 10),
        (E("obsolete_equipment", dt.date(2023, 3, 1)), (2024, 2024), -10),
        (E("metering_compliant", dt.date(2023, 3, 1)), (2024, 2024), 10),
        (E("metering_noncompliant", dt.date(2023, 3, 1)), (2024, 2024), -10),
        # (七) statistics ±0.05
        (E("statistics_timely", dt.date(2023, 3, 1)), (2024, 2024), 5),
        (E("statistics_late", dt.date(2023, 3, 1)), (2024, 2024), -5),
    ],
)
def test_each_coefficient_case(event, counts_for, delta):
    assert p.applicable_years(event) == counts_for
    t = Trace()
    assert p.coefficient([event], counts_for[0], trace=t) == delta
    assert p.coefficient([event], counts_for[1] + 1) == 0
    assert t.steps[0].citation.anchor().startswith("annex1-sec3-item")


def test_coefficient_caps_plus_and_minus_point_three():
    ups = [
        E(k, dt.date(2023, 5, 1))
        for k in ("balance_test_rectified", "retrofit_filed", "advanced_efficiency", "metering_compliant")
    ]
    downs = [
        E(k, dt.date(2023, 5, 1))
        for k in (
            "balance_test_not_done",
            "project_without_measures",
            "unconventional_not_used",
            "obsolete_equipment",
        )
    ]
    # increases 0.4 → capped 0.3
    assert p.coefficient(ups, 2024) == 30
    # decreases −0.4 → capped −0.3
    assert p.coefficient(downs, 2024) == -30
    # +0.3 (capped) − 0.3 (capped) + nothing else = 0
    assert p.coefficient(ups + downs, 2024) == 0


def test_same_case_counts_once_a_year():
    # tests completed 2022 and 2023 both cover 2024: +0.1 once, not +0.2
    evs = [E("balance_test_rectified", dt.date(2022, 5, 1)), E("balance_test_rectified", dt.date(2023, 5, 1))]
    assert p.coefficient(evs, 2024) == 10


def test_coefficients_batch_matches_single():
    evs = [
        E("balance_test_rectified", dt.date(2022, 5, 1)),
        E("statistics_late", dt.date(2023, 3, 1)),
        E("balance_test_rectified", dt.date(2023, 5, 1)),
    ]
    years = [p.applicable_years(e) for e in evs]
    # unit 0: +0.1 −0.05 = 0.05 ; unit 1: +0.1 ; unit 2: none
    out = p.coefficients_batch(
        [0, 0, 1], [e.kind for e in evs], [y[0] for y in years], [y[1] for y in years], 2024, 3
    )
    assert out.tolist() == [5, 10, 0]


def test_plus_minus_point_three_is_per_side_worked_example():
    # W3. 附件1 三: "增加累计不大于0.3, 降低累计不低于-0.3": each side is capped, then the two are added.
    # Increases: (二) +0.1, (三) +0.1, (五) +0.1, (六) +0.1 = +0.4 → capped +0.3.
    # Decreases: (四) −0.1, (七) −0.05 = −0.15 (inside −0.3).
    # Per side: +0.3 − 0.15 = +0.15.  The net reading (+0.4 − 0.15 = +0.25, inside ±0.3) would give +0.25.
    evs = [
        E(k, dt.date(2023, 5, 1))
        for k in (
            "balance_test_rectified",
            "retrofit_filed",
            "advanced_efficiency",
            "metering_compliant",
            "unconventional_not_used",
            "statistics_late",
        )
    ]
    b = p.coefficient_breakdown(evs, 2024)
    assert (b.increases, b.decreases, b.value) == (40, 15, 15)
    # and a plan of 1000.00 m³ (one year of normal use): × (1.0 + 0.15) = 1150.00, not 1250.00
    assert p.statistic_plan([[0, 0, 100000]], [1], [b.value], [0], 2024).tolist() == [115000]


_KINDS = sorted(p.COEFFICIENT_CASES)


# too_slow: on the shared two-core machine the date strategy alone can take seconds under load.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(_KINDS), st.dates(dt.date(2021, 1, 1), dt.date(2025, 12, 31))), max_size=12
    ),
    st.integers(2022, 2026),
)
def test_coefficient_is_per_side_capped_sum_property(raw, year):
    evs = [
        E(k, d, until=d + dt.timedelta(days=800)) if k == "water_saving_title" else E(k, d) for k, d in raw
    ]
    b = p.coefficient_breakdown(evs, year)
    ups = sum(c.delta for c in b.cases if c.delta > 0)
    downs = -sum(c.delta for c in b.cases if c.delta < 0)
    # each case once a year; each side capped at 0.3 (inclusive: 不大于/不低于 include the figure)
    assert len({c.kind for c in b.cases}) == len(b.cases)
    assert b.value == min(ups, 30) - min(downs, 30)
    assert -30 <= b.value <= 30
    assert p.coefficient(evs, year) == b.value


def test_first_partial_year_values_are_looked_up_when_the_rule_applies():
    # In force 2022-07-11: a 2022 plan and a test completed in 2021 (counting 2022–2024) look values up from
    # 2022-07-11, not at 2022-01-01 when none existed (ParameterNotSet before).
    ev = E("balance_test_rectified", dt.date(2021, 9, 1))
    assert p.applicable_years(ev) == (2022, 2024)
    assert p.coefficient([ev], 2022) == 10
    # 2022 plan, one year of normal use: 1000.00 × (1.0 + 0.1) = 1100.00 m³
    assert p.statistic_plan([[0, 0, 100000]], [1], [10], [0], 2022).tolist() == [110000]
    assert p.coefficients_batch([0], [ev.kind], [2022], [2024], 2022, 1).tolist() == [10]
