"""Stop notices checked to the minute (第二十条, U9) and the violations register (第二十四条, 第二十五条, U12)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Document
from ezhou_platform.unconventional_water.models import StopNotice, Violation
from ezhou_platform.unconventional_water.services import config, stops, violations
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, second, tzinfo=BJ)


def test_notice_filed_now_for_a_stop_25_hours_ahead_is_on_time(facility: Any, operator: Any) -> None:
    # now 2026-06-15 10:00 (+ seconds of the ticking clock); users told 09:30; stop 06-16 11:00:
    # notice lead 25h30m ≥ 24h, report received now ≥ 24h before → both on time
    n = stops.file_stop_notice(
        facility,
        reason="管网检修",
        stop_starts_at=at(16, 11),
        users_notified_at=at(15, 9, 30),
        actor=operator,
    )
    assert n.notice_on_time and n.report_status == "on_time" and n.violations == []
    assert n.notice_lead_minutes == 25 * 60 + 30
    assert n.notice_deadline == at(15, 11)


def test_report_late_and_notice_late_to_the_minute(facility: Any, operator: Any) -> None:
    # stop 06-16 10:00 → deadline 06-15 10:00; users told 10:00 and the report arrives 10:00:xx (seconds
    # dropped) → exactly 24h, both on time ("提前24小时" includes the figure)
    n = stops.file_stop_notice(
        facility, reason="设备更换", stop_starts_at=at(16, 10), users_notified_at=at(15, 10), actor=operator
    )
    assert n.notice_on_time and n.report_status == "on_time" and n.notice_lead_minutes == 24 * 60
    # stop 06-16 09:59: told 06-15 10:00 and reported now → 23h59m: notice late, report late (第二十条第二款)
    late = stops.file_stop_notice(
        facility,
        reason="设备更换",
        stop_starts_at=at(16, 9, 59),
        users_notified_at=at(15, 10),
        actor=operator,
    )
    assert not late.notice_on_time and late.notice_lead_minutes == 23 * 60 + 59
    assert [v["code"] for v in late.violations] == ["notice_late", "report_late"]


def test_a_notice_after_the_stop_is_refused_and_nothing_is_written(facility: Any, operator: Any) -> None:
    with pytest.raises(UnconventionalWaterError, match="通知时间晚于停止时间"):
        stops.file_stop_notice(
            facility, reason="检修", stop_starts_at=at(15, 8), users_notified_at=at(15, 9), actor=operator
        )
    with pytest.raises(UnconventionalWaterError, match="缺少时区"):
        stops.file_stop_notice(
            facility, reason="检修", stop_starts_at=dt.datetime(2026, 6, 16, 8), actor=operator
        )
    with pytest.raises(UnconventionalWaterError, match="网上报告的时间以系统收到报告的时间为准"):
        stops.file_stop_notice(
            facility, reason="检修", stop_starts_at=at(16, 8), reported_at=at(14, 8), actor=operator
        )
    assert not StopNotice.objects.exists()


def test_an_unreported_stop_found_by_the_department(facility: Any, clerk: Any) -> None:
    n = stops.record_unreported_stop(
        facility, reason="现场检查发现停止供水", stop_starts_at=at(12, 8), actor=clerk
    )
    assert n.report_status == "missing"
    assert {v["code"] for v in n.violations} == {"notice_missing", "report_missing"}


def test_violations_are_handed_over_only_once_the_laws_are_entered(
    facility: Any, clerk: Any, head: Any
) -> None:
    v = violations.record_violation(
        "cross_connection",
        dt.date(2026, 6, 10),
        "某物业公司",
        "中水管道与自来水管道连接",
        "现场照片3张、检查笔录",
        facility=facility,
        actor=clerk,
    )
    assert "据以处理的法律法规规章尚待录入（第二十五条）" in v.explanation
    with pytest.raises(UnconventionalWaterError, match=r"violations\.handled_under\.cross_connection"):
        violations.hand_over(v, actor=clerk)
    config.enter_handling_laws(
        "cross_connection",
        dt.date(2022, 7, 11),
        ["《城镇供水条例》第三十五条"],
        "市司法局审定意见",
        actor=head,
    )
    violations.hand_over(v, actor=clerk)
    v.refresh_from_db()
    assert v.status == "handed_over" and v.handled_under == ["《城镇供水条例》第三十五条"]
    assert (
        Document.objects.get(kind="unconventional_water.violation_referral").number == "鄂水非移〔2026〕1号"
    )
    with pytest.raises(ProcedureError, match="当前状态为“已移交处理”"):
        violations.hand_over(v, actor=clerk)
    violations.close_violation(v, "已责令拆除连接管并整改完毕", actor=clerk)
    v.refresh_from_db()
    assert v.status == "closed"


def test_violation_input_is_checked(clerk: Any) -> None:
    with pytest.raises(UnconventionalWaterError, match="不是第二十四条所列行为"):
        violations.record_violation("littering", dt.date(2026, 6, 1), "某人", "x", "y", actor=clerk)
    with pytest.raises(UnconventionalWaterError, match="证据材料"):
        violations.record_violation("other_damage", dt.date(2026, 6, 1), "某人", "x", " ", actor=clerk)
    assert not Violation.objects.exists()
