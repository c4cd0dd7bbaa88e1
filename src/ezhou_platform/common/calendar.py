"""The platform's working-day calendar: chinese-calendar's data plus the years entered in the database.

Services take deadlines from `platform_calendar()`, never from `timedelta(days=…)` where the law says 工作日.
The calendar is provisional: a year nobody has entered yet is counted Monday–Friday and every date that
depended on it says so (`Deadline.provisional`), instead of stopping the page, the endpoint or the command.
Stored deadlines are counted again when the year is entered (`ezhou_platform.procedures.periods`).
"""

from __future__ import annotations

import datetime as dt
from threading import Lock

from django.db.models import Count, Max

from ezhou_rules.core.workdays import WorkdayCalendar, YearTable, default_calendar

from .models import CalendarDay, CalendarYear

_lock = Lock()
_cache: tuple[tuple[object, ...], WorkdayCalendar] | None = None


def _stamp() -> tuple[object, ...]:
    # Cheap fingerprint of the table so each worker process notices an administrator's change
    # (an added, removed or edited day).
    y = CalendarYear.objects.aggregate(n=Count("id"), m=Max("id"))
    d = CalendarDay.objects.aggregate(n=Count("id"), m=Max("id"), t=Max("updated_at"))
    return (y["n"], y["m"], d["n"], d["m"], d["t"])


def platform_calendar() -> WorkdayCalendar:
    global _cache
    stamp = _stamp()
    with _lock:
        if _cache is not None and _cache[0] == stamp:
            return _cache[1]
        tables: dict[int, YearTable] = {}
        for cy in CalendarYear.objects.prefetch_related("days"):
            days = list(cy.days.all())
            tables[cy.year] = YearTable(
                cy.year,
                holidays=[d.day for d in days if d.kind == CalendarDay.Kind.HOLIDAY],
                workdays=[d.day for d in days if d.kind == CalendarDay.Kind.WORKDAY],
                source=cy.source,
            )
        calendar = default_calendar().with_overrides(tables).as_provisional()
        _cache = (stamp, calendar)
        return calendar


def add_workdays(day: dt.date, n: int) -> dt.date:
    return platform_calendar().add_workdays(day, n)


def deadline_within_workdays(event_day: dt.date, n: int) -> dt.date:
    return platform_calendar().deadline_within_workdays(event_day, n)


def missing_next_year(today: dt.date) -> int | None:
    """From 1 November, next year if its holidays are not known yet (the administrators are reminded)."""
    if today.month < 11:
        return None
    year = today.year + 1
    return None if platform_calendar().is_known_year(year) else year
