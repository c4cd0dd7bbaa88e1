"""Configured periods: counting over National Day and the Spring Festival, the not-configured answer, the
vectorised due dates (equal to the one-by-one ones) and the daily overdue sweep."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.workdays import YearTable
from ezhou_rules.licensing.errors import LicensingError, NotConfigured
from ezhou_rules.licensing.periods import (
    CountingEvent,
    PeriodKind,
    PeriodNotConfigured,
    PeriodRule,
    PeriodTable,
    PeriodUnit,
    due_date,
    due_dates,
    overdue_sweep,
    period_rule_from_dict,
)

W, D = PeriodUnit.WORKDAYS, PeriodUnit.DAYS


def test_national_day_2023(cal):
    # 2023-09-28 (Thu) + 5 working days: 09-29…10-06 off, 10-07 (Sat) and 10-08 (Sun) worked:
    # 1 = 10-07, 2 = 10-08, 3 = 10-09, 4 = 10-10, 5 = 10-11
    assert due_date(dt.date(2023, 9, 28), 5, W, cal) == dt.date(2023, 10, 11)
    # + 5 calendar days = 10-03, a holiday → the next working day, 10-07 (a make-up Saturday)
    assert due_date(dt.date(2023, 9, 28), 5, D, cal) == dt.date(2023, 10, 7)


def test_spring_festival_2023_and_2024(cal):
    # 2023-01-19 (Thu) + 5 working days: 01-20 (Fri) = 1; 01-21…27 off; 01-28 (Sat) = 2, 01-29 (Sun) = 3 worked;
    # 01-30 = 4, 01-31 = 5
    assert due_date(dt.date(2023, 1, 19), 5, W, cal) == dt.date(2023, 1, 31)
    # + 5 calendar days = 01-24, a holiday → 01-28 (make-up Saturday)
    assert due_date(dt.date(2023, 1, 19), 5, D, cal) == dt.date(2023, 1, 28)
    # 2024-02-08 (Thu) + 3 working days: 02-09 = 1; 02-10…17 off; 02-18 (Sun) worked = 2; 02-19 = 3
    assert due_date(dt.date(2024, 2, 8), 3, W, cal) == dt.date(2024, 2, 19)


def _rule(
    kind=PeriodKind.MATERIALS,
    length=5,
    unit=W,
    event=CountingEvent.DECIDED,
    since=dt.date(2023, 1, 1),
    material=None,
):
    return PeriodRule("b1-20", kind, length, unit, event, since, "测试", material)


def test_lookup_dated_material_first_and_not_configured():
    table = PeriodTable(
        [
            _rule(length=5),
            _rule(length=8, since=dt.date(2024, 1, 1)),
            _rule(length=10, unit=D, material="layout_plan"),
        ]
    )
    assert table.lookup("b1-20", PeriodKind.MATERIALS, dt.date(2023, 12, 31)).length == 5
    assert table.lookup("b1-20", PeriodKind.MATERIALS, dt.date(2024, 1, 1)).length == 8
    assert table.lookup("b1-20", PeriodKind.MATERIALS, dt.date(2024, 1, 1), "layout_plan").length == 10
    assert table.lookup("b1-20", PeriodKind.MATERIALS, dt.date(2024, 1, 1), "other").length == 8
    missing = table.lookup("b1-20", PeriodKind.RECTIFICATION, dt.date(2024, 1, 1))
    assert isinstance(missing, PeriodNotConfigured)
    assert "未配置" in missing.message and "不开启期限" in missing.message and "限期整改" in missing.message
    before = table.lookup("b1-20", PeriodKind.MATERIALS, dt.date(2022, 12, 31))
    assert isinstance(before, PeriodNotConfigured)
    with pytest.raises(NotConfigured) as e:
        table.require("b1-21", PeriodKind.MATERIALS, dt.date(2024, 1, 1))
    assert e.value.code == "period_not_configured"
    assert _rule().describe() == "自许可决定作出之日起5个工作日内"


def test_bad_configuration():
    with pytest.raises(LicensingError) as e:
        PeriodTable([_rule(kind=PeriodKind.RECTIFICATION, event=CountingEvent.DECIDED)])
    assert e.value.code == "period_invalid" and e.value.field == "counts_from"
    with pytest.raises(LicensingError) as e:
        PeriodTable([_rule(), _rule(length=9)])
    assert e.value.code == "period_duplicate"
    good = {
        "kind": "materials",
        "length": 5,
        "unit": "workdays",
        "counts_from": "decided",
        "valid_from": "2023-01-01",
        "source": "x",
        "item": "b1-20",
    }
    assert period_rule_from_dict(good).length == 5
    for key, value, field in (
        ("length", 0, "length"),
        ("unit", "months", "unit"),
        ("source", "", "source"),
        ("valid_from", "2023-13-01", "valid_from"),
        ("length", True, "length"),
    ):
        with pytest.raises(LicensingError) as e:
            period_rule_from_dict({**good, key: value})
        assert e.value.field == field


def test_vectorised_due_dates_hand_cases(cal):
    ev = np.array(
        ["2023-09-28", "2023-09-28", "2023-01-19", "2024-02-08", "2026-12-28"], dtype="datetime64[D]"
    )
    due, unknown = due_dates(ev, [5, 5, 5, 3, 5], [True, False, True, True, True], cal)
    assert due[:4].tolist() == [
        dt.date(2023, 10, 11),
        dt.date(2023, 10, 7),
        dt.date(2023, 1, 31),
        dt.date(2024, 2, 19),
    ]
    # 2026-12-28 + 5 working days runs into 2027, whose holidays nobody has entered
    assert np.isnat(due[4]) and unknown.tolist() == [False, False, False, False, True]


def test_vectorised_due_dates_with_an_entered_year(cal):
    # a 2027 table entered by an administrator (test data: New Year 2027-01-01 off only)
    cal2 = cal.with_overrides({2027: YearTable(2027, holidays=["2027-01-01"], source="测试")})
    due, unknown = due_dates(np.array(["2026-12-28"], dtype="datetime64[D]"), [5], [True], cal2)
    # 12-29 = 1, 12-30 = 2, 12-31 = 3, 2027-01-01 off, 01-02/03 weekend, 01-04 = 4, 01-05 = 5
    assert due[0] == np.datetime64("2027-01-05") and not unknown[0]


@settings(max_examples=200, deadline=None)
@given(
    days=st.lists(
        st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2026, 9, 30)), min_size=1, max_size=20
    ),
    lengths=st.lists(st.integers(1, 60), min_size=20, max_size=20),
    units=st.lists(st.booleans(), min_size=20, max_size=20),
)
def test_vectorised_equals_one_by_one(cal, days, lengths, units):
    n = len(days)
    due, unknown = due_dates(np.array(days, dtype="datetime64[D]"), lengths[:n], units[:n], cal)
    assert not unknown.any()
    for d, k, w, got in zip(days, lengths, units, due.tolist(), strict=False):
        assert got == due_date(d, k, W if w else D, cal)
        assert got > d  # a period always ends after its event


def test_sweep_boundaries():
    due = np.array(["2023-10-11", "2023-10-10", "NaT", "2023-10-12", "2023-10-01"], dtype="datetime64[D]")
    s = overdue_sweep(due, dt.date(2023, 10, 11), closed=[False, False, False, False, True])
    # the last day itself is in time; the day after is overdue; NaT opens no deadline; closed rows are ignored
    assert s.overdue.tolist() == [False, True, False, False, False]
    assert s.due_today.tolist() == [True, False, False, False, False]
    assert s.days_overdue.tolist() == [0, 1, 0, 0, 0]
    assert s.no_deadline.tolist() == [False, False, True, False, False]
    assert s.counts() == {"overdue": 1, "due_today": 1, "no_deadline": 1, "rows": 5}
    with pytest.raises(LicensingError):
        overdue_sweep(due, dt.date(2023, 10, 11), closed=[False])
