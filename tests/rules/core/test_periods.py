"""Periods and their last days, on known years and on years whose holidays are not yet entered."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core import periods
from ezhou_rules.core.periods import Basis, Deadline, PeriodError, PeriodSpec, compute_deadline
from ezhou_rules.core.workdays import CalendarYearUnknown, WorkdayCalendar, YearTable

D = dt.date
STRICT = WorkdayCalendar()
PROVISIONAL = STRICT.as_provisional()
# Test data, not the published 2027 schedule: New Year's Day (Fri 2027-01-01) off.
WITH_2027 = STRICT.with_overrides({2027: YearTable(2027, holidays=[D(2027, 1, 1)])})


def test_workdays_across_the_spring_festival_2026() -> None:
    # Thu 2026-02-12 + 5 working days: Fri 02-13 (1), Sat 02-14 make-up working day (2), 02-15…02-23 off,
    # Tue 02-24 (3), Wed 02-25 (4), Thu 02-26 (5).
    d = compute_deadline(STRICT, D(2026, 2, 12), periods.workdays(5))
    assert d.due == D(2026, 2, 26)
    assert d.skipped == tuple(D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9))
    assert not d.provisional and d.reason == ""


def test_workdays_into_an_unknown_year_are_provisional() -> None:
    # Mon 2026-12-28 + 5, 2027 unknown: 12-29 (1), 12-30 (2), 12-31 (3), Fri 2027-01-01 (4, Monday–Friday
    # stand-in), Sat/Sun skipped, Mon 01-04 (5).
    with pytest.raises(CalendarYearUnknown):
        compute_deadline(STRICT, D(2026, 12, 28), periods.workdays(5))
    d = compute_deadline(PROVISIONAL, D(2026, 12, 28), periods.workdays(5))
    assert d.due == D(2027, 1, 4)
    assert d.provisional and d.provisional_years == (2027,)
    assert d.reason == "2027年节假日安排尚未录入"
    assert d.skipped == (D(2027, 1, 2), D(2027, 1, 3))
    assert "暂定" in d.explain() and "2027年1月4日" in d.explain()
    # Once 2027 is entered with 01-01 off: 01-04 is the 4th, 01-05 the 5th — and final.
    final = compute_deadline(WITH_2027.as_provisional(), D(2026, 12, 28), periods.workdays(5))
    assert final.due == D(2027, 1, 5) and not final.provisional


def test_a_start_inside_an_unknown_year() -> None:
    # Tue 2027-06-01 + 10 working days Monday–Friday: 06-02…06-04 (3), 06-07…06-11 (8), 06-14 (9), 06-15 (10).
    d = compute_deadline(PROVISIONAL, D(2027, 6, 1), periods.workdays(10))
    assert d.due == D(2027, 6, 15) and d.provisional_years == (2027,)


def test_months_follow_article_202() -> None:
    # 民法典 第二百零二条: no corresponding day in the last month → that month's last day.
    assert compute_deadline(STRICT, D(2024, 2, 29), periods.months(12, roll=False)).due == D(2025, 2, 28)
    assert compute_deadline(STRICT, D(2024, 1, 31), periods.months(1, roll=False)).due == D(2024, 2, 29)
    assert compute_deadline(STRICT, D(2024, 2, 29), periods.months(36, roll=False)).due == D(2027, 2, 28)
    # Without a roll-forward nothing is looked up in the calendar: 2027 being unknown does not matter.
    assert not compute_deadline(PROVISIONAL, D(2024, 2, 29), periods.months(36, roll=False)).provisional


def test_month_end_rolls_forward_under_article_203() -> None:
    # Issued 2024-02-15; 次月月底 = 2024-03-31, a Sunday → Monday 2024-04-01 (a working day).
    d = compute_deadline(STRICT, D(2024, 2, 15), periods.month_end(1))
    assert d.nominal == D(2024, 3, 31) and d.due == D(2024, 4, 1) and d.rolled
    assert d.skipped == (D(2024, 3, 31),)
    assert compute_deadline(STRICT, D(2024, 2, 15), periods.month_end(1, roll=False)).due == D(2024, 3, 31)
    # December → the end of next January.
    assert compute_deadline(STRICT, D(2023, 12, 5), periods.month_end(1)).nominal == D(2024, 1, 31)


def test_fixed_date_and_calendar_days() -> None:
    # 2022-12-31 was a Saturday; 2023-01-01 Sunday and 01-02 Monday were the New Year holiday → Tue 01-03.
    d = compute_deadline(STRICT, D(2022, 11, 1), periods.fixed_date(D(2022, 12, 31)))
    assert d.due == D(2023, 1, 3) and d.skipped == (D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2))
    assert compute_deadline(STRICT, D(2022, 11, 1), periods.fixed_date(D(2022, 12, 31), roll=False)).due == D(
        2022, 12, 31
    )
    # 2023-09-28 + 3 days = 10-01 (holiday) → 10-07 (make-up working Saturday).
    assert compute_deadline(STRICT, D(2023, 9, 28), periods.calendar_days(3)).due == D(2023, 10, 7)
    # A fixed date in an unknown year that needs no roll-forward check is still looked up: provisional.
    assert compute_deadline(PROVISIONAL, D(2026, 11, 1), periods.fixed_date(D(2027, 3, 31))).provisional


def test_cap_decides_and_makes_the_date_final() -> None:
    # 第十二条 of 15号: 3 working days after Tue 2026-12-29, but no later than 12-31. 12-30 (1), 12-31 (2), the
    # 3rd falls in 2027 whatever its schedule, so the cap decides and the date is final although 2027 is unknown.
    spec = PeriodSpec(Basis.WORKDAYS, 3, not_later_than=D(2026, 12, 31))
    d = compute_deadline(PROVISIONAL, D(2026, 12, 29), spec)
    assert d.due == D(2026, 12, 31) and d.capped and not d.provisional


def test_spec_round_trip_and_refusals() -> None:
    spec = PeriodSpec(Basis.MONTH_END, 1, roll=True, not_later_than=D(2024, 12, 31))
    assert PeriodSpec.from_data(spec.to_data()) == spec
    assert PeriodSpec.from_data(periods.fixed_date(D(2024, 3, 31)).to_data()).fixed == D(2024, 3, 31)
    with pytest.raises(PeriodError, match="工作日"):
        periods.workdays(0)
    with pytest.raises(PeriodError, match="固定日期"):
        PeriodSpec(Basis.FIXED_DATE)
    with pytest.raises(PeriodError, match="未知"):
        PeriodSpec.from_data({"basis": "fortnights"})
    assert "10个工作日" in periods.workdays(10).describe()


def _json_keys(d: Deadline) -> set[str]:
    return set(d.to_data())


def test_to_data_names_everything() -> None:
    d = compute_deadline(PROVISIONAL, D(2026, 12, 28), periods.workdays(5))
    assert _json_keys(d) >= {"due", "provisional", "reason", "skipped", "spec", "start"}
    assert d.to_data()["due"] == "2027-01-04"


days = st.dates(min_value=D(2022, 1, 1), max_value=D(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_workdays_property(start: dt.date, n: int) -> None:
    d = compute_deadline(PROVISIONAL, start, periods.workdays(n))
    # The last day is a working day and exactly n working days follow the start (start not counted).
    assert PROVISIONAL.is_workday(d.due)
    assert PROVISIONAL.workdays_between(start, d.due) == n
    # Every day passed over is a rest day, and the count of days is n plus the rest days.
    assert all(not PROVISIONAL.is_workday(x) for x in d.skipped)
    assert (d.due - start).days == n + len(d.skipped)
    # Provisional exactly when the count reached a year the package does not know (2027 and later here).
    assert d.provisional == (d.due.year >= 2027)
    # Where no unknown year is involved, the provisional calendar gives the strict calendar's answer.
    if not d.provisional:
        assert compute_deadline(STRICT, start, periods.workdays(n)) == d


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=0, max_value=30), roll=st.booleans())
def test_month_end_property(start: dt.date, n: int, roll: bool) -> None:
    d = compute_deadline(PROVISIONAL, start, periods.month_end(n, roll=roll))
    assert (d.nominal + dt.timedelta(days=1)).day == 1  # the nominal day is a month's last day
    assert d.due >= d.nominal
    if roll:
        assert PROVISIONAL.is_workday(d.due)
        assert all(not PROVISIONAL.is_workday(x) for x in d.skipped)
    else:
        assert d.due == d.nominal and not d.provisional


def test_cn_date_of_an_aware_datetime_is_the_beijing_date() -> None:
    import zoneinfo

    from ezhou_rules.core.dates import cn_date

    # 2026-11-30 17:30 UTC is 2026-12-01 01:30 in Beijing.
    utc = dt.datetime(2026, 11, 30, 17, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert cn_date(utc) == "2026年12月1日"
    assert cn_date(D(2026, 12, 1)) == "2026年12月1日" and cn_date(None) == ""
