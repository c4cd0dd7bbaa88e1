"""Requests during the plan year: 证明材料, adjustments (第十条), emergency supplements (第十二条, 附件2), construction
reports (附件2 （三）) and the clerks' decisions on them (第十三条).

No `from __future__ import annotations` here (see ``api/__init__``).
"""

import datetime as dt
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Path, Status
from ninja.files import UploadedFile

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume, parse_volume

from .. import services
from ..models import (
    EVIDENCE_EXTENSIONS as EVIDENCE_EXT,
)
from ..models import (
    AdjustmentRequest,
    EvidenceFile,
    SupplementRequest,
)
from ..schemas import (
    WaterAdjustmentIn,
    WaterConstructionReportIn,
    WaterConstructionReportOut,
    WaterDecisionIn,
    WaterEvidenceOut,
    WaterRequestOut,
    WaterSupplementIn,
)
from .common import (
    CLERK_SIDE,
    PLAN_ID,
    REQ_ID,
    UNIT_SIDE,
    _err,
    _evidence,
    _plan,
    _request_volume,
    _today,
    _units,
    router,
)


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
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
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


@router.post(
    "/plans/{plan_id}/supplements",
    response={201: WaterRequestOut},
    summary="提出突发用水增补申请（第十二条；附件2 八类及附件2 注的其他情况）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
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
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
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
