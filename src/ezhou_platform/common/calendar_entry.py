"""Entering a year's holidays (国务院办公厅关于YYYY年部分节假日安排的通知), and what follows from it.

One service for the administrator's page, the Django admin and the `ezhou manage calendar_year` command:
the year's table replaces any earlier one (the old days are in the audit trail), then every deadline that
was provisional or that counted through that year is counted again (`procedures.periods.recompute_periods`).
Everything happens in one transaction: a table that does not validate changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.workdays import CalendarDataError, YearTable

from .audit.services import record
from .models import CalendarDay, CalendarYear

_LINE = re.compile(
    r"^(?P<a>\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:~|～|至|—|--|-(?=\s))\s*(?P<b>\d{4}-\d{1,2}-\d{1,2}))?\s*(?P<name>.*)$"
)


class CalendarEntryError(ValueError):
    """A line or a field of the holiday entry that cannot be used; names the field by its Chinese label."""

    code = "calendar_entry_invalid"

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DayEntry:
    day: dt.date
    name: str = ""


def parse_days(text: str, *, label: str, field: str) -> list[DayEntry]:
    """Lines "2027-01-01 元旦" or "2027-02-06~2027-02-12 春节" (ranges inclusive) → one entry per day."""
    out: list[DayEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise CalendarEntryError(
                f"{label}第{number}行“{line}”无法识别：应为“2027-01-01 元旦”或“2027-02-06~2027-02-12 春节”。",
                field,
            )
        try:
            first = dt.date.fromisoformat(_pad(m["a"]))
            last = dt.date.fromisoformat(_pad(m["b"])) if m["b"] else first
        except ValueError:
            raise CalendarEntryError(f"{label}第{number}行“{line}”中的日期不存在。", field) from None
        if last < first:
            raise CalendarEntryError(f"{label}第{number}行的结束日期早于开始日期。", field)
        if (last - first).days > 31:
            raise CalendarEntryError(f"{label}第{number}行的日期范围超过一个月，请检查。", field)
        name = m["name"].strip()[:30]
        day = first
        while day <= last:
            out.append(DayEntry(day, name))
            day += dt.timedelta(days=1)
    seen: set[dt.date] = set()
    for e in out:
        if e.day in seen:
            raise CalendarEntryError(f"{label}中{cn_date(e.day)}重复。", field)
        seen.add(e.day)
    return out


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def enter_year(
    year: int,
    *,
    source: str,
    notice_number: str,
    notice_date: dt.date | None,
    holidays: Iterable[DayEntry],
    workdays: Iterable[DayEntry],
    actor: Any,
    note: str = "",
) -> Any:
    """Store ``year``'s table (replacing an earlier one) and recount the deadlines; returns the Recomputation."""
    from ezhou_platform.procedures.periods import recompute_periods

    holidays, workdays = list(holidays), list(workdays)
    if not source.strip():
        raise CalendarEntryError("请填写通知名称（依据）。", "source")
    if not notice_number.strip():
        raise CalendarEntryError("请填写通知的文号，例如：国办发明电〔2026〕X号。", "notice_number")
    if notice_date is not None and notice_date.year > year:
        raise CalendarEntryError(f"发布日期应在{year}年或之前。", "notice_date")
    if not holidays:
        raise CalendarEntryError("放假日期不能为空：每年至少有元旦、春节等法定节假日。", "holidays")
    try:
        # The kernel's checks: every day inside the year, no day both off and worked.
        YearTable(year, [e.day for e in holidays], [e.day for e in workdays], source=source)
    except CalendarDataError as exc:
        raise CalendarEntryError(str(exc), "holidays") from None
    weekday_workdays = [e.day for e in workdays if e.day.weekday() < 5]
    if weekday_workdays:
        raise CalendarEntryError(
            f"调休上班日{cn_date(weekday_workdays[0])}是工作日（周一至周五），无需录入；只录入上班的周末。",
            "workdays",
        )

    with transaction.atomic():
        existing = CalendarYear.objects.filter(year=year).first()
        before = None
        if existing is not None:
            before = {
                "source": existing.source,
                "notice_number": existing.notice_number,
                "holidays": [d.day.isoformat() for d in existing.days.filter(kind=CalendarDay.Kind.HOLIDAY)],
                "workdays": [d.day.isoformat() for d in existing.days.filter(kind=CalendarDay.Kind.WORKDAY)],
            }
            existing.days.all().delete()
            cy = existing
            cy.source, cy.notice_number, cy.notice_date, cy.note = source, notice_number, notice_date, note
            cy.save()
        else:
            cy = CalendarYear.objects.create(
                year=year, source=source, notice_number=notice_number, notice_date=notice_date, note=note
            )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(calendar_year=cy, day=e.day, kind=CalendarDay.Kind.HOLIDAY, name=e.name)
                for e in holidays
            ]
            + [
                CalendarDay(calendar_year=cy, day=e.day, kind=CalendarDay.Kind.WORKDAY, name=e.name)
                for e in workdays
            ]
        )
        record(
            "common.calendar_year.enter",
            actor=actor,
            obj=cy,
            before=before,
            after={
                "source": source,
                "notice_number": notice_number,
                "notice_date": notice_date.isoformat() if notice_date else None,
                "holidays": [e.day.isoformat() for e in holidays],
                "workdays": [e.day.isoformat() for e in workdays],
            },
            label=f"录入{year}年节假日安排" if before is None else f"更正{year}年节假日安排",
        )
        return recompute_periods(
            actor=actor,
            trigger=f"{year}年节假日安排{'录入' if before is None else '更正'}（{notice_number}）",
            years=[year],
        )
