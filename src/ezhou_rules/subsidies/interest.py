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

A batch may mix the three measures (a bank's report): each row carries its measure, each condition applies to
the rows of its measure, and the rate, basis and day cap are looked up per row — one pass, no splitting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import INT64_MAX, format_yuan, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree

from . import cite, measure_key, measure_name
from .decision import (
    CITY,
    Bools,
    Check,
    Decision,
    Ints,
    constant,
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


def interest_days(disbursed_on: np.ndarray, ends_on: np.ndarray, max_days: int | Ints) -> Ints:
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
    return mul_ratio_half_up(p * subsidised_days, np.asarray(rate_num, dtype=np.int64), den)


@dataclass(frozen=True)
class _Terms:
    rate: Fraction
    basis: int
    max_days: int


def _terms(params: ParameterTree, measure: int, on: dt.date) -> _Terms:
    group = measure_key(measure)
    return _Terms(
        params.get(f"{group}.rate", on),
        params.get(f"{group}.day_count_basis", on),
        params.get(f"{group}.max_subsidised_days", on),
    )


def _checks(
    measure: int, rows: Bools, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date
) -> list[Check]:
    """The conditions of one measure, failing only on that measure's rows (``rows``)."""
    group, where, name = measure_key(measure), cite(measure), measure_name(measure)
    start, end = window(params, measure, on)
    span = window_text(start, end)

    def check(code: str, failed: Bools, fail_text: str, pass_text: str) -> Check:
        return Check(code, rows & failed, where, fail_text, pass_text, applies=rows)

    checks = [
        check(
            "loan_outside_window",
            outside(c["disbursed_on"], start, end),
            f"贷款发放日期{{disbursed_on}}不在{name}规定的{span}期间内。",
            f"贷款发放日期{{disbursed_on}}在{span}期间内。",
        )
    ]
    if measure == 1:
        checks.append(
            check(
                "not_first_loan",
                ~c["first_loan"].astype(bool),
                "该笔贷款未被贷款银行认定为“首贷户”新增首贷。",
                "该笔贷款为2022年新增“首贷户”贷款。",
            )
        )
    if measure == 2:
        industries = params.get(f"{group}.industries", on)
        checks += [
            check(
                "not_relief_fund_loan",
                ~c["relief_fund"].astype(bool),
                "该笔贷款不是纾困基金贷款。",
                "该笔贷款为纾困基金贷款。",
            ),
            check(
                "industry_not_listed",
                not_in(c["industry"], industries),
                f"所属行业“{{industry}}”不在第二条所列困难行业（{'、'.join(industries)}）之内。",
                "所属行业“{industry}”属于第二条所列困难行业。",
            ),
        ]
    if measure == 3:
        tools = params.get(f"{group}.tools", on)
        checks.append(
            check(
                "tool_not_listed",
                not_in(c["tool"], tools),
                f"货币政策工具“{{tool}}”不在第三条所列工具（{'、'.join(tools)}）之内。",
                "该笔贷款由货币政策工具“{tool}”带动。",
            )
        )
    if measure in (1, 3):
        kinds = params.get(f"{group}.borrower_kinds", on)
        labels = "、".join(BORROWER_KINDS[k] for k in kinds)
        checks += [
            check(
                "borrower_not_eligible",
                not_in(c["borrower_kind"], kinds),
                f"借款人类型为“{{borrower_kind}}”，{name}只支持{labels}。",
                "借款人类型“{borrower_kind}”属于支持范围。",
            ),
            check(
                "other_fiscal_subsidy",
                c["other_fiscal_subsidy"].astype(bool),
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
def interest_subsidies(
    measure: npt.ArrayLike, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date
) -> Decision:
    """Eligibility and subsidy of loans, each under its own measure (1, 2 or 3), in one vectorised pass.
    The decision's component is "m01"/"m02"/"m03" when all rows share a measure, else "m01-m03"."""
    m = np.asarray(measure, dtype=np.int64).reshape(-1)
    if not np.isin(m, INTEREST_MEASURES).all():
        raise SubsidyError("measure_not_interest", "贷款贴息只适用第一至三条。", field="measure")
    present = [k for k in INTEREST_MEASURES if (m == k).any()]
    terms = {k: _terms(params, k, on) for k in present}
    num, den, basis, max_days = (np.zeros(len(m), dtype=np.int64) for _ in range(4))
    checks: list[Check] = []
    for k in present:
        rows = m == k
        t = terms[k]
        num[rows], den[rows] = t.rate.numerator, t.rate.denominator
        basis[rows], max_days[rows] = t.basis, t.max_days
        checks += _checks(k, rows, c, params, on)
    sub_days = interest_days(c["disbursed_on"], c["ends_on"], max_days)
    amount = interest_amounts(c["principal"], sub_days, num, den, basis)

    def steps(i: int) -> list[tuple[str, str, dict[str, object], object, str]]:
        k = int(m[i])
        t = terms[k]
        p, d, a = int(c["principal"][i]), int(sub_days[i]), int(amount[i])
        return [
            (
                "subsidised_days",
                cite(k),
                {"max_days": t.max_days},
                d,
                f"贴息天数自发放日{format_date(c['disbursed_on'][i])}起算至{format_date(c['ends_on'][i])}"
                f"（不含当日），共{d}天（每笔最多{t.max_days}天）。",
            ),
            (
                "subsidy",
                cite(k),
                {"principal_fen": p, "rate": t.rate, "days": d, "basis": t.basis},
                a,
                f"贴息金额＝本金{format_yuan(p)}×年利率{percent_text(t.rate)}×{d}天÷{t.basis}"
                f"＝{format_yuan(a)}（四舍五入到分）。",
            ),
        ]

    single = len(present) == 1
    return finish(
        f"m{present[0]:02d}" if single else "m01-m03",
        present[0] if single else 0,
        c,
        LOAN_FIELDS,
        checks,
        amount,
        amount,
        payer=constant(CITY, len(m)),
        subject=c["borrower_id"],
        object_=lambda: loan_objects(c["bank_code"], c["contract_no"]),
        year=years_of(c["disbursed_on"]),
        steps=steps,
    )


def interest_subsidy(measure: int, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    """Loans under one measure (1, 2 or 3); the columns as parsed with LOAN_FIELDS."""
    if measure not in INTEREST_MEASURES:
        raise SubsidyError(
            "measure_not_interest",
            f"{measure_name(measure)}不是贷款贴息措施（只有第一至三条）。",
            field="measure",
        )
    return interest_subsidies(np.full(len(c["principal"]), measure), c, params, on)


def loan_objects(bank_code: np.ndarray, contract_no: np.ndarray) -> np.ndarray:
    """The ledger object of a loan: ``<bank>:<contract>`` (a contract number is unique only within its bank)."""
    return np.array([f"{b}:{k}" for b, k in zip(bank_code, contract_no, strict=True)], dtype=object)


def interest_batch(
    measure: npt.ArrayLike, c: dict[str, np.ndarray], params: ParameterTree, on: dt.date
) -> tuple[Bools, Ints]:
    """(eligible, subsidy fen) of loans reported under mixed measures 1–3: the column path of a year's bank
    reports (the benchmark); reasons and traces stay available through ``interest_subsidies``."""
    d = interest_subsidies(measure, c, params, on)
    return d.eligible, d.amount
