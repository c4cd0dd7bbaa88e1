"""Deadlines as printed → dates, and the rest-day switch (T3), on the kernel's working-day calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.workdays import WorkdayCalendar, YearTable, default_calendar
from ezhou_rules.supervision.deadlines import (
    DeadlineKind,
    Deliverable,
    effective_due,
    effective_due_array,
    month_end,
    parse_deadline,
)
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.plans import load_periods

PERIODS = load_periods()
CAL = default_calendar()


@pytest.mark.parametrize(
    ("printed", "due", "deliverable", "what"),
    [
        ("2022 年 8 月底前出台具体方案。", "2022-08-31", Deliverable.PLAN, "具体方案"),
        ("2022 年 10 月底前出台实施方案。", "2022-10-31", Deliverable.PLAN, "实施方案"),
        ("2022年11月底出台具体措施。", "2022-11-30", Deliverable.MEASURES, "具体措施"),
        ("2022年12月底前出台具体的实施措施。", "2022-12-31", Deliverable.MEASURES, "具体的实施措施"),
        ("2023年2月底前完成。", "2023-02-28", Deliverable.COMPLETION, ""),
        ("2024年2月底前完成。", "2024-02-29", Deliverable.COMPLETION, ""),  # leap year
        ("“十四五”期间完成。", "2025-12-31", Deliverable.COMPLETION, ""),
    ],
)
def test_dated_forms(printed, due, deliverable, what):
    d = parse_deadline(printed, PERIODS)
    assert (d.kind, d.due, d.deliverable, d.deliverable_printed) == (
        DeadlineKind.DATE,
        dt.date.fromisoformat(due),
        deliverable,
        what,
    )
    assert d.printed == printed


def test_continuous_forms():
    d = parse_deadline("持续实施。", PERIODS)
    assert (d.kind, d.due, d.period_end) == (DeadlineKind.CONTINUOUS, None, None)
    d = parse_deadline("“十四五”期间持续实施。", PERIODS)
    assert (d.kind, d.due, d.period_end) == (DeadlineKind.CONTINUOUS_UNTIL, None, dt.date(2025, 12, 31))


@pytest.mark.parametrize(
    "printed", ["尽快完成。", "2022年13月底前完成。", "“十五五”期间完成。", "2022年8月底前研究。"]
)
def test_unknown_forms_are_unread_not_guessed(printed):
    d = parse_deadline(printed, PERIODS)
    assert d.kind is DeadlineKind.UNREAD and d.due is None


def test_the_case_that_matters_2022_12_31():
    # 2022-12-31 is a Saturday; 2022-12-31 … 2023-01-02 is the New Year holiday → next working day 2023-01-03
    due = dt.date(2022, 12, 31)
    assert due.weekday() == 5
    assert effective_due(due, roll_rest_days=False, calendar=None) == due
    assert effective_due(due, roll_rest_days=True, calendar=CAL) == dt.date(2023, 1, 3)
    # a working day does not move: 2022-11-30 is a Wednesday
    assert effective_due(dt.date(2022, 11, 30), roll_rest_days=True, calendar=CAL) == dt.date(2022, 11, 30)


def test_the_switch_needs_a_calendar():
    with pytest.raises(SupervisionError) as exc:
        effective_due(dt.date(2022, 12, 31), roll_rest_days=True, calendar=None)
    assert exc.value.code == "calendar_required" and exc.value.field == "工作日历"


def test_the_calendar_is_a_parameter():
    # a calendar where 2023-01-03 is also a holiday (a made-up table): the roll follows the calendar given
    cal = WorkdayCalendar(
        {2023: YearTable(2023, holidays=["2023-01-02", "2023-01-03"], source="test")}, use_package=True
    )
    assert effective_due(dt.date(2022, 12, 31), roll_rest_days=True, calendar=cal) == dt.date(2023, 1, 4)


def test_vectorised_roll_keeps_nat():
    due = np.array(["2022-12-31", "NaT", "2022-08-31"], dtype="datetime64[D]")
    out = effective_due_array(due, roll_rest_days=True, calendar=CAL)
    assert (
        out[0] == np.datetime64("2023-01-03") and np.isnat(out[1]) and out[2] == np.datetime64("2022-08-31")
    )
    assert (effective_due_array(due, roll_rest_days=False, calendar=None)[[0, 2]] == due[[0, 2]]).all()


@settings(max_examples=200, deadline=None)
@given(year=st.integers(2022, 2026), month=st.integers(1, 12))
def test_rolled_month_end_is_the_first_working_day_on_or_after_it(year, month):
    due = month_end(year, month)
    rolled = effective_due(due, roll_rest_days=True, calendar=CAL)
    assert rolled >= due and CAL.is_workday(rolled)
    day = due
    while day < rolled:  # every day skipped is a rest day
        assert not CAL.is_workday(day)
        day += dt.timedelta(days=1)
    assert (due + dt.timedelta(days=1)).day == 1  # a month end
