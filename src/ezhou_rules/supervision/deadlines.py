"""Deadlines as printed (时间安排) and as dates: month ends, the 十四五 period, 持续实施, and the rest-day switch.

Printed forms in 鄂州政发〔2022〕15号 附件2: "2022 年 8 月底前出台具体方案。", "2022年11月底出台具体措施。",
"2023年2月底前完成。", "持续实施。", "“十四五”期间完成。", "“十四五”期间持续实施。". A form the reader does not
know is not guessed: the deadline is ``unread`` and the task list reports it.

Whether a month-end that falls on a rest day moves to the next working day is a switch (interpretation T3 in
docs/interpretations.md): off by default, the printed date holds; on, the date rolls forward on the
WorkdayCalendar passed in (2022-12-31 is a Saturday and the start of the New Year holiday → 2023-01-03).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.workdays import WorkdayCalendar

from .errors import SupervisionError

__all__ = [
    "Deadline",
    "DeadlineKind",
    "Deliverable",
    "Period",
    "as_date",
    "cn_date",
    "effective_due",
    "effective_due_array",
    "month_end",
    "parse_deadline",
]


class DeadlineKind(StrEnum):
    DATE = "date"  # a day by which the deliverable is due
    CONTINUOUS = "continuous"  # 持续实施: no deadline
    CONTINUOUS_UNTIL = (
        "continuous_until"  # “十四五”期间持续实施: no deadline, the work runs to a period's end
    )
    UNREAD = "unread"  # printed in a form the reader does not know


class Deliverable(StrEnum):
    PLAN = "plan"  # 具体方案 / 实施方案
    MEASURES = "measures"  # 具体措施 / 实施措施
    COMPLETION = "completion"  # 完成
    CONTINUOUS = "continuous"  # 持续实施
    YEARLY = "yearly"  # a recurring yearly item (需求目录, 质量年度报告)
    UNKNOWN = "unknown"


DELIVERABLE_LABELS = {
    Deliverable.PLAN: "出台方案",
    Deliverable.MEASURES: "出台措施",
    Deliverable.COMPLETION: "完成",
    Deliverable.CONTINUOUS: "持续实施",
    Deliverable.YEARLY: "年度事项",
    Deliverable.UNKNOWN: "未识别",
}


@dataclass(frozen=True)
class Period:
    """A named period a deadline may refer to ("十四五" = 2021-01-01 … 2025-12-31), with its source."""

    name: str
    start: dt.date
    end: dt.date
    source: str


@dataclass(frozen=True)
class Deadline:
    printed: str  # as in the gazette ("" when the plan prints none for the task)
    kind: DeadlineKind
    due: dt.date | None  # the normalised date (before any rest-day roll); None without a deadline
    deliverable: Deliverable
    deliverable_printed: str = ""  # 具体方案, 实施方案, 具体措施, 具体的实施措施 …
    period_end: dt.date | None = None  # for CONTINUOUS_UNTIL: the end of the period
    basis: str = ""  # one Chinese sentence: how the date was read

    def to_dict(self) -> dict[str, Any]:
        return {
            "printed": self.printed,
            "kind": self.kind.value,
            "due": self.due.isoformat() if self.due else None,
            "deliverable": self.deliverable.value,
            "deliverable_label": DELIVERABLE_LABELS[self.deliverable],
            "deliverable_printed": self.deliverable_printed,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "basis": self.basis,
        }


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def cn_date(day: dt.date) -> str:
    """A date as user-facing text: 2022年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def as_date(value: Any, label: str, row: int | None = None) -> dt.date:
    """A date from a date or ISO text ("2022-12-31"); anything else is refused naming the field (and row)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    where = f"第{row + 1}条：" if row is not None else ""
    raise SupervisionError(
        "invalid_date", f"{where}{label}“{value}”不是日期（YYYY-MM-DD）。", field=label, row=row
    )


_MONTH_END_RE = re.compile(
    r"^(?P<year>\d{4})年(?P<month>\d{1,2})月底(?P<before>前)?(?P<verb>出台|完成)(?P<what>[^。]*)。?$"
)
_PERIOD_RE = re.compile(r"^[“\"]?(?P<period>[^”\"]+)[”\"]?期间(?P<what>完成|持续实施)。?$")


def _deliverable(verb: str, what: str) -> Deliverable:
    if verb == "完成" and not what:
        return Deliverable.COMPLETION
    if "方案" in what:
        return Deliverable.PLAN
    if "措施" in what:
        return Deliverable.MEASURES
    return Deliverable.UNKNOWN


def parse_deadline(printed: str, periods: Mapping[str, Period]) -> Deadline:
    """Read a 时间安排 cell. Spaces inside the printed text ("2022 年 8 月底前") do not matter."""
    text = re.sub(r"\s+", "", printed)
    if text.rstrip("。") == "持续实施":
        return Deadline(
            printed, DeadlineKind.CONTINUOUS, None, Deliverable.CONTINUOUS, basis="持续实施，无完成时限。"
        )
    m = _MONTH_END_RE.match(text)
    if m:
        year, month = int(m.group("year")), int(m.group("month"))
        if not 1 <= month <= 12:
            return Deadline(
                printed, DeadlineKind.UNREAD, None, Deliverable.UNKNOWN, basis=f"月份 {month} 无效。"
            )
        due = month_end(year, month)
        what = m.group("what")
        deliverable = _deliverable(m.group("verb"), what)
        word = "底前" if m.group("before") else "底"
        return Deadline(
            printed,
            DeadlineKind.DATE if deliverable is not Deliverable.UNKNOWN else DeadlineKind.UNREAD,
            due if deliverable is not Deliverable.UNKNOWN else None,
            deliverable,
            deliverable_printed=what,
            basis=f"“{year}年{month}月{word}”读作该月最后一日{cn_date(due)}。",
        )
    m = _PERIOD_RE.match(text)
    if m:
        period = periods.get(m.group("period"))
        if period is None:
            return Deadline(
                printed,
                DeadlineKind.UNREAD,
                None,
                Deliverable.UNKNOWN,
                basis=f"未知期间“{m.group('period')}”。",
            )
        if m.group("what") == "完成":
            return Deadline(
                printed,
                DeadlineKind.DATE,
                period.end,
                Deliverable.COMPLETION,
                basis=f"“{period.name}”期间完成，读作期间最后一日{cn_date(period.end)}（{period.source}）。",
            )
        return Deadline(
            printed,
            DeadlineKind.CONTINUOUS_UNTIL,
            None,
            Deliverable.CONTINUOUS,
            period_end=period.end,
            basis=f"“{period.name}”期间持续实施，无完成时限，实施至{cn_date(period.end)}。",
        )
    return Deadline(printed, DeadlineKind.UNREAD, None, Deliverable.UNKNOWN, basis="时间安排的写法无法识别。")


def effective_due(due: dt.date, *, roll_rest_days: bool, calendar: WorkdayCalendar | None) -> dt.date:
    """The day a deadline is measured against: the printed date, or with the switch on the next working day."""
    if not roll_rest_days:
        return due
    if calendar is None:
        raise SupervisionError(
            "calendar_required",
            "截止日顺延开关已打开，但未提供工作日历（WorkdayCalendar），无法判断截止日是否为休息日。",
            field="工作日历",
        )
    return calendar.workday_on_or_after(due)


def effective_due_array(
    due: npt.NDArray[np.datetime64], *, roll_rest_days: bool, calendar: WorkdayCalendar | None
) -> npt.NDArray[np.datetime64]:
    """``effective_due`` over a datetime64[D] column (NaT stays NaT); each distinct date is looked up once."""
    due = np.asarray(due).astype("datetime64[D]")
    if not roll_rest_days:
        return due.copy()
    out = due.copy()
    present = ~np.isnat(due)
    for day in np.unique(due[present]):
        rolled = effective_due(day.astype(object), roll_rest_days=True, calendar=calendar)
        out[due == day] = np.datetime64(rolled, "D")
    return out
