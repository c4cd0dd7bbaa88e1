"""Classes (第四条、第六条), premium subsidy (第七条), class-4 recognition (第四条), warnings (第十四条)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    recognised_by,
    retroactive_window,
    warning_group,
    warning_thresholds,
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
    # M9, 民法典 第二百零一条: the recognition day is not counted; 第二百零二条: the period ends on the
    # corresponding day of the 12th month, or that month's last day when it has none.
    assert class_4_valid_until(TREE, dt.date(2024, 3, 15)) == dt.date(2025, 3, 15)
    # 2025 has no 29 February → 28 February (not 27, and not 1 March)
    assert class_4_valid_until(TREE, dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    # 31 March + 12 months = 31 March; 31 January 2023 + 12 = 31 January 2024
    assert class_4_valid_until(TREE, dt.date(2024, 3, 31)) == dt.date(2025, 3, 31)
    assert class_4_valid_until(TREE, dt.date(2023, 1, 31)) == dt.date(2024, 1, 31)
    # a validity end is not moved off a rest day (第二百零三条 is about time limits for acts): 2025-03-15 is a
    # Saturday and stays the last day
    assert dt.date(2025, 3, 15).isoweekday() == 6
    assert retroactive_window(TREE, dt.date(2024, 3, 15)) == (dt.date(2023, 3, 15), dt.date(2024, 3, 14))
    assert retroactive_window(TREE, dt.date(2024, 2, 29)) == (dt.date(2023, 2, 28), dt.date(2024, 2, 28))


@given(st.dates(dt.date(2022, 10, 18), dt.date(2030, 12, 31)))
def test_validity_is_twelve_calendar_months(day: dt.date) -> None:
    # the same day of the month a year later; only 29 February has no such day and ends on the 28th
    expected = (
        dt.date(day.year + 1, 2, 28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year + 1)
    )
    assert class_4_valid_until(TREE, day) == expected


def test_double_warning() -> None:
    assert warning_group(["low_income_marginal"]) == WARN_RETURN
    assert warning_group(["stable_lifted"]) == WARN_RETURN
    assert warning_group(["sudden_hardship", "stable_lifted"]) == WARN_RETURN
    assert warning_group([]) == WARN_INTO
    assert warning_group(["minimum_living"]) == WARN_NONE
    # rural income 2023 = 20000: return line 10000 (50%), into line 20000 (100%), strictly above
    group = np.array([WARN_RETURN, WARN_RETURN, WARN_INTO, WARN_INTO, WARN_NONE], dtype=np.int8)
    pay = np.array([1_000_000, 1_000_001, 2_000_000, 2_000_001, 9_000_000], dtype=np.int64)
    assert warnings(TREE, dt.date(2024, 1, 31), group, pay).tolist() == [0, 1, 0, 2, 0]


@pytest.mark.parametrize(
    "kinds",
    [
        # M13: classes 1, 2 and 4 are recipients already and on neither list, whatever second identity they
        # hold (第六条: the highest class is the person's class)
        ["minimum_living", "low_income_marginal"],
        ["minimum_living", "stable_lifted"],
        ["orphan", "unstable_lifted"],
        ["returned_to_poverty", "marginal_at_risk"],
        ["extreme_poverty", "stable_lifted"],
        ["illness_poverty", "stable_lifted"],
        ["other_special"],
    ],
)
def test_recipients_of_classes_1_2_4_are_on_neither_list(kinds: list[str]) -> None:
    assert warning_group(kinds) == WARN_NONE


def test_class_3_with_a_class_4_identity_is_watched_for_return_to_poverty() -> None:
    # 低保边缘 (class 3) + 因病致贫重病患者 (class 4): the highest is class 3, which 第十四条 watches
    assert warning_group(["illness_poverty", "low_income_marginal"]) == WARN_RETURN


def test_warnings_of_the_first_partial_year() -> None:
    # 34号 took effect on 2022-10-18: the shares have no value on 2022-01-01, so the 2022 lists are looked up on
    # the month's last day. Rural income 2021 = 18000 → return line 9000, into line 18000.
    tree = parameters().with_values(
        [AdminValue("income.rural_per_capita_disposable", dt.date(2021, 1, 1), 1_800_000, source="测试数据")]
    )
    with pytest.raises(ParameterNotSet):
        tree.get("warning.return_to_poverty_share", dt.date(2022, 1, 1))
    group = np.array([WARN_RETURN, WARN_INTO], dtype=np.int8)
    pay = np.array([900_001, 1_800_000], dtype=np.int64)
    assert warnings(tree, dt.date(2022, 11, 30), group, pay).tolist() == [WARN_RETURN, WARN_NONE]
    assert warning_thresholds(tree, dt.date(2022, 11, 30)) == {WARN_RETURN: 900_000, WARN_INTO: 1_800_000}


@pytest.mark.parametrize(
    ("kind", "department"),
    [
        ("extreme_poverty", "civil_affairs"),
        ("orphan", "civil_affairs"),
        ("minimum_living", "civil_affairs"),
        ("low_income_marginal", "civil_affairs"),
        ("illness_poverty", "civil_affairs"),
        ("other_special", "civil_affairs"),
        ("returned_to_poverty", "rural_revitalization"),
        ("unstable_lifted", "rural_revitalization"),
        ("marginal_at_risk", "rural_revitalization"),
        ("sudden_hardship", "rural_revitalization"),
        ("stable_lifted", "rural_revitalization"),
    ],
)
def test_each_identity_has_the_department_article_22_names(kind: str, department: str) -> None:
    who = recognised_by(kind)
    assert who.department == department
    assert who.cite.endswith("第二十二条第三款" if department == "civil_affairs" else "第二十二条第八款")


def test_critical_illness_tilt() -> None:
    day = dt.date(2024, 1, 1)
    # base deductible 12000, ratio 60%, cap 300000 (configuration) → class 1: 6000, 65%, no cap
    assert critical_illness_tilt(
        TREE, 1, day, deductible=1_200_000, ratio=Fraction(3, 5), cap=30_000_000
    ) == (600_000, Fraction(13, 20), None)
    assert critical_illness_tilt(
        TREE, 3, day, deductible=1_200_000, ratio=Fraction(3, 5), cap=30_000_000
    ) == (1_200_000, Fraction(3, 5), 30_000_000)
