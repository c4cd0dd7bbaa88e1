"""Interest subsidies of measures 1–3 (贷款贴息), vectorised over loans.

    subsidy = principal × annual rate × subsidised days ÷ day-count basis, rounded half up to the fen once

- 一：“首贷户” loans newly granted in 2022, 1% (市级财政), not where another fiscal interest subsidy is enjoyed.
- 二：纾困基金 loans of the listed hard-hit industries in 2022-08…12, 0.5%.
- 三：loans driven by the listed monetary-policy tools to small and micro enterprises and individuals in
  2022-08…12, 1%, never on top of another fiscal interest subsidy.

The text gives neither the subsidised period nor the day-count basis. Both are configuration per measure
(``mNN.max_subsidised_days`` — nobody has entered it yet, so the calculation stops and says so — and
``mNN.day_count_basis`` = 360 after 人民币利率管理规定); days are counted from the disbursement day (counted)
to the maturity or repayment day (not counted), at most ``max_subsidised_days`` (interpretation S1).
One loan gets one fiscal interest subsidy across measures 1–3: that is the ledger's key ``interest|<bank>:<contract>``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import INT64_MAX, format_yuan, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree

from . import cite, measure_key, measure_name
from .decision import (
    CITY,
    Check,
    Decision,
    Ints,
    days,
    finish,
    not_in,
    outside,
    percent_text,
    window,
    window_text,
    years_of,
)
from .errors import SubsidyError
from .fields import BOOL, CHOICE, DATE, MONEY, SUBJECT_ID, Field, format_date

BORROWER_KINDS = {
    "micro": "微型企业",
    "small": "小型企业",
    "medium": "中型企业",
    "individual_business": "个体工商户",
    "individual": "个人",
    "large": "大型企业",
    "other": "其他",
}
LOAN_FIELDS = [
    Field("bank_code", "贷款银行"),
    Field("contract_no", "贷款合同编号"),
    Field("borrower_id", "借款人证件号码", SUBJECT_ID),
    Field("borrower_kind", "借款人类型", CHOICE, choices=BORROWER_KINDS),
    Field("principal", "贷款本金（元）", MONEY, min_value=0),
    Field("disbursed_on", "发放日期", DATE),
    Field("ends_on", "到期或结清日期", DATE),
    Field("first_loan", "首贷户贷款", BOOL, required=False, default=False),
    Field("relief_fund", "纾困基金贷款", BOOL, required=False, default=False),
    Field("tool", "货币政策工具", required=False, default=""),
    Field("industry", "所属行业", required=False, default=""),
    Field("other_fiscal_subsidy", "已享受其他财政贴息", BOOL, required=False, default=False),
]
INTEREST_MEASURES = (1, 2, 3)


def interest_days(disbursed_on: np.ndarray, ends_on: np.ndarray, max_days: int) -> Ints:
    """Days from disbursement (counted) to maturity or repayment (not counted), at most ``max_days``."""
    start, end = days(disbursed_on), days(ends_on)
    inverted = end < start
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise SubsidyError(
            "loan_dates_inverted",
            f"第{i + 1}笔贷款的到期或结清日期（{format_date(end[i])}）早于发放日期（{format_date(start[i])}）。",
            field="ends_on",
            label="到期或结清日期",
        )
    return np.minimum((end - start).astype(np.int64), max_days)


def interest_amounts(
    principal: np.ndarray,
    subsidised_days: Ints,
    rate_num: int | Ints,
    rate_den: int | Ints,
    basis: int | Ints,
) -> Ints:
    """principal × rate × days ÷ basis in integers, rounded half up once (per-row rate and basis allowed)."""
    p = np.asarray(principal, dtype=np.int64)
    if p.size and int(p.max()) > INT64_MAX // max(int(np.max(subsidised_days)), 1):
        raise SubsidyError(
            "amount_out_of_range", "贷款本金超出可计算的范围。", field="principal", label="贷款本金（元）"
        )
    den = np.asarray(rate_den, dtype=np.int64) * np.asarray(basis, dtype=np.int64)
    return mul_ratio_half_up(
        np.asarray(principal, dtype=np.int64) * subsidised_days, np.asarray(rate_num), den
    )


def _terms(params: ParameterTree, measure: int, on: dt.date) -> tuple[int, int, int, int]:
    group = measure_key(measure)
    rate = params.get(f"{group}.rate", on)
    return (
        rate.numerator,
        rate.denominator,
        params.get(f"{group}.day_count_basis", on),
        params.get(f"{group}.max_subsidised_days", on),
    )


def _checks(measure: int, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> list[Check]:
    group, where = measure_key(measure), cite(measure)
    start, end = window(params, measure, on)
    span = window_text(start, end)
    checks = [
        Check(
            "loan_outside_window",
            outside(c["disbursed_on"], start, end),
            where,
            f"贷款发放日期{{disbursed_on}}不在{measure_name(measure)}规定的{span}期间内。",
            f"贷款发放日期{{disbursed_on}}在{span}期间内。",
        )
    ]
    if measure == 1:
        checks.append(
            Check(
                "not_first_loan",
                ~c["first_loan"].astype(bool),
                where,
                "该笔贷款未被贷款银行认定为“首贷户”新增首贷。",
                "该笔贷款为2022年新增“首贷户”贷款。",
            )
        )
    if measure == 2:
        industries = params.get(f"{group}.industries", on)
        checks += [
            Check(
                "not_relief_fund_loan",
                ~c["relief_fund"].astype(bool),
                where,
                "该笔贷款不是纾困基金贷款。",
                "该笔贷款为纾困基金贷款。",
            ),
            Check(
                "industry_not_listed",
                not_in(c["industry"], industries),
                where,
                f"所属行业“{{industry}}”不在第二条所列困难行业（{'、'.join(industries)}）之内。",
                "所属行业“{industry}”属于第二条所列困难行业。",
            ),
        ]
    if measure == 3:
        tools = params.get(f"{group}.tools", on)
        checks.append(
            Check(
                "tool_not_listed",
                not_in(c["tool"], tools),
                where,
                f"货币政策工具“{{tool}}”不在第三条所列工具（{'、'.join(tools)}）之内。",
                "该笔贷款由货币政策工具“{tool}”带动。",
            )
        )
    if measure in (1, 3):
        kinds = params.get(f"{group}.borrower_kinds", on)
        labels = "、".join(BORROWER_KINDS[k] for k in kinds)
        checks += [
            Check(
                "borrower_not_eligible",
                not_in(c["borrower_kind"], kinds),
                where,
                f"借款人类型为“{{borrower_kind}}”，{measure_name(measure)}只支持{labels}。",
                "借款人类型“{borrower_kind}”属于支持范围。",
            ),
            Check(
                "other_fiscal_subsidy",
                c["other_fiscal_subsidy"].astype(bool),
                where,
                "该笔贷款已享受其他财政贴息政策，"
                + ("不再享受“首贷户”贴息。" if measure == 1 else "不得重复享受财政贴息。"),
                "该笔贷款未享受其他财政贴息。",
            ),
        ]
    return checks


@rule(
    cites=[cite(1), cite(2), cite(3)],
    summary="贷款贴息：本金×贴息年利率×贴息天数÷计息基数，四舍五入到分",
)
def interest_subsidy(measure: int, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    """Eligibility and subsidy of loans under measure 1, 2 or 3 (columns as parsed with LOAN_FIELDS)."""
    if measure not in INTEREST_MEASURES:
        raise SubsidyError(
            "measure_not_interest",
            f"{measure_name(measure)}不是贷款贴息措施（只有第一至三条）。",
            field="measure",
        )
    num, den, basis, max_days = _terms(params, measure, on)
    checks = _checks(measure, c, params, on)
    sub_days = interest_days(c["disbursed_on"], c["ends_on"], max_days)
    amount = interest_amounts(c["principal"], sub_days, num, den, basis)
    rate_text = percent_text(Fraction(num, den))

    def steps(i: int) -> list[tuple[str, str, dict[str, object], object, str]]:
        p, d, a = int(c["principal"][i]), int(sub_days[i]), int(amount[i])
        return [
            (
                "subsidised_days",
                cite(measure),
                {"max_days": max_days},
                d,
                f"贴息天数自发放日{format_date(c['disbursed_on'][i])}起算至{format_date(c['ends_on'][i])}（不含当日），"
                f"共{d}天（每笔最多{max_days}天）。",
            ),
            (
                "subsidy",
                cite(measure),
                {"principal_fen": p, "rate": f"{num}/{den}", "days": d, "basis": basis},
                a,
                f"贴息金额＝本金{format_yuan(p)}×年利率{rate_text}×{d}天÷{basis}＝{format_yuan(a)}（四舍五入到分）。",
            ),
        ]

    n = len(amount)
    return finish(
        f"m{measure:02d}",
        measure,
        c,
        LOAN_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["borrower_id"],
        object_=loan_objects(c["bank_code"], c["contract_no"]),
        year=years_of(c["disbursed_on"]),
        steps=steps,
    )


def loan_objects(bank_code: np.ndarray, contract_no: np.ndarray) -> np.ndarray:
    """The ledger object of a loan: ``<bank>:<contract>`` (a contract number is unique only within its bank)."""
    return np.array([f"{b}:{k}" for b, k in zip(bank_code, contract_no, strict=True)], dtype=object)


def interest_batch(
    measure: Ints, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date
) -> tuple[np.ndarray, Ints]:
    """(eligible, subsidy fen) for loans reported under mixed measures 1–3, without building reasons: the
    column path of a year's bank reports (the benchmark). Each measure's rows go through ``interest_subsidy``."""
    measure = np.asarray(measure, dtype=np.int64)
    eligible = np.zeros(len(measure), dtype=bool)
    amount = np.zeros(len(measure), dtype=np.int64)
    unknown = ~np.isin(measure, INTEREST_MEASURES)
    if unknown.any():
        raise SubsidyError("measure_not_interest", "贷款贴息只适用第一至三条。", field="measure")
    for m in INTEREST_MEASURES:
        rows = np.flatnonzero(measure == m)
        if not len(rows):
            continue
        d = interest_subsidy(m, {k: v[rows] for k, v in c.items()}, params, on)
        eligible[rows] = d.eligible
        amount[rows] = d.amount
    return eligible, amount
