"""The registers through the API: facilities (public list; details for their operator, the unit they supply
and the department), projects (developers file, 第六条), lab reports (第二十三条), usage, stop notices
(第二十条), violations (第二十四条) and the standards library."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Status

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.unconventional_water.common import format_hundredths
from ezhou_rules.unconventional_water.uses import STANDARD_TITLES, USES

from ..models import Facility, LabReport, Project, Violation
from ..services import common, facilities, projects, reports, stops
from ..services.library import library_at
from .base import CLERKS, OPERATOR_SIDE, REFUSALS, STAFF, err, router
from .schemas import (
    FacilityIn,
    FacilityOut,
    NeededStandardOut,
    ProjectIn,
    PublicFacilityOut,
    ReportOut,
    StandardOut,
    StopNoticeIn,
    StopNoticeOut,
    UsageIn,
    UsageOut,
    UwProjectOut,
    UwReportIn,
    ViolationOut,
)


def _public(f: Facility) -> dict[str, Any]:
    return {
        "id": f.pk,
        "code": f.code,
        "name": f.name,
        "facility_type": f.facility_type,
        "facility_type_label": f.get_facility_type_display(),
        "operator": f.operator.name,
        "uses": [USES[u].label for u in f.uses if u in USES],
        "capacity_m3_per_day": format_hundredths(f.capacity_m3x100_per_day),
        "location": f.location,
        "jurisdiction": f.jurisdiction.name,
        "in_service_from": f.in_service_from,
        "status": f.status,
    }


def _facility(f: Facility) -> dict[str, Any]:
    return {
        **_public(f),
        "operator_uscc": f.operator_uscc,
        "water_unit": f.water_unit.name if f.water_unit else None,
        "sources": [
            {
                "kind": s.kind,
                "decision": s.decision,
                "review": s.review,
                "citation": s.citation,
                "explanation": s.explanation,
                "ended_on": s.ended_on,
            }
            for s in f.sources.order_by("id")
        ],
        "next_test_due": f.next_test_due,
        "testing_interval_months": f.testing_interval_months,
    }


@router.get(
    "/facilities", response=list[PublicFacilityOut], auth=None, summary="非常规水资源利用设施名录（公开）"
)
def facility_list(
    request: HttpRequest,
    q: str = Query("", title="关键词", description="设施名称、运行管理单位或位置", max_length=50),
    facility_type: str = Query("", title="设施类型", description="rainwater 或 reclaimed", max_length=12),
    jurisdiction: str = Query("", title="所属辖区", description="辖区代码", max_length=24),
    offset: int = Query(0, title="起始位置", description="跳过的条数", ge=0, le=1_000_000),
    limit: int = Query(50, title="条数", description="返回的条数（至多200）", ge=1, le=200),
) -> list[dict[str, Any]]:
    qs = facilities.public_facilities(q, facility_type, jurisdiction)
    return [_public(f) for f in qs[offset : offset + limit]]


@router.get(
    "/facilities/{facility_id}",
    response=FacilityOut,
    summary="设施登记详情（运行管理单位、供水对象和经办人员）",
)
@api_requires(*OPERATOR_SIDE, department="water")
def facility_detail(
    request: HttpRequest,
    facility_id: int = Path(..., title="设施编号", description="设施编号", ge=1, le=2**62),
) -> dict[str, Any]:
    return _facility(get_object_or_404(common.facilities_for(request.user), pk=facility_id))


@router.post(
    "/facilities",
    response={201: FacilityOut},
    summary="登记非常规水资源利用设施（第二十一条；水源按第十三条判定）",
)
@api_requires(*CLERKS, department="water")
def facility_register(request: HttpRequest, payload: FacilityIn) -> Status:
    data = payload.dict()
    data["facility_type"] = str(payload.facility_type)
    data["uses"] = [str(u) for u in payload.uses]
    data["sources"] = [{**s, "kind": str(s["kind"])} for s in data["sources"]]
    try:
        f = facilities.register_facility(data, actor=request.user)
    except REFUSALS as exc:
        raise err(exc) from None
    return Status(201, _facility(f))


def _project(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "developer": p.developer.name,
        "status": p.status,
        "status_label": p.get_status_display(),
        "facility_type": p.facility_type,
        "facility_required": p.facility_required,
        "screening_reason": p.screening_reason,
        "filed_on": p.filed_on,
        "receipt_number": p.receipt_number,
        "violations": [v.label for v in p.violations.all()],
    }


@router.get("/projects", response=list[UwProjectOut], summary="建设项目“三同时”备案（企业用户只见本单位）")
@api_requires(Role.ENTERPRISE, *STAFF, department="water")
def project_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_project(p) for p in common.projects_for(request.user).prefetch_related("violations")[:500]]


@router.post(
    "/projects",
    response={201: UwProjectOut},
    summary="建设项目配套非常规水资源利用设施“三同时”备案（第六条；第八条筛查）",
)
@api_requires(Role.ENTERPRISE, *CLERKS, department="water")
def project_file(request: HttpRequest, payload: ProjectIn) -> Status:
    user: Any = request.user
    data = payload.dict()
    for key in ("project_kind", "works", "art16_class", "facility_type"):
        data[key] = str(getattr(payload, key))
    if user.role == Role.ENTERPRISE:
        data["developer_name"], data["developer_uscc"] = user.enterprise_name, user.enterprise_uscc
    try:
        p = projects.file_project(data, actor=user)
    except REFUSALS as exc:
        raise err(exc) from None
    return Status(201, _project(p))


def _report(report: LabReport, check: Any, result: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "report_no": report.report_no,
        "sampled_on": report.sampled_on,
        "filed_on": report.filed_on,
        "verdict": check.verdict,
        "verdict_label": check.get_verdict_display(),
        "refusal": check.refusal_message,
        "results": [r.__dict__ for r in result.results] if result else [],
    }


def _operated(request: HttpRequest, facility_id: int) -> Facility:
    f = get_object_or_404(common.facilities_for(request.user), pk=facility_id)
    if not common.may_operate(request.user, f):
        raise ApiError("forbidden", "只有设施的运行管理单位或市水利和湖泊局经办人员可以报送。", status=403)
    return f


@router.post(
    "/facilities/{facility_id}/reports",
    response={201: ReportOut},
    summary="报送水质检测报告（第二十三条），按设施全部用途判定",
)
@api_requires(Role.ENTERPRISE, *CLERKS, department="water")
def report_file(
    request: HttpRequest,
    payload: UwReportIn,
    facility_id: int = Path(..., title="设施编号", description="设施编号", ge=1, le=2**62),
) -> Status:
    f = _operated(request, facility_id)
    fields = payload.dict(exclude={"measurements"})
    fields["sample_point_kind"] = str(payload.sample_point_kind)
    rows = [(m.indicator, m.value, m.unit) for m in payload.measurements]
    try:
        filed = reports.file_report(f, fields, rows, actor=request.user, via=LabReport.Via.API)
    except REFUSALS as exc:
        raise err(exc) from None
    return Status(201, _report(filed.report, filed.check, filed.result))


@router.get(
    "/facilities/{facility_id}/reports", response=list[ReportOut], summary="设施的水质检测报告及最近一次判定"
)
@api_requires(*OPERATOR_SIDE, department="water")
def report_list(
    request: HttpRequest,
    facility_id: int = Path(..., title="设施编号", description="设施编号", ge=1, le=2**62),
) -> list[dict[str, Any]]:
    f = get_object_or_404(common.facilities_for(request.user), pk=facility_id)
    out = []
    for r in f.reports.order_by("-sampled_on", "-id")[:200]:
        check = reports.latest_check(r)
        if check is not None:
            out.append(_report(r, check, None))
    return out


@router.post(
    "/facilities/{facility_id}/usage",
    response={201: UsageOut},
    summary="填报非常规水利用量（计划用水增减系数，15号附件1 三（四））",
)
@api_requires(Role.ENTERPRISE, *CLERKS, department="water")
def usage_record(
    request: HttpRequest,
    payload: UsageIn,
    facility_id: int = Path(..., title="设施编号", description="设施编号", ge=1, le=2**62),
) -> Status:
    f = _operated(request, facility_id)
    try:
        u = reports.record_usage(
            f,
            payload.period_start,
            payload.period_end,
            payload.volume_m3,
            note=payload.note,
            actor=request.user,
        )
    except REFUSALS as exc:
        raise err(exc) from None
    return Status(
        201,
        {
            "id": u.pk,
            "period_start": u.period_start,
            "period_end": u.period_end,
            "volume_m3": format_hundredths(u.volume_m3x100),
        },
    )


@router.post(
    "/facilities/{facility_id}/stop-notices",
    response={201: StopNoticeOut},
    summary="报告停止运行（供水）（第二十条：提前24小时通知用户，同时报告；以收到报告的时间为报告时间）",
)
@api_requires(Role.ENTERPRISE, *CLERKS, department="water")
def stop_notice_file(
    request: HttpRequest,
    payload: StopNoticeIn,
    facility_id: int = Path(..., title="设施编号", description="设施编号", ge=1, le=2**62),
) -> Status:
    f = _operated(request, facility_id)
    try:
        n = stops.file_stop_notice(f, actor=request.user, **payload.dict())
    except REFUSALS as exc:
        raise err(exc) from None
    return Status(
        201,
        {
            "id": n.pk,
            "stop_starts_at": n.stop_starts_at,
            "notice_deadline": n.notice_deadline,
            "notice_lead_minutes": n.notice_lead_minutes,
            "notice_on_time": n.notice_on_time,
            "report_status": n.report_status,
            "reported_at": n.reported_at,
            "violations": n.violations,
            "explanation": n.explanation,
        },
    )


@router.get(
    "/violations", response=list[ViolationOut], summary="违法行为登记（第二十四条，按第二十五条处理）"
)
@api_requires(*STAFF, department="water")
def violation_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": v.pk,
            "act": v.act,
            "act_label": v.get_act_display(),
            "citation": v.citation,
            "found_on": v.found_on,
            "party": v.party,
            "status": v.status,
            "handled_under": v.handled_under,
        }
        for v in Violation.objects.order_by("-found_on", "-id")[:500]
    ]


@router.get(
    "/standards",
    response=list[StandardOut],
    auth=None,
    summary="水质标准库（随系统提供的和管理员录入的，含来源）",
)
def standard_list(request: HttpRequest) -> list[dict[str, Any]]:
    library, _ = library_at()
    out = []
    for code, s in sorted(library.standards.items()):
        rows = [r for r in library.rows if r.standard == code]
        uses = sorted({u for r in rows for u in r.uses}, key=list(USES).index)
        out.append(
            {
                "code": code,
                "title": s.title,
                "source": s.source,
                "shipped": not s.entered_by,
                "rows": len(rows),
                "uses": [USES[u].label for u in uses],
            }
        )
    return out


@router.get(
    "/standards/needed",
    response=list[NeededStandardOut],
    auth=None,
    summary="第十一条、第十八条所列标准及其是否已录入",
)
def standards_needed(request: HttpRequest) -> list[dict[str, Any]]:
    library, _ = library_at()
    return [
        {"standard": c, "title": t, "entered": c in library.standards} for c, t in STANDARD_TITLES.items()
    ]
