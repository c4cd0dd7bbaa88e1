"""Notices and their collection (第十四条—第十六条): the unit's notices, 签收, appeals and the clerks' steps.

No `from __future__ import annotations` here (see ``api/__init__``).
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Status

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import parse_volume

from .. import services
from ..models import (
    Appeal,
    SurchargeNotice,
)
from ..schemas import (
    WaterAppealDecisionIn,
    WaterAppealIn,
    WaterAppealOut,
    WaterDateIn,
    WaterNoticeOut,
    WaterReminderIn,
    WaterReminderOut,
)
from .common import (
    CLERK_SIDE,
    NOTICE_ID,
    UNIT_SIDE,
    _clerk_notice,
    _err,
    _evidence,
    _notice,
    _notice_out,
    _today,
    _units,
    router,
)


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
