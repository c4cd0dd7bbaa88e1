"""The platform calendar: chinese-calendar's data plus the years an administrator enters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.calendar import add_workdays, deadline_within_workdays, platform_calendar
from ezhou_platform.common.models import CalendarDay, CalendarYear
from ezhou_rules.core.workdays import CalendarYearUnknown, default_calendar

pytestmark = pytest.mark.django_db


def test_known_years_come_from_the_package(db: Any) -> None:
    # Received 2023-09-28 (Thu); 09-29..10-06 off, 10-07 (Sat) and 10-08 (Sun) are make-up working days:
    # 1: 10-07, 2: 10-08, 3: 10-09, 4: 10-10, 5: 10-11.
    assert add_workdays(dt.date(2023, 9, 28), 5) == dt.date(2023, 10, 11)
    assert deadline_within_workdays(dt.date(2023, 9, 28), 5) == dt.date(2023, 10, 11)


def test_a_year_the_package_does_not_know_needs_the_administrators_table(db: Any) -> None:
    # Without a 2027 table the platform counts 2027 Monday–Friday (provisional): 12-29, 12-30, 12-31,
    # Fri 01-01, Mon 01-04. The kernel's strict calendar still refuses.
    assert add_workdays(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 4)
    assert platform_calendar().provisional_years_between(dt.date(2026, 12, 28), dt.date(2027, 1, 4)) == (
        2027,
    )
    with pytest.raises(CalendarYearUnknown, match="2027"):
        default_calendar().add_workdays(dt.date(2026, 12, 28), 5)
    # Test data, not the published 2027 schedule: New Year's Day off.
    year = CalendarYear.objects.create(year=2027, source="测试数据")
    CalendarDay.objects.create(
        calendar_year=year, day=dt.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    # 2026-12-28 (Mon): 1: 12-29, 2: 12-30, 3: 12-31, (01-01 Fri off, 01-02/03 weekend), 4: 01-04, 5: 01-05.
    assert add_workdays(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert not platform_calendar().is_workday(dt.date(2027, 1, 1))


def test_a_change_in_the_table_is_seen_at_once(db: Any) -> None:
    year = CalendarYear.objects.create(year=2027, source="测试数据")
    assert platform_calendar().is_workday(dt.date(2027, 1, 4))
    CalendarDay.objects.create(calendar_year=year, day=dt.date(2027, 1, 4), kind=CalendarDay.Kind.HOLIDAY)
    assert not platform_calendar().is_workday(dt.date(2027, 1, 4))


def test_a_day_outside_its_year_is_refused(db: Any) -> None:
    from django.core.exceptions import ValidationError

    year = CalendarYear.objects.create(year=2027, source="测试数据")
    day = CalendarDay(calendar_year=year, day=dt.date(2026, 12, 31), kind=CalendarDay.Kind.HOLIDAY)
    with pytest.raises(ValidationError, match="不属于 2027 年"):
        day.full_clean()
