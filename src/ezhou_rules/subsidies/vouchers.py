"""Budgets drawn down in order: measure 15's 10,000,000-yuan consumption-voucher pool, and any payer's budget
for a measure (the platform's payments draw the budget per payer and measure with the same function).

Each amount is taken whole if it fits in what remains, in the given order, else refused; a later smaller
amount may still fit (as a counter clerk would pay it). Nothing is paid in part.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import CITY, Check, Decision, Ints, finish, outside, window, window_text, years_of
from .errors import SubsidyError
from .fields import DATE, MONEY, RESIDENT_ID, Field

VOUCHER_FIELDS = [
    Field("voucher_no", "消费券编号"),
    Field("consumer_id", "消费者公民身份号码", RESIDENT_ID),
    Field("redeemed_on", "核销日期", DATE),
    Field("subsidy", "消费券补贴金额（元）", MONEY, min_value=0),
]


def draw_down(amounts: npt.ArrayLike, remaining: int) -> tuple[npt.NDArray[np.bool_], int]:
    """(accepted, what remains): each amount, in order, is accepted whole if it fits in what remains."""
    a = np.asarray(amounts, dtype=np.int64)
    if (a < 0).any():
        raise SubsidyError("negative_amount", "支出金额不能为负数。", field="amount")
    if remaining < 0:
        raise SubsidyError("negative_budget", "预算余额不能为负数。", field="budget")
    accepted = np.zeros(len(a), dtype=bool)
    total = np.cumsum(a)
    first_over = int(np.searchsorted(total, remaining, side="right"))  # rows before it fit all together
    accepted[:first_over] = True
    rest = remaining - (int(total[first_over - 1]) if first_over else 0)
    if first_over < len(a):
        suffix_min = np.minimum.accumulate(a[first_over:][::-1])[::-1]
        for j in range(first_over, len(a)):
            if suffix_min[j - first_over] > rest:
                break  # nothing later fits any more
            if a[j] <= rest:
                accepted[j] = True
                rest -= int(a[j])
    return accepted, rest


def draw_down_grouped(
    groups: npt.ArrayLike, amounts: npt.ArrayLike, remaining: dict[str, int]
) -> tuple[npt.NDArray[np.bool_], dict[str, int]]:
    """``draw_down`` per group (a payer and measure, e.g. "鄂城区|m05"), each against its own remaining budget.
    A group with no budget entered refuses its rows (the budget is configuration, never assumed)."""
    g = np.asarray(groups, dtype=object).astype(str)
    a = np.asarray(amounts, dtype=np.int64)
    accepted = np.zeros(len(a), dtype=bool)
    left = dict(remaining)
    for group in np.unique(g):
        rows = np.flatnonzero(g == group)
        if group not in left:
            continue
        ok, left[group] = draw_down(a[rows], left[group])
        accepted[rows] = ok
    return accepted, left


@rule(cites=cite(15), summary="市级财政统筹安排消费补贴1000万元，通用消费券核销逐笔从资金池中支出")
def voucher_drawdown(
    c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, drawn_before: int = 0
) -> tuple[Decision, int]:
    """Redemptions (in order) against the pool; ``drawn_before`` is what earlier runs already drew.
    Returns the decision and what remains of the pool."""
    pool = params.get("budget.m15", on)
    start, end = window(params, 15, on)
    in_window = ~outside(c["redeemed_on"], start, end)
    accepted_in_window, rest = draw_down(np.where(in_window, c["subsidy"], 0), max(pool - drawn_before, 0))
    checks = [
        Check(
            "redemption_outside_window",
            ~in_window,
            cite(15),
            f"核销日期{{redeemed_on}}不在{window_text(start, end)}（年内）。",
            "于{redeemed_on}核销。",
        ),
        Check(
            "pool_exhausted",
            in_window & ~accepted_in_window,
            cite(15),
            f"消费补贴资金池{format_yuan(pool)}已不足以支付本券补贴{{subsidy}}。",
            f"从消费补贴资金池（{format_yuan(pool)}）中支出。",
        ),
    ]
    amount: Ints = np.asarray(c["subsidy"], dtype=np.int64)
    n = len(amount)
    decision = finish(
        "m15",
        15,
        c,
        VOUCHER_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["consumer_id"],
        object_=c["voucher_no"],
        year=years_of(c["redeemed_on"]),
    )
    return decision, rest
