"""Properties of the rental-housing rules over many generated cases (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.rental_housing.common import period_last_day
from ezhou_rules.rental_housing.eligibility import Home, check_applicant, eligibility
from ezhou_rules.rental_housing.tenancy import exit_rent_statement

days = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 6, 30))
rents = st.integers(min_value=0, max_value=2_000_000)


@settings(max_examples=300, deadline=None)
@given(exit_day=days, months=st.integers(0, 3), k=st.integers(0, 3), rent=rents, market=rents)
def test_whole_months_inside_the_move_out_period_cost_exactly_the_contract_rent(
    exit_day, months, k, rent, market
):
    # vacating on the last day of the k-th month of the move-out period (counted from the day after the exit)
    k = min(k, months)
    s = exit_rent_statement(
        exit_date=exit_day,
        move_out_months=months,
        vacated_date=period_last_day(exit_day + dt.timedelta(days=1), months=k),
        contract_rent_fen=rent,
        market_rent_fen=market,
    )
    assert s.total_fen == k * rent


@settings(max_examples=300, deadline=None)
@given(exit_day=days, months=st.integers(0, 3), extra=st.integers(0, 200), rent=rents, market=rents)
def test_owing_never_decreases_with_a_later_vacating_day(exit_day, months, extra, rent, market):
    def total(v: dt.date) -> int:
        return exit_rent_statement(
            exit_date=exit_day,
            move_out_months=months,
            vacated_date=v,
            contract_rent_fen=rent,
            market_rent_fen=market,
        ).total_fen

    v = exit_day + dt.timedelta(days=extra)
    assert total(v) <= total(v + dt.timedelta(days=1))


@settings(max_examples=200, deadline=None)
@given(
    age_days=st.integers(0, 40_000),
    spouse=st.booleans(),
    children=st.integers(0, 4),
    areas=st.lists(st.integers(1, 30_000), max_size=3),
    other=st.booleans(),
)
def test_the_column_rule_and_the_one_applicant_rule_agree(age_days, spouse, children, areas, other):
    on = dt.date(2024, 11, 15)
    born = on - dt.timedelta(days=age_days)
    one = check_applicant(
        application_date=on,
        birth_date=born,
        full_civil_capacity=True,
        has_spouse=spouse,
        minor_children=children,
        homes=[Home(a) for a in areas],
        other_subsidised_housing=other,
    )
    col = eligibility(
        np.array([on], dtype="datetime64[D]"),
        np.array([born], dtype="datetime64[D]"),
        [True],
        [1 + spouse + children],
        [sum(areas)],
        [len(areas)],
        [other],
    )
    assert one.eligible == bool(col["eligible"][0])
    # the housing test is exact: area < 35 m² × persons
    persons = 1 + spouse + children
    assert bool(col["housing_ok"][0]) == (not areas or sum(areas) < 3500 * persons)
