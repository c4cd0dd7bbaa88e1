"""The unit's records and plans: units, plans (第九条), plan requests (第六条), coefficient cases (附件1 三), 增减量
findings (第八条), clerk-set plans (附件1 二（二）4), proportional cuts (第十一条), the supplier's readings (第五条).

No `from __future__ import annotations` here (see ``api/__init__``).
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Path, Query, Status
from ninja.files import UploadedFile

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume, parse_decimal, parse_volume

from .. import services
from ..models import (
    CoefficientEvent,
    PlanChange,
    PlanFinding,
    WaterUnit,
    YearlyPlan,
)
from ..schemas import (
    WaterClerkPlanIn,
    WaterEventIn,
    WaterEventOut,
    WaterFindingIn,
    WaterFindingOut,
    WaterImportOut,
    WaterPlanOut,
    WaterPlanRequestIn,
    WaterPlanRequestOut,
    WaterShortageCutIn,
    WaterShortageCutOut,
    WaterUnitOut,
    WaterWithdrawIn,
)
from .common import (
    CLERK_SIDE,
    PLAN_ID,
    UNIT_ID,
    UNIT_SIDE,
    _err,
    _pct,
    _plan,
    _plan_out,
    _today,
    _units,
    router,
)


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


@router.get("/plans/{plan_id}", response=WaterPlanOut, summary="一项年度计划及其核定过程、变更与依据")
@api_requires(*UNIT_SIDE, department="water")
def plan_detail(request: HttpRequest, plan_id: int = PLAN_ID) -> dict[str, Any]:
    return _plan_out(_plan(request, plan_id), True)


@router.post(
    "/units/{unit_id}/plan-requests",
    response={201: WaterPlanRequestOut},
    summary="提出年度用水计划申请（第六条）",
)
@api_requires(Role.ENTERPRISE, Role.CLERK, department="water")
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
    "/units/{unit_id}/coefficient-events",
    response={201: WaterEventOut},
    summary="记录增减系数情形（附件1 三）；经记录人以外的人员复核生效后计入计划，已下达年度的计划随之变更",
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
    except WaterPlanError as exc:
        raise _err(exc) from None
    return Status(201, _event_out(ev, [], []))


def _event_out(
    ev: CoefficientEvent, changes: list[PlanChange], not_applied: list[tuple[int, str]]
) -> dict[str, Any]:
    first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(ev.kind, ev.on, ev.until))
    return {
        "id": ev.pk,
        "kind": ev.kind,
        "on": ev.on,
        "status": ev.get_status_display(),
        "counts_for": list(range(first, last + 1)),
        "plan_changes": [
            {
                "plan_id": c.plan_id,
                "year": c.plan.year,
                "delta": format_volume(c.delta_m3x100),
                "coefficient": _pct(c.coefficient_pct or 0),
                "notice_url": reverse("water_plan:change_notice", args=[c.pk]),
                "number": c.document.number if c.document else None,
            }
            for c in changes
        ],
        "not_applied": [{"year": y, "reason": why} for y, why in not_applied],
    }


EVENT_ID = Path(..., title="情形编号", description="增减系数情形的记录编号")


@router.post(
    "/coefficient-events/{event_id}/apply",
    response=WaterEventOut,
    summary="复核增减系数情形并使其生效：变更已下达年度的计划并出具计划变更通知书（附件1 三；须由记录人以外的人员办理）",
)
@api_requires(*CLERK_SIDE, department="water")
def apply_coefficient_event(request: HttpRequest, event_id: int = EVENT_ID) -> dict[str, Any]:
    ev = get_object_or_404(CoefficientEvent.objects.select_related("unit"), pk=event_id)
    try:
        changes, not_applied = services.apply_coefficient_event(ev, actor=request.user, on=_today())
    except WaterPlanError as exc:
        raise _err(exc) from None
    ev.refresh_from_db()
    return _event_out(ev, changes, not_applied)


@router.post(
    "/coefficient-events/{event_id}/withdraw",
    response=WaterEventOut,
    summary="撤销尚未生效的增减系数情形记录（附件1 三）",
)
@api_requires(*CLERK_SIDE, department="water")
def withdraw_coefficient_event(
    request: HttpRequest, payload: WaterWithdrawIn, event_id: int = EVENT_ID
) -> dict[str, Any]:
    ev = get_object_or_404(CoefficientEvent.objects.select_related("unit"), pk=event_id)
    try:
        services.withdraw_coefficient_event(ev, payload.reason, actor=request.user, on=_today())
    except WaterPlanError as exc:
        raise _err(exc) from None
    ev.refresh_from_db()
    return _event_out(ev, [], [])


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
