"""Periods of months and years in the rental-housing rules (民法典 第二百零一条、第二百零二条; interpretation R9):
leases, move-out periods, rent-to-own, exit rent by whole months then days, the rent schedule, and the 5-year
validity of 鄂州政发〔2022〕19号 (第三十一条)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import parameters, validity_warning
from ezhou_rules.rental_housing.common import (
    RentalHousingInputError,
    anniversary,
    completed_on,
    period_last_day,
)
from ezhou_rules.rental_housing.eligibility import check_applicant
from ezhou_rules.rental_housing.housing import RENT_ONLY, RENT_THEN_SELL, check_unit_area, reappraisal_due
from ezhou_rules.rental_housing.tenancy import (
    check_contract_terms,
    exit_rent_statement,
    rent_schedule,
    rent_to_own,
)

D = dt.date
ONE = dt.timedelta(days=1)


# -- leases from 29 February (第二十条第一款, 民法典 第二百零二条) -----------------------------------------------
def test_a_lease_from_29_february_to_28_february_three_years_later_is_exactly_3_years():
    # 3 years from 2024-02-29: no 29 February in 2027, so the month's last day 2027-02-28 is the last day
    assert period_last_day(D(2024, 2, 29), years=3) == D(2027, 2, 28)
    assert check_contract_terms(D(2024, 2, 29), D(2027, 2, 28), 3) == ""  # accepted, no warning
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2024, 2, 29), D(2027, 3, 1), 3)  # one day more: over 3 years
    assert e.value.code == "term_too_long" and e.value.message.startswith("到期日期：")
    assert "最迟于2027年2月28日到期" in e.value.message


def test_a_lease_from_29_february_to_27_february_next_year_is_under_a_year():
    # 1 year from 2024-02-29 ends on 2025-02-28 (the month's last day); 2025-02-27 is one day short
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2024, 2, 29), D(2025, 2, 27), 3)
    assert e.value.code == "term_too_short" and e.value.field == "end_date"
    assert "最早于2025年2月28日到期，2025年2月27日到期不足1年" in e.value.message
    assert check_contract_terms(D(2024, 2, 29), D(2025, 2, 28), 3) == ""


def test_a_lease_from_1_march_keeps_its_year_ending_on_the_last_day_of_february():
    # the usual lease is unchanged: 2024-03-01 … 2025-02-28 is 1 year; 2023-03-01 … 2024-02-29 is 1 year
    assert period_last_day(D(2024, 3, 1), years=1) == D(2025, 2, 28)
    assert period_last_day(D(2023, 3, 1), years=1) == D(2024, 2, 29)
    check_contract_terms(D(2023, 3, 1), D(2024, 2, 29), 1)
    with pytest.raises(RentalHousingInputError):
        check_contract_terms(D(2023, 3, 1), D(2024, 2, 28), 1)


def test_a_contract_before_the_measures_took_effect_is_refused_naming_the_start_date():
    with pytest.raises(RentalHousingInputError) as e:
        check_contract_terms(D(2022, 10, 1), D(2023, 9, 30), 3)
    assert e.value.field == "start_date" and e.value.code == "date_before_in_force"
    assert e.value.message.startswith("起租日期：2022年10月1日早于鄂州政发〔2022〕19号")


# -- rent-to-own (鄂州政办发〔2022〕19号 三（四）: 租赁满5年后) ------------------------------------------------
def test_rent_to_own_from_29_february_opens_on_1_march_five_years_later():
    t = Trace()
    kw = dict(housing_type=RENT_THEN_SELL, tenancy_start=D(2024, 2, 29), rent_paid_fen=0)
    # the tenancy counts from 2024-02-29; 5 years end on 2029-02-28 (no 29 Feb in 2029: the month's last
    # day), so "满5年后" is 2029-03-01 — not 2029-02-28, which is still inside the fifth year
    assert completed_on(D(2024, 2, 29), years=5) == D(2029, 3, 1)
    assert not rent_to_own(on=D(2029, 2, 28), **kw).may_apply_now
    r = rent_to_own(on=D(2029, 3, 1), trace=t, **kw)
    assert r.conversion_from == D(2029, 3, 1) and r.may_apply_now
    assert "至2029年2月28日租赁满5年，自2029年3月1日起可申请" in t.explain()


def test_shared_ownership_from_29_february_may_be_sold_from_1_march_five_years_later():
    r = rent_to_own(
        housing_type=RENT_THEN_SELL,
        tenancy_start=D(2023, 3, 1),
        on=D(2033, 3, 1),
        rent_paid_fen=0,
        shared_ownership_from=D(2028, 2, 29),
        full_ownership=True,
    )
    # held from 2028-02-29: 5 years end on 2033-02-28 → may be sold from 2033-03-01
    assert r.market_sale_from == D(2033, 3, 1) and r.may_sell_now


def test_rent_to_own_refuses_a_tenancy_before_the_plan_naming_the_field():
    with pytest.raises(RentalHousingInputError) as e:
        rent_to_own(
            housing_type=RENT_THEN_SELL, tenancy_start=D(2022, 8, 1), on=D(2028, 1, 1), rent_paid_fen=0
        )
    assert e.value.field == "tenancy_start" and "鄂州政办发〔2022〕19号" in e.value.message


# -- re-appraisal (第十条): counted from the appraisal day, 第二百零一条 ------------------------------------------
def test_reappraisal_three_years_after_29_february():
    # appraised 2024-02-29 (that day not counted): 3 years end on the corresponding day, none → 2027-02-28
    assert reappraisal_due(D(2024, 2, 29)) == anniversary(D(2024, 2, 29), years=3) == D(2027, 2, 28)


# -- exit rent: whole calendar months, then days (第二十条第二款) ---------------------------------------------
def test_exit_rent_after_the_move_out_period_is_one_whole_month():
    t = Trace()
    s = exit_rent_statement(
        exit_date=D(2022, 11, 30),
        move_out_months=3,
        vacated_date=D(2023, 3, 31),
        contract_rent_fen=100000,
        market_rent_fen=150000,
        trace=t,
    )
    # move-out period 2022-12-01 … 2023-02-28 (3 months from 12-01) at the contract rent: 3 × 1,000.00
    # then 2023-03-01 … 2023-03-31 = one whole calendar month at the market rent: 1 × 1,500.00 = 1,500.00
    # (before issue 8: a month from 02-28 to 03-28, then 3 days of 31 → 1,500.00 + 145.16 = 1,645.16)
    assert s.move_out_end == D(2023, 2, 28)
    market = s.lines[-1]
    assert (market.kind, market.first_day, market.last_day) == ("market", D(2023, 3, 1), D(2023, 3, 31))
    assert (market.whole_months, market.extra_days, market.amount_fen) == (1, 0, 150000)
    assert s.total_fen == 300000 + 150000
    assert "2023年3月1日至2023年3月31日按1,500.00元/月计：1个整月，共1,500.00元" in t.explain()


def test_exit_rent_whole_months_then_days_of_the_next_month():
    # market rent from 2023-03-01 to 2023-05-10: March, April (2 months) + 10 days of May (31 days):
    # 1,500.00 × 2 + 1,500.00 × 10 / 31 = 3,000.00 + 483.870… → 3,483.87
    s = exit_rent_statement(
        exit_date=D(2022, 11, 30),
        move_out_months=3,
        vacated_date=D(2023, 5, 10),
        contract_rent_fen=100000,
        market_rent_fen=150000,
    )
    m = s.lines[-1]
    assert (m.whole_months, m.extra_days, m.extra_period_days, m.amount_fen) == (2, 10, 31, 348387)


def test_move_out_after_a_february_month_end_runs_to_the_end_of_march():
    # exit 2023-02-28: the move-out month starts 03-01 and ends 03-31 (not 03-28)
    s = exit_rent_statement(
        exit_date=D(2023, 2, 28),
        move_out_months=1,
        vacated_date=D(2023, 3, 31),
        contract_rent_fen=100000,
        market_rent_fen=300000,
    )
    assert s.move_out_end == D(2023, 3, 31)
    assert [(x.kind, x.whole_months, x.amount_fen) for x in s.lines] == [("contract", 1, 100000)]


def test_exit_rent_before_the_measures_is_refused_naming_the_exit_date():
    with pytest.raises(RentalHousingInputError) as e:
        exit_rent_statement(
            exit_date=D(2022, 9, 30),
            move_out_months=1,
            vacated_date=D(2022, 12, 1),
            contract_rent_fen=1,
            market_rent_fen=1,
        )
    assert e.value.field == "exit_date" and e.value.message.startswith("退出日期：")


# -- the rent schedule (第二十条第一款, 第二十一条) ------------------------------------------------------------
def test_rent_schedule_of_a_one_year_lease_collected_every_three_months():
    # 2024-01-31 … 2025-01-30, every 3 months: 01-31…04-30, 05-01…07-30, 07-31…10-30, 10-31…2025-01-30,
    # each 3 × 1,260.00 = 3,780.00; the year 15,120.00 = 12 × 1,260.00
    lines = rent_schedule(
        start=D(2024, 1, 31), end=D(2025, 1, 30), monthly_rent_fen=126000, payment_period_months=3
    )
    assert [(x.first_day, x.last_day, x.amount_fen) for x in lines] == [
        (D(2024, 1, 31), D(2024, 4, 30), 378000),
        (D(2024, 5, 1), D(2024, 7, 30), 378000),
        (D(2024, 7, 31), D(2024, 10, 30), 378000),
        (D(2024, 10, 31), D(2025, 1, 30), 378000),
    ]


def test_rent_schedule_ends_with_a_shorter_period():
    # 2024-03-01 … 2024-05-10 every 2 months: March–April 2 × 1,000.00; then 05-01 … 05-10 = 10/31 of May:
    # 1,000.00 × 10 / 31 = 322.580… → 322.58
    lines = rent_schedule(
        start=D(2024, 3, 1), end=D(2024, 5, 10), monthly_rent_fen=100000, payment_period_months=2
    )
    assert [(x.whole_months, x.extra_days, x.amount_fen) for x in lines] == [(2, 0, 200000), (0, 10, 32258)]


# -- properties at the boundaries ------------------------------------------------------------------------------
first_days = st.dates(min_value=D(2022, 10, 28), max_value=D(2030, 12, 31))


@settings(max_examples=400, deadline=None)
@given(first=first_days, n=st.integers(0, 72))
def test_periods_follow_202_and_tile(first, n):
    last = period_last_day(first, months=n)
    corresponding = first + relativedelta(months=n)
    if corresponding.day == first.day:
        # a corresponding day exists: the period ends the day before it
        assert last == corresponding - ONE
    else:
        # none: the month's last day ends the period (第二百零二条)
        assert (last + ONE).day == 1 and last == corresponding
    assert completed_on(first, months=n) == last + ONE
    # consecutive periods from the same first day never overlap nor leave a gap of a whole month
    nxt = period_last_day(first, months=n + 1)
    assert last < nxt and (nxt - last).days in range(28, 32)


@settings(max_examples=300, deadline=None)
@given(first=first_days, years=st.integers(1, 3), period=st.integers(1, 3), rent=st.integers(0, 2_000_000))
def test_a_full_term_costs_exactly_its_months_of_rent(first, years, period, rent):
    end = period_last_day(first, years=years)
    check_contract_terms(first, end, period)  # exactly `years` years: accepted at both ends of 1–3
    lines = rent_schedule(start=first, end=end, monthly_rent_fen=rent, payment_period_months=period)
    assert sum(x.amount_fen for x in lines) == 12 * years * rent
    assert lines[0].first_day == first and lines[-1].last_day == end
    assert all(b.first_day == a.last_day + ONE for a, b in itertools.pairwise(lines))


@settings(max_examples=300, deadline=None)
@given(first=first_days, years=st.integers(1, 3))
def test_one_day_either_side_of_the_term_limits_is_refused(first, years):
    shortest, longest = period_last_day(first, years=1), period_last_day(first, years=3)
    check_contract_terms(first, shortest, 1)  # 不少于1年: 1 year itself is allowed
    check_contract_terms(first, longest, 1)  # 不超过3年: 3 years itself is allowed
    with pytest.raises(RentalHousingInputError):
        check_contract_terms(first, shortest - ONE, 1)
    with pytest.raises(RentalHousingInputError):
        check_contract_terms(first, longest + ONE, 1)


@settings(max_examples=300, deadline=None)
@given(exit_day=first_days, months=st.integers(0, 3), k=st.integers(0, 24), market=st.integers(0, 2_000_000))
def test_whole_months_after_the_move_out_period_cost_exactly_the_market_rent(exit_day, months, k, market):
    end = period_last_day(exit_day + ONE, months=months)
    s = exit_rent_statement(
        exit_date=exit_day,
        move_out_months=months,
        vacated_date=period_last_day(end + ONE, months=k),
        contract_rent_fen=0,
        market_rent_fen=market,
    )
    assert s.total_fen == k * market


# -- validity of 鄂州政发〔2022〕19号 (第三十一条: 自印发之日起施行，有效期5年) ------------------------------
def test_validity_ends_on_27_october_2027():
    # issued 2022-10-28, 5 years counted from that day (the day included) end on 2027-10-27 (R9, G3)
    assert period_last_day(D(2022, 10, 28), years=5) == D(2027, 10, 27) == parameters().valid_until
    assert validity_warning(D(2027, 10, 27)) == ""
    warning = validity_warning(D(2027, 10, 28))
    assert "鄂州政发〔2022〕19号的有效期已于2027年10月27日届满" in warning and "第三十一条" in warning


def test_every_result_says_when_the_measures_have_expired():
    after, before = D(2027, 10, 28), D(2027, 10, 27)
    kw = dict(
        full_civil_capacity=True, has_spouse=False, minor_children=0, homes=[], other_subsidised_housing=False
    )
    assert check_applicant(application_date=before, birth_date=D(1990, 1, 1), **kw).warning == ""
    assert "届满" in check_applicant(application_date=after, birth_date=D(1990, 1, 1), **kw).warning
    assert "届满" in check_contract_terms(after, period_last_day(after, years=1), 1)
    s = exit_rent_statement(
        exit_date=D(2027, 9, 30),
        move_out_months=1,
        vacated_date=after,
        contract_rent_fen=1,
        market_rent_fen=1,
    )
    assert "届满" in s.warning
    r = rent_to_own(housing_type=RENT_ONLY, tenancy_start=D(2023, 1, 1), on=after, rent_paid_fen=0)
    assert "届满" in r.warning
    assert "届满" in check_unit_area(RENT_ONLY, 7000, False, after).warning
    assert check_unit_area(RENT_ONLY, 7000, False, before).warning == ""
