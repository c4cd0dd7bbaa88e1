"""Hand-computed tests of the rental-housing rules (鄂州政发〔2022〕19号, 鄂州政办发〔2022〕19号)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.common import RentalHousingInputError, centi_m2, period_last_day
from ezhou_rules.rental_housing.eligibility import Home, check_applicant, eligibility
from ezhou_rules.rental_housing.housing import (
    AREA_OK,
    AREA_REFUSED,
    AREA_WARNING,
    RENT_ONLY,
    RENT_THEN_SELL,
    project_type,
    reappraisal_due,
    rent_cap,
    rent_within_cap,
    unit_area_check,
)
from ezhou_rules.rental_housing.tenancy import check_contract_terms, exit_rent_statement, rent_to_own

D = dt.date


def applicant(**kw):
    base = dict(
        application_date=D(2024, 11, 15),
        birth_date=D(1995, 5, 1),
        full_civil_capacity=True,
        has_spouse=False,
        minor_children=0,
        homes=[],
        other_subsidised_housing=False,
    )
    base.update(kw)
    return check_applicant(**base)


# -- 第十二条第（一）项: 年满18周岁 on the application date ------------------------------------------------
def test_age_17_the_day_before_the_18th_birthday_is_refused():
    # born 2006-11-15: on 2024-11-14 still 17 (birthday not reached)
    r = applicant(birth_date=D(2006, 11, 15), application_date=D(2024, 11, 14))
    assert r.age == 17 and not r.eligible
    assert [x["code"] for x in r.reasons] == ["under_age"]
    assert r.reasons[0]["citation"] == "鄂州政发〔2022〕19号 第十二条第（一）项"


def test_age_18_on_the_birthday_is_eligible():
    r = applicant(birth_date=D(2006, 11, 15), application_date=D(2024, 11, 15))
    assert r.age == 18 and r.eligible


def test_born_on_29_february_turns_18_on_1_march_in_a_common_year():
    # 2008-02-29 → 2026-02-28 is before (2, 29): 17; 2026-03-01: 18
    assert applicant(birth_date=D(2008, 2, 29), application_date=D(2026, 2, 28)).age == 17
    assert applicant(birth_date=D(2008, 2, 29), application_date=D(2026, 3, 1)).age == 18


def test_full_civil_capacity_declared_false_is_refused():
    r = applicant(full_civil_capacity=False)
    assert not r.eligible and r.reasons[0]["code"] == "no_full_capacity"


# -- 第十二条第（二）项: 无房 or 人均 < 35 m² (strictly) ---------------------------------------------------
def test_exactly_35_m2_per_person_is_not_below_35():
    # applicant + spouse + 1 minor child = 3 persons; 105.00 m² / 3 = 35.00 m² → not "低于35" → refused
    r = applicant(has_spouse=True, minor_children=1, homes=[Home(centi_m2("105.00"))])
    assert r.household_size == 3 and r.per_capita_centi_m2 == 3500
    assert not r.eligible and [x["code"] for x in r.reasons] == ["housing"]


def test_just_below_35_m2_per_person_is_eligible():
    # 104.99 / 3 = 34.9966… < 35 → eligible (compared as 10499 < 3500 × 3 = 10500)
    r = applicant(has_spouse=True, minor_children=1, homes=[Home(centi_m2("104.99"))])
    assert r.eligible and r.per_capita_centi_m2 == 3500  # 34.9966 shown rounded to 35.00, but still below


def test_single_person_with_a_35_m2_home_is_refused_and_34_99_eligible():
    assert not applicant(homes=[Home(3500)]).eligible
    assert applicant(homes=[Home(3499)]).eligible


def test_off_plan_home_not_delivered_counts_as_none():
    r = applicant(homes=[Home(centi_m2("120"), delivered=False)])
    assert r.eligible and r.counted_homes == 0


def test_home_outside_the_district_is_not_counted():
    # 90 m² in the district + 200 m² elsewhere, 3 persons: 90/3 = 30 < 35 → eligible
    r = applicant(
        has_spouse=True,
        minor_children=1,
        homes=[Home(9000), Home(20000, in_district=False)],
    )
    assert r.eligible and r.counted_area_centi_m2 == 9000


def test_two_homes_add_up():
    # 40 + 31 = 71 m² for 2 persons = 35.5 ≥ 35 → refused
    r = applicant(has_spouse=True, homes=[Home(4000), Home(3100)])
    assert not r.eligible


# -- 第十二条第（三）项 ---------------------------------------------------------------------------------------
def test_other_subsidised_housing_is_refused():
    r = applicant(other_subsidised_housing=True)
    assert not r.eligible and r.reasons[0]["citation"].endswith("第十二条第（三）项")


def test_all_reasons_are_listed_with_trace_steps_citing_each_item():
    t = Trace()
    r = applicant(birth_date=D(2010, 1, 1), homes=[Home(5000)], other_subsidised_housing=True, trace=t)
    assert [x["code"] for x in r.reasons] == ["under_age", "housing", "other_subsidised"]
    anchors = [s.citation.anchor() for s in t.steps]
    assert anchors == ["art12-item1", "art12-item1", "art12-item2", "art12-item3"]
    assert "未满18周岁" in t.explain()


def test_vectorised_eligibility_over_columns():
    out = eligibility(
        np.array(["2024-11-15"] * 4, dtype="datetime64[D]"),
        np.array(["2006-11-16", "2006-11-15", "1990-01-01", "1990-01-01"], dtype="datetime64[D]"),
        [True, True, True, True],
        [1, 1, 2, 2],
        [0, 0, 7000, 6999],
        [0, 0, 1, 1],
        [False, False, False, False],
    )
    # 17, 18, 70/2 = 35 (not below), 69.99/2 < 35
    assert out["age"].tolist() == [17, 18, 34, 34]
    assert out["eligible"].tolist() == [False, True, False, True]


def test_a_date_before_the_measures_took_effect_is_refused():
    # issue 8 §4: a clear Chinese message naming the field, no longer a bare ParameterNotSet
    with pytest.raises(RentalHousingInputError) as e:
        applicant(application_date=D(2022, 10, 27))
    assert e.value.field == "application_date" and e.value.code == "date_before_in_force"
    assert e.value.message == (
        "申请日期：2022年10月27日早于鄂州政发〔2022〕19号（2022年10月28日起施行），该规定尚不适用，请核对日期。"
    )


def test_birth_after_application_is_an_input_error():
    with pytest.raises(RentalHousingInputError) as e:
        applicant(birth_date=D(2025, 1, 1))
    assert e.value.field == "birth_date"


def test_area_input_must_be_exact():
    assert centi_m2("89.5", field="a") == 8950
    with pytest.raises(RentalHousingInputError, match="两位小数"):
        centi_m2("89.505", field="area_m2")
    with pytest.raises(RentalHousingInputError, match="浮点数"):
        centi_m2(89.5, field="area_m2")


# -- 第六条 / 第七条: type from the sourcing method ----------------------------------------------------------
def test_project_type_items_1_to_5_rent_then_sell_6_to_8_rent_only():
    assert project_type([1, 2, 3, 4, 5, 6, 7, 8]).tolist() == [RENT_THEN_SELL] * 5 + [RENT_ONLY] * 3
    with pytest.raises(RentalHousingInputError):
        project_type([9])
    with pytest.raises(RentalHousingInputError):
        project_type([0])


# -- 第八条: unit areas --------------------------------------------------------------------------------------
def areas(kind, values, started=False):
    out = unit_area_check(
        [kind] * len(values),
        [centi_m2(v, field="a") for v in values],
        [started] * len(values),
        ["2024-01-01"] * len(values),
    )
    return out["status"].tolist()


def test_rent_then_sell_area_limits():
    # ≤ 90 ok; above 90 up to 140 a warning (原则上90左右); above 140 refused
    assert areas(RENT_THEN_SELL, ["90.00", "90.01", "140.00", "140.01"]) == [
        AREA_OK,
        AREA_WARNING,
        AREA_WARNING,
        AREA_REFUSED,
    ]


def test_rent_only_area_limits():
    assert areas(RENT_ONLY, ["70.00", "70.01", "90.00"]) == [AREA_OK, AREA_REFUSED, AREA_REFUSED]
    # started before, or converted from existing housing: up to 90
    assert areas(RENT_ONLY, ["70.01", "90.00", "90.01"], started=True) == [AREA_OK, AREA_OK, AREA_REFUSED]


# -- 第十条: rent cap and re-appraisal ------------------------------------------------------------------------
def test_rent_cap_is_70_percent_rounded_down():
    # 3000.00 × 70% = 2100.00; 3.33 × 70% = 2.331 → 2.33; 3.35 × 70% = 2.345 → 2.34 (down, never above 70%)
    assert rent_cap([300000, 333, 335], ["2024-01-01"] * 3).tolist() == [210000, 233, 234]
    assert rent_within_cap([210000, 210001], [300000, 300000], ["2024-01-01"] * 2).tolist() == [True, False]


def test_reappraisal_every_3_years():
    assert reappraisal_due(D(2023, 5, 10)) == D(2026, 5, 10)
    assert reappraisal_due(D(2024, 2, 29)) == D(2027, 2, 28)


# -- 第二十条第一款: term and payment period ------------------------------------------------------------------
def test_contract_term_1_to_3_years():
    check_contract_terms(D(2024, 3, 1), D(2025, 2, 28), 3)  # exactly 1 year
    check_contract_terms(D(2024, 3, 1), D(2027, 2, 28), 1)  # exactly 3 years
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2024, 3, 1), D(2025, 2, 27), 3)
    assert e.value.code == "term_too_short" and e.value.field == "end_date"
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2024, 3, 1), D(2027, 3, 1), 3)
    assert e.value.code == "term_too_long"
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2024, 3, 1), D(2025, 2, 28), 4)
    assert e.value.field == "payment_period_months"


# -- 第二十条第二款: exit rent statement ----------------------------------------------------------------------
def test_months_from_a_first_day_end_on_the_month_end_when_no_corresponding_day():
    # 1 month from 31 Jan: no 31 Feb → the month's last day (第二百零二条); 3 months: the day before 31 Apr → 30 Apr
    assert period_last_day(D(2024, 1, 31), months=1) == D(2024, 2, 29)
    assert period_last_day(D(2024, 1, 31), months=3) == D(2024, 4, 30)
    # 3 months from 1 Dec 2023: the day before 1 Mar 2024
    assert period_last_day(D(2023, 12, 1), months=3) == D(2024, 2, 29)


def test_exit_statement_three_months_at_contract_rent_then_market_rent():
    t = Trace()
    s = exit_rent_statement(
        exit_date=D(2024, 1, 31),
        move_out_months=3,
        vacated_date=D(2024, 5, 10),
        contract_rent_fen=150000,
        market_rent_fen=250000,
        trace=t,
    )
    # move-out period 2024-02-01 … 2024-04-30 (3 months from 02-01): 3 whole months × 1500.00 = 4500.00
    # then 2024-05-01 … 05-10: 10 days of the month-period 05-01 … 05-31 (31 days):
    # 2500.00 × 10 / 31 = 806.4516… → 806.45 (before issue 8 the days were counted in 04-30 → 05-30, 833.33)
    assert s.move_out_end == D(2024, 4, 30)
    assert [(x.kind, x.whole_months, x.extra_days, x.extra_period_days, x.amount_fen) for x in s.lines] == [
        ("contract", 3, 0, 0, 450000),
        ("market", 0, 10, 31, 80645),
    ]
    assert s.total_fen == 530645
    assert all(step.citation.anchor() == "art20-para2" for step in t.steps)


def test_exit_statement_vacated_inside_the_move_out_period():
    # 2024-07-01 … 07-15: 15 days of July (07-01 … 07-31, 31 days): 1000.00 × 15/31 = 483.870… → 483.87
    s = exit_rent_statement(
        exit_date=D(2024, 6, 30),
        move_out_months=3,
        vacated_date=D(2024, 7, 15),
        contract_rent_fen=100000,
        market_rent_fen=300000,
    )
    assert [(x.kind, x.amount_fen) for x in s.lines] == [("contract", 48387)]


def test_exit_statement_rounds_half_up_to_the_fen():
    # no move-out period; one day of April (30 days): 75 fen × 1/30 = 2.5 → 3 fen (half up)
    s = exit_rent_statement(
        exit_date=D(2024, 3, 31),
        move_out_months=0,
        vacated_date=D(2024, 4, 1),
        contract_rent_fen=100000,
        market_rent_fen=75,
    )
    assert [(x.kind, x.amount_fen) for x in s.lines] == [("market", 3)]


def test_exit_statement_vacated_on_the_exit_date_owes_nothing():
    s = exit_rent_statement(
        exit_date=D(2024, 3, 31),
        move_out_months=2,
        vacated_date=D(2024, 3, 31),
        contract_rent_fen=100000,
        market_rent_fen=200000,
    )
    assert s.lines == [] and s.total_fen == 0


def test_exit_statement_refuses_more_than_3_months_and_vacating_before_exit():
    with pytest.raises(RentalHousingInputError) as e:
        exit_rent_statement(
            exit_date=D(2024, 3, 31),
            move_out_months=4,
            vacated_date=D(2024, 9, 1),
            contract_rent_fen=1,
            market_rent_fen=1,
        )
    assert e.value.field == "move_out_months"
    with pytest.raises(RentalHousingInputError) as e:
        exit_rent_statement(
            exit_date=D(2024, 3, 31),
            move_out_months=1,
            vacated_date=D(2024, 3, 30),
            contract_rent_fen=1,
            market_rent_fen=1,
        )
    assert e.value.field == "vacated_date"


# -- rent-to-own: 第六条第二款, 鄂州政办发〔2022〕19号 三（四） ---------------------------------------------
def test_rent_to_own_after_5_full_years_with_rent_credited():
    t = Trace()
    kw = dict(
        housing_type=RENT_THEN_SELL, tenancy_start=D(2023, 3, 1), rent_paid_fen=6000000, price_fen=50000000
    )
    # 2023-03-01 + 5 years: full on 2028-02-29 (end of day), apply from 2028-03-01
    assert not rent_to_own(on=D(2028, 2, 29), **kw).may_apply_now
    r = rent_to_own(on=D(2028, 3, 1), trace=t, **kw)
    assert r.conversion_from == D(2028, 3, 1) and r.may_apply_now
    # 500,000.00 − 60,000.00 credited = 440,000.00
    assert r.credited_rent_fen == 6000000 and r.payable_fen == 44000000
    assert {s.citation.anchor() for s in t.steps} == {"sec3-item4"}


def test_shared_ownership_held_5_years_and_bought_in_full_may_be_sold():
    kw = dict(
        housing_type=RENT_THEN_SELL,
        tenancy_start=D(2023, 3, 1),
        rent_paid_fen=0,
        shared_ownership_from=D(2028, 6, 1),
    )
    assert rent_to_own(on=D(2033, 6, 1), full_ownership=True, **kw).may_sell_now
    assert not rent_to_own(on=D(2033, 5, 31), full_ownership=True, **kw).may_sell_now
    r = rent_to_own(on=D(2034, 1, 1), full_ownership=False, **kw)
    assert r.market_sale_from == D(2033, 6, 1) and not r.may_sell_now


def test_rent_only_units_cannot_be_bought():
    r = rent_to_own(housing_type=RENT_ONLY, tenancy_start=D(2023, 3, 1), on=D(2030, 1, 1), rent_paid_fen=1)
    assert not r.allowed and "第六条第三款" in r.reason


def test_credited_rent_above_the_price_leaves_nothing_to_pay():
    r = rent_to_own(
        housing_type=RENT_THEN_SELL,
        tenancy_start=D(2023, 3, 1),
        on=D(2030, 1, 1),
        rent_paid_fen=700,
        price_fen=500,
    )
    assert r.payable_fen == 0 and r.uncredited_rent_fen == 200


def test_parameters_cite_the_gazette():
    tree = parameters()
    assert (
        tree.entry("eligibility.per_capita_floor_area_below", D(2024, 1, 1)).citation.anchor()
        == "art12-item2"
    )
    assert tree.get("sourcing_plan.total_units", D(2024, 1, 1)) == 5000
