"""Tenancy: 第二十条 (term, payment period, exit with a move-out period) and rent-to-own
(鄂州政发〔2022〕19号 第六条第二款; 鄂州政办发〔2022〕19号 三（四）).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import parameters
from .common import DOC, PLAN_DOC, RentalHousingInputError, add_months, add_years
from .housing import RENT_THEN_SELL

CITE_TERM = f"{DOC} 第二十条第一款"
CITE_EXIT = f"{DOC} 第二十条第二款"


@rule(cites=CITE_TERM, summary="租赁期限一般不少于1年、不超过3年；单次收取租金的周期原则上不超过3个月")
def check_contract_terms(
    start: dt.date, end: dt.date, payment_period_months: int, *, params: ParameterTree | None = None
) -> None:
    """Raise RentalHousingInputError naming the field unless the term is 1–3 years and rent is collected at
    most 3 months at a time. The term runs from `start` to `end` inclusive, so one year from 2024-03-01 ends
    on 2025-02-28 (the day before the anniversary)."""
    tree = params or parameters()
    lo = tree.get("contract.min_term_years", start)
    hi = tree.get("contract.max_term_years", start)
    if end < start:
        raise RentalHousingInputError("end_date：租赁期限的终止日期早于起始日期。", field="end_date")
    if end < add_years(start, lo) - dt.timedelta(days=1):
        raise RentalHousingInputError(
            f"end_date：租赁期限一般不少于{lo}年（第二十条第一款），{start:%Y-%m-%d}起租的合同最早于"
            f"{add_years(start, lo) - dt.timedelta(days=1):%Y-%m-%d}终止。",
            field="end_date",
            code="term_too_short",
        )
    if end > add_years(start, hi) - dt.timedelta(days=1):
        raise RentalHousingInputError(
            f"end_date：租赁期限不超过{hi}年（第二十条第一款），{start:%Y-%m-%d}起租的合同最迟于"
            f"{add_years(start, hi) - dt.timedelta(days=1):%Y-%m-%d}终止。",
            field="end_date",
            code="term_too_long",
        )
    most = tree.get("contract.max_payment_period_months", start)
    if not 1 <= payment_period_months <= most:
        raise RentalHousingInputError(
            f"payment_period_months：单次收取租金的周期应为1至{most}个月（第二十条第一款）。",
            field="payment_period_months",
            code="payment_period",
        )


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

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


def _charge(kind: str, after: dt.date, last: dt.date, monthly: int) -> RentLine | None:
    """Rent for the days after `after` up to `last` inclusive: whole months counted from `after` (each
    anniversary computed from `after`, not chained, so 1月31日 → 2月29日 → 3月31日), then the remaining days
    as a share of the month they fall in: monthly × days ÷ days of that month, rounded half up to the fen."""
    if last <= after:
        return None
    k = 0
    while add_months(after, k + 1) <= last:
        k += 1
    anchor = add_months(after, k)
    days = (last - anchor).days
    period = (add_months(after, k + 1) - anchor).days
    amount = monthly * k + (round_half_up(monthly * days, period) if days else 0)
    return RentLine(kind, after + dt.timedelta(days=1), last, monthly, k, days, period, amount)


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
    """The rent owed from the day after `exit_date` (the day the tenancy ends) to `vacated_date` (the day the
    unit is handed back, charged): during the move-out period granted (at most 3 months) at the contract
    rent, after it at the market rent."""
    tree = params or parameters()
    most = tree.get("contract.max_move_out_months", exit_date)
    if not 0 <= move_out_months <= most:
        raise RentalHousingInputError(
            f"move_out_months：腾退搬迁期最长不超过{most}个月（第二十条第二款）。",
            field="move_out_months",
            code="move_out_period",
        )
    if vacated_date < exit_date:
        raise RentalHousingInputError("vacated_date：腾退日期不能早于退出日期。", field="vacated_date")
    for name, value in (("contract_rent_fen", contract_rent_fen), ("market_rent_fen", market_rent_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RentalHousingInputError(f"{name}：月租金应为非负整数（分）。", field=name)
    move_out_end = add_months(exit_date, move_out_months)
    statement = ExitStatement(exit_date, move_out_end, vacated_date)
    contract = _charge("contract", exit_date, min(vacated_date, move_out_end), contract_rent_fen)
    if contract:
        statement.lines.append(contract)
        trace.step(
            "exit_rent.move_out_period",
            CITE_EXIT,
            {"from": contract.first_day, "to": contract.last_day, "monthly_rent_fen": contract_rent_fen},
            contract.amount_fen,
            f"腾退搬迁期（{move_out_months}个月，至{move_out_end:%Y年%m月%d日}）内"
            f"{contract.first_day:%Y年%m月%d日}至{contract.last_day:%Y年%m月%d日}按原合同租金"
            f"{format_yuan(contract_rent_fen)}/月计：{contract.whole_months}个整月"
            + (
                f"加{contract.extra_days}天（按当月{contract.extra_period_days}天折算）"
                if contract.extra_days
                else ""
            )
            + f"，共{format_yuan(contract.amount_fen)}。",
        )
    market = _charge("market", move_out_end, vacated_date, market_rent_fen)
    if market:
        statement.lines.append(market)
        trace.step(
            "exit_rent.after_move_out_period",
            CITE_EXIT,
            {"from": market.first_day, "to": market.last_day, "monthly_rent_fen": market_rent_fen},
            market.amount_fen,
            f"搬迁期满仍未腾退，{market.first_day:%Y年%m月%d日}至{market.last_day:%Y年%m月%d日}按市场租金"
            f"{format_yuan(market_rent_fen)}/月计：{market.whole_months}个整月"
            + (
                f"加{market.extra_days}天（按当月{market.extra_period_days}天折算）"
                if market.extra_days
                else ""
            )
            + f"，共{format_yuan(market.amount_fen)}。",
        )
    trace.step(
        "exit_rent.total",
        CITE_EXIT,
        {"lines": len(statement.lines)},
        statement.total_fen,
        f"退出期间应缴租金合计{format_yuan(statement.total_fen)}。",
    )
    return statement


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
    """Dates and credited rent of 先租后售. 租赁满5年: a tenancy from 2023-03-01 is 5 full years on 2028-02-29
    (end of day), so the application may be made from 2028-03-01, the 5th anniversary."""
    tree = params or parameters()
    if rent_paid_fen < 0:
        raise RentalHousingInputError("rent_paid_fen：已交租金不能为负数。", field="rent_paid_fen")
    if price_fen is not None and price_fen < 0:
        raise RentalHousingInputError("price_fen：购房款不能为负数。", field="price_fen")
    if housing_type != RENT_THEN_SELL:
        reason = "只租不售房源不能转为共有产权住房（第六条第三款）。"
        trace.step("rent_to_own.type", f"{DOC} 第六条第三款", {"housing_type": housing_type}, False, reason)
        return RentToOwn(False, reason, None, False, 0, price_fen, None, 0, None, False)
    years = tree.get("rent_to_own.tenancy_years", on)
    conversion_from = add_years(tenancy_start, years)
    may_apply = on >= conversion_from
    trace.step(
        "rent_to_own.conversion_date",
        f"{PLAN_DOC} 三（四）",
        {"tenancy_start": tenancy_start, "years": years},
        conversion_from,
        f"{tenancy_start:%Y年%m月%d日}起租，租赁满{years}年后自{conversion_from:%Y年%m月%d日}起可申请转为共有产权住房"
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
        sale_from = add_years(shared_ownership_from, hold)
        may_sell = full_ownership and on >= sale_from
        trace.step(
            "rent_to_own.market_sale",
            f"{PLAN_DOC} 三（四）",
            {"shared_ownership_from": shared_ownership_from, "years": hold, "full_ownership": full_ownership},
            sale_from,
            f"共有产权住房自{shared_ownership_from:%Y年%m月%d日}起持有满{hold}年，"
            f"{sale_from:%Y年%m月%d日}起在购买全部产权的情况下可申请转为商品住房上市交易"
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
    )
