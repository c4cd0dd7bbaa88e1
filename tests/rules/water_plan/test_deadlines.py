"""Statutory dates, with holidays in between (the kernel's default calendar = chinese-calendar + overrides)."""

from __future__ import annotations

import datetime as dt

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.water_plan import deadlines as d

CAL = default_calendar()


def test_calendar_dates():
    assert d.plan_request_due(2025) == dt.date(2024, 12, 31)
    assert d.issuance_due(2025) == dt.date(2025, 1, 31)
    assert d.new_unit_request_window(dt.date(2024, 5, 1)) == (dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    # issued 2024-01-25 → end of the next month (leap year)
    assert d.adjustment_filing_due(dt.date(2024, 1, 25)) == dt.date(2024, 2, 29)
    assert d.adjustment_filing_due(dt.date(2024, 12, 5)) == dt.date(2025, 1, 31)


def test_adjustment_verify_over_national_day():
    # received 2023-09-28; 09-29..10-06 off, 10-07/10-08 make-up days:
    # 1 = 10-07, 2 = 10-08, 3 = 10-09, 4 = 10-10, 5 = 10-11
    assert d.adjustment_verify_due(dt.date(2023, 9, 28), CAL) == dt.date(2023, 10, 11)


def test_adjustment_notify_in_first_10_workdays_of_next_month():
    # received 2024-09-20 → 10th working day of October 2024 (10-01..07 off, 10-12 Sat worked):
    # 10-08, 09, 10, 11, 12, 14, 15, 16, 17, 18 → 2024-10-18
    assert d.adjustment_notify_due(dt.date(2024, 9, 20), CAL) == dt.date(2024, 10, 18)


def test_supplement_filing_3_workdays_and_cutoff():
    # event 2024-04-03 (Wed); 04-04..06 Qingming off, 04-07 Sunday worked: 1 = 04-07, 2 = 04-08, 3 = 04-09
    assert d.supplement_filing_due(dt.date(2024, 4, 3), CAL) == dt.date(2024, 4, 9)
    # event 2024-12-30: 3 working days would run into 2025 → the 12-31 cut-off
    assert d.supplement_filing_due(dt.date(2024, 12, 30), CAL) == dt.date(2024, 12, 31)
    # review 5 working days from 2024-04-03: 04-07, 08, 09, 10, 11
    assert d.supplement_review_due(dt.date(2024, 4, 3), CAL) == dt.date(2024, 4, 11)


def test_appeal_and_payment_over_national_day_2024():
    # notice received 2024-09-27 (Fri); 09-29 (Sun) worked, 10-01..07 off, 10-12 (Sat) worked:
    # 1 = 09-29, 2 = 09-30, 3 = 10-08, 4 = 10-09, 5 = 10-10, 6 = 10-11, 7 = 10-12, 8 = 10-14, 9 = 10-15, 10 = 10-16
    assert d.appeal_filing_due(dt.date(2024, 9, 27), CAL) == dt.date(2024, 10, 16)
    assert d.payment_due(dt.date(2024, 9, 27), CAL) == dt.date(2024, 10, 16)
    # appeal received 2024-09-27: 8th working day = 10-14
    assert d.appeal_decision_due(dt.date(2024, 9, 27), CAL) == dt.date(2024, 10, 14)
