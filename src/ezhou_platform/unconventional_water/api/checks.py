"""Stateless checks, public: 第八条 screening, 第十三条 sources, water quality by use, 第二十条 stop notices.
They read the same rules and the same library (with what administrators entered) as the procedures."""

from typing import Any

from django.http import HttpRequest

from ezhou_rules.unconventional_water.lab_reports import LabReport, Measurement, check_report
from ezhou_rules.unconventional_water.sources import check_source
from ezhou_rules.unconventional_water.stop_notice import check_stop_notice

from ..services.common import rules_parameters
from ..services.library import library_at
from ..services.projects import screen
from .base import REFUSALS, err, router, today
from .schemas import (
    QualityCheckIn,
    QualityCheckOut,
    ScreeningIn,
    ScreeningOut,
    SourceCheckIn,
    SourceCheckOut,
    StopNoticeCheckIn,
    StopNoticeCheckOut,
)


@router.post(
    "/screening",
    response=ScreeningOut,
    auth=None,
    summary="建设项目是否应当配套建设雨水收集利用设施（第八条，无状态）",
)
def screening(request: HttpRequest, payload: ScreeningIn) -> dict[str, Any]:
    data = payload.dict()
    data["project_kind"], data["works"] = str(payload.project_kind), str(payload.works)
    data["art16_class"] = str(payload.art16_class)
    try:
        return screen(data, payload.on or today()).to_dict()
    except REFUSALS as exc:
        raise err(exc) from None


@router.post(
    "/source-check",
    response=SourceCheckOut,
    auth=None,
    summary="水源能否作为再生水（雨水）利用设施的水源（第十三条、第十条，无状态）",
)
def source_check(request: HttpRequest, payload: SourceCheckIn) -> dict[str, Any]:
    try:
        return check_source(
            str(payload.facility_type),
            str(payload.source_kind),
            on=payload.on or today(),
            meets_standard=payload.meets_standard,
            industry=payload.industry,
            params=rules_parameters(),
        ).to_dict()
    except REFUSALS as exc:
        raise err(exc) from None


@router.post(
    "/quality-check",
    response=QualityCheckOut,
    auth=None,
    summary="水质检测结果按全部用途逐项取最严限值判定（第十一条、第十八条，无状态）；所需标准尚未录入时不予判定并列明",
)
def quality_check(request: HttpRequest, payload: QualityCheckIn) -> dict[str, Any]:
    report = LabReport(
        report_no="（试算）",
        sampled_on=payload.sampled_on,
        lab="（试算）",
        lab_qualification="（试算）",
        sample_point="（试算）",
        sample_point_kind=str(payload.sample_point_kind),
        measurements=tuple(Measurement(m.indicator, m.value, m.unit) for m in payload.measurements),
    )
    library, _ = library_at()
    try:
        result = check_report(report, str(payload.facility_type), [str(u) for u in payload.uses], library)
    except REFUSALS as exc:
        raise err(exc) from None
    out = result.to_dict()
    out.pop("trace", None)
    return out


@router.post(
    "/stop-notice-check",
    response=StopNoticeCheckOut,
    auth=None,
    summary="停止运行（供水）是否提前24小时通知用户并同时报告（第二十条，精确到分钟，北京时间；无状态）",
)
def stop_notice_check(request: HttpRequest, payload: StopNoticeCheckIn) -> dict[str, Any]:
    try:
        result = check_stop_notice(
            payload.stop_starts_at,
            payload.users_notified_at,
            payload.reported_at,
            stop_ends_at=payload.stop_ends_at,
            params=rules_parameters(),
        )
    except REFUSALS as exc:
        raise err(exc) from None
    return result.to_dict()
