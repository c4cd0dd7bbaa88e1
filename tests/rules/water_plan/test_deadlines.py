"""Statutory dates, with holidays in between (the kernel's default calendar = chinese-calendar + overrides)."""

from __future__ import annotations

import datetime as dt

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.water_plan import deadlines as d

CAL = default_calendar()


def test_calendar_dates():
    # 2024-12-31 is a Tuesday, a working day: no roll-forward.
    assert d.plan_request_due(2025, CAL).due == dt.date(2024, 12, 31)
    # 2025-01-31 is a Friday, but inside the 2025 Spring Festival holiday (01-28…02-04) → Wed 02-05.
    assert d.issuance_due(2025, CAL).due == dt.date(2025, 2, 5)
    assert d.new_unit_request_window(dt.date(2024, 5, 1)) == (dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    # issued 2024-01-25 → end of the next month (leap year), Thursday 2024-02-29
    assert d.adjustment_filing_due(dt.date(2024, 1, 25), CAL).due == dt.date(2024, 2, 29)
    # issued 2024-12-05 → 2025-01-31, a holiday (Spring Festival) → 2025-02-05
    assert d.adjustment_filing_due(dt.date(2024, 12, 5), CAL).due == dt.date(2025, 2, 5)


def test_fixed_and_month_end_dates_roll_past_rest_days():
    # W15. Issued 2024-02-20 → 次月月底 2024-03-31, a Sunday → Monday 2024-04-01 (民法典 第二百零三条).
    due = d.adjustment_filing_due(dt.date(2024, 2, 20), CAL)
    assert due.nominal == dt.date(2024, 3, 31) and due.due == dt.date(2024, 4, 1) and due.rolled
    # The 2023 plan request: 2022-12-31 was a Saturday, 2023-01-01/02 the New Year holiday → Tue 2023-01-03.
    assert d.plan_request_due(2023, CAL).due == dt.date(2023, 1, 3)


def test_first_partial_year_of_the_document():
    # In force 2022-07-11: the 2023 request (due 2022-12-31) and supplements for 2022 events have their values;
    # nothing is looked up at 2022-01-01, before the document existed.
    assert d.plan_request_due(2023, CAL).nominal == dt.date(2022, 12, 31)
    # event Fri 2022-12-30: 1 = 2023-01-03 … but the cut-off is 2022-12-31 (W8, not rolled).
    assert d.supplement_filing_due(dt.date(2022, 12, 30), CAL).due == dt.date(2022, 12, 31)
    assert d.supplement_filing_due(dt.date(2022, 8, 1), CAL).due == dt.date(2022, 8, 4)


def test_adjustment_verify_over_national_day():
    # received 2023-09-28; 09-29..10-06 off, 10-07/10-08 make-up days:
    # 1 = 10-07, 2 = 10-08, 3 = 10-09, 4 = 10-10, 5 = 10-11
    assert d.adjustment_verify_due(dt.date(2023, 9, 28), CAL).due == dt.date(2023, 10, 11)


def test_adjustment_notify_in_first_10_workdays_of_next_month():
    # received 2024-09-20 → 10th working day of October 2024 (10-01..07 off, 10-12 Sat worked):
    # 10-08, 09, 10, 11, 12, 14, 15, 16, 17, 18 → 2024-10-18
    assert d.adjustment_notify_due(dt.date(2024, 9, 20), CAL).due == dt.date(2024, 10, 18)


def test_supplement_filing_3_workdays_and_cutoff():
    # event 2024-04-03 (Wed); 04-04..06 Qingming off, 04-07 Sunday worked: 1 = 04-07, 2 = 04-08, 3 = 04-09
    assert d.supplement_filing_due(dt.date(2024, 4, 3), CAL).due == dt.date(2024, 4, 9)
    # event 2024-12-30: 3 working days would run into 2025 → the 12-31 cut-off
    assert d.supplement_filing_due(dt.date(2024, 12, 30), CAL).due == dt.date(2024, 12, 31)
    # review 5 working days from 2024-04-03: 04-07, 08, 09, 10, 11
    assert d.supplement_review_due(dt.date(2024, 4, 3), CAL).due == dt.date(2024, 4, 11)


def test_appeal_and_payment_over_national_day_2024():
    # notice received 2024-09-27 (Fri); 09-29 (Sun) worked, 10-01..07 off, 10-12 (Sat) worked:
    # 1 = 09-29, 2 = 09-30, 3 = 10-08, 4 = 10-09, 5 = 10-10, 6 = 10-11, 7 = 10-12, 8 = 10-14, 9 = 10-15, 10 = 10-16
    assert d.appeal_filing_due(dt.date(2024, 9, 27), CAL).due == dt.date(2024, 10, 16)
    assert d.payment_due(dt.date(2024, 9, 27), CAL).due == dt.date(2024, 10, 16)
    # appeal received 2024-09-27: 8th working day = 10-14
    assert d.appeal_decision_due(dt.date(2024, 9, 27), CAL).due == dt.date(2024, 10, 14)


def test_deadlines_into_2027_are_provisional_not_errors():
    # Mon 2026-12-28, 2027 not entered: appeal 10 working days Monday–Friday: 12-29, 12-30, 12-31, 01-01, 01-04,
    # 01-05, 01-06, 01-07, 01-08, 01-11 → 2027-01-11, 暂定.
    prov = CAL.as_provisional()
    due = d.appeal_filing_due(dt.date(2026, 12, 28), prov)
    assert due.due == dt.date(2027, 1, 11) and due.provisional and due.reason == "2027年节假日安排尚未录入"
    # A December adjustment filed 2026-12-10: notify by the 10th working day of January 2027 (01-01…01-14
    # Monday–Friday: 01-01, 04, 05, 06, 07, 08, 11, 12, 13, 14).
    assert d.adjustment_notify_due(dt.date(2026, 12, 10), prov).due == dt.date(2027, 1, 14)
