"""Tenancy: 第二十条 (term, payment period, exit with a move-out period) and rent-to-own
(鄂州政发〔2022〕19号 第六条第二款; 鄂州政办发〔2022〕19号 三（四）).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan, round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import parameters, validity_warning
from .common import DOC, ONE_DAY, PLAN_DOC, completed_on, fail, in_force, period_last_day
from .housing import RENT_THEN_SELL

CITE_TERM = f"{DOC} 第二十条第一款"
CITE_EXIT = f"{DOC} 第二十条第二款"


@rule(cites=CITE_TERM, summary="租赁期限一般不少于1年、不超过3年；单次收取租金的周期原则上不超过3个月")
def check_contract_terms(
    start: dt.date, end: dt.date, payment_period_months: int, *, params: ParameterTree | None = None
) -> str:
    """Raise RentalHousingInputError naming the field unless the term is 1–3 years and rent is collected at
    most 3 months at a time; return the validity warning for `start` ("" while the measures are in force).

    The term runs from `start` to `end`, both days included (docs/interpretations.md R7, R9): one year from
    2024-03-01 ends on 2025-02-28, and from 2024-02-29 also on 2025-02-28 (no 29 February in 2025: the
    month's last day, 民法典 第二百零二条), so 2024-02-29 → 2027-02-28 is exactly 3 years.
    """
    tree = params or parameters()
    lo = in_force(tree, "contract.min_term_years", start, field="start_date")
    hi = tree.get("contract.max_term_years", start)
    if end < start:
        raise fail("end_date", "租赁期限的到期日期早于起租日期。")
    shortest = period_last_day(start, years=lo)
    if end < shortest:
        raise fail(
            "end_date",
            f"租赁期限一般不少于{lo}年（第二十条第一款），{cn_date(start)}起租的合同最早于{cn_date(shortest)}到期，"
            f"{cn_date(end)}到期不足{lo}年。",
            code="term_too_short",
        )
    longest = period_last_day(start, years=hi)
    if end > longest:
        raise fail(
            "end_date",
            f"租赁期限不超过{hi}年（第二十条第一款），{cn_date(start)}起租的合同最迟于{cn_date(longest)}到期。",
            code="term_too_long",
        )
    most = tree.get("contract.max_payment_period_months", start)
    if isinstance(payment_period_months, bool) or not 1 <= payment_period_months <= most:
        raise fail(
            "payment_period_months",
            f"单次收取租金的周期应为1至{most}个月（第二十条第一款）。",
            code="payment_period",
        )
    return validity_warning(start)


@dataclass
class RentLine:
    kind: str  # "contract" (搬迁期内按原合同租金) or "market" (搬迁期满后按市场租金)
    first_day: dt.date
    last_day: dt.date
    monthly_rent_fen: int
    whole_months: int
    extra_days: int
    extra_period_days: int  # length of the month the extra days are a part of
    amount_fen: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "monthly_rent_fen": self.monthly_rent_fen,
            "whole_months": self.whole_months,
            "extra_days": self.extra_days,
            "extra_period_days": self.extra_period_days,
            "amount_fen": self.amount_fen,
        }


@dataclass
class ExitStatement:
    exit_date: dt.date
    move_out_end: dt.date
    vacated_date: dt.date
    lines: list[RentLine] = field(default_factory=list)
    warning: str = ""  # the measures applied after their validity (第三十一条); "" while in force

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def _count(origin: dt.date, last: dt.date) -> tuple[int, int, int]:
    """From `origin` (a first day) to `last`, both included: (whole months, remaining days, days of the
    month-period those days begin). Month k ends on `period_last_day(origin, months=k)`, each computed from
    `origin`, never chained."""
    k = max((last.year - origin.year) * 12 + last.month - origin.month - 1, 0)
    while k > 0 and period_last_day(origin, months=k) > last:
        k -= 1
    while period_last_day(origin, months=k + 1) <= last:
        k += 1
    whole_end = period_last_day(origin, months=k)  # the day before `origin` when k == 0
    return k, (last - whole_end).days, (period_last_day(origin, months=k + 1) - whole_end).days


def _amount(monthly: int, months: int, days: int, period: int) -> int:
    """monthly × months + monthly × days ÷ period, the share rounded half up to the fen once."""
    return monthly * months + (round_half_up(monthly * days, period) if days else 0)


def _charge(kind: str, first: dt.date, last: dt.date, monthly: int) -> RentLine | None:
    """Rent for `first` … `last` (both included): whole months counted from `first`, then the remaining days
    as a share of the month-period they begin (monthly × days ÷ days of that period). From 2023-03-01 to
    2023-03-31 is one whole month; from 2023-03-01 to 2023-04-10 one month and 10 days of the 30-day period
    04-01 … 04-30."""
    if last < first:
        return None
    months, days, period = _count(first, last)
    return RentLine(
        kind,
        first,
        last,
        monthly,
        months,
        days,
        period if days else 0,
        _amount(monthly, months, days, period),
    )


def _line_text(line: RentLine) -> str:
    extra = f"加{line.extra_days}天（按该月{line.extra_period_days}天折算）" if line.extra_days else ""
    return (
        f"{cn_date(line.first_day)}至{cn_date(line.last_day)}按{format_yuan(line.monthly_rent_fen)}/月计："
        f"{line.whole_months}个整月{extra}，共{format_yuan(line.amount_fen)}"
    )


@rule(
    cites=CITE_EXIT,
    summary="腾退搬迁期最长不超过3个月，期内按原合同租金；期满仍未腾退的按市场租金缴纳直至腾退",
)
def exit_rent_statement(
    *,
    exit_date: dt.date,
    move_out_months: int,
    vacated_date: dt.date,
    contract_rent_fen: int,
    market_rent_fen: int,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> ExitStatement:
    """The rent owed from the day after `exit_date` (the last day of the tenancy) to `vacated_date` (the day
    the unit is handed back, charged): during the move-out period granted (at most 3 months, its first day
    the day after `exit_date`) at the contract rent, after it at the market rent, each by whole months and
    then days (R6). Exit 2022-11-30 with 3 months: the period runs 2022-12-01 … 2023-02-28; vacated
    2023-03-31, the market rent is owed for exactly one month, 2023-03-01 … 03-31."""
    tree = params or parameters()
    most = in_force(tree, "contract.max_move_out_months", exit_date, field="exit_date")
    if isinstance(move_out_months, bool) or not 0 <= move_out_months <= most:
        raise fail(
            "move_out_months", f"腾退搬迁期最长不超过{most}个月（第二十条第二款）。", code="move_out_period"
        )
    if vacated_date < exit_date:
        raise fail("vacated_date", "腾退日期不能早于退出日期。")
    for name, value in (("contract_rent_fen", contract_rent_fen), ("market_rent_fen", market_rent_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(name, "月租金应为非负整数（分）。")
    first = exit_date + ONE_DAY
    move_out_end = period_last_day(first, months=move_out_months)
    statement = ExitStatement(exit_date, move_out_end, vacated_date, warning=validity_warning(vacated_date))
    contract = _charge("contract", first, min(vacated_date, move_out_end), contract_rent_fen)
    if contract:
        statement.lines.append(contract)
        trace.step(
            "exit_rent.move_out_period",
            CITE_EXIT,
            {"from": contract.first_day, "to": contract.last_day, "monthly_rent_fen": contract_rent_fen},
            contract.amount_fen,
            f"腾退搬迁期（{move_out_months}个月，至{cn_date(move_out_end)}）内，{_line_text(contract)}（原合同租金）。",
        )
    market = _charge("market", move_out_end + ONE_DAY, vacated_date, market_rent_fen)
    if market:
        statement.lines.append(market)
        trace.step(
            "exit_rent.after_move_out_period",
            CITE_EXIT,
            {"from": market.first_day, "to": market.last_day, "monthly_rent_fen": market_rent_fen},
            market.amount_fen,
            f"搬迁期满仍未腾退，{_line_text(market)}（市场租金）。",
        )
    trace.step(
        "exit_rent.total",
        CITE_EXIT,
        {"lines": len(statement.lines)},
        statement.total_fen,
        f"退出期间应缴租金合计{format_yuan(statement.total_fen)}。",
    )
    return statement


@rule(
    cites=[CITE_TERM, f"{DOC} 第二十一条"],
    summary="租金按合同约定的收取周期（单次不超过3个月）缴纳：每期的起止日期和金额",
)
def rent_schedule(
    *,
    start: dt.date,
    end: dt.date,
    monthly_rent_fen: int,
    payment_period_months: int,
    params: ParameterTree | None = None,
) -> list[RentLine]:
    """The rent of each collection period of a contract from `start` to `end` (both included): period j
    covers months (j−1)·p+1 … j·p of the term counted from `start` (R6's month count), so every full period
    costs exactly p months of rent; a shorter last period is charged its whole months and then its days.
    A one-year term from 2024-01-31 collected every 3 months: 01-31 … 04-30, 05-01 … 07-30, 07-31 … 10-30,
    10-31 … 2025-01-30, four times 3 × the monthly rent."""
    tree = params or parameters()
    most = in_force(tree, "contract.max_payment_period_months", start, field="start_date")
    if end < start:
        raise fail("end_date", "租赁期限的到期日期早于起租日期。")
    if isinstance(payment_period_months, bool) or not 1 <= payment_period_months <= most:
        raise fail("payment_period_months", f"单次收取租金的周期应为1至{most}个月（第二十条第一款）。")
    if isinstance(monthly_rent_fen, bool) or not isinstance(monthly_rent_fen, int) or monthly_rent_fen < 0:
        raise fail("rent_fen", "月租金应为非负整数（分）。")
    p = payment_period_months
    months_total, days_total, period_total = _count(start, end)
    lines: list[RentLine] = []
    m0 = 0
    while m0 < months_total or (m0 == months_total and days_total):
        first = period_last_day(start, months=m0) + ONE_DAY
        if m0 + p <= months_total:
            last, months, days, period = period_last_day(start, months=m0 + p), p, 0, 0
        else:
            last, months, days, period = end, months_total - m0, days_total, period_total
        amount = _amount(monthly_rent_fen, months, days, period)
        lines.append(RentLine("contract", first, last, monthly_rent_fen, months, days, period, amount))
        m0 += p
    return lines


@dataclass
class RentToOwn:
    allowed: bool
    reason: str
    conversion_from: dt.date | None  # first day the tenant may apply to convert (租赁满5年)
    may_apply_now: bool
    credited_rent_fen: int  # 已交的租金计入购房款
    price_fen: int | None
    payable_fen: int | None
    uncredited_rent_fen: int  # rent paid beyond the price (not refundable by this rule)
    market_sale_from: dt.date | None  # 共有产权住房持有满5年后（购买全部产权）可申请上市交易
    may_sell_now: bool
    warning: str = ""  # the measures applied after their validity (第三十一条); "" while in force


@rule(
    cites=[f"{DOC} 第六条第二款", f"{PLAN_DOC} 三（四）"],
    summary="先租后售：租赁满5年可申请转为共有产权住房，已交租金计入购房款；持有5年并购买全部产权后可上市交易",
)
def rent_to_own(
    *,
    housing_type: str,
    tenancy_start: dt.date,
    on: dt.date,
    rent_paid_fen: int,
    price_fen: int | None = None,
    shared_ownership_from: dt.date | None = None,
    full_ownership: bool = False,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> RentToOwn:
    """Dates and credited rent of 先租后售. "租赁满5年后" (R8, R9): the tenancy counts from its first day, so a
    tenancy from 2023-03-01 is 5 full years at the end of 2028-02-29 and the tenant may apply from 2028-03-01;
    one from 2024-02-29 is full at the end of 2029-02-28 (no 29 February: the month's last day, 民法典
    第二百零二条) and may apply from 2029-03-01."""
    tree = params or parameters()
    in_force(tree, "rent_to_own.tenancy_years", tenancy_start, field="tenancy_start")
    years = in_force(tree, "rent_to_own.tenancy_years", on, field="on")
    if rent_paid_fen < 0:
        raise fail("rent_paid_fen", "已交租金不能为负数。")
    if price_fen is not None and price_fen < 0:
        raise fail("price_fen", "购房款不能为负数。")
    warning = validity_warning(on)
    if housing_type != RENT_THEN_SELL:
        reason = "只租不售房源不能转为共有产权住房（第六条第三款）。"
        trace.step("rent_to_own.type", f"{DOC} 第六条第三款", {"housing_type": housing_type}, False, reason)
        return RentToOwn(False, reason, None, False, 0, price_fen, None, 0, None, False, warning)
    conversion_from = completed_on(tenancy_start, years=years)
    may_apply = on >= conversion_from
    trace.step(
        "rent_to_own.conversion_date",
        f"{PLAN_DOC} 三（四）",
        {"tenancy_start": tenancy_start, "years": years},
        conversion_from,
        f"{cn_date(tenancy_start)}起租，至{cn_date(conversion_from - ONE_DAY)}租赁满{years}年，"
        f"自{cn_date(conversion_from)}起可申请转为共有产权住房"
        + ("，现已可以申请。" if may_apply else "，目前尚不能申请。"),
    )
    credited = rent_paid_fen
    payable = uncredited = None
    if price_fen is not None:
        used = min(credited, price_fen)
        payable = price_fen - used
        uncredited = credited - used
        trace.step(
            "rent_to_own.credited_rent",
            f"{PLAN_DOC} 三（四）",
            {"rent_paid_fen": rent_paid_fen, "price_fen": price_fen},
            payable,
            f"已交租金{format_yuan(rent_paid_fen)}计入购房款，购房款{format_yuan(price_fen)}"
            f"扣除后尚需支付{format_yuan(payable)}。",
        )
    sale_from = None
    may_sell = False
    if shared_ownership_from is not None:
        hold = tree.get("rent_to_own.shared_ownership_holding_years", on)
        sale_from = completed_on(shared_ownership_from, years=hold)
        may_sell = full_ownership and on >= sale_from
        trace.step(
            "rent_to_own.market_sale",
            f"{PLAN_DOC} 三（四）",
            {"shared_ownership_from": shared_ownership_from, "years": hold, "full_ownership": full_ownership},
            sale_from,
            f"共有产权住房自{cn_date(shared_ownership_from)}起持有，至{cn_date(sale_from - ONE_DAY)}满{hold}年，"
            f"{cn_date(sale_from)}起在购买全部产权的情况下可申请转为商品住房上市交易"
            + ("，现已可以申请。" if may_sell else "。" if full_ownership else "；尚未购买全部产权。"),
        )
    return RentToOwn(
        True,
        "",
        conversion_from,
        may_apply,
        credited,
        price_fen,
        payable,
        uncredited or 0,
        sale_from,
        may_sell,
        warning,
    )
