"""The calculators (public, stateless): plan (附件1), emergency supplement (附件2), surcharge (第十四条).

No `from __future__ import annotations` here (see ``api/__init__``).
"""

import datetime as dt
from fractions import Fraction
from typing import Any

from django.http import HttpRequest

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet, ParameterTree, convert_value
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import breakdown, limits, parameters, supplement_requests
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.supplements import PLACES, SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume, parse_decimal, parse_volume

from .. import services
from ..schemas import (
    WaterCoefficientKindOut,
    WaterPlanCalcIn,
    WaterPlanCalcOut,
    WaterSupplementCalcIn,
    WaterSupplementTypeOut,
    WaterSurchargeCalcIn,
    WaterSurchargeCalcOut,
    WaterVolumeOut,
)
from .common import (
    _err,
    _num,
    _pct,
    _today,
    router,
)


@router.get(
    "/coefficient-kinds",
    response=list[WaterCoefficientKindOut],
    auth=None,
    summary="增减系数的各情形、增减和计入年度（附件1 三）",
)
def coefficient_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    params = parameters()
    return [
        {
            "kind": kind,
            "label": case.label,
            "effect": _pct(case.effect(params, _today())),
            "counts_for": case.years_label,
            "citation": f"{services.DOC} {case.place}",
        }
        for kind, case in plan_rules.COEFFICIENT_CASES.items()
    ]


@router.get(
    "/supplement-types",
    response=list[WaterSupplementTypeOut],
    auth=None,
    summary="突发用水类型（附件2 八类及附件2 注的其他情况）",
)
def supplement_types(request: HttpRequest) -> list[dict[str, Any]]:
    places = {**PLACES, "other": "附件2 注"}
    return [
        {"type": t, "label": label, "citation": f"{services.DOC} {places[t]}"}
        for t, label in SUPPLEMENT_TYPES.items()
    ]


def _breakdown_out(out: breakdown.PlanBreakdown, coef: plan_rules.CoefficientBreakdown) -> dict[str, Any]:
    return {
        "formula": out.place,
        "years_of_normal_use": (
            _num(out.years_of_normal_use) if out.years_of_normal_use is not None else None
        ),
        "components": [
            {
                "label": c.label,
                "year": c.year,
                "volume": format_volume(c.volume_m3x100) if c.volume_m3x100 is not None else None,
                "weight": f"{_num(c.weight * 100)}%" if c.weight is not None else None,
                "quantity": _num(c.quantity) if c.quantity is not None else None,
                "quota": _num(c.quota) if c.quota is not None else None,
                "amount": breakdown.exact_text(c.amount),
            }
            for c in out.components
        ],
        "base_volume": breakdown.exact_text(out.base),
        "coefficient": _pct(coef.value),
        "coefficient_detail": {
            "value": _pct(coef.value),
            "increases": _pct(coef.increases),
            "decreases": _pct(-coef.decreases),
            "increase_cap": _pct(coef.increase_cap),
            "decrease_cap": _pct(-coef.decrease_cap),
            "cases": [
                {
                    "kind": c.kind,
                    "label": c.label,
                    "citation": f"{services.DOC} {c.place}",
                    "on": c.on,
                    "counts_for": list(c.counts_for),
                    "delta": _pct(c.delta),
                }
                for c in coef.cases
            ],
        },
        "coefficient_volume": breakdown.exact_text(out.coefficient_amount),
        "formula_volume": format_volume(out.formula_m3x100),
        "adjustment": format_volume(out.adjustment_m3x100),
        "plan_volume": format_volume(out.plan_m3x100),
    }


@router.post(
    "/plan/calculate", response=WaterPlanCalcOut, auth=None, summary="年度计划用水量核定（附件1，无状态）"
)
def plan_calculate(request: HttpRequest, payload: WaterPlanCalcIn) -> dict[str, Any]:
    trace = Trace()
    today = _today()
    try:
        year = limits.check_year(payload.plan_year, field="plan_year", today=today)
        events = [
            plan_rules.CoefficientEvent(e.kind.value, e.on, e.until, e.evidence) for e in payload.events
        ]
        for i, e in enumerate(payload.events):
            limits.check_date(
                e.on,
                field=f"events[{i}].on",
                label=f"增减系数情形第{i + 1}项的发生日期",
                today=today,
                not_before=dt.date.min,  # a case before the document may count for a year under it (W3)
            )
        coef = plan_rules.coefficient_breakdown(events, year, trace=trace)
        adj = parse_volume(payload.adjustment, field="adjustment", allow_negative=True)
        if payload.method == "statistic":
            if payload.history is None:
                raise WaterPlanError(
                    "history_shape",
                    "前三年用水量：统计法须给出前三年、前二年、前一年三个用水量（未满的年份填0）。",
                    field="history",
                )
            hist = [parse_volume(v, field=f"history[{i}]") for i, v in enumerate(payload.history)]
            years: Fraction
            if payload.years_of_normal_use is not None:
                years = Fraction(payload.years_of_normal_use)
            elif payload.normal_use_started is not None:
                started = limits.check_date(
                    payload.normal_use_started,
                    field="normal_use_started",
                    today=today,
                    not_before=dt.date.min,
                )
                years = Fraction(plan_rules.normal_use_years(started, year))
            else:
                raise WaterPlanError(
                    "normal_use_missing",
                    "正常用水开始日期：须给出正常用水开始日期或正常用水年数（附件1 二（二））。",
                    field="normal_use_started",
                )
            out = breakdown.statistic_breakdown(hist, years, coef.value, adj, year, trace=trace)
        else:
            if payload.quota:
                quota = parse_decimal(payload.quota, field="quota")
            else:
                quota = plan_rules.find_quota(
                    services.quota_entries(),
                    payload.indicator or "",
                    payload.quota_unit or "",
                    dt.date(year, 1, 1),
                ).value
            quantity = parse_decimal(payload.quantity or "", field="quantity", max_places=2)
            out = breakdown.quota_breakdown(
                quantity,
                quota,
                coef.value,
                adj,
                indicator=payload.indicator or "",
                unit=payload.quota_unit or "",
                trace=trace,
            )
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    return {
        **_breakdown_out(out, coef),
        "method": payload.method,
        "method_label": "统计法" if payload.method == "statistic" else "定额法",
        "plan_year": year,
        "expiry_warning": services.expiry_warning(dt.date(year, 1, 1)),
        "trace": trace.to_list(),
    }


@router.post(
    "/supplements/calculate", response=WaterVolumeOut, auth=None, summary="突发用水增补水量（附件2，无状态）"
)
def supplement_calculate(request: HttpRequest, payload: WaterSupplementCalcIn) -> dict[str, Any]:
    data: Any = payload.root  # one of the per-type schemas (a discriminated union)
    trace = Trace()
    try:
        limits.check_date(data.event_on, field="event_on", today=_today())
        quota = parse_decimal(data.quota, field="quota") if data.quota else None
        if quota is None and data.type == "other":
            quota = _other_quota(data.inputs.indicator, data.inputs.quota_unit, data.event_on)
        volume = supplement_requests.calculate(
            data.type,
            data.inputs.model_dump(mode="json", exclude_none=True),
            data.event_on,
            quota=quota,
            cal=platform_calendar(),
            trace=trace,
        )
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    return {
        "volume": format_volume(volume) if volume is not None else None,
        "type": data.type,
        "label": SUPPLEMENT_TYPES[data.type],
        "pending_opinion": volume is None,
        "expiry_warning": services.expiry_warning(data.event_on),
        "trace": trace.to_list(),
    }


def _other_quota(indicator: str | None, quota_unit: str | None, on: dt.date) -> Fraction | None:
    if not (indicator and quota_unit):
        return None
    try:
        return plan_rules.find_quota(services.quota_entries(), indicator, quota_unit, on).value
    except WaterPlanError:
        return None


def _configured_source(params: ParameterTree, day: dt.date) -> str:
    parts = []
    for name, what in (
        ("surcharge.band_upper_bounds", "分档上限"),
        ("surcharge.multipliers", "加价倍数"),
        ("surcharge.base_price", "加价基价"),
    ):
        entry = params.entry(name, day)
        parts.append(f"{what}：{entry.reference or '未注明来源'}（自{cn_date(entry.valid_from)}起）")
    return "管理员录入的取值——" + "；".join(parts)


@router.post(
    "/surcharge/calculate",
    response=WaterSurchargeCalcOut,
    auth=None,
    summary="超计划用水累进加价（第十四条，无状态）",
)
def surcharge_calculate(request: HttpRequest, payload: WaterSurchargeCalcIn) -> dict[str, Any]:
    trace = Trace()
    try:
        year = limits.check_year(payload.year, field="year", label="考核年度", today=_today())
        day = dt.date(year, 12, 31)
        if payload.tiers is None:
            # No silent fallback: the configured values (with their sources) or a refusal naming the parameter.
            params = services.rules_parameters()
            bounds, mults, price = settlement_rules.surcharge_tiers(params, day)
            source, source_text = "configured", _configured_source(params, day)
        else:
            try:
                bounds = tuple(convert_value("ratio", x) for x in payload.tiers.band_upper_bounds)
                mults = tuple(convert_value("ratio", x) for x in payload.tiers.multipliers)
            except ValueError as exc:  # a ratio that does not parse
                raise ApiError(
                    "invalid_tiers", f"加价分档：分档或倍数无法识别：{exc}", field="tiers", status=422
                ) from None
            price = payload.tiers.base_price_fen
            source, source_text = "request", "请求中给出的分档、倍数和基价"
        v = {
            k: parse_volume(getattr(payload, k), field=k, label=label, allow_negative=k == "adjustments")
            for k, label in (
                ("issued_plan", "下达计划"),
                ("adjustments", "计划调整"),
                ("supplements", "突发用水增补"),
                ("cuts", "按比例下调"),
                ("supplier_volume", "供水企业水量"),
                ("construction_volume", "基建水量"),
            )
        }
        actual, plan, excess = settlement_rules.assessment(
            [v["supplier_volume"]],
            [v["construction_volume"]],
            [v["issued_plan"]],
            [v["adjustments"]],
            [v["supplements"]],
            [v["cuts"]],
            trace=trace,
        )
        bands, total = settlement_rules.surcharge(plan, excess, bounds, mults, price, trace=trace)
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    band_steps = [s for s in trace.steps if s.rule == "surcharge_band"]
    lowers = [Fraction(0), *bounds]
    return {
        "actual_volume": format_volume(int(actual[0])),
        "plan_volume": format_volume(int(plan[0])),
        "excess_volume": format_volume(int(excess[0])),
        "tiers_source": source,
        "tiers_source_text": source_text,
        "band_upper_bounds": [f"{_num(b * 100)}%" for b in bounds],
        "multipliers": [_num(m) for m in mults],
        "base_price_fen": price,
        "bands": [
            {
                "band": i + 1,
                "span": (
                    f"超计划{_num(lowers[i] * 100)}%至{_num(bounds[i] * 100)}%的部分"
                    if i < len(bounds)
                    else f"超计划{_num(lowers[i] * 100)}%以上的部分"
                ),
                "volume": str(band_steps[i].inputs["volume_m3"]),
                "multiplier": _num(m),
                "amount_fen": int(bands[0][i]),
            }
            for i, m in enumerate(mults)
        ],
        "band_amounts_fen": [int(x) for x in bands[0]],
        "amount_fen": int(total[0]),
        "expiry_warning": services.expiry_warning(day),
        "trace": trace.to_list(),
    }
