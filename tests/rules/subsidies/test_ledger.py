"""The ledger against double subsidy: keys, refusals naming the first award, order in a batch, 就高不就低,
caps per subject and year — hand cases and properties (caps never exceeded, the total to a subject does not
depend on the order of its applications, no key held by two awards)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import AdminValue
from ezhou_rules.subsidies.components import key_slots
from ezhou_rules.subsidies.ledger import Awards, Candidates, award_keys, cap_key, check_batch

from .conftest import ON


def awards(*rows: tuple[str, str, str, str, int, int]) -> Awards:
    if not rows:
        return Awards.empty()
    cols = list(zip(*rows, strict=True))
    return Awards(
        np.array(cols[0], dtype=object),
        np.array(cols[1], dtype=object),
        np.array(cols[2], dtype=object),
        np.array(cols[3], dtype=object),
        np.array(cols[4]),
        np.array(cols[5]),
    )


def candidates(
    *rows: tuple[str, str, str, str, int, int],
    eligible: list[bool] | None = None,
    order: list[int] | None = None,
) -> Candidates:
    a = awards(*rows)
    n = len(rows)
    return Candidates(
        a.award_id,
        a.component,
        a.subject,
        a.object,
        a.year,
        a.amount,
        np.array(eligible if eligible is not None else [True] * n),
        np.array(order if order is not None else list(range(n))),
    )


def test_one_fiscal_interest_subsidy_per_loan_across_measures_1_to_3(tree):
    prior = awards(("A-1", "m03", "E1", "BANK:K1", 2022, 50_000))
    new = candidates(
        ("a", "m01", "E1", "BANK:K1", 2022, 40_000),
        ("b", "m02", "E1", "BANK:K2", 2022, 20_000),
        ("c", "m01", "E1", "BANK:K2", 2022, 40_000),
    )
    d = check_batch(prior, new, tree, ON)
    assert d.row(0)["code"] == "duplicate_award" and d.row(0)["conflict"] == "A-1"
    assert "同一笔贷款已获奖补（A-1，货币政策工具带动贷款贴息，500.00元）" in d.row(0)["message"]
    assert d.row(1)["accepted"] and d.row(1)["amount_fen"] == 20_000
    assert d.row(2)["code"] == "duplicate_in_batch" and d.row(2)["conflict"] == "b"


def test_one_car_per_person_and_per_vin_in_order(tree):
    # a: P1/V1 taken; b: P1 again → refused; c: P2/V1 → refused (V1); d: P2/V2 → accepted (b and c took nothing)
    new = candidates(
        ("a", "m12", "P1", "V1", 2022, 800_000),
        ("b", "m12", "P1", "V3", 2022, 300_000),
        ("c", "m12", "P2", "V1", 2022, 500_000),
        ("d", "m12", "P2", "V2", 2022, 200_000),
    )
    d = check_batch(Awards.empty(), new, tree, ON)
    assert list(d.accepted) == [True, False, False, True]
    assert "同一申请人已有在先申请（a）" in d.row(1)["message"]
    assert "同一车辆（车辆识别代号）已有在先申请（a）" in d.row(2)["message"]
    # the order column decides, not the position in the arrays
    rev = check_batch(
        Awards.empty(),
        new.__class__(
            new.application_id,
            new.component,
            new.subject,
            new.object,
            new.year,
            new.amount,
            new.eligible,
            np.array([3, 2, 1, 0]),
        ),
        tree,
        ON,
    )
    # reversed: d (P2/V2) first, c refused (P2), b (P1/V3) accepted, a refused (P1)
    assert list(rev.accepted) == [False, True, False, True]


def test_ineligible_applications_take_no_key(tree):
    new = candidates(
        ("a", "m12", "P1", "V1", 2022, 800_000),
        ("b", "m12", "P1", "V2", 2022, 800_000),
        eligible=[False, True],
    )
    d = check_batch(Awards.empty(), new, tree, ON)
    assert d.row(0)["code"] == "not_eligible" and d.row(1)["accepted"]


def test_highest_wins_in_measure_8(tree):
    prior = awards(("A-8", "m08.new", "E", "m08", 2022, 8_000_000))
    higher = check_batch(prior, candidates(("r", "m08.ranked", "E", "m08", 2022, 20_000_000)), tree, ON)
    # 就高不就低: 200,000 replaces 80,000 and the difference 120,000 is paid
    assert higher.row(0) | {"message": ""} == {
        "accepted": True,
        "amount_fen": 12_000_000,
        "code": "supersedes_lower",
        "message": "",
        "conflict": "A-8",
        "supersedes": "A-8",
        "capped": False,
    }
    prior = awards(("A-9", "m08.ranked", "E", "m08", 2022, 20_000_000))
    lower = check_batch(prior, candidates(("n", "m08.new", "E", "m08", 2022, 10_000_000)), tree, ON)
    assert lower.row(0)["code"] == "lower_than_existing" and lower.row(0)["conflict"] == "A-9"
    both = check_batch(
        Awards.empty(),
        candidates(
            ("n", "m08.new", "E", "m08", 2022, 10_000_000), ("r", "m08.ranked", "E", "m08", 2022, 20_000_000)
        ),
        tree,
        ON,
    )
    assert list(both.accepted) == [False, True] and both.row(0)["conflict"] == "r"


def test_carrier_cap_across_stores_and_prior_awards(tree):
    # cap 2,000,000 a year; 600,000 already awarded; 1,000,000 + 500,000 + 1,000,000 applied:
    # 1,000,000 (room 1,400,000) → 400,000 left; 500,000 → capped to 400,000; 1,000,000 → nothing left
    prior = awards(("A-5", "m05.store", "C", "S0", 2022, 60_000_000))
    new = candidates(
        ("s1", "m05.store", "C", "S1", 2022, 100_000_000),
        ("s2", "m05.store", "C", "S2", 2022, 50_000_000),
        ("s3", "m05.store", "C", "S3", 2022, 100_000_000),
        ("t1", "m05.store", "C", "S4", 2023, 100_000_000),
    )
    d = check_batch(prior, new, tree, ON)
    assert list(d.amount) == [100_000_000, 40_000_000, 0, 100_000_000]
    assert d.row(1)["capped"] and d.row(2)["code"] == "cap_exhausted" and d.row(3)["accepted"]
    assert cap_key("m05.store", "C", 2022) == "m05.store|C|2022" and cap_key("m12", "P", 2022) is None


def test_keys_for_unique_constraints(tree):
    assert award_keys("m12", "P1", "V1", 2022, tree, ON) == [("m12.person|P1", 1), ("m12.vin|V1", 1)]
    assert award_keys("m02", "E", "B:K", 2022, tree, ON) == [("interest|B:K", 1)]
    assert key_slots("m12.person|P1", 1) == ["m12.person|P1"]
    two = tree.with_overrides({"m12.cars_per_person": 2})
    assert award_keys("m12", "P1", "V1", 2022, two, ON)[0] == ("m12.person|P1", 2)
    assert key_slots("m12.person|P1", 2) == ["m12.person|P1#1", "m12.person|P1#2"]
    # a limit of 2 lets a second car through and refuses the third
    new = candidates(*[(f"a{i}", "m12", "P1", f"V{i}", 2022, 200_000) for i in range(3)])
    assert list(check_batch(Awards.empty(), new, two, ON).accepted) == [True, True, False]
    prior = awards(("A", "m12", "P1", "V9", 2022, 200_000))
    assert list(check_batch(prior, new, two, ON).accepted) == [True, False, False]


applications = st.lists(
    st.tuples(st.sampled_from(["C1", "C2"]), st.integers(2022, 2023), st.integers(0, 120_000_000)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(apps=applications, prior_amount=st.integers(0, 250_000_000), seed=st.integers(0, 2**31))
def test_caps_are_never_exceeded_and_totals_do_not_depend_on_order(tree, apps, prior_amount, seed):
    prior = awards(("A", "m05.store", "C1", "S-prior", 2022, prior_amount))
    rows = [(f"x{i}", "m05.store", s, f"S{i}", y, a) for i, (s, y, a) in enumerate(apps)]
    order = np.random.default_rng(seed).permutation(len(rows))
    first = check_batch(prior, candidates(*rows), tree, ON)
    second = check_batch(prior, candidates(*rows, order=list(order)), tree, ON)
    for d in (first, second):
        for subject in ("C1", "C2"):
            for year in (2022, 2023):
                mine = [i for i, (s, y, _) in enumerate(apps) if s == subject and y == year]
                held = prior_amount if (subject, year) == ("C1", 2022) else 0
                granted = int(d.amount[mine].sum()) if mine else 0
                assert granted + held <= max(200_000_000, held)  # never above the cap (a prior overrun stays)
                # the subject gets exactly what remains of the cap, whatever the order
                assert granted == min(max(200_000_000 - held, 0), sum(apps[i][2] for i in mine))
        assert (d.amount <= np.array([a for _, _, a in apps])).all()


@settings(max_examples=200, deadline=None)
@given(
    apps=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=30),
    held=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=5),
)
def test_no_person_or_vin_is_awarded_twice(tree, apps, held):
    prior = awards(*[(f"A{i}", "m12", f"P{p}", f"V{v}", 2022, 300_000) for i, (p, v) in enumerate(held)])
    new = candidates(*[(f"a{i}", "m12", f"P{p}", f"V{v}", 2022, 300_000) for i, (p, v) in enumerate(apps)])
    d = check_batch(prior, new, tree, ON)
    taken_people = {p for p, _ in held}
    taken_vins = {v for _, v in held}
    for i, (p, v) in enumerate(apps):  # the sequential rule, written out
        ok = p not in taken_people and v not in taken_vins
        assert bool(d.accepted[i]) is ok
        if ok:
            taken_people.add(p)
            taken_vins.add(v)
        else:
            assert d.conflict[i]  # a refusal always names what it would duplicate


def test_a_budget_entered_later_does_not_change_the_ledger(tree):
    entered = tree.with_values(
        [AdminValue("budget.m12", dt.date(2022, 10, 13), 100_000_000, source="预算（测试）")]
    )
    new = candidates(("a", "m12", "P1", "V1", 2022, 800_000))
    assert check_batch(Awards.empty(), new, entered, ON).row(0) == check_batch(
        Awards.empty(), new, tree, ON
    ).row(0)
