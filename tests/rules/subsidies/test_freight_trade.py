"""Measures 8 and 9: ranks at 50/51 and 100/101, dates of entry, the two-year anniversary, growth of exactly
20%, whole steps of 1000万, the 100万 cap, central SOEs and 一事一议."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.freight import NEW_FIELDS, RANKED_FIELDS, new_freight_award, ranked_freight_award
from ezhou_rules.subsidies.trade import (
    CASE_FIELDS,
    GROWTH_FIELDS,
    NEW_UNIT_FIELDS,
    SECOND_FIELDS,
    case_by_case_award,
    individual_first_award,
    individual_second_award,
    legal_person_award,
    retail_growth_award,
)

from .conftest import ON, columns, usccs

UNIT = usccs(1)[0]


def ranked(tree, turnover: object = "", growth: object = "", **changes: object):
    facts = {
        "enterprise_id": UNIT,
        "established_in_ezhou": "是",
        "in_designated_list": "是",
        "turnover_rank": turnover,
        "growth_rank": growth,
        **changes,
    }
    return ranked_freight_award(columns(RANKED_FIELDS, facts), tree, ON)


@pytest.mark.parametrize(
    ("turnover", "growth", "eligible"),
    [
        (50, "", True),
        (51, "", False),
        ("", 100, True),
        ("", 101, False),
        (51, 100, True),
        (1, "", True),
        ("", "", False),
    ],
)
def test_rank_boundaries(tree, turnover, growth, eligible):
    d = ranked(tree, turnover, growth)
    assert bool(d.eligible[0]) is eligible
    assert int(d.amount[0]) == (20_000_000 if eligible else 0)


def test_new_freight_enterprise_ceiling(tree):
    def new(**changes: object):
        facts = {"enterprise_id": UNIT, "included_on": "2022-08-01", "meets_conditions": "是", **changes}
        return new_freight_award(columns(NEW_FIELDS, facts), tree, ON)

    assert bool(new().pending[0]) and int(new().ceiling[0]) == 10_000_000
    assert (
        int(new(decided_amount="100000", decision_reason="新增入规").amount[0]) == 10_000_000
    )  # 不高于 includes
    with pytest.raises(SubsidyError, match="超过"):
        new(decided_amount="100000.01", decision_reason="x")
    assert [r.code for r in new(included_on="2022-07-31").reasons(0)] == ["inclusion_outside_window"]
    assert bool(new(included_on="2022-12-31").eligible[0])


def entry(fields, fn, tree, **changes: object):
    facts = {
        "unit_id": UNIT,
        "trade": "零售",
        "first_entry": "是",
        "entered_on": "2022-01-01",
        "territory": "华容区",
        **changes,
    }
    return fn(columns(fields, facts), tree, ON)


def test_new_above_limit_units(tree):
    legal = entry(NEW_UNIT_FIELDS, legal_person_award, tree)
    assert int(legal.amount[0]) == 5_000_000 and legal.payer[0] == "华容区"
    assert int(entry(NEW_UNIT_FIELDS, individual_first_award, tree).amount[0]) == 1_000_000
    late = entry(NEW_UNIT_FIELDS, legal_person_award, tree, entered_on="2021-12-31")
    assert [r.code for r in late.reasons(0)] == ["entered_before_2022"]
    assert [r.code for r in entry(NEW_UNIT_FIELDS, legal_person_award, tree, trade="制造").reasons(0)] == [
        "trade_not_covered"
    ]
    assert [
        r.code for r in entry(NEW_UNIT_FIELDS, legal_person_award, tree, first_entry="否").reasons(0)
    ] == ["not_first_entry"]


@pytest.mark.parametrize(
    ("entered", "assessed", "due"),
    [
        ("2022-03-15", dt.date(2024, 3, 15), False),  # the second anniversary: the two years end that day
        ("2022-03-15", dt.date(2024, 3, 16), True),  # 在库稳定运行2年后: from the day after
        ("2022-02-28", dt.date(2024, 2, 28), False),
        ("2022-02-28", dt.date(2024, 2, 29), True),
    ],
)
def test_second_award_after_two_years(tree, entered, assessed, due):
    facts = {
        "unit_id": UNIT,
        "trade": "餐饮",
        "first_entry": "是",
        "entered_on": entered,
        "territory": "梁子湖区",
        "continuously_in_database": "是",
    }
    d = individual_second_award(columns(SECOND_FIELDS, facts), tree, assessed)
    assert bool(d.eligible[0]) is due
    if not due:
        assert [r.code for r in d.reasons(0)] == ["two_years_not_reached"]
    else:
        assert int(d.amount[0]) == 1_000_000
    left = individual_second_award(
        columns(SECOND_FIELDS, {**facts, "continuously_in_database": "否"}), tree, dt.date(2025, 1, 1)
    )
    assert [r.code for r in left.reasons(0)] == ["not_continuously_in_database"]


def growth(tree, this: str, last: str, **changes: object):
    facts = {
        "unit_id": UNIT,
        "in_database": "是",
        "central_soe": "否",
        "year": 2022,
        "retail_sales": this,
        "retail_sales_last_year": last,
        "territory": "临空经济区",
        **changes,
    }
    return retail_growth_award(columns(GROWTH_FIELDS, facts), tree, ON)


@pytest.mark.parametrize(
    ("this", "last", "amount_fen"),
    [
        (
            "120000000",
            "100000000",
            10_000_000,
        ),  # +20% exactly (达到20%以上 includes it); +2,000万 = 2 steps × 5万
        ("119999999.99", "100000000", 0),  # 19.99…%: not reached
        ("149999999.99", "120000000", 10_000_000),  # +2,999.99…万 → 2 whole steps = 10万 (interpretation S8)
        ("150000000", "120000000", 15_000_000),  # +3,000万 → 3 steps = 15万
        ("300000000", "100000000", 100_000_000),  # +20,000万 → 20 steps = 100万 = the cap
        ("400000000", "100000000", 100_000_000),  # +30,000万 → 30 steps = 150万, capped at 最高100万
        ("12000000", "10000000", 0),  # +20% but less than one step of 1000万
    ],
)
def test_retail_growth_steps_and_cap(tree, this, last, amount_fen):
    assert int(growth(tree, this, last).amount[0]) == amount_fen


def test_retail_growth_exclusions(tree):
    assert [r.code for r in growth(tree, "300000000", "100000000", central_soe="是").reasons(0)] == [
        "central_soe"
    ]
    assert [r.code for r in growth(tree, "300000000", "0").reasons(0)] == ["growth_too_low"]
    assert "央企不在奖励范围" not in growth(tree, "300000000", "100000000").trace(0).explain()


def case(tree, sales: str, **changes: object):
    facts = {
        "unit_id": UNIT,
        "registered_in_ezhou": "是",
        "year": 2022,
        "annual_sales": sales,
        "territory": "鄂城区",
        **changes,
    }
    return case_by_case_award(columns(CASE_FIELDS, facts), tree, ON)


def test_case_by_case_above_500_million(tree):
    assert [r.code for r in case(tree, "500000000").reasons(0)] == ["sales_not_above"]  # 超过 excludes 5亿
    pending = case(tree, "500000000.01")
    assert bool(pending.eligible[0]) and bool(pending.pending[0]) and int(pending.amount[0]) == 0
    decided = case(
        tree,
        "800000000",
        decided_amount="1500000",
        decision_reason="总部落户",
        decision_ref="市政府专题会议纪要〔2022〕12号",
    )
    assert int(decided.amount[0]) == 150_000_000 and "会议纪要" in decided.trace(0).explain()
    with pytest.raises(SubsidyError) as err:
        case(tree, "800000000", decided_amount="1500000", decision_reason="总部落户")
    assert err.value.code == "decision_reason_required"


@settings(max_examples=300, deadline=None)
@given(last=st.integers(1, 10**12), increase=st.integers(-(10**11), 10**12))
def test_growth_award_is_whole_steps_never_above_the_cap(tree, last, increase):
    this = max(last + increase, 0)
    c = columns(
        GROWTH_FIELDS,
        {
            "unit_id": UNIT,
            "in_database": "是",
            "central_soe": "否",
            "year": 2022,
            "retail_sales": "0",
            "retail_sales_last_year": "0",
            "territory": "鄂城区",
        },
    )
    c["retail_sales"], c["retail_sales_last_year"] = np.array([this]), np.array([last])
    d = retail_growth_award(c, tree, ON)
    a = int(d.amount[0])
    assert 0 <= a <= 100_000_000 and a % 5_000_000 == 0
    grew = 5 * (this - last) >= last
    assert bool(d.eligible[0]) is grew
    if grew:
        assert a == min((this - last) // 1_000_000_000 * 5_000_000, 100_000_000)
