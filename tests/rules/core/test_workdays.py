from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import numpy as np
import pytest

from ezhou_rules.core import workdays
from ezhou_rules.core.workdays import (
    CalendarDataError,
    CalendarYearUnknown,
    WorkdayCalendar,
    YearTable,
    load_year_tables,
    year_tables_from_data,
)

D = dt.date
DATA = Path(__file__).with_name("data")

# A made-up 2027 table for tests only (the real schedule is published around November 2026):
# New Year's Day 2027-01-01 is a Friday, off with the weekend 01-02/01-03.
TABLE_2027 = YearTable(2027, holidays=[D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)], workdays=[])


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def test_known_deadline_over_national_day(cal: WorkdayCalendar) -> None:
    # Received Thu 2023-09-28. 09-29…10-06 off; Sat 10-07 and Sun 10-08 are make-up working days.
    # Working days after 09-28: 10-07 (1), 10-08 (2), 10-09 (3), 10-10 (4), 10-11 (5).
    assert cal.add_workdays(D(2023, 9, 28), 5) == D(2023, 10, 11)
    assert cal.deadline_within_workdays(D(2023, 9, 28), 5) == D(2023, 10, 11)
    assert workdays.add_workdays(D(2023, 9, 28), 5) == D(2023, 10, 11)


def test_spring_festival_2024(cal: WorkdayCalendar) -> None:
    assert D(2024, 2, 4).weekday() == 6 and D(2024, 2, 18).weekday() == 6  # both Sundays
    assert cal.is_workday(D(2024, 2, 4))  # make-up working Sunday
    assert cal.is_workday(D(2024, 2, 18))
    assert cal.is_workday(D(2024, 2, 9))  # 除夕 2024 was a working Friday
    assert not cal.is_workday(D(2024, 2, 12))  # Monday inside the holiday
    assert not cal.is_workday(D(2024, 2, 3))  # an ordinary Saturday
    # Thu 2024-02-08 + 2: Fri 02-09 (1), then 02-10…02-17 off, Sun 02-18 (2).
    assert cal.add_workdays(D(2024, 2, 8), 2) == D(2024, 2, 18)


def test_event_day_not_counted_and_n_zero(cal: WorkdayCalendar) -> None:
    # Mon 2024-03-04 + 1 = Tue 03-05: the event day itself never counts, even though it is a working day.
    assert cal.add_workdays(D(2024, 3, 4), 1) == D(2024, 3, 5)
    assert cal.add_workdays(D(2024, 3, 4), 0) == D(2024, 3, 4)
    # Fri 2024-03-08 + 1 skips the weekend: Mon 03-11.
    assert cal.next_workday(D(2024, 3, 8)) == D(2024, 3, 11)
    # Event on a Saturday: Sat 2024-03-09 + 1 = Mon 03-11.
    assert cal.add_workdays(D(2024, 3, 9), 1) == D(2024, 3, 11)
    with pytest.raises(ValueError):
        cal.deadline_within_workdays(D(2024, 3, 4), 0)


def test_backwards(cal: WorkdayCalendar) -> None:
    # 2023-10-11 − 5 working days: 10-10 (1), 10-09 (2), 10-08 (3), 10-07 (4), then 10-06…09-29 off, 09-28 (5).
    assert cal.add_workdays(D(2023, 10, 11), -5) == D(2023, 9, 28)


def test_workdays_between(cal: WorkdayCalendar) -> None:
    # (2023-09-28, 2023-10-11]: 10-07, 10-08, 10-09, 10-10, 10-11 = 5.
    assert cal.workdays_between(D(2023, 9, 28), D(2023, 10, 11)) == 5
    assert cal.workdays_between(D(2023, 10, 11), D(2023, 9, 28)) == -5
    assert cal.workdays_between(D(2023, 9, 28), D(2023, 9, 28)) == 0
    # (Fri 2024-03-08, Mon 03-11]: Sat, Sun not counted, Mon counted = 1.
    assert cal.workdays_between(D(2024, 3, 8), D(2024, 3, 11)) == 1
    # The identity the definition is chosen for, over a stretch with holidays and make-up days.
    start = D(2024, 1, 25)
    for n in range(0, 40):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


def test_deadline_within_days_rolls_forward(cal: WorkdayCalendar) -> None:
    # 2023-09-28 + 3 calendar days = 10-01 (holiday) → next working day 10-07 (make-up Saturday).
    assert cal.deadline_within_days(D(2023, 9, 28), 3) == D(2023, 10, 7)
    # Mon 2024-03-04 + 3 = Thu 03-07, a working day: unchanged.
    assert cal.deadline_within_days(D(2024, 3, 4), 3) == D(2024, 3, 7)
    assert cal.workday_on_or_after(D(2024, 3, 9)) == D(2024, 3, 11)
    assert cal.workday_on_or_after(D(2024, 3, 11)) == D(2024, 3, 11)


def test_datetime_and_numpy_dates_accepted(cal: WorkdayCalendar) -> None:
    assert cal.is_workday(dt.datetime(2024, 2, 4, 9, 30))
    assert cal.is_workday(np.datetime64("2024-02-04"))  # type: ignore[arg-type]


def test_unknown_year_refused_with_year_in_message(cal: WorkdayCalendar) -> None:
    # Mon 2026-12-28 + 5 needs 2027, which chinese-calendar 1.11.0 does not know.
    assert D(2026, 12, 28).weekday() == 0
    with pytest.raises(CalendarYearUnknown) as info:
        cal.add_workdays(D(2026, 12, 28), 5)
    assert info.value.year == 2027
    assert "2027年的节假日安排尚未录入" in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(CalendarYearUnknown) as info:
        cal.is_workday(D(2003, 6, 1))
    assert "2003年" in str(info.value)


def test_override_makes_2027_work() -> None:
    cal = WorkdayCalendar(overrides={2027: TABLE_2027})
    # Mon 2026-12-28: 12-29 (1), 12-30 (2), 12-31 (3); 2027-01-01…01-03 off; 01-04 (4), 01-05 (5).
    assert cal.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    # Plain Monday–Friday would have said 01-04; the table's holiday on Friday 01-01 moved it.
    assert 2027 in cal.years and 2028 not in cal.years
    # 9 working days: 01-04 (4), 01-05 (5), 01-06 (6), 01-07 (7), 01-08 (8), weekend, Mon 01-11 (9).
    # With Sat 2027-01-09 declared a make-up working day, the 9th is 01-09.
    with_makeup = WorkdayCalendar(overrides={2027: YearTable(2027, TABLE_2027.holidays, [D(2027, 1, 9)])})
    assert cal.add_workdays(D(2026, 12, 28), 9) == D(2027, 1, 11)
    assert with_makeup.add_workdays(D(2026, 12, 28), 9) == D(2027, 1, 9)


def test_with_overrides_leaves_original(cal: WorkdayCalendar) -> None:
    extended = cal.with_overrides({2027: TABLE_2027})
    assert extended.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    with pytest.raises(CalendarYearUnknown):
        cal.add_workdays(D(2026, 12, 28), 5)


def test_override_replaces_a_known_year() -> None:
    # A table for 2024 is complete: the package's make-up Sunday 02-04 is gone if not listed.
    cal = WorkdayCalendar(overrides={2024: YearTable(2024)})
    assert not cal.is_workday(D(2024, 2, 4))
    assert cal.is_workday(D(2024, 2, 12))  # an ordinary Monday in this (deliberately empty) table


def test_year_table_validation() -> None:
    with pytest.raises(CalendarDataError, match="不属于2027年"):
        YearTable(2027, holidays=[D(2026, 12, 31)])
    with pytest.raises(CalendarDataError, match="同时"):
        YearTable(2027, holidays=[D(2027, 1, 2)], workdays=["2027-01-02"])
    with pytest.raises(CalendarDataError, match="不是日期"):
        YearTable(2027, holidays=["2027-13-01"])
    with pytest.raises(CalendarDataError):
        WorkdayCalendar(overrides={2028: TABLE_2027})


def test_yaml_loader(tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(
        "years:\n  2027:\n    source: test\n    holidays: [2027-01-01, '2027-01-02', 2027-01-03]\n    workdays: []\n",
        encoding="utf-8",
    )
    tables = load_year_tables(path)
    assert tables[2027] == YearTable(2027, TABLE_2027.holidays, (), "test")
    cal = WorkdayCalendar.from_yaml(path)
    assert cal.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)


def test_yaml_loader_errors(tmp_path: Path) -> None:
    with pytest.raises(CalendarDataError, match="未知字段"):
        year_tables_from_data({"years": {2027: {"holiday": []}}})
    with pytest.raises(CalendarDataError, match="不是整数"):
        year_tables_from_data({"years": {"next": {}}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("years: {2027: {holidays: [2026-12-31]}}\n", encoding="utf-8")
    with pytest.raises(CalendarDataError) as info:
        load_year_tables(bad)
    assert str(bad) in str(info.value) and "不属于2027年" in str(info.value)


def test_project_table_loads() -> None:
    # The shipped table must always load (it starts empty; administrators extend it).
    tables = load_year_tables(workdays.PROJECT_TABLE)
    assert all(isinstance(t, YearTable) for t in tables.values())


def test_default_calendar_can_be_replaced() -> None:
    try:
        workdays.set_default_calendar(WorkdayCalendar(overrides={2027: TABLE_2027}))
        assert workdays.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    finally:
        workdays.set_default_calendar(None)
    with pytest.raises(CalendarYearUnknown):
        workdays.add_workdays(D(2026, 12, 28), 5)


def test_is_workday_array(cal: WorkdayCalendar) -> None:
    days = np.array(
        ["2024-02-04", "2024-02-09", "2024-02-12", "2024-03-09", "2023-10-07"], dtype="datetime64[D]"
    )
    assert cal.is_workday_array(days).tolist() == [True, True, False, False, True]
    # Agrees with the scalar method on every day of 2024.
    year = np.arange(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"))
    assert cal.is_workday_array(year).tolist() == [cal.is_workday(d) for d in year.astype(object)]
    with pytest.raises(CalendarYearUnknown):
        cal.is_workday_array(np.array(["2027-01-04"], dtype="datetime64[D]"))


def test_facts_2022_2026_agree_with_chinese_calendar() -> None:
    # tests/rules/core/data/holidays_2022_2026.yaml is a copy of facts.yaml's calendar entries.
    facts_cal = WorkdayCalendar(load_year_tables(DATA / "holidays_2022_2026.yaml"), use_package=False)
    assert facts_cal.years == [2022, 2023, 2024, 2025, 2026]
    day = D(2022, 1, 1)
    checked = 0
    while day.year <= 2026:
        assert facts_cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
        checked += 1
    assert checked == 365 * 5 + 1  # 2024 is a leap year
    # 2025 has 13 statutory holidays (Spring Festival 除夕 + 3 days): the facts list 2025-01-28 (除夕) as off.
    assert not facts_cal.is_workday(D(2025, 1, 28))


def test_provisional_calendar_answers_unknown_years_monday_to_friday(cal: WorkdayCalendar) -> None:
    prov = cal.as_provisional()
    # Mon 2026-12-28 + 5 with 2027 counted Monday–Friday: 12-29, 12-30, 12-31, Fri 01-01, Mon 01-04.
    assert prov.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 4)
    assert prov.table(2027).provisional and not prov.table(2026).provisional
    assert prov.provisional_years_between(D(2026, 12, 28), D(2028, 1, 4)) == (2027, 2028)
    assert prov.provisional_years_between(D(2024, 1, 1), D(2026, 12, 31)) == ()
    assert 2027 not in prov.years and not prov.is_known_year(2027)
    # The strict calendar it came from still refuses.
    with pytest.raises(CalendarYearUnknown):
        cal.add_workdays(D(2026, 12, 28), 5)
    # Columns too: Fri 2027-01-01 counts as a working day, Sat 01-02 does not.
    assert prov.is_workday_array(np.array(["2027-01-01", "2027-01-02"], dtype="datetime64[D]")).tolist() == [
        True,
        False,
    ]
    # Entering the year replaces the stand-in, and the mode survives.
    entered = prov.with_overrides({2027: TABLE_2027})
    assert entered.provisional and entered.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)
    with pytest.raises(CalendarDataError, match="暂定"):
        WorkdayCalendar(overrides={2027: YearTable.weekdays_only(2027)})
