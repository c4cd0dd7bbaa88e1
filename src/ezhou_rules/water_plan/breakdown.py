"""A plan and each of its components (附件1), for the calculators and the plan pages.

The plan itself is computed once, by ``plan.statistic_plan`` or ``plan.quota_plan``; the breakdown names the
parts the formula is made of — each year's volume and weight (or the quantity and the quota), the base, the
coefficient's share, the rounded formula result and the 增减量 — so another system can check every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import in_force, parameters
from . import plan as plan_rules
from .errors import WaterPlanError

HISTORY_LABELS = ("前三年用水量", "前二年用水量", "前一年用水量")


@dataclass(frozen=True)
class Component:
    """One factor of the base: a year's volume and its weight (统计法), or the quantity and quota (定额法)."""

    label: str
    year: int | None
    volume_m3x100: int | None
    weight: Fraction | None
    quantity: Fraction | None
    quota: Fraction | None
    amount: Fraction  # m³, exact


@dataclass(frozen=True)
class PlanBreakdown:
    method: str
    place: str  # the item of 附件1 whose formula was applied
    years_of_normal_use: Fraction | None
    components: tuple[Component, ...]
    base: Fraction  # weighted volume or quantity × quota, m³, exact
    coefficient_pct: int
    coefficient_amount: Fraction  # base × coefficient, m³, exact
    formula_m3x100: int  # base × (1.0 ± coefficient), rounded half up once to 0.01 m³
    adjustment_m3x100: int  # ± 增减量
    plan_m3x100: int


def full_years(years: Fraction | Decimal | int) -> int:
    """Whole years of normal use from a number that may be fractional: 2.5 years is "2年以上3年以下" (W2)."""
    value = Fraction(years)
    if value < 0:
        raise WaterPlanError("years_negative", "正常用水年数不能为负数。", field="years_of_normal_use")
    return int(value // 1)


def statistic_breakdown(
    history_m3x100: tuple[int, int, int] | list[int],
    years: Fraction | int,
    coefficient_pct: int,
    adjustment_m3x100: int,
    plan_year: int,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> PlanBreakdown:
    """统计法 for one unit: ``years`` of normal use (may be fractional: the weight set is chosen by whole years)."""
    params = params or parameters()
    whole = full_years(years)
    plan_m3x100 = int(
        plan_rules.statistic_plan(
            [list(history_m3x100)], [whole], [coefficient_pct], [adjustment_m3x100], plan_year, params, trace
        )[0]
    )
    weights, place = plan_rules.weights_for(whole, params, in_force(dt.date(plan_year, 1, 1), params))
    used = list(zip(HISTORY_LABELS, range(3), history_m3x100, strict=True))[3 - len(weights) :]
    components = tuple(
        Component(
            label=name,
            year=plan_year - 3 + i,
            volume_m3x100=int(volume),
            weight=w,
            quantity=None,
            quota=None,
            amount=Fraction(int(volume), 100) * w,
        )
        for (name, i, volume), w in zip(used, weights, strict=True)
    )
    return _breakdown(
        "statistic", place, Fraction(years), components, coefficient_pct, adjustment_m3x100, plan_m3x100
    )


def quota_breakdown(
    quantity: Fraction,
    quota: Fraction,
    coefficient_pct: int,
    adjustment_m3x100: int,
    *,
    indicator: str = "",
    unit: str = "",
    trace: Trace = NO_TRACE,
) -> PlanBreakdown:
    """定额法 for one unit: 数量 × 定额 × (1.0 ± 增减系数) ± 增减量."""
    plan_m3x100 = int(
        plan_rules.quota_plan(
            [quantity], [quota], [coefficient_pct], [adjustment_m3x100], trace, indicator=indicator, unit=unit
        )[0]
    )
    component = Component(
        label=indicator or "被考核指标",
        year=None,
        volume_m3x100=None,
        weight=None,
        quantity=Fraction(quantity),
        quota=Fraction(quota),
        amount=Fraction(quantity) * Fraction(quota),
    )
    return _breakdown(
        "quota", "附件1 一（二）", None, (component,), coefficient_pct, adjustment_m3x100, plan_m3x100
    )


def _breakdown(
    method: str,
    place: str,
    years: Fraction | None,
    components: tuple[Component, ...],
    coefficient_pct: int,
    adjustment_m3x100: int,
    plan_m3x100: int,
) -> PlanBreakdown:
    """The parts of a computed plan: the formula part is the plan less the 增减量 (added after rounding)."""
    base = sum((c.amount for c in components), Fraction(0))
    return PlanBreakdown(
        method=method,
        place=place,
        years_of_normal_use=years,
        components=components,
        base=base,
        coefficient_pct=coefficient_pct,
        coefficient_amount=base * Fraction(coefficient_pct, 100),
        formula_m3x100=plan_m3x100 - adjustment_m3x100,
        adjustment_m3x100=adjustment_m3x100,
        plan_m3x100=plan_m3x100,
    )


def exact_text(value: Fraction) -> str:
    """An exact m³ amount as a decimal string with at least two decimals ('1390.00', '1050.0105');
    a value that is not a finite decimal is shown to 6 places, rounded half up."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    den = value.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    places = 6
    if den == 1:
        places = 2
        while (value * 10**places).denominator != 1:
            places += 1
    scaled = value * 10**places
    n = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(n, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"
