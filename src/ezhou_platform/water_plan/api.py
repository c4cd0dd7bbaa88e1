"""JSON API of 计划用水管理 (鄂州政办发〔2022〕15号), mounted at /api/v1/water-plan/.

Volumes are decimal strings in m³ with at most two decimals ("1234.56"); money is integer fen; dates ISO 8601.
The three calculators are stateless and public; the rest acts for the logged-in unit (enterprise users see
only the units registered under their USCC) or for 水利和湖泊局 clerks.

No `from __future__ import annotations` here: the endpoints are wrapped by `api_requires`, and django-ninja
resolves string annotations in the wrapper's module, where the schemas are unknown.
"""

import datetime as dt
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.params import ParameterNotSet, convert_value
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan import supplements as supplement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume, parse_decimal, parse_volume

from . import services
from .models import (
    EVIDENCE_EXTENSIONS as EVIDENCE_EXT,
)
from .models import (
    AdjustmentRequest,
    Appeal,
    EvidenceFile,
    PlanFinding,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)

router = Router(tags=["计划用水管理"])

UNIT_SIDE = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERK_SIDE = (Role.CLERK, Role.DEPARTMENT_HEAD)


def _err(exc: Exception) -> ApiError:
    if isinstance(exc, WaterPlanError):
        return ApiError(exc.code, exc.message, field=exc.field, status=422)
    if isinstance(exc, ParameterNotSet):
        return ApiError("parameter_not_set", str(exc), field="tiers", status=422)
    raise exc


class TraceStepOut(Schema):
    rule: str
    citation: str | None
    anchor: str | None
    document: str | None
    inputs: dict[str, Any]
    result: Any
    explanation: str


# -- calculators ----------------------------------------------------------------------------------------


class EventIn(Schema):
    kind: str = Field(..., description="附件1 三 的情形，如 balance_test_rectified、statistics_late")
    on: dt.date = Field(..., description="完成、备案、实施或认定日期")
    until: dt.date | None = Field(None, description="节水型称号的有效期截止日")
    evidence: str = ""


class PlanCalcIn(Schema):
    plan_year: int = Field(..., ge=2022, le=2100)
    method: str = Field(..., description="statistic（统计法）、quota（定额法）")
    history: list[str] | None = Field(None, description="统计法：前三年、前二年、前一年用水量（立方米）")
    normal_use_started: dt.date | None = Field(None, description="统计法：正常用水开始日期")
    years_of_normal_use: int | None = Field(None, ge=0, le=200, description="或直接给出正常用水整年数")
    quantity: str | None = Field(None, description="定额法：被考核指标的数量（最多两位小数）")
    quota: str | None = Field(
        None, description="定额法：用水定额值（立方米/单位）；或给出 indicator 与 quota_unit 查定额表"
    )
    indicator: str | None = None
    quota_unit: str | None = None
    events: list[EventIn] = Field(default_factory=list)
    adjustment: str = Field("0", description="增减量（立方米，可为负）")


class PlanCalcOut(Schema):
    plan_volume: str
    coefficient: str
    method: str
    trace: list[TraceStepOut]


@router.post(
    "/plan/calculate", response=PlanCalcOut, auth=None, summary="年度计划用水量核定（附件1，无状态）"
)
def plan_calculate(request: HttpRequest, payload: PlanCalcIn) -> dict[str, Any]:
    trace = Trace()
    try:
        events = [plan_rules.CoefficientEvent(e.kind, e.on, e.until, e.evidence) for e in payload.events]
        coef = plan_rules.coefficient(events, payload.plan_year, trace=trace)
        adj = parse_volume(payload.adjustment, field="adjustment", allow_negative=True)
        if payload.method == "statistic":
            if payload.history is None or len(payload.history) != 3:
                raise WaterPlanError(
                    "history_shape",
                    "统计法须给出前三年、前二年、前一年三个用水量（未满的年份填0）。",
                    field="history",
                )
            hist = [parse_volume(v, field=f"history[{i}]") for i, v in enumerate(payload.history)]
            if payload.years_of_normal_use is not None:
                years = payload.years_of_normal_use
            elif payload.normal_use_started is not None:
                years = plan_rules.normal_use_years(payload.normal_use_started, payload.plan_year)
            else:
                raise WaterPlanError(
                    "normal_use_missing",
                    "须给出正常用水开始日期或正常用水年数（附件1 二（二））。",
                    field="normal_use_started",
                )
            volume = int(
                plan_rules.statistic_plan([hist], [years], [coef], [adj], payload.plan_year, trace=trace)[0]
            )
        elif payload.method == "quota":
            if payload.quota:
                quota = parse_decimal(payload.quota, field="quota")
            else:
                quota = plan_rules.find_quota(
                    services.quota_entries(),
                    payload.indicator or "",
                    payload.quota_unit or "",
                    dt.date(payload.plan_year, 1, 1),
                ).value
            quantity = parse_decimal(payload.quantity or "", field="quantity", max_places=2)
            volume = int(
                plan_rules.quota_plan(
                    [quantity],
                    [quota],
                    [coef],
                    [adj],
                    trace=trace,
                    indicator=payload.indicator or "",
                    unit=payload.quota_unit or "",
                )[0]
            )
        else:
            raise WaterPlanError(
                "method",
                "核定方法应为 statistic（统计法）或 quota（定额法）（第七条第二款）。",
                field="method",
            )
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    return {
        "plan_volume": format_volume(volume),
        "coefficient": f"{coef / 100:+.2f}",
        "method": payload.method,
        "trace": trace.to_list(),
    }


class SupplementCalcIn(Schema):
    type: str = Field(
        ..., description="fire, burst_pipe, construction, transfer, leak, equipment, drill_cleaning, increase"
    )
    event_on: dt.date
    inputs: dict[str, Any] = Field(default_factory=dict, description="该类型的计算依据（见用户指南）")
    quota: str | None = Field(None, description="适用的用水定额值（按定额增补的类型）")


class VolumeOut(Schema):
    volume: str
    type: str
    label: str
    trace: list[TraceStepOut]


@router.post(
    "/supplements/calculate", response=VolumeOut, auth=None, summary="突发用水增补水量（附件2，无状态）"
)
def supplement_calculate(request: HttpRequest, payload: SupplementCalcIn) -> dict[str, Any]:
    trace = Trace()
    try:
        quota = parse_decimal(payload.quota, field="quota") if payload.quota else None
        volume = supplement_rules.calculate(
            payload.type, payload.inputs, payload.event_on, quota=quota, trace=trace
        )
    except (WaterPlanError, ParameterNotSet) as exc:
        raise _err(exc) from None
    return {
        "volume": format_volume(volume),
        "type": payload.type,
        "label": supplement_rules.SUPPLEMENT_TYPES[payload.type],
        "trace": trace.to_list(),
    }


class TiersIn(Schema):
    band_upper_bounds: list[str] = Field(..., description='各档上限（占计划的比例，如 ["10%", "30%"]）')
    multipliers: list[str] = Field(..., description='各档加价倍数（比上限多一项，如 ["0.5", "1", "2"]）')
    base_price_fen: int = Field(..., gt=0, description="加价基价（分/立方米）")


class SurchargeCalcIn(Schema):
    year: int = Field(..., ge=2022, le=2100)
    issued_plan: str
    adjustments: str = "0"
    supplements: str = "0"
    cuts: str = "0"
    supplier_volume: str
    construction_volume: str = "0"
    tiers: TiersIn | None = Field(None, description="不填则用管理员录入的分档与基价")


class SurchargeCalcOut(Schema):
    actual_volume: str
    plan_volume: str
    excess_volume: str
    band_amounts_fen: list[int]
    amount_fen: int
    trace: list[TraceStepOut]


@router.post(
    "/surcharge/calculate",
    response=SurchargeCalcOut,
    auth=None,
    summary="超计划用水累进加价（第十四条，无状态）",
)
def surcharge_calculate(request: HttpRequest, payload: SurchargeCalcIn) -> dict[str, Any]:
    trace = Trace()
    try:
        day = dt.date(payload.year, 12, 31)
        if payload.tiers is None:
            bounds, mults, price = settlement_rules.surcharge_tiers(services.rules_parameters(), day)
        else:
            bounds = tuple(convert_value("ratio", x) for x in payload.tiers.band_upper_bounds)
            mults = tuple(convert_value("ratio", x) for x in payload.tiers.multipliers)
            price = payload.tiers.base_price_fen
        v = {
            k: parse_volume(getattr(payload, k), field=k, allow_negative=k == "adjustments")
            for k in (
                "issued_plan",
                "adjustments",
                "supplements",
                "cuts",
                "supplier_volume",
                "construction_volume",
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
    except ValueError as exc:  # a ratio that does not parse
        raise ApiError("invalid_tiers", f"分档或倍数无法识别：{exc}", field="tiers", status=422) from None
    return {
        "actual_volume": format_volume(int(actual[0])),
        "plan_volume": format_volume(int(plan[0])),
        "excess_volume": format_volume(int(excess[0])),
        "band_amounts_fen": [int(x) for x in bands[0]],
        "amount_fen": int(total[0]),
        "trace": trace.to_list(),
    }


# -- the unit's records -----------------------------------------------------------------------------------


def _units(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        return services.units_for(user)
    return WaterUnit.objects.all()


def _today() -> dt.date:
    return clock.today()


class UnitOut(Schema):
    id: int
    name: str
    uscc: str
    jurisdiction: str
    method: str
    accounts: list[str]


@router.get("/units", response=list[UnitOut], summary="用水单位（企业用户只见本单位）")
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


class ChangeOut(Schema):
    kind: str
    volume: str
    reason: str
    citation: str
    decided_on: dt.date


class PlanOut(Schema):
    id: int
    unit: str
    year: int
    method: str
    issued_volume: str
    effective_volume: str
    coefficient: str
    explanation: str
    issued_on: dt.date
    adjustment_due: dt.date
    changes: list[ChangeOut]
    trace: list[TraceStepOut]


def _plan_out(p: YearlyPlan, with_trace: bool) -> dict[str, Any]:
    from ezhou_rules.water_plan import deadlines

    trace = Trace()
    if with_trace:
        services.compute_plan(p.inputs, p.year, trace=trace)
    return {
        "id": p.pk,
        "unit": p.unit.name,
        "year": p.year,
        "method": p.method,
        "issued_volume": format_volume(p.volume_m3x100),
        "effective_volume": format_volume(p.effective_m3x100),
        "coefficient": f"{p.coefficient_pct / 100:+.2f}",
        "explanation": p.explanation,
        "issued_on": p.issued_on,
        "adjustment_due": deadlines.adjustment_filing_due(p.issued_on, platform_calendar()).due,
        "changes": [
            {
                "kind": c.get_kind_display(),
                "volume": format_volume(c.delta_m3x100),
                "reason": c.reason,
                "citation": c.citation,
                "decided_on": c.decided_on,
            }
            for c in p.changes.all()
        ],
        "trace": trace.to_list(),
    }


def _plan(request: HttpRequest, plan_id: int) -> YearlyPlan:
    return get_object_or_404(YearlyPlan.objects.select_related("unit"), pk=plan_id, unit__in=_units(request))


@router.get("/plans", response=list[PlanOut], summary="本单位的年度用水计划")
@api_requires(*UNIT_SIDE, department="water")
def plans(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    qs = (
        YearlyPlan.objects.filter(unit__in=_units(request)).select_related("unit").prefetch_related("changes")
    )
    if year:
        qs = qs.filter(year=year)
    return [_plan_out(p, False) for p in qs.order_by("-year", "unit__name")[:200]]


@router.get("/plans/{plan_id}", response=PlanOut, summary="一项年度计划及其核定过程与依据")
@api_requires(*UNIT_SIDE, department="water")
def plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
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
            f"证明材料编号{'、'.join(map(str, missing))}不存在或不属于本单位。",
            field="evidence_ids",
        )
    return [found[i] for i in dict.fromkeys(ids)]


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int


@router.post(
    "/units/{unit_id}/evidence",
    response={201: EvidenceOut},
    summary="上传证明材料（PDF、JPEG、PNG，10MB以内；第十条、第十二条、第十五条）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
def upload_evidence(
    request: HttpRequest,
    unit_id: int,
    kind: str = Form(..., description="form、change、balance_test、other、supplement 或 appeal"),
    file: UploadedFile = File(...),  # noqa: B008
) -> Status:
    unit = get_object_or_404(_units(request), pk=unit_id)
    if file.size and file.size > services.EVIDENCE_MAX_BYTES:
        raise _err(
            WaterPlanError(
                "evidence_too_large",
                f"文件超过{services.EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
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
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
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


class AdjustmentIn(Schema):
    requested_volume: str
    reason: str
    has_form: bool = False
    has_change_evidence: bool = False
    has_balance_test: bool = False
    other_materials: str = ""
    evidence_ids: list[int] = Field(
        default_factory=list, description="已上传证明材料的编号（POST /units/{id}/evidence）"
    )


class RequestOut(Schema):
    id: int
    status: str
    received_on: dt.date
    due: dt.date
    volume: str


@router.post("/plans/{plan_id}/adjustments", response={201: RequestOut}, summary="提出计划调整申请（第十条）")
@api_requires(Role.ENTERPRISE, Role.CLERK)
def file_adjustment(request: HttpRequest, plan_id: int, payload: AdjustmentIn) -> Status:
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


class SupplementIn(Schema):
    type: str
    event_on: dt.date
    inputs: dict[str, Any] = Field(default_factory=dict)
    evidence_ids: list[int] = Field(
        default_factory=list, description="已上传证明材料的编号（POST /units/{id}/evidence）"
    )
    paper_materials: bool = Field(
        default=False,
        description="经办人员确认已收到纸质证明材料（仅水利和湖泊局经办人员可用；企业须上传材料）",
    )


@router.post(
    "/plans/{plan_id}/supplements", response={201: RequestOut}, summary="提出突发用水增补申请（第十二条）"
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def file_supplement(request: HttpRequest, plan_id: int, payload: SupplementIn) -> Status:
    plan = _plan(request, plan_id)
    try:
        req = services.file_supplement(
            plan,
            payload.type,
            payload.event_on,
            _today(),
            payload.inputs,
            actor=request.user,
            evidence=_evidence(request, payload.evidence_ids),
            # Only a clerk who received the paper material may confirm it; an enterprise uploads its files.
            paper_materials=payload.paper_materials and getattr(request.user, "role", None) == Role.CLERK,
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
            "volume": format_volume(req.computed_m3x100),
        },
    )


class NoticeOut(Schema):
    id: int
    number: str
    version: int
    unit: str
    year: int
    state: str
    actual_volume: str
    plan_volume: str
    excess_volume: str
    amount_fen: int
    issued_on: dt.date
    received_on: dt.date | None
    payment_due: dt.date | None
    appeal_due: dt.date | None
    pdf_url: str


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
        "pdf_url": f"/water-plan/notices/{n.pk}/pdf/",
    }


def _notice(request: HttpRequest, notice_id: int) -> SurchargeNotice:
    return get_object_or_404(
        SurchargeNotice.objects.select_related("unit"), pk=notice_id, unit__in=_units(request)
    )


@router.get("/notices", response=list[NoticeOut], summary="本单位的加价收费通知单（含历次版本）")
@api_requires(*UNIT_SIDE, department="water")
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    qs = SurchargeNotice.objects.filter(unit__in=_units(request)).select_related("unit")
    return [_notice_out(n) for n in qs.order_by("-year", "number")[:200]]


@router.post(
    "/notices/{notice_id}/acknowledge", response=NoticeOut, summary="签收通知单（起算缴费与异议期限）"
)
@api_requires(Role.ENTERPRISE)
def acknowledge(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    n = _notice(request, notice_id)
    return _notice_out(services.deliver_notice(n, _today(), actor=request.user))


class AppealIn(Schema):
    reason: str
    claimed_actual_volume: str | None = None
    evidence_ids: list[int] = Field(
        default_factory=list, description="已上传证明材料的编号（POST /units/{id}/evidence）"
    )


class AppealOut(Schema):
    id: int
    state: str
    received_on: dt.date
    decision_due: dt.date


@router.post(
    "/notices/{notice_id}/appeals",
    response={201: AppealOut},
    summary="对通知单的水量、金额提出异议（第十五条）",
)
@api_requires(Role.ENTERPRISE)
def file_appeal(request: HttpRequest, notice_id: int, payload: AppealIn) -> Status:
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


class DecisionIn(Schema):
    action: str = Field(..., description="verify、approve 或 refuse")
    approved_volume: str | None = None
    refusal_case: int | None = Field(None, ge=1, le=7, description="第十三条第（一）至（七）项")
    reason: str = ""


@router.post(
    "/adjustments/{req_id}/decision", response=RequestOut, summary="核实、核准或不予调整（第十条、第十三条）"
)
@api_requires(*CLERK_SIDE, department="water")
def decide_adjustment(request: HttpRequest, req_id: int, payload: DecisionIn) -> dict[str, Any]:
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
        elif payload.action == "refuse":
            services.refuse_adjustment(
                req, payload.refusal_case or 0, payload.reason, actor=request.user, on=today
            )
        else:
            raise WaterPlanError("action", "action 应为 verify、approve 或 refuse。", field="action")
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
    "/supplements/{req_id}/decision", response=RequestOut, summary="核准或不予增补（第十二条、第十三条）"
)
@api_requires(*CLERK_SIDE, department="water")
def decide_supplement(request: HttpRequest, req_id: int, payload: DecisionIn) -> dict[str, Any]:
    req = get_object_or_404(SupplementRequest.objects.select_related("plan__unit"), pk=req_id)
    today = _today()
    try:
        if payload.action == "approve":
            services.approve_supplement(req, actor=request.user, on=today)
        elif payload.action == "refuse":
            services.refuse_supplement(
                req, payload.refusal_case or 0, payload.reason, actor=request.user, on=today
            )
        else:
            raise WaterPlanError("action", "action 应为 approve 或 refuse。", field="action")
    except WaterPlanError as exc:
        raise _err(exc) from None
    req.refresh_from_db()
    return {
        "id": req.pk,
        "status": req.get_status_display(),
        "received_on": req.received_on,
        "due": req.review_due,
        "volume": format_volume(req.approved_m3x100 or req.computed_m3x100),
    }


class AppealDecisionIn(Schema):
    upheld: bool
    decision: str
    corrected_actual_volume: str | None = None


@router.post("/appeals/{appeal_id}/decision", response=AppealOut, summary="处理异议（第十五条）")
@api_requires(*CLERK_SIDE, department="water")
def decide_appeal(request: HttpRequest, appeal_id: int, payload: AppealDecisionIn) -> dict[str, Any]:
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


class ImportOut(Schema):
    batch_id: int
    already_imported: bool
    accepted: int
    rejected: int
    rejects: list[dict[str, Any]]


@router.post("/readings/import", response=ImportOut, summary="导入供水企业抄表数据（CSV 或 Excel，第五条）")
@api_requires(*CLERK_SIDE, department="water")
def import_readings(request: HttpRequest, file: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
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


class DateIn(Schema):
    on: dt.date | None = Field(None, description="日期（默认今天）")


class ReminderIn(Schema):
    pay_by: dt.date = Field(..., description="催告单上的缴费期限")


class ReminderOut(Schema):
    number: str
    sequence: int
    issued_on: dt.date
    pay_by: dt.date


def _clerk_notice(notice_id: int) -> SurchargeNotice:
    return get_object_or_404(SurchargeNotice.objects.select_related("unit"), pk=notice_id)


@router.post(
    "/notices/{notice_id}/delivery",
    response=NoticeOut,
    summary="登记通知单送达日期（起算第十五条、第十六条期限）",
)
@api_requires(*CLERK_SIDE, department="water")
def deliver(request: HttpRequest, notice_id: int, payload: DateIn) -> dict[str, Any]:
    return _notice_out(
        services.deliver_notice(_clerk_notice(notice_id), payload.on or _today(), actor=request.user)
    )


@router.post("/notices/{notice_id}/payment", response=NoticeOut, summary="登记缴纳加价水费（第十六条）")
@api_requires(*CLERK_SIDE, department="water")
def payment(request: HttpRequest, notice_id: int, payload: DateIn) -> dict[str, Any]:
    try:
        n = services.record_payment(_clerk_notice(notice_id), payload.on or _today(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return _notice_out(n)


@router.post(
    "/notices/{notice_id}/reminders", response={201: ReminderOut}, summary="下发征收催告单（第十六条第二款）"
)
@api_requires(*CLERK_SIDE, department="water")
def reminder(request: HttpRequest, notice_id: int, payload: ReminderIn) -> Status:
    try:
        r = services.issue_reminder(_clerk_notice(notice_id), _today(), payload.pay_by, actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201, {"number": r.number, "sequence": r.sequence, "issued_on": r.issued_on, "pay_by": r.pay_by}
    )


@router.post(
    "/notices/{notice_id}/credit-listing",
    response=NoticeOut,
    summary="第二次催缴后仍未缴纳，纳入社会信用体系平台",
)
@api_requires(*CLERK_SIDE, department="water")
def credit_listing(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    try:
        n = services.list_for_credit(_clerk_notice(notice_id), _today(), actor=request.user)
    except WaterPlanError as exc:
        raise _err(exc) from None
    return _notice_out(n)


class EventOut(Schema):
    id: int
    kind: str
    on: dt.date
    counts_for: list[int]


@router.post(
    "/units/{unit_id}/coefficient-events", response={201: EventOut}, summary="记录增减系数情形（附件1 三）"
)
@api_requires(*CLERK_SIDE, department="water")
def coefficient_event(request: HttpRequest, unit_id: int, payload: EventIn) -> Status:
    unit = get_object_or_404(WaterUnit, pk=unit_id)
    try:
        ev = services.record_coefficient_event(
            unit, payload.kind, payload.on, payload.evidence, actor=request.user, until=payload.until
        )
        first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(ev.kind, ev.on, ev.until))
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(
        201, {"id": ev.pk, "kind": ev.kind, "on": ev.on, "counts_for": list(range(first, last + 1))}
    )


class FindingIn(Schema):
    year: int = Field(..., ge=2022, le=2100, description="计划年度")
    basis: str = Field(
        ...,
        description="art8-item1（第八条第（一）项）、art8-item2（第八条第（二）项）或 annex1（附件1 增减量）",
    )
    delta: str = Field(..., description='增减量（立方米，最多两位小数；核减为负数，如 "-120.50"）')
    reason: str
    evidence: str


class FindingOut(Schema):
    id: int
    year: int
    basis: str
    delta: str
    citation: str


@router.post(
    "/units/{unit_id}/findings",
    response={201: FindingOut},
    summary="认定下一年度计划的增减量（第八条第（一）（二）项核减、附件1 ±增减量）",
)
@api_requires(*CLERK_SIDE, department="water")
def plan_finding(request: HttpRequest, unit_id: int, payload: FindingIn) -> Status:
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


class ClerkPlanIn(Schema):
    year: int = Field(..., ge=2022, le=2100)
    volume: str
    basis: str = Field(..., description="design（设计用水量）、quota（用水定额）、actual（实际用水量）")
    reason: str


@router.post(
    "/units/{unit_id}/plans", response={201: PlanOut}, summary="核定未满1年单位的计划（附件1 二（二）4）"
)
@api_requires(*CLERK_SIDE, department="water")
def clerk_set_plan(request: HttpRequest, unit_id: int, payload: ClerkPlanIn) -> Status:
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


class PlanRequestIn(Schema):
    plan_year: int = Field(..., ge=2022, le=2100)
    requested_volume: str
    note: str = ""


class PlanRequestOut(Schema):
    id: int
    plan_year: int
    filed_on: dt.date
    due_on: dt.date


@router.post(
    "/units/{unit_id}/plan-requests", response={201: PlanRequestOut}, summary="提出年度用水计划申请（第六条）"
)
@api_requires(Role.ENTERPRISE, Role.CLERK)
def plan_request(request: HttpRequest, unit_id: int, payload: PlanRequestIn) -> Status:
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


class ShortageCutIn(Schema):
    year: int = Field(..., ge=2022, le=2100)
    percent: str = Field(..., description='下调比例（%），如 "10" 或 "12.5"')
    start: dt.date
    end: dt.date
    reason: str


class ShortageCutOut(Schema):
    id: int
    year: int
    percent: str
    plans: int


@router.post(
    "/shortage-cuts",
    response={201: ShortageCutOut},
    summary="水资源紧缺时按比例下调全部用水单位的计划（第十一条）",
)
@api_requires(*CLERK_SIDE, department="water")
def shortage_cut(request: HttpRequest, payload: ShortageCutIn) -> Status:
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
