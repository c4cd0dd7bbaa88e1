"""Measures 4, 5 and 7: thresholds and caps at their exact boundaries, ceilings with recorded decisions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.finance import (
    BILLS_FIELDS,
    FACILITATION_FIELDS,
    INTERFACE_FIELDS,
    PROMOTION_FIELDS,
    bills_award,
    facilitation_award,
    interface_subsidy,
    promotion_costs,
)
from ezhou_rules.subsidies.stores import OPERATOR_FIELDS, STORE_FIELDS, operator_award, store_award

from .conftest import ON, columns, usccs

ENTERPRISE, CARRIER = usccs(2)


def facilitation(loans: str, tree, **more: object):
    facts = {
        "enterprise_id": ENTERPRISE,
        "core_enterprise": "是",
        "year": 2022,
        "facilitated_loans": loans,
        **more,
    }
    return facilitation_award(columns(FACILITATION_FIELDS, facts), tree, ON)


@pytest.mark.parametrize(
    ("loans", "eligible", "amount_fen"),
    [
        ("10000000", True, 5_000_000),  # 以上 includes 1000万: 10,000,000 × 0.5% = 50,000.00
        ("9999999.99", False, 0),  # one fen short
        ("123456789.01", True, 61_728_395),  # 123,456,789.01 × 0.5% = 617,283.94505 → 617,283.95
        ("400000000", True, 200_000_000),  # 4亿 × 0.5% = 200万 = the cap exactly
        ("400000000.02", True, 200_000_000),  # above: capped at 最高不超过200万
    ],
)
def test_facilitation_threshold_and_cap(tree, loans, eligible, amount_fen):
    d = facilitation(loans, tree)
    assert bool(d.eligible[0]) is eligible and int(d.amount[0]) == amount_fen


def test_facilitation_reasons_and_years(tree):
    d = facilitation("9999999.99", tree)
    (reason,) = d.reasons(0)
    assert reason.code == "below_threshold" and "10,000,000.00元（含本数）" in reason.text
    assert [r.code for r in facilitation("20000000", tree, year=2023).reasons(0)] == ["year_not_covered"]
    assert [r.code for r in facilitation("20000000", tree, core_enterprise="否").reasons(0)] == [
        "not_core_enterprise"
    ]
    capped = facilitation("500000000", tree)
    assert "最高不超过2,000,000.00元" in capped.trace(0).explain()


def bills(tree, issued: str):
    facts = {
        "enterprise_id": ENTERPRISE,
        "core_unit": "是",
        "connected": "是",
        "year": 2022,
        "batch": "2022Q4",
        "issued": issued,
    }
    return bills_award(columns(BILLS_FIELDS, facts), tree, ON)


def test_bills_and_interface(tree):
    # 签发量 12,345,678.90 × 0.2% = 24,691.3578 → 24,691.36
    assert int(bills(tree, "12345678.90").amount[0]) == 2_469_136
    # 10亿 × 0.2% = 200万 exactly; 15亿 is capped per enterprise and year (年度奖励不超过200万元)
    assert int(bills(tree, "1000000000").amount[0]) == 200_000_000
    big = bills(tree, "1500000000")
    assert int(big.amount[0]) == 200_000_000
    # 接口开发费用 86,500.50 全额补贴
    i = interface_subsidy(
        columns(
            INTERFACE_FIELDS,
            {
                "enterprise_id": ENTERPRISE,
                "core_enterprise": "是",
                "connected": "是",
                "connected_on": "2022-11-15",
                "development_cost": "86500.50",
            },
        ),
        tree,
        ON,
    )
    assert int(i.amount[0]) == 8_650_050 and i.object[0] == "interface"
    assert "全额补贴" in i.trace(0).explain()


def test_promotion_costs_borne_by_the_city(tree):
    # 交通 3,210.40 + 食宿 4,800.00 = 8,010.40
    d = promotion_costs(
        columns(
            PROMOTION_FIELDS,
            {
                "agency_id": ENTERPRISE,
                "event": "第二届中国（武汉）文化旅游博览会",
                "event_on": "2022-11-20",
                "organised_by_city": "是",
                "transport_cost": "3210.40",
                "lodging_cost": "4800",
            },
        ),
        tree,
        ON,
    )
    assert int(d.amount[0]) == 801_040 and d.payer[0] == "市级财政"


def store(tree, **changes: object):
    facts: dict[str, object] = {
        "carrier_id": CARRIER,
        "store_id": "S-001",
        "brand": "某品牌",
        "store_class": "中国（内地）首店",
        "catering": "否",
        "opened_on": "2022-09-18",
        "agreement_months": 24,
        "tax_in_ezhou": "是",
        "main_revenue": "600000",
        "revenue_months": 3,
        "territory": "鄂城区",
    }
    facts.update(changes)
    return store_award(columns(STORE_FIELDS, facts), tree, ON)


@pytest.mark.parametrize(
    ("store_class", "catering", "ceiling"),
    [
        ("全球首店", "否", 100_000_000),
        ("亚洲首店", "否", 100_000_000),
        ("中国（内地）首店", "否", 50_000_000),
        ("湖北首店", "否", 10_000_000),
        ("旗舰店", "否", 10_000_000),
        ("全球首店", "是", 50_000_000),
        ("中国（内地）首店", "是", 25_000_000),
        ("旗舰店", "是", 5_000_000),
    ],
)
def test_store_ceilings_by_class_and_catering(tree, store_class, catering, ceiling):
    d = store(tree, store_class=store_class, catering=catering)
    assert int(d.ceiling[0]) == ceiling
    assert bool(d.pending[0]) and int(d.amount[0]) == 0  # 最高 is a ceiling: the award awaits a decision


def test_store_conditions_at_their_boundaries(tree):
    assert bool(store(tree, agreement_months=24).eligible[0])  # 2年及以上 includes 2 years
    assert [r.code for r in store(tree, agreement_months=23).reasons(0)] == ["agreement_too_short"]
    # 平均月主营业务收入20万元以上: 600,000 ÷ 3 = 200,000 exactly qualifies; 599,999.99 does not
    assert bool(store(tree, main_revenue="600000").eligible[0])
    assert [r.code for r in store(tree, main_revenue="599999.99").reasons(0)] == ["revenue_too_low"]
    assert [r.code for r in store(tree, tax_in_ezhou="否").reasons(0)] == ["no_tax_in_ezhou"]
    assert [r.code for r in store(tree, opened_on="2022-07-31").reasons(0)] == ["store_outside_window"]
    assert bool(store(tree, opened_on="2022-08-01").eligible[0]) and bool(
        store(tree, opened_on="2022-12-31").eligible[0]
    )
    assert [r.code for r in store(tree, territory="武昌区").reasons(0)] == ["territory_unknown"]


def test_store_decision_within_the_ceiling(tree):
    d = store(tree, decided_amount="500000", decision_reason="全国首店，门店面积与带动效应突出")
    assert int(d.amount[0]) == 50_000_000 and not bool(d.pending[0])  # at the ceiling: 最高 includes it
    assert d.payer[0] == "鄂城区"  # 属地
    assert "决定奖励500,000.00元" in d.trace(0).explain()
    with pytest.raises(SubsidyError) as err:
        store(tree, decided_amount="500000.01", decision_reason="x")
    assert err.value.code == "decision_above_ceiling" and "500,000.00元" in err.value.message
    with pytest.raises(SubsidyError) as err:
        store(tree, decided_amount="300000", decision_reason=" ")
    assert err.value.code == "decision_reason_required"


def operator(tree, revenue: str, **changes: object):
    facts: dict[str, object] = {
        "operator_id": ENTERPRISE,
        "store_id": "S-001",
        "first_store": "是",
        "independent_legal_person": "是",
        "in_statistics": "是",
        "year": 2022,
        "brand_revenue": revenue,
        "territory": "葛店经开区",
    }
    facts.update(changes)
    return operator_award(columns(OPERATOR_FIELDS, facts), tree, ON)


def test_operator_revenue_must_exceed_ten_million(tree):
    # 超过1000万元 excludes the figure itself
    exactly = operator(tree, "10000000")
    assert [r.code for r in exactly.reasons(0)] == ["revenue_not_above"]
    assert "须超过，不含本数" in exactly.reasons(0)[0].text
    above = operator(tree, "10000000.01", decided_amount="200000", decision_reason="年度收入增长显著")
    assert bool(above.eligible[0]) and int(above.amount[0]) == 20_000_000 and above.payer[0] == "葛店经开区"
    with pytest.raises(SubsidyError, match="最高"):
        operator(tree, "20000000", decided_amount="200000.01", decision_reason="x")
    assert [r.code for r in operator(tree, "20000000", in_statistics="否").reasons(0)] == [
        "not_in_statistics"
    ]


@settings(max_examples=200, deadline=None)
@given(
    store_class=st.sampled_from(["global_first", "asia_first", "china_first", "hubei_first", "flagship"]),
    catering=st.booleans(),
    decided=st.integers(0, 150_000_000),
)
def test_an_award_is_never_above_its_ceiling(tree, store_class, catering, decided):
    c = columns(
        STORE_FIELDS,
        {
            "carrier_id": CARRIER,
            "store_id": "S",
            "brand": "B",
            "store_class": store_class,
            "catering": "是" if catering else "否",
            "opened_on": "2022-10-01",
            "agreement_months": 24,
            "tax_in_ezhou": "是",
            "main_revenue": "200000",
            "revenue_months": 1,
            "territory": "华容区",
            "decision_reason": "按门店规模决定",
        },
    )
    c["decided_amount"] = np.array([decided], dtype=np.int64)
    ceiling = {
        "global_first": 100_000_000,
        "asia_first": 100_000_000,
        "china_first": 50_000_000,
        "hubei_first": 10_000_000,
        "flagship": 10_000_000,
    }[store_class] // (2 if catering else 1)
    if decided > ceiling:
        with pytest.raises(SubsidyError):
            store_award(c, tree, ON)
    else:
        d = store_award(c, tree, ON)
        assert int(d.amount[0]) == decided <= int(d.ceiling[0]) == ceiling
