"""Interest subsidies of measures 1–3: hand computations, the window boundaries, the conditions of each
measure, a mixed batch equal to one measure at a time, and the configuration the text leaves open."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import parameters
from ezhou_rules.subsidies.errors import InvalidRows, SubsidyError
from ezhou_rules.subsidies.fields import parse_facts
from ezhou_rules.subsidies.interest import (
    LOAN_FIELDS,
    interest_batch,
    interest_subsidies,
    interest_subsidy,
)

from .conftest import ON, columns, usccs

BORROWER = usccs(1)[0]


def loan(**changes: object) -> dict[str, object]:
    facts: dict[str, object] = {
        "bank_code": "ICBC-EZ",
        "contract_no": "2022-0001",
        "borrower_id": BORROWER,
        "borrower_kind": "小型企业",
        "principal": "1000000",
        "disbursed_on": "2022-09-01",
        "ends_on": "2023-09-01",
        "first_loan": "是",
        "relief_fund": "是",
        "tool": "科技创新再贷款",
        "industry": "零售",
    }
    facts.update(changes)
    return facts


def one(measure: int, tree, **changes: object):
    return interest_subsidy(measure, columns(LOAN_FIELDS, loan(**changes)), tree, ON)


def test_first_loan_one_year(tree):
    # 1,000,000.00 × 1% × 365 ÷ 360 = 10,138.888… → 10,138.89
    d = one(1, tree)
    assert bool(d.eligible[0]) and int(d.amount[0]) == 1_013_889
    assert d.payer[0] == "市级财政" and d.object[0] == "ICBC-EZ:2022-0001"
    text = d.trace(0).explain()
    assert "10,138.89元" in text and "鄂州政办发〔2022〕32号 一" in text


def test_relief_fund_half_percent_short_loan(tree):
    # 2,345,678.91 × 0.5% × 100 ÷ 360 = 3,257.887… → 3,257.89 (2022-08-01 to 2022-11-09: 100 days)
    d = one(2, tree, principal="2345678.91", disbursed_on="2022-08-01", ends_on="2022-11-09")
    assert int(d.amount[0]) == 325_789


def test_tool_loan_capped_at_the_configured_days(tree):
    # 730 days of loan, 365 subsidised: 500,000 × 1% × 365 ÷ 360 = 5,069.444… → 5,069.44
    d = one(3, tree, principal="500000", disbursed_on="2022-12-31", ends_on="2024-12-30")
    assert int(d.amount[0]) == 506_944


def test_half_a_fen_rounds_up(tree):
    # 18.00 × 1% × 1 ÷ 360 = 0.0005 yuan = 0.05 fen → 0; 1,800.00 × 1% × 1 ÷ 360 = 0.05 yuan = 5 fen exactly;
    # 9.00 × 0.5% × 20 ÷ 360 = 0.0025 → 0.25 fen → 0; 90.00 × 0.5% × 20 ÷ 360 = 0.025 yuan = 2.5 fen → 3 fen
    assert int(one(1, tree, principal="1800", disbursed_on="2022-09-01", ends_on="2022-09-02").amount[0]) == 5
    assert int(one(2, tree, principal="90", disbursed_on="2022-09-01", ends_on="2022-09-21").amount[0]) == 3


@pytest.mark.parametrize(
    ("measure", "day", "inside"),
    [
        (1, "2022-01-01", True),
        (1, "2021-12-31", False),
        (1, "2022-12-31", True),
        (1, "2023-01-01", False),
        (2, "2022-08-01", True),
        (2, "2022-07-31", False),
        (2, "2022-12-31", True),
        (2, "2023-01-01", False),
        (3, "2022-08-01", True),
        (3, "2022-07-31", False),
        (3, "2022-12-31", True),
        (3, "2023-01-01", False),
    ],
)
def test_window_boundaries_include_both_ends(tree, measure, day, inside):
    d = one(measure, tree, disbursed_on=day, ends_on="2023-06-30")
    assert bool(d.eligible[0]) is inside
    if not inside:
        (reason,) = d.reasons(0)
        assert reason.code == "loan_outside_window" and reason.citation.endswith(("一", "二", "三"))
        assert "不在" in reason.text and day[:4] in reason.text


def test_conditions_of_each_measure(tree):
    assert [r.code for r in one(1, tree, first_loan="否").reasons(0)] == ["not_first_loan"]
    assert [r.code for r in one(1, tree, borrower_kind="大型企业").reasons(0)] == ["borrower_not_eligible"]
    assert [r.code for r in one(1, tree, other_fiscal_subsidy="是").reasons(0)] == ["other_fiscal_subsidy"]
    assert [r.code for r in one(2, tree, relief_fund="否").reasons(0)] == ["not_relief_fund_loan"]
    assert [r.code for r in one(2, tree, industry="制造业").reasons(0)] == ["industry_not_listed"]
    # 二 restricts industries, not the borrower's size
    assert bool(one(2, tree, borrower_kind="大型企业").eligible[0])
    assert [r.code for r in one(3, tree, tool="").reasons(0)] == ["tool_not_listed"]
    assert bool(one(3, tree, borrower_kind="个人", borrower_id="420704199003071238").eligible[0])
    assert [r.code for r in one(3, tree, other_fiscal_subsidy="是").reasons(0)] == ["other_fiscal_subsidy"]
    reason = one(1, tree, other_fiscal_subsidy="是").reasons(0)[0]
    assert "不再享受“首贷户”贴息" in reason.text and reason.citation == "鄂州政办发〔2022〕32号 一"


def test_ineligible_loans_get_nothing_but_keep_the_reasons(tree):
    d = one(1, tree, first_loan="否", borrower_kind="大型企业", disbursed_on="2021-06-01")
    assert int(d.amount[0]) == 0
    assert {r.code for r in d.reasons(0)} == {
        "not_first_loan",
        "borrower_not_eligible",
        "loan_outside_window",
    }


def test_the_subsidised_period_must_be_entered_first():
    with pytest.raises(ParameterNotSet, match=r"m01\.max_subsidised_days"):
        interest_subsidy(1, columns(LOAN_FIELDS, loan()), parameters(), ON)


def test_an_administrator_may_add_an_industry_the_text_leaves_open_with_等(tree):
    from ezhou_rules.core.params import AdminValue

    more = tree.with_values(
        [
            AdminValue(
                "m02.industries",
                dt.date(2022, 11, 1),
                ["交通运输", "住宿餐饮", "文体娱乐", "旅游", "零售", "物流仓储", "会展"],
                source="市财政局 纾困基金行业范围通知（测试）",
            )
        ]
    )
    assert not bool(one(2, tree, industry="会展").eligible[0])
    assert bool(interest_subsidy(2, columns(LOAN_FIELDS, loan(industry="会展")), more, ON).eligible[0])


def test_bad_input_is_refused_with_chinese_messages_and_codes(tree):
    with pytest.raises(InvalidRows) as err:
        parse_facts(LOAN_FIELDS, loan(principal="-100", disbursed_on="2022-02-30", borrower_id="123"), on=ON)
    codes = {e.field: e.code for e in err.value.errors}
    assert codes == {
        "principal": "negative_amount",
        "disbursed_on": "date_invalid",
        "borrower_id": "subject_id_invalid",
    }
    assert "“贷款本金（元）”不能为负数，收到“-100”。" in [e.message for e in err.value.errors]
    assert "另有2项错误" in str(err.value)
    with pytest.raises(SubsidyError) as inverted:
        one(1, tree, ends_on="2022-08-31")
    assert inverted.value.code == "loan_dates_inverted" and "早于发放日期" in inverted.value.message


def test_a_mixed_batch_equals_each_measure_alone(tree):
    rows = [loan(contract_no=f"K{i}", disbursed_on=f"2022-{8 + i % 5:02d}-1{i % 10}") for i in range(12)]
    c = columns(LOAN_FIELDS, *rows)
    measure = np.array([1, 2, 3] * 4)
    mixed = interest_subsidies(measure, c, tree, ON)
    for m in (1, 2, 3):
        alone = interest_subsidy(m, c, tree, ON)
        rows_m = measure == m
        assert (mixed.amount[rows_m] == alone.amount[rows_m]).all()
        assert (mixed.eligible[rows_m] == alone.eligible[rows_m]).all()
    # the trace of a row in a mixed batch shows only its own measure's conditions
    steps = [s.citation for s in mixed.trace(1).steps]
    assert all(str(c).endswith("二") for c in steps)
    eligible, amount = interest_batch(measure, c, tree, ON)
    assert (amount == mixed.amount).all() and (eligible == mixed.eligible).all()


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(0, 10**11),
    start=st.integers(0, 150),
    length=st.integers(0, 900),
    measure=st.sampled_from([1, 2, 3]),
)
def test_subsidy_is_the_exact_half_up_of_the_formula(tree, principal, start, length, measure):
    disbursed = dt.date(2022, 8, 1) + dt.timedelta(days=start)
    ends = disbursed + dt.timedelta(days=length)
    c = {
        **columns(LOAN_FIELDS, loan()),
        "principal": np.array([principal], dtype=np.int64),
        "disbursed_on": np.array([disbursed], dtype="datetime64[D]"),
        "ends_on": np.array([ends], dtype="datetime64[D]"),
    }
    d = interest_subsidy(measure, c, tree, ON)
    rate = {1: (1, 100), 2: (1, 200), 3: (1, 100)}[measure]
    days = min(length, 365)
    exact_num, exact_den = principal * days * rate[0], rate[1] * 360
    q, r = divmod(exact_num, exact_den)
    assert int(d.amount[0]) == q + (2 * r >= exact_den)
