"""Classes (第四条、第六条), premium subsidy (第七条), class-4 recognition (第四条), warnings (第十四条)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest

from ezhou_rules.core.params import AdminValue, ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.recipients import (
    WARN_INTO,
    WARN_NONE,
    WARN_RETURN,
    assess_class_4,
    class_4_valid_until,
    critical_illness_tilt,
    needs_application,
    pay_after_treatment,
    pay_after_treatment_person,
    premium_subsidy,
    recipient_class,
    retroactive_window,
    warning_group,
    warnings,
)

TREE = parameters().with_values(
    [
        AdminValue("income.per_capita_disposable", dt.date(2023, 1, 1), 4_000_000, source="测试数据"),
        AdminValue("income.rural_per_capita_disposable", dt.date(2023, 1, 1), 2_000_000, source="测试数据"),
        AdminValue("premium_subsidy.individual_premium", dt.date(2024, 1, 1), 38_000, source="测试数据"),
        AdminValue("premium_subsidy.individual_premium", dt.date(2026, 1, 1), 40_000, source="测试数据"),
    ]
)


def test_highest_class_only() -> None:
    t = Trace()
    assert recipient_class(["low_income_marginal", "minimum_living", "illness_poverty"], trace=t) == 2
    assert "就高不重复" in t.steps[0].explanation and t.steps[0].citation.anchor() == "art6"
    assert recipient_class(["orphan"]) == 1
    assert recipient_class(["sudden_hardship"]) == 3
    assert recipient_class(["other_special"]) == 4
    assert recipient_class(["stable_lifted"]) is None
    assert recipient_class([]) is None


def test_direct_or_on_application() -> None:
    assert [needs_application(c) for c in (1, 2, 3, 4)] == [False, False, True, True]


def test_pay_after_treatment() -> None:
    assert pay_after_treatment(["minimum_living"], referred_from_primary_care=True, in_city_inpatient=True)
    assert pay_after_treatment(["marginal_at_risk"], referred_from_primary_care=True, in_city_inpatient=True)
    assert not pay_after_treatment(
        ["low_income_marginal"], referred_from_primary_care=True, in_city_inpatient=True
    )
    assert not pay_after_treatment(["orphan"], referred_from_primary_care=False, in_city_inpatient=True)
    assert not pay_after_treatment(["orphan"], referred_from_primary_care=True, in_city_inpatient=False)


def test_pay_after_treatment_person() -> None:
    # 第二十条 names classes 1 and 2 and the monitored rural persons; not 低保边缘, class 4 or ordinary enrollees
    assert pay_after_treatment_person(["extreme_poverty"]) and pay_after_treatment_person(
        ["returned_to_poverty"]
    )
    assert pay_after_treatment_person(["sudden_hardship"])
    assert pay_after_treatment_person(["low_income_marginal", "unstable_lifted"])
    assert not pay_after_treatment_person(["low_income_marginal"])
    assert not pay_after_treatment_person(["illness_poverty", "stable_lifted"])
    assert not pay_after_treatment_person([])


def test_premium_subsidy() -> None:
    # 380 × 100% = 380; 380 × 90% = 342; 380 × 50% = 190
    assert premium_subsidy(TREE, ["extreme_poverty"], 2024).subsidy == 38_000
    assert premium_subsidy(TREE, ["minimum_living"], 2024).subsidy == 34_200
    assert premium_subsidy(TREE, ["unstable_lifted"], 2024).subsidy == 19_000
    # 低保边缘 (class 3 but not monitored rural) and class 4: nothing
    assert premium_subsidy(TREE, ["low_income_marginal"], 2024).subsidy == 0
    assert premium_subsidy(TREE, ["illness_poverty"], 2024).subsidy == 0
    # highest: 低保 + 监测 → 90%
    assert premium_subsidy(TREE, ["minimum_living", "unstable_lifted"], 2024).ratio == Fraction(9, 10)
    # after the transition period (ends 2025-12-31): no 50% subsidy in coverage year 2026
    assert premium_subsidy(TREE, ["unstable_lifted"], 2026).subsidy == 0
    assert premium_subsidy(TREE, ["orphan"], 2026).subsidy == 40_000


def test_premium_not_entered_stops() -> None:
    with pytest.raises(ParameterNotSet, match="individual_premium"):
        premium_subsidy(TREE, ["orphan"], 2023)


def test_class_4_recognition() -> None:
    day = dt.date(2024, 5, 10)
    # threshold: 2023 income 40000 × 100% = 40000; must be strictly above
    at = assess_class_4(
        TREE, application_date=day, self_pay_12m=4_000_000, property_check_passed=True, existing_class=None
    )
    assert not at.eligible and at.threshold == 4_000_000
    above = assess_class_4(
        TREE, application_date=day, self_pay_12m=4_000_001, property_check_passed=True, existing_class=None
    )
    assert above.eligible
    assert not assess_class_4(
        TREE, application_date=day, self_pay_12m=9_000_000, property_check_passed=False, existing_class=None
    ).eligible
    assert not assess_class_4(
        TREE, application_date=day, self_pay_12m=9_000_000, property_check_passed=True, existing_class=3
    ).eligible
    with pytest.raises(ParameterNotSet):
        assess_class_4(
            TREE,
            application_date=dt.date(2025, 1, 2),
            self_pay_12m=1,
            property_check_passed=True,
            existing_class=None,
        )


def test_validity_and_retroactive_window() -> None:
    assert class_4_valid_until(TREE, dt.date(2024, 3, 15)) == dt.date(2025, 3, 14)
    assert class_4_valid_until(TREE, dt.date(2024, 2, 29)) == dt.date(2025, 2, 27)
    assert retroactive_window(TREE, dt.date(2024, 3, 15)) == (dt.date(2023, 3, 15), dt.date(2024, 3, 14))


def test_double_warning() -> None:
    assert warning_group(["low_income_marginal"]) == WARN_RETURN
    assert warning_group(["stable_lifted"]) == WARN_RETURN
    assert warning_group([]) == WARN_INTO
    assert warning_group(["minimum_living"]) == WARN_NONE
    # rural income 2023 = 20000: return line 10000 (50%), into line 20000 (100%), strictly above
    group = np.array([WARN_RETURN, WARN_RETURN, WARN_INTO, WARN_INTO, WARN_NONE], dtype=np.int8)
    pay = np.array([1_000_000, 1_000_001, 2_000_000, 2_000_001, 9_000_000], dtype=np.int64)
    assert warnings(TREE, 2024, group, pay).tolist() == [0, 1, 0, 2, 0]


def test_critical_illness_tilt() -> None:
    day = dt.date(2024, 1, 1)
    # base deductible 12000, ratio 60%, cap 300000 (configuration) → class 1: 6000, 65%, no cap
    assert critical_illness_tilt(
        TREE, 1, day, deductible=1_200_000, ratio=Fraction(3, 5), cap=30_000_000
    ) == (600_000, Fraction(13, 20), None)
    assert critical_illness_tilt(
        TREE, 3, day, deductible=1_200_000, ratio=Fraction(3, 5), cap=30_000_000
    ) == (1_200_000, Fraction(3, 5), 30_000_000)
