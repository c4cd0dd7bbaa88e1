"""JSON API of 计划用水管理 (鄂州政办发〔2022〕15号), mounted at /api/v1/water-plan/.

Volumes are decimal strings in m³ with at most two decimals ("1234.56"); money is integer fen; dates ISO 8601.
The calculators are stateless and public; the rest acts for the logged-in unit (enterprise users see only
the units registered under their USCC) or for 水利和湖泊局 clerks. The schemas (with their Chinese titles, the
contract other systems read) are in ``schemas``.

No `from __future__ import annotations` here: the endpoints are wrapped by `api_requires`, and django-ninja
resolves string annotations in the wrapper's module, where the schemas are unknown.
"""

import datetime as dt
from fractions import Fraction
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet, ParameterTree, convert_value
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import breakdown, deadlines, limits, parameters, supplement_requests
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label
from ezhou_rules.water_plan.supplements import PLACES, SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume, parse_decimal, parse_volume

from . import services
from .models import (
    EVIDENCE_EXTENSIONS as EVIDENCE_EXT,
)
from .models import (
    AdjustmentRequest,
    Appeal,
    EvidenceFile,
    PlanChange,
    PlanFinding,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)
from .schemas import (
    WaterAdjustmentIn,
    WaterAppealDecisionIn,
    WaterAppealIn,
    WaterAppealOut,
    WaterClerkPlanIn,
    WaterCoefficientKindOut,
    WaterConstructionReportIn,
    WaterConstructionReportOut,
    WaterDateIn,
    WaterDecisionIn,
    WaterEventIn,
    WaterEventOut,
    WaterEvidenceOut,
    WaterFindingIn,
    WaterFindingOut,
    WaterImportOut,
    WaterNoticeOut,
    WaterPlanCalcIn,
    WaterPlanCalcOut,
    WaterPlanOut,
    WaterPlanRequestIn,
    WaterPlanRequestOut,
    WaterReminderIn,
    WaterReminderOut,
    WaterRequestOut,
    WaterShortageCutIn,
    WaterShortageCutOut,
    WaterSupplementCalcIn,
    WaterSupplementIn,
    WaterSupplementTypeOut,
    WaterSurchargeCalcIn,
    WaterSurchargeCalcOut,
    WaterUnitOut,
    WaterVolumeOut,
)

router = Router(tags=["计划用水管理"])

UNIT_SIDE = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERK_SIDE = (Role.CLERK, Role.DEPARTMENT_HEAD)


def _err(exc: Exception) -> ApiError:
    """A rule's refusal as a 422 naming the field by its Chinese label (or the missing parameter)."""
    if isinstance(exc, WaterPlanError):
        return ApiError(exc.code, with_label(exc.field, exc.message), field=exc.field, status=422)
    if isinstance(exc, ParameterNotSet):
        return ApiError("parameter_not_set", str(exc), field=exc.name, status=422)
    raise exc


def _today() -> dt.date:
    return clock.today()


def _pct(value: int) -> str:
    return f"{value / 100:+.2f}"


def _num(value: Fraction) -> str:
    """An exact number without trailing zeros: 30, 12.5, 0.05."""
    text = breakdown.exact_text(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- calculators (public, stateless) ----------------------------------------------------------------------


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


# -- the unit's records -----------------------------------------------------------------------------------


def _units(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        return services.units_for(user)
    return WaterUnit.objects.all()


@router.get("/units", response=list[WaterUnitOut], summary="用水单位（企业用户只见本单位）")
@api_requires(*UNIT_SIDE, department="water")
def units(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": u.pk,
            "name": u.name,
            "uscc": u.uscc,
            "jurisdiction": u.jurisdiction.name,
            "method": u.get_method_display(),
            "accounts": [a.number for a in u.accounts.all()],
        }
        for u in _units(request).select_related("jurisdiction").prefetch_related("accounts")[:500]
    ]


def _change_out(c: PlanChange) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.get_kind_display(),
        "volume": format_volume(c.delta_m3x100),
        "coefficient": _pct(c.coefficient_pct) if c.coefficient_pct is not None else None,
        "reason": c.reason,
        "citation": c.citation,
        "decided_on": c.decided_on,
        "notice_url": reverse("water_plan:change_notice", args=[c.pk]),
        "pdf_url": reverse("water_plan:change_notice_pdf", args=[c.pk]),
    }


def _plan_out(p: YearlyPlan, with_trace: bool) -> dict[str, Any]:
    trace = Trace()
    if with_trace:
        services.compute_plan(p.inputs, p.year, trace=trace)
    changes = sorted(p.changes.all(), key=lambda c: c.pk)
    coefs = [c.coefficient_pct for c in changes if c.coefficient_pct is not None]
    return {
        "id": p.pk,
        "unit": p.unit.name,
        "year": p.year,
        "method": p.method,
        "issued_volume": format_volume(p.volume_m3x100),
        "effective_volume": format_volume(p.effective_m3x100),
        "coefficient": _pct(coefs[-1] if coefs else p.coefficient_pct),
        "explanation": p.explanation,
        "issued_on": p.issued_on,
        "adjustment_due": deadlines.adjustment_filing_due(p.issued_on, platform_calendar()).due,
        "changes": [_change_out(c) for c in changes],
        "expiry_warning": services.expiry_warning(p.issued_on),
        "trace": trace.to_list(),
    }


def _plan(request: HttpRequest, plan_id: int) -> YearlyPlan:
    return get_object_or_404(YearlyPlan.objects.select_related("unit"), pk=plan_id, unit__in=_units(request))


@router.get("/plans", response=list[WaterPlanOut], summary="本单位的年度用水计划")
@api_requires(*UNIT_SIDE, department="water")
def plans(
    request: HttpRequest, year: int | None = Query(None, title="年度", description="只列出该年度的计划")
) -> list[dict[str, Any]]:
    qs = (
        YearlyPlan.objects.filter(unit__in=_units(request)).select_related("unit").prefetch_related("changes")
    )
    if year:
        qs = qs.filter(year=year)
    return [_plan_out(p, False) for p in qs.order_by("-year", "unit__name")[:200]]


PLAN_ID = Path(..., title="计划编号", description="年度计划编号")


@router.get("/plans/{plan_id}", response=WaterPlanOut, summary="一项年度计划及其核定过程、变更与依据")
@api_requires(*UNIT_SIDE, department="water")
def plan_detail(request: HttpRequest, plan_id: int = PLAN_ID) -> dict[str, Any]:
    return _plan_out(_plan(request, plan_id), True)


# -- 证明材料 uploads and downloads ------------------------------------------------------------------------


def _evidence(request: HttpRequest, ids: list[int]) -> list[EvidenceFile]:
    found = {
        ev.pk: ev
        for ev in EvidenceFile.objects.filter(pk__in=ids, unit__in=_units(request)).select_related("unit")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise WaterPlanError(
            "evidence_unknown",
            f"证明材料编号：{'、'.join(map(str, missing))}不存在或不属于本单位。",
            field="evidence_ids",
        )
    return [found[i] for i in dict.fromkeys(ids)]


@router.post(
    "/units/{unit_id}/evidence",
    response={201: WaterEvidenceOut},
    summary="上传证明材料（PDF、JPEG、PNG，10MB以内；第十条、第十二条、第十五条）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
def upload_evidence(
    request: HttpRequest,
    unit_id: int = Path(..., title="单位编号", description="用水单位编号"),
    kind: str = Form(
        ..., title="材料类别", description="form、change、balance_test、other、supplement 或 appeal"
    ),
    file: UploadedFile = File(..., title="文件", description="PDF、JPEG或PNG文件，10MB以内"),  # noqa: B008
) -> Status:
    unit = get_object_or_404(_units(request), pk=unit_id)
    if file.size and file.size > services.EVIDENCE_MAX_BYTES:
        raise _err(
            WaterPlanError(
                "evidence_too_large",
                f"文件：超过{services.EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
                field="file",
            )
        )
    try:
        ev = services.store_evidence(unit, kind, file.name or "", file.read(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": ev.pk,
            "kind": ev.kind,
            "name": ev.original_name,
            "content_type": ev.content_type,
            "size": ev.size,
        },
    )


@router.get(
    "/evidence/{evidence_id}",
    summary="下载证明材料（本单位企业用户、水利和湖泊局经办人员和审计人员）",
    response={200: None},
)
@api_requires(*UNIT_SIDE, department="water")
def download_evidence(
    request: HttpRequest, evidence_id: int = Path(..., title="材料编号", description="证明材料编号")
) -> FileResponse:
    ev = get_object_or_404(EvidenceFile.objects.select_related("unit"), pk=evidence_id)
    if not services.can_download_evidence(ev, request.user):
        raise Http404
    services.record_evidence_download(ev, actor=request.user)
    return FileResponse(
        ev.file.open("rb"),
        as_attachment=True,
        filename=f"evidence-{ev.pk}{EVIDENCE_EXT.get(ev.content_type, '')}",
        content_type=ev.content_type,
    )


@router.post(
    "/plans/{plan_id}/adjustments", response={201: WaterRequestOut}, summary="提出计划调整申请（第十条）"
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def file_adjustment(request: HttpRequest, payload: WaterAdjustmentIn, plan_id: int = PLAN_ID) -> Status:
    plan = _plan(request, plan_id)
    try:
        req = services.file_adjustment(
            plan,
            _today(),
            parse_volume(payload.requested_volume, field="requested_volume"),
            payload.reason,
            actor=request.user,
            has_form=payload.has_form,
            has_change_evidence=payload.has_change_evidence,
            has_balance_test=payload.has_balance_test,
            other_materials=payload.other_materials,
            evidence=_evidence(request, payload.evidence_ids),
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": req.pk,
            "status": req.get_status_display(),
            "received_on": req.received_on,
            "due": req.verify_due,
            "volume": format_volume(req.requested_m3x100),
        },
    )


def _request_volume(req: SupplementRequest) -> str | None:
    volume = req.approved_m3x100 if req.approved_m3x100 is not None else req.computed_m3x100
    return format_volume(volume) if volume is not None else None


@router.post(
    "/plans/{plan_id}/supplements",
    response={201: WaterRequestOut},
    summary="提出突发用水增补申请（第十二条；附件2 八类及附件2 注的其他情况）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def file_supplement(request: HttpRequest, payload: WaterSupplementIn, plan_id: int = PLAN_ID) -> Status:
    data: Any = payload.root  # one of the per-type schemas (a discriminated union)
    plan = _plan(request, plan_id)
    try:
        req = services.file_supplement(
            plan,
            data.type,
            data.event_on,
            _today(),
            data.inputs.model_dump(mode="json", exclude_none=True),
            actor=request.user,
            evidence=_evidence(request, data.evidence_ids),
            # Only a clerk who received the paper material may confirm it; an enterprise uploads its files.
            paper_materials=data.paper_materials and getattr(request.user, "role", None) == Role.CLERK,
        )
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": req.pk,
            "status": req.get_status_display(),
            "received_on": req.received_on,
            "due": req.review_due,
            "volume": _request_volume(req),
        },
    )


@router.post(
    "/supplements/{req_id}/construction-reports",
    response={201: WaterConstructionReportOut},
    summary="上报基建水表月用水量（附件2 （三）：次月月底前上报的按期）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def construction_report(
    request: HttpRequest,
    payload: WaterConstructionReportIn,
    req_id: int = Path(..., title="申请编号", description="基建、装修用水申请编号"),
) -> Status:
    req = get_object_or_404(
        SupplementRequest.objects.select_related("plan"), pk=req_id, plan__unit__in=_units(request)
    )
    try:
        try:
            month = dt.date.fromisoformat(payload.month + "-01")
        except ValueError:
            raise WaterPlanError(
                "month_format", f"月份：“{payload.month}”不是月份（年-月，如 2026-05）。", field="month"
            ) from None
        r = services.report_construction_month(
            req, month, parse_volume(payload.volume, field="volume"), _today(), actor=request.user
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": r.pk,
            "month": f"{r.month:%Y-%m}",
            "volume": format_volume(r.volume_m3x100),
            "reported_on": r.reported_on,
            "due_on": r.due_on,
            "on_time": r.on_time,
        },
    )


def _notice_out(n: SurchargeNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "number": n.number,
        "version": n.version,
        "unit": n.unit.name,
        "year": n.year,
        "state": n.get_state_display(),
        "actual_volume": format_volume(n.actual_m3x100),
        "plan_volume": format_volume(n.plan_m3x100),
        "excess_volume": format_volume(n.excess_m3x100),
        "amount_fen": n.amount_fen,
        "issued_on": n.issued_on,
        "received_on": n.received_on,
        "payment_due": n.payment_due,
        "appeal_due": n.appeal_due,
        "pdf_url": reverse("water_plan:notice_pdf", args=[n.pk]),
        "expiry_warning": services.expiry_warning(n.issued_on),
    }


def _notice(request: HttpRequest, notice_id: int) -> SurchargeNotice:
    return get_object_or_404(
        SurchargeNotice.objects.select_related("unit"), pk=notice_id, unit__in=_units(request)
    )


NOTICE_ID = Path(..., title="通知单编号", description="通知单记录编号")


@router.get("/notices", response=list[WaterNoticeOut], summary="本单位的加价收费通知单（含历次版本）")
@api_requires(*UNIT_SIDE, department="water")
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    qs = SurchargeNotice.objects.filter(unit__in=_units(request)).select_related("unit")
    return [_notice_out(n) for n in qs.order_by("-year", "number")[:200]]


@router.post(
    "/notices/{notice_id}/acknowledge", response=WaterNoticeOut, summary="签收通知单（起算缴费与异议期限）"
)
@api_requires(Role.ENTERPRISE)
def acknowledge(request: HttpRequest, notice_id: int = NOTICE_ID) -> dict[str, Any]:
    n = _notice(request, notice_id)
    try:
        return _notice_out(services.deliver_notice(n, _today(), actor=request.user))
    except WaterPlanError as exc:
        raise _err(exc) from None


@router.post(
    "/notices/{notice_id}/appeals",
    response={201: WaterAppealOut},
    summary="对通知单的水量、金额提出异议（第十五条）",
)
@api_requires(Role.ENTERPRISE)
def file_appeal(request: HttpRequest, payload: WaterAppealIn, notice_id: int = NOTICE_ID) -> Status:
    n = _notice(request, notice_id)
    try:
        claimed = (
            parse_volume(payload.claimed_actual_volume, field="claimed_actual_volume")
            if payload.claimed_actual_volume
            else None
        )
        a = services.file_appeal(
            n,
            _today(),
            payload.reason,
            actor=request.user,
            claimed_actual_m3x100=claimed,
            evidence=_evidence(request, payload.evidence_ids),
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": a.pk,
            "state": a.get_state_display(),
            "received_on": a.received_on,
            "decision_due": a.decision_due,
        },
    )


# -- clerk actions ------------------------------------------------------------------------------------------

REQ_ID = Path(..., title="申请编号", description="申请编号")


@router.post(
    "/adjustments/{req_id}/decision",
    response=WaterRequestOut,
    summary="核实、核准或不予调整（第十条、第十三条）",
)
@api_requires(*CLERK_SIDE, department="water")
def decide_adjustment(request: HttpRequest, payload: WaterDecisionIn, req_id: int = REQ_ID) -> dict[str, Any]:
    req = get_object_or_404(AdjustmentRequest.objects.select_related("plan__unit"), pk=req_id)
    today = _today()
    try:
        if payload.action == "verify":
            services.verify_adjustment(req, actor=request.user, on=today)
        elif payload.action == "approve":
            services.approve_adjustment(
                req,
                parse_volume(payload.approved_volume or "", field="approved_volume"),
                actor=request.user,
                on=today,
            )
        else:
            services.refuse_adjustment(
                req, payload.refusal_case or 0, payload.reason, actor=request.user, on=today
            )
    except WaterPlanError as exc:
        raise _err(exc) from None
    req.refresh_from_db()
    return {
        "id": req.pk,
        "status": req.get_status_display(),
        "received_on": req.received_on,
        "due": req.notify_due,
        "volume": format_volume(req.approved_m3x100 or req.requested_m3x100),
    }


@router.post(
    "/supplements/{req_id}/decision",
    response=WaterRequestOut,
    summary="核准或不予增补（第十二条、第十三条；无定额的其他情况按书面意见核准）",
)
@api_requires(*CLERK_SIDE, department="water")
def decide_supplement(request: HttpRequest, payload: WaterDecisionIn, req_id: int = REQ_ID) -> dict[str, Any]:
    req = get_object_or_404(SupplementRequest.objects.select_related("plan__unit"), pk=req_id)
    today = _today()
    try:
        if payload.action == "approve":
            volume = (
                parse_volume(payload.approved_volume, field="approved_volume")
                if req.computed_m3x100 is None and payload.approved_volume
                else None
            )
            services.approve_supplement(
                req, actor=request.user, on=today, approved_m3x100=volume, opinion=payload.opinion
            )
        elif payload.action == "refuse":
            services.refuse_supplement(
                req, payload.refusal_case or 0, payload.reason, actor=request.user, on=today
            )
        else:
            raise WaterPlanError(
                "action",
                "办理事项：突发用水增补申请只能核准（approve）或不予增补（refuse）。",
                field="action",
            )
    except WaterPlanError as exc:
        raise _err(exc) from None
    req.refresh_from_db()
    return {
        "id": req.pk,
        "status": req.get_status_display(),
        "received_on": req.received_on,
        "due": req.review_due,
        "volume": _request_volume(req),
    }


@router.post("/appeals/{appeal_id}/decision", response=WaterAppealOut, summary="处理异议（第十五条）")
@api_requires(*CLERK_SIDE, department="water")
def decide_appeal(
    request: HttpRequest,
    payload: WaterAppealDecisionIn,
    appeal_id: int = Path(..., title="异议编号", description="异议编号"),
) -> dict[str, Any]:
    appeal = get_object_or_404(Appeal.objects.select_related("notice__unit"), pk=appeal_id)
    try:
        corrected = (
            parse_volume(payload.corrected_actual_volume, field="corrected_actual_volume")
            if payload.corrected_actual_volume
            else None
        )
        services.decide_appeal(
            appeal,
            payload.upheld,
            payload.decision,
            actor=request.user,
            on=_today(),
            corrected_actual_m3x100=corrected,
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return {
        "id": appeal.pk,
        "state": appeal.get_state_display(),
        "received_on": appeal.received_on,
        "decision_due": appeal.decision_due,
    }


READINGS_FILE = File(..., title="文件", description="CSV 或 Excel：account、kind、period、volume、cumulative")


@router.post(
    "/readings/import", response=WaterImportOut, summary="导入供水企业抄表数据（CSV 或 Excel，第五条）"
)
@api_requires(*CLERK_SIDE, department="water")
def import_readings(
    request: HttpRequest,
    file: UploadedFile = READINGS_FILE,
) -> dict[str, Any]:
    try:
        result = services.import_readings(file.read(), file.name or "upload.csv", actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    b = result.batch
    return {
        "batch_id": b.pk,
        "already_imported": result.already_imported,
        "accepted": b.accepted,
        "rejected": b.rejected,
        "rejects": b.rejects,
    }


# -- more clerk actions: delivery, payment, reminders, credit listing, coefficient events, clerk-set plans -------


def _clerk_notice(notice_id: int) -> SurchargeNotice:
    return get_object_or_404(SurchargeNotice.objects.select_related("unit"), pk=notice_id)


@router.post(
    "/notices/{notice_id}/delivery",
    response=WaterNoticeOut,
    summary="登记通知单送达日期（起算第十五条、第十六条期限）",
)
@api_requires(*CLERK_SIDE, department="water")
def deliver(request: HttpRequest, payload: WaterDateIn, notice_id: int = NOTICE_ID) -> dict[str, Any]:
    try:
        n = services.deliver_notice(_clerk_notice(notice_id), payload.on or _today(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return _notice_out(n)


@router.post("/notices/{notice_id}/payment", response=WaterNoticeOut, summary="登记缴纳加价水费（第十六条）")
@api_requires(*CLERK_SIDE, department="water")
def payment(request: HttpRequest, payload: WaterDateIn, notice_id: int = NOTICE_ID) -> dict[str, Any]:
    try:
        n = services.record_payment(_clerk_notice(notice_id), payload.on or _today(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return _notice_out(n)


@router.post(
    "/notices/{notice_id}/reminders",
    response={201: WaterReminderOut},
    summary="下发征收催告单（第十六条第二款）",
)
@api_requires(*CLERK_SIDE, department="water")
def reminder(request: HttpRequest, payload: WaterReminderIn, notice_id: int = NOTICE_ID) -> Status:
    try:
        r = services.issue_reminder(_clerk_notice(notice_id), _today(), payload.pay_by, actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201, {"number": r.number, "sequence": r.sequence, "issued_on": r.issued_on, "pay_by": r.pay_by}
    )


@router.post(
    "/notices/{notice_id}/credit-listing",
    response=WaterNoticeOut,
    summary="第二次催缴后仍未缴纳，纳入社会信用体系平台",
)
@api_requires(*CLERK_SIDE, department="water")
def credit_listing(request: HttpRequest, notice_id: int = NOTICE_ID) -> dict[str, Any]:
    try:
        n = services.list_for_credit(_clerk_notice(notice_id), _today(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return _notice_out(n)


UNIT_ID = Path(..., title="单位编号", description="用水单位编号")


@router.post(
    "/units/{unit_id}/coefficient-events",
    response={201: WaterEventOut},
    summary="记录增减系数情形（附件1 三）；计入已下达年度的，变更该年度计划并通知单位",
)
@api_requires(*CLERK_SIDE, department="water")
def coefficient_event(request: HttpRequest, payload: WaterEventIn, unit_id: int = UNIT_ID) -> Status:
    unit = get_object_or_404(WaterUnit, pk=unit_id)
    try:
        ev = services.record_coefficient_event(
            unit,
            payload.kind.value,
            payload.on,
            payload.evidence,
            actor=request.user,
            recorded_on=_today(),
            until=payload.until,
        )
        first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(ev.kind, ev.on, ev.until))
    except WaterPlanError as exc:
        raise _err(exc) from None
    changes: list[PlanChange] = getattr(ev, "plan_changes", [])
    not_applied: list[tuple[int, str]] = getattr(ev, "not_applied", [])
    return Status(
        201,
        {
            "id": ev.pk,
            "kind": ev.kind,
            "on": ev.on,
            "counts_for": list(range(first, last + 1)),
            "plan_changes": [
                {
                    "plan_id": c.plan_id,
                    "year": c.plan.year,
                    "delta": format_volume(c.delta_m3x100),
                    "coefficient": _pct(c.coefficient_pct or 0),
                    "notice_url": reverse("water_plan:change_notice", args=[c.pk]),
                }
                for c in changes
            ],
            "not_applied": [{"year": y, "reason": why} for y, why in not_applied],
        },
    )


@router.post(
    "/units/{unit_id}/findings",
    response={201: WaterFindingOut},
    summary="认定下一年度计划的增减量（第八条第（一）（二）项核减、附件1 ±增减量）",
)
@api_requires(*CLERK_SIDE, department="water")
def plan_finding(request: HttpRequest, payload: WaterFindingIn, unit_id: int = UNIT_ID) -> Status:
    unit = get_object_or_404(WaterUnit, pk=unit_id)
    try:
        f = services.record_plan_finding(
            unit,
            payload.year,
            payload.basis,
            parse_volume(payload.delta.lstrip("+"), field="delta", allow_negative=True),
            payload.reason,
            payload.evidence,
            actor=request.user,
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": f.pk,
            "year": f.year,
            "basis": f.basis,
            "delta": format_volume(f.delta_m3x100),
            "citation": services.FINDING_CITATIONS[PlanFinding.Basis(f.basis)],
        },
    )


@router.post(
    "/units/{unit_id}/plans", response={201: WaterPlanOut}, summary="核定未满1年单位的计划（附件1 二（二）4）"
)
@api_requires(*CLERK_SIDE, department="water")
def clerk_set_plan(request: HttpRequest, payload: WaterClerkPlanIn, unit_id: int = UNIT_ID) -> Status:
    unit = get_object_or_404(WaterUnit, pk=unit_id)
    try:
        p = services.issue_clerk_set_plan(
            unit,
            payload.year,
            parse_volume(payload.volume, field="volume"),
            payload.basis,
            payload.reason,
            actor=request.user,
            issued_on=_today(),
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(201, _plan_out(p, True))


@router.post(
    "/units/{unit_id}/plan-requests",
    response={201: WaterPlanRequestOut},
    summary="提出年度用水计划申请（第六条）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def plan_request(request: HttpRequest, payload: WaterPlanRequestIn, unit_id: int = UNIT_ID) -> Status:
    unit = get_object_or_404(_units(request), pk=unit_id)
    try:
        r = services.file_plan_request(
            unit,
            payload.plan_year,
            parse_volume(payload.requested_volume, field="requested_volume"),
            _today(),
            actor=request.user,
            note=payload.note,
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(201, {"id": r.pk, "plan_year": r.plan_year, "filed_on": r.filed_on, "due_on": r.due_on})


@router.post(
    "/shortage-cuts",
    response={201: WaterShortageCutOut},
    summary="水资源紧缺时按比例下调全部用水单位的计划（第十一条）",
)
@api_requires(*CLERK_SIDE, department="water")
def shortage_cut(request: HttpRequest, payload: WaterShortageCutIn) -> Status:
    try:
        pct = parse_decimal(payload.percent, field="percent", max_places=2) / 100
        cut = services.apply_shortage_cut(
            payload.year, pct, payload.start, payload.end, payload.reason, actor=request.user, on=_today()
        )
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201,
        {
            "id": cut.pk,
            "year": cut.year,
            "percent": str(cut.percent),
            "plans": YearlyPlan.objects.filter(year=cut.year).count(),
        },
    )
