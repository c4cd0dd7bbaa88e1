"""Measure 15's voucher pool and budgets drawn down in order; measure 16's 免申即享 deferral run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.subsidies.deferral import DEFERRAL_FIELDS, deferral_run, late_fee
from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.vouchers import VOUCHER_FIELDS, draw_down, draw_down_grouped, voucher_drawdown

from .conftest import ON, columns, resident_id, usccs


def test_draw_down_takes_whole_amounts_in_order():
    # 100 remaining: 30 ✓ (70), 50 ✓ (20), 40 ✗, 20 ✓ (0), 1 ✗
    accepted, rest = draw_down([30, 50, 40, 20, 1], 100)
    assert list(accepted) == [True, True, False, True, False] and rest == 0
    assert list(draw_down([100], 100)[0]) == [True]  # exactly the budget fits
    assert list(draw_down([101], 100)[0]) == [False]
    with pytest.raises(SubsidyError):
        draw_down([-1], 100)


@settings(max_examples=300, deadline=None)
@given(amounts=st.lists(st.integers(0, 1000), max_size=40), budget=st.integers(0, 5000))
def test_draw_down_equals_the_counter_rule(amounts, budget):
    accepted, rest = draw_down(amounts, budget)
    left = budget
    for a, ok in zip(amounts, accepted, strict=True):
        assert bool(ok) is (a <= left)
        if a <= left:
            left -= a
    assert (
        rest == left and sum(a for a, ok in zip(amounts, accepted, strict=True) if ok) == budget - rest >= 0
    )


def test_budgets_per_payer_and_measure_and_none_assumed():
    accepted, left = draw_down_grouped(
        ["鄂城区|m05", "鄂城区|m05", "华容区|m09", "梁子湖区|m09"],
        [60, 50, 10, 5],
        {"鄂城区|m05": 100, "华容区|m09": 10},
    )
    assert list(accepted) == [True, False, True, False]  # 梁子湖区 has no budget entered: refused
    assert left == {"鄂城区|m05": 40, "华容区|m09": 0}


def test_voucher_pool_of_ten_million(tree):
    rows = [
        {"voucher_no": f"Q{i}", "consumer_id": resident_id(i), "redeemed_on": "2022-11-11", "subsidy": "50"}
        for i in range(4)
    ]
    rows.append(
        {"voucher_no": "Q9", "consumer_id": resident_id(9), "redeemed_on": "2023-01-01", "subsidy": "50"}
    )
    c = columns(VOUCHER_FIELDS, *rows)
    # 9,999,900 already drawn from 10,000,000: 100 yuan left → two 50-yuan vouchers, then the pool is empty
    d, rest = voucher_drawdown(c, tree, ON, drawn_before=999_990_000)
    assert list(d.eligible) == [True, True, False, False, False] and rest == 0
    assert d.reasons(2)[0].code == "pool_exhausted" and "10,000,000.00元" in d.reasons(2)[0].text
    assert d.reasons(4)[0].code == "redemption_outside_window"


def test_deferral_selected_from_data_without_application(tree):
    unit, large, society = usccs(3)

    def row(uid: str, kind: str, month: str, **more: object) -> dict[str, object]:
        return {
            "unit_id": uid,
            "unit_kind": kind,
            "insured_as_unit": "是",
            "meets_deferral_conditions": "是",
            "month": month,
            "employer_contribution": "12345.67",
            **more,
        }

    c = columns(
        DEFERRAL_FIELDS,
        row(unit, "小型企业", "2022-07-01"),
        row(unit, "小型企业", "2022-08-01"),
        row(unit, "小型企业", "2022-10-31"),
        row(unit, "小型企业", "2022-11-01"),
        row(large, "大型企业", "2022-09-01"),
        row(society, "律师事务所", "2022-09-15"),
        row(society, "律师事务所", "2022-09-01", meets_deferral_conditions="否"),
    )
    d = deferral_run(c, tree, ON)
    assert list(d.eligible) == [False, True, True, False, False, True, False]
    assert d.payer[1] == "不涉及资金" and int(d.amount[1]) == 1_234_567 and d.object[1] == "2022-08"
    assert "免收滞纳金" in d.trace(1).explain()
    assert [r.code for r in d.reasons(4)] == ["unit_kind_not_covered"]
    fees = late_fee(d.eligible, np.full(7, 999))
    assert list(fees) == [999, 0, 0, 999, 999, 0, 999]
