"""Stops of a reclaimed-water facility or its supply (第二十条), checked to the minute in Asia/Shanghai (U9).

    file_stop_notice(facility, …, actor=…)   the operator's report to the department: received now (or, for a
                                             paper report entered by a clerk, at the time it was received)
    record_unreported_stop(facility, …)      a stop the department found that nobody reported: report missing

The check (`ezhou_rules.unconventional_water.stop_notice.check_stop_notice`) is stored with the times: users
told at least 24 hours before, the department at the same time; a late or missing report is recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.unconventional_water.stop_notice import SHANGHAI, check_stop_notice

from ..models import Facility, StopNotice
from .common import DOC, DOCUMENT_START, refuse, require_text, rules_parameters

ART20 = f"{DOC} 第二十条第二款"
LABELS = {
    "stop_starts_at": "停止运行（供水）时间",
    "stop_ends_at": "恢复运行（供水）时间",
    "users_notified_at": "通知用户时间",
    "reported_at": "向市水行政主管部门报告时间",
}


def _moment(value: Any, field: str, *, required: bool = False) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            raise refuse(f"{field}_required", field, LABELS[field], "不能为空（第二十条）。")
        return None
    if not isinstance(value, dt.datetime):
        raise refuse("datetime_format", field, LABELS[field], "应为日期时间（北京时间，精确到分钟）。")
    if value.tzinfo is None or value.utcoffset() is None:
        raise refuse(
            "naive_datetime",
            field,
            LABELS[field],
            "缺少时区，无法确定是哪个时钟的时刻；请注明时区（北京时间 +08:00）。",
        )
    if value.astimezone(SHANGHAI).date() < DOCUMENT_START:
        raise refuse("date_too_early", field, LABELS[field], "早于本办法施行（2022年7月11日，第二十七条）。")
    return value


def _store(
    facility: Facility,
    *,
    source: str,
    reason: str,
    starts: dt.datetime,
    ends: dt.datetime | None,
    notified: dt.datetime | None,
    method: str,
    reported: dt.datetime | None,
    actor: Any,
) -> StopNotice:
    result = check_stop_notice(starts, notified, reported, stop_ends_at=ends, params=rules_parameters())
    with transaction.atomic():
        notice = StopNotice.objects.create(
            facility=facility,
            source=source,
            reason=reason,
            stop_starts_at=result.stop_starts_at,
            stop_ends_at=ends,
            users_notified_at=result.users_notified_at,
            notice_method=method,
            reported_at=result.reported_at,
            recorded_by=actor,
            recorded_at=clock.now(),
            notice_deadline=result.notice_deadline,
            notice_lead_minutes=result.notice_lead_minutes,
            notice_on_time=result.notice_on_time,
            report_status=result.report_status,
            violations=[v.__dict__ for v in result.violations],
            explanation=list(result.explanation),
        )
        record(
            "unconventional_water.stop.record",
            actor=actor,
            obj=notice,
            after={
                "facility": facility.pk,
                "source": source,
                "stop_starts_at": result.stop_starts_at.isoformat(),
                "users_notified_at": result.users_notified_at.isoformat()
                if result.users_notified_at
                else None,
                "reported_at": result.reported_at.isoformat() if result.reported_at else None,
                "violations": [v.code for v in result.violations],
            },
            label="停止运行（供水）报告"
            if source == StopNotice.Source.OPERATOR
            else "记录未报告的停止运行（供水）",
            citation=ART20,
        )
    return notice


def file_stop_notice(
    facility: Facility,
    *,
    reason: str,
    stop_starts_at: Any,
    stop_ends_at: Any = None,
    users_notified_at: Any = None,
    notice_method: str = "",
    reported_at: Any = None,
    actor: Any,
) -> StopNotice:
    """因设施维护等原因需要停止运行或者停止供水的，应提前24小时通知用户，同时向市水行政主管部门报告. The report
    is received when it is filed here; only a clerk entering a paper report gives another time."""
    from .common import is_water_staff

    if facility.facility_type != "reclaimed":
        raise refuse(
            "not_reclaimed",
            "facility",
            "设施",
            "第二十条规定的是再生水利用运行管理单位停止运行或停止供水的报告。",
        )
    if facility.status != "in_service":
        raise refuse("facility_closed", "facility", "设施", "设施已注销。")
    reason = require_text(reason, field="reason", label="停止原因", rule="第二十条第二款", max_length=200)
    starts = _moment(stop_starts_at, "stop_starts_at", required=True)
    assert starts is not None
    ends = _moment(stop_ends_at, "stop_ends_at")
    notified = _moment(users_notified_at, "users_notified_at")
    now = clock.now()
    if reported_at not in (None, "") and not is_water_staff(actor):
        raise refuse(
            "reported_at_by_operator",
            "reported_at",
            LABELS["reported_at"],
            "网上报告的时间以系统收到报告的时间为准。",
        )
    reported = _moment(reported_at, "reported_at") or now
    if reported > now:
        raise refuse("future", "reported_at", LABELS["reported_at"], "不能晚于当前时间。")
    if notified is not None and notified > now:
        raise refuse(
            "future", "users_notified_at", LABELS["users_notified_at"], "不能晚于当前时间（通知后再报告）。"
        )
    if starts > now + dt.timedelta(days=366):
        raise refuse("too_far", "stop_starts_at", LABELS["stop_starts_at"], "不应晚于一年以后。")
    return _store(
        facility,
        source=StopNotice.Source.OPERATOR,
        reason=reason,
        starts=starts,
        ends=ends,
        notified=notified,
        method=str(notice_method or "")[:100],
        reported=reported,
        actor=actor,
    )


def record_unreported_stop(
    facility: Facility,
    *,
    reason: str,
    stop_starts_at: Any,
    stop_ends_at: Any = None,
    users_notified_at: Any = None,
    actor: Any,
) -> StopNotice:
    """A stop the department found without a report (第二十条第二款 未报告; 第一款 if users were not told)."""
    reason = require_text(reason, field="reason", label="停止原因", rule="第二十条", max_length=200)
    starts = _moment(stop_starts_at, "stop_starts_at", required=True)
    assert starts is not None
    if starts > clock.now():
        raise refuse("future", "stop_starts_at", LABELS["stop_starts_at"], "发现的停止运行应已发生。")
    return _store(
        facility,
        source=StopNotice.Source.FOUND,
        reason=reason,
        starts=starts,
        ends=_moment(stop_ends_at, "stop_ends_at"),
        notified=_moment(users_notified_at, "users_notified_at"),
        method="",
        reported=None,
        actor=actor,
    )
