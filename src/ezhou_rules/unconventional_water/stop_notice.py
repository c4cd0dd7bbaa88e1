"""Stopping a facility or its supply (第二十条): 24 clock hours' notice to users, reported at the same time.

第二十条: 不得擅自停止设施运行或停止供水。因设施维护等原因需要停止运行或者停止供水的，应提前 24 小时通知用户，
同时向市水行政主管部门报告。

Checked to the minute in Asia/Shanghai (interpretation U9): times are aware datetimes (a naive one is refused:
whose clock?), seconds are dropped, and the notice is on time when it is at least 24 × 60 minutes before the
stop. "同时" is read as: the report to the department must also be made at least 24 hours before the stop
(earlier than the users' notice is fine); a later report is recorded as late, none as missing. A notice dated
after the stop began is refused: it is not a notice "in advance" — record the stop without a notice instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite, parameters
from .errors import fail

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSING = np.iinfo(np.int64).min  # a time not recorded, in a column of epoch minutes

REPORT_ON_TIME, REPORT_LATE, REPORT_MISSING = "on_time", "late", "missing"


@dataclass(frozen=True)
class StopViolation:
    code: str
    label: str
    citation: str
    explanation: str


def _aware(value: dt.datetime | None, field_name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise fail("datetime_format", field_name, "应为带时区的日期时间（如 2024-05-01T08:00+08:00）。")
    if value.tzinfo is None or value.utcoffset() is None:
        raise fail(
            "naive_datetime",
            field_name,
            "缺少时区，无法确定是哪个时钟的时刻；请注明时区（北京时间 +08:00）。",
        )
    return value.astimezone(SHANGHAI).replace(second=0, microsecond=0)


def epoch_minutes(values: Sequence[dt.datetime | None], field_name: str) -> npt.NDArray[np.int64]:
    """Aware datetimes → whole minutes since 1970-01-01 00:00 UTC (seconds dropped); None → MISSING."""
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        a = _aware(v, f"{field_name}[{i}]" if len(values) > 1 else field_name)
        out[i] = MISSING if a is None else int(a.timestamp()) // 60
    return out


@rule(
    cites=[cite("第二十条第一款"), cite("第二十条第二款")],
    summary="停止运行或供水应提前24小时通知用户，同时向市水行政主管部门报告",
)
def check_stop_notices(
    stop_starts: npt.ArrayLike,
    users_notified: npt.ArrayLike,
    reported: npt.ArrayLike,
    lead_hours: npt.ArrayLike,
) -> dict[str, np.ndarray]:
    """Columns of epoch minutes (MISSING where not recorded) → `notice_lead` and `report_lead` in minutes,
    `notice_on_time`, `notice_missing`, `report_status` (on_time / late / missing).

    Refused when a notice lies after its stop (see the module docstring)."""
    start = np.atleast_1d(np.asarray(stop_starts, dtype=np.int64))
    n = len(start)
    notified = np.broadcast_to(np.asarray(users_notified, dtype=np.int64), (n,))
    rep = np.broadcast_to(np.asarray(reported, dtype=np.int64), (n,))
    need = np.broadcast_to(np.asarray(lead_hours, dtype=np.int64), (n,)) * 60
    if (start == MISSING).any():
        raise fail("stop_start_missing", "stop_starts_at", "须填写停止运行（供水）的时间（第二十条）。")
    has_notice, has_report = notified != MISSING, rep != MISSING
    after = has_notice & (notified > start)
    if after.any():
        row = int(np.flatnonzero(after)[0])
        raise fail(
            "notice_after_stop",
            "users_notified_at",
            f"通知时间晚于停止时间（第{row + 1}行），不是第二十条规定的提前通知；请按未通知用户擅自停止记录。",
        )
    notice_lead = np.where(has_notice, start - notified, MISSING)
    report_lead = np.where(has_report, start - rep, MISSING)
    report_status = np.where(
        ~has_report, REPORT_MISSING, np.where(report_lead >= need, REPORT_ON_TIME, REPORT_LATE)
    )
    return {
        "notice_lead": notice_lead,
        "report_lead": report_lead,
        "notice_on_time": has_notice & (notice_lead >= need),  # 提前24小时：含本数
        "notice_missing": ~has_notice,
        "report_status": report_status,
    }


def _when(t: dt.datetime) -> str:
    return f"{t.year}年{t.month}月{t.day}日{t:%H:%M}"


def _span(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}小时{m:02d}分"


@dataclass(frozen=True)
class StopNoticeResult:
    stop_starts_at: dt.datetime
    notice_deadline: dt.datetime  # the latest minute users may be told (stop − 24 h)
    users_notified_at: dt.datetime | None
    reported_at: dt.datetime | None
    notice_lead_minutes: int | None
    notice_on_time: bool
    report_status: str
    violations: tuple[StopViolation, ...]
    explanation: tuple[str, ...]
    trace: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stop_starts_at": self.stop_starts_at.isoformat(),
            "notice_deadline": self.notice_deadline.isoformat(),
            "users_notified_at": self.users_notified_at.isoformat() if self.users_notified_at else None,
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
            "notice_lead_minutes": self.notice_lead_minutes,
            "notice_on_time": self.notice_on_time,
            "report_status": self.report_status,
            "violations": [v.__dict__ for v in self.violations],
            "explanation": list(self.explanation),
            "trace": self.trace,
        }


def check_stop_notice(
    stop_starts_at: dt.datetime,
    users_notified_at: dt.datetime | None,
    reported_at: dt.datetime | None,
    *,
    stop_ends_at: dt.datetime | None = None,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> StopNoticeResult:
    """One stop: whether users were told 24 hours ahead and the department at the same time, explained."""
    tree = params or parameters()
    start = _aware(stop_starts_at, "stop_starts_at")
    if start is None:
        raise fail("stop_start_missing", "stop_starts_at", "须填写停止运行（供水）的时间（第二十条）。")
    notified = _aware(users_notified_at, "users_notified_at")
    reported = _aware(reported_at, "reported_at")
    end = _aware(stop_ends_at, "stop_ends_at")
    if end is not None and end <= start:
        raise fail("stop_end_order", "stop_ends_at", "恢复时间应晚于停止时间。")
    hours = int(tree.get("stop_notice.lead_hours", start.date()))
    out = check_stop_notices(
        epoch_minutes([start], "stop_starts_at"),
        epoch_minutes([notified], "users_notified_at"),
        epoch_minutes([reported], "reported_at"),
        [hours],
    )
    deadline = start - dt.timedelta(hours=hours)
    on_time = bool(out["notice_on_time"][0])
    status = str(out["report_status"][0])
    lead = None if notified is None else int(out["notice_lead"][0])
    c2 = cite("第二十条第二款")
    found: list[StopViolation] = []
    lines = [
        f"{_when(start)}停止运行（供水），最迟应于{_when(deadline)}通知用户并向市水行政主管部门报告（提前{hours}小时）。"
    ]
    if notified is None:
        found.append(
            StopViolation(
                "notice_missing",
                "未提前通知用户，擅自停止供水",
                cite("第二十条第一款"),
                "未通知用户即停止运行（供水），属于擅自停止（第二十条第一款、第二款）。",
            )
        )
    elif on_time:
        lines.append(f"{_when(notified)}通知用户，提前{_span(lead or 0)}，符合提前{hours}小时的要求。")
    else:
        found.append(
            StopViolation(
                "notice_late",
                f"通知用户不足{hours}小时",
                c2,
                f"{_when(notified)}才通知用户，仅提前{_span(lead or 0)}，不足{hours}小时（第二十条第二款）。",
            )
        )
    if status == REPORT_MISSING:
        found.append(
            StopViolation(
                "report_missing",
                "未向市水行政主管部门报告",
                c2,
                "未向市水行政主管部门报告停止运行（供水）（第二十条第二款）。",
            )
        )
    elif status == REPORT_LATE:
        assert reported is not None
        found.append(
            StopViolation(
                "report_late",
                "向市水行政主管部门报告迟延",
                c2,
                f"{_when(reported)}才向市水行政主管部门报告，未与通知用户同时在停止前{hours}小时以上报告（第二十条第二款）。",
            )
        )
    else:
        assert reported is not None
        lines.append(f"{_when(reported)}向市水行政主管部门报告，符合“同时报告”的要求。")
    lines += [v.explanation for v in found]
    trace.step(
        "stop_notice",
        c2,
        {
            "stop_starts_at": start,
            "users_notified_at": notified,
            "reported_at": reported,
            "lead_hours": hours,
        },
        [v.code for v in found],
        "".join(lines),
    )
    return StopNoticeResult(
        start,
        deadline,
        notified,
        reported,
        lead,
        on_time,
        status,
        tuple(found),
        tuple(lines),
        trace.to_list() if trace else [],
    )
