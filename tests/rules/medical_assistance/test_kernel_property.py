"""The vectorised kernel equals the claim-by-claim reference to the fen on random claims."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import AdminValue, ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.settlement import (
    ClaimOrderError,
    Claims,
    Settled,
    settle,
    settle_reference,
)

INCOMES = [
    AdminValue("income.per_capita_disposable", dt.date(2022, 1, 1), 3_000_000, source="测试数据"),
    AdminValue("income.per_capita_disposable", dt.date(2023, 1, 1), 3_300_000, source="测试数据"),
]
TREE = parameters().with_values(INCOMES)
# 第二十六条: a mid-year adjustment of the class-3 cap makes some person-years take the reference path.
ADJUSTED = TREE.with_overrides(
    {"basic.cap.class_3": {dt.date(2022, 10, 18): 1_000_000, dt.date(2024, 7, 1): 1_500_000}}
)

amount = st.one_of(
    st.integers(0, 500),  # a few fen: exercises rounding
    st.integers(0, 1_000_000),
    st.integers(0, 10_000_000),
)
claim = st.fixed_dictionaries(
    {
        "day": st.integers(0, 729),  # 2023-01-01 .. 2024-12-30
        "person_class": st.integers(1, 4),
        "inpatient": st.booleans(),
        "hospital_level": st.integers(1, 3),
        "in_city": st.booleans(),
        "in_province": st.booleans(),
        "temporary_out_of_city": st.booleans(),
        "tilted_approved": st.booleans(),
        "total_cost": amount,
        "out_of_policy_share": st.integers(0, 100),
        "policy_self_pay": amount,
    }
)
person = st.tuples(st.integers(1, 4), st.lists(claim, min_size=1, max_size=12))


def columns(people: list[tuple[int, list[dict]]], stable_class: bool) -> Claims:
    rows = []
    for pid, (default_class, claims) in enumerate(people):
        for c in sorted(claims, key=lambda c: c["day"]):
            rows.append(
                {
                    "person": pid,
                    "settle_date": dt.date(2023, 1, 1) + dt.timedelta(days=c["day"]),
                    "person_class": default_class if stable_class else c["person_class"],
                    "inpatient": c["inpatient"],
                    "hospital_level": c["hospital_level"],
                    "in_city": c["in_city"],
                    "in_province": c["in_province"] or c["in_city"],
                    "temporary_out_of_city": c["temporary_out_of_city"] and not c["in_city"],
                    "tilted_approved": c["tilted_approved"],
                    "total_cost": c["total_cost"],
                    "out_of_policy_cost": c["total_cost"] * c["out_of_policy_share"] // 100,
                    "policy_self_pay": c["policy_self_pay"],
                }
            )
    claims = Claims.from_records(rows)
    claims.person = claims.person.astype(np.int64)
    return claims


def assert_same(a: Settled, b: Settled) -> None:
    for name in (
        "basic_aid",
        "tilted_aid",
        "hospital_borne",
        "remaining_deductible",
        "remaining_cap",
        "tilted_base",
    ):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(person, min_size=1, max_size=6), stable=st.booleans(), adjusted=st.booleans())
def test_kernel_equals_reference(people: list, stable: bool, adjusted: bool) -> None:
    claims = columns(people, stable)
    tree = ADJUSTED if adjusted else TREE
    assert_same(settle(claims, tree), settle_reference(claims, tree))


def test_aid_never_exceeds_caps_or_self_pay() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    claims = Claims(
        person=np.sort(rng.integers(0, 300, n)),
        settle_date=np.datetime64("2024-01-01") + np.sort(rng.integers(0, 365, n)).astype("timedelta64[D]"),
        person_class=np.full(n, 3, dtype=np.int8),
        inpatient=rng.random(n) < 0.7,
        hospital_level=rng.integers(1, 4, n).astype(np.int8),
        in_city=np.ones(n, bool),
        in_province=np.ones(n, bool),
        temporary_out_of_city=np.zeros(n, bool),
        tilted_approved=rng.random(n) < 0.5,
        total_cost=rng.integers(0, 5_000_000, n),
        out_of_policy_cost=np.zeros(n, dtype=np.int64),
        policy_self_pay=rng.integers(0, 3_000_000, n),
    )
    # persons sorted, dates sorted within each person (sorted globally, so within a person too)
    order = np.lexsort((claims.settle_date, claims.person))
    claims = claims.take(order)
    out = settle(claims, TREE)
    assert (out.basic_aid <= claims.policy_self_pay).all()
    per_person = np.bincount(claims.person, weights=out.basic_aid)
    assert per_person.max() <= 1_000_000
    per_person_t = np.bincount(claims.person, weights=out.tilted_aid)
    assert per_person_t.max() <= 5_000_000
    assert_same(out, settle_reference(claims, TREE))


def test_unsorted_claims_are_refused() -> None:
    claims = Claims.from_records(
        [
            {**_row(), "settle_date": dt.date(2024, 3, 2)},
            {**_row(), "settle_date": dt.date(2024, 3, 1)},
        ]
    )
    with pytest.raises(ClaimOrderError):
        settle(claims, TREE)


def test_tilted_aid_without_income_names_the_parameter_and_year() -> None:
    claims = Claims.from_records([{**_row(), "tilted_approved": True, "settle_date": dt.date(2025, 3, 1)}])
    for engine in (settle, settle_reference):
        with pytest.raises(ParameterNotSet, match=r"income\.per_capita_disposable.*2024年"):
            engine(claims, TREE)  # only 2022 and 2023 are entered; 2023's is not borrowed for 2024


def test_no_income_needed_without_tilted_aid() -> None:
    claims = Claims.from_records([{**_row(), "settle_date": dt.date(2030, 3, 1)}])
    assert settle(claims, parameters()).basic_aid[0] == 65_000  # (4000 − 3000) × 65%


def _row() -> dict:
    return {
        "person": "p",
        "settle_date": dt.date(2024, 3, 1),
        "person_class": 3,
        "inpatient": True,
        "hospital_level": 2,
        "in_city": True,
        "in_province": True,
        "temporary_out_of_city": False,
        "tilted_approved": False,
        "total_cost": 400_000,
        "out_of_policy_cost": 0,
        "policy_self_pay": 400_000,
    }


def test_tilted_aid_in_the_first_partial_year() -> None:
    # 34号 took effect on 2022-10-18; a lookup on 2022-01-01 finds no threshold share. The claim's own date does.
    # 2021 income 30000 → threshold 30000 × 25% = 7500. Class 1, 2022-11-01, self-pay 40000:
    # basic 40000 × 100% capped at 30000; base 40000 − 30000 = 10000 > 7500 → (10000 − 2000) × 100% = 8000.00
    tree = parameters().with_values(
        [AdminValue("income.per_capita_disposable", dt.date(2021, 1, 1), 3_000_000, source="测试数据")]
    )
    claims = Claims.from_records(
        [
            {
                **_row(),
                "person_class": 1,
                "settle_date": dt.date(2022, 11, 1),
                "tilted_approved": True,
                "total_cost": 5_000_000,
                "policy_self_pay": 4_000_000,
            }
        ]
    )
    for engine in (settle, settle_reference):
        out = engine(claims, tree)
        assert (int(out.basic_aid[0]), int(out.tilted_aid[0])) == (3_000_000, 800_000)


# -- the kernel's fast paths (issue 15): person-year data, the tilted subset, one year and one period --------

# Ratios without a small common denominator (13/997, 7/991, 5/983 and their halves): the kernel then keeps a
# fraction per row instead of one common denominator.
ODD_RATIOS = TREE.with_overrides(
    {"basic.ratio.class_3": "13/997", "basic.ratio.class_4": "7/991", "tilted.ratio.class_4": "5/983"}
)
TREES = {"plain": TREE, "adjusted": ADJUSTED, "odd_ratios": ODD_RATIOS}
# day ranges from 2023-01-01: one year in one parameter period, one year across the 2024-07-01 adjustment of
# ADJUSTED, two years
DAY_RANGES = {"2023": (0, 364), "2024": (365, 729), "two_years": (0, 729)}


def _force(claims: Claims, tilted: str, in_province: str) -> Claims:
    n = len(claims)
    if tilted != "mixed":
        claims.tilted_approved = np.full(n, tilted == "all")
    if in_province == "all":
        claims.in_province = np.ones(n, bool)
        claims.in_city = claims.in_city & ~claims.temporary_out_of_city
    return claims


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(claim, min_size=1, max_size=40),
    classes=st.lists(st.integers(1, 4), min_size=40, max_size=40),
    tilted=st.sampled_from(["all", "none", "mixed"]),
    in_province=st.sampled_from(["all", "mixed"]),
    days=st.sampled_from(sorted(DAY_RANGES)),
    tree=st.sampled_from(sorted(TREES)),
)
def test_person_year_fast_path_equals_reference(
    rows: list, classes: list, tilted: str, in_province: str, days: str, tree: str
) -> None:
    # one claim per person-year: the kernel skips running totals; the result must not change
    lo, hi = DAY_RANGES[days]
    people = [(classes[i], [{**r, "day": lo + r["day"] % (hi - lo + 1)}]) for i, r in enumerate(rows)]
    claims = _force(columns(people, stable_class=True), tilted, in_province)
    assert_same(settle(claims, TREES[tree]), settle_reference(claims, TREES[tree]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(person, min_size=1, max_size=6),
    stable=st.booleans(),
    tilted=st.sampled_from(["all", "none", "mixed"]),
    in_province=st.sampled_from(["all", "mixed"]),
    days=st.sampled_from(sorted(DAY_RANGES)),
    tree=st.sampled_from(sorted(TREES)),
)
def test_tilted_subset_and_periods_equal_reference(
    people: list, stable: bool, tilted: str, in_province: str, days: str, tree: str
) -> None:
    # several claims per person-year, with all, none or some rows eligible for 第十二条
    lo, hi = DAY_RANGES[days]
    people = [(c, [{**r, "day": lo + r["day"] % (hi - lo + 1)} for r in rs]) for c, rs in people]
    claims = _force(columns(people, stable), tilted, in_province)
    assert_same(settle(claims, TREES[tree]), settle_reference(claims, TREES[tree]))


def test_person_year_batch_of_a_thousand_equals_reference() -> None:
    # a larger single-claim batch than hypothesis draws: every class, 20% out of city, half tilted
    rng = np.random.default_rng(15)
    n = 1000
    in_city = rng.random(n) >= 0.2
    total = rng.integers(0, 20_000_000, n)
    oop = total * rng.integers(0, 15, n) // 100
    claims = Claims(
        person=np.arange(n),
        settle_date=np.datetime64("2024-01-01") + rng.integers(0, 366, n).astype("timedelta64[D]"),
        person_class=rng.integers(1, 5, n).astype(np.int8),
        inpatient=rng.random(n) < 0.6,
        hospital_level=rng.integers(1, 4, n).astype(np.int8),
        in_city=in_city,
        in_province=in_city | (rng.random(n) < 0.5),
        temporary_out_of_city=~in_city,
        tilted_approved=rng.random(n) < 0.5,
        total_cost=total,
        out_of_policy_cost=oop,
        policy_self_pay=(total - oop) * rng.integers(0, 80, n) // 100,
    )
    out = settle(claims, TREE)
    assert (out.tilted_aid > 0).sum() > 100  # the tilted path is exercised, not skipped
    assert_same(out, settle_reference(claims, TREE))


def test_person_years_too_large_for_the_chunked_path_take_the_general_one() -> None:
    # 2 × 10^17 fen × 40 (the ratios' common denominator) fits int64 but twice it does not: the chunked
    # person-year path steps aside and the general path (remainder-based rounding) still gives the
    # reference's figures
    big = 2 * 10**17
    rows = [
        {**_row(), "person": f"p{i}", "policy_self_pay": big - i, "tilted_approved": True} for i in range(3)
    ]
    rows[1]["temporary_out_of_city"], rows[1]["in_city"] = True, False
    claims = Claims.from_records(rows)
    assert_same(settle(claims, TREE), settle_reference(claims, TREE))
