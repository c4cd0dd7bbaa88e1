"""Statutory dates of 鄂州政办发〔2022〕15号, each a ``Deadline`` counted on the calendar the caller passes.

A ``Deadline`` carries how it was counted (``ezhou_rules.core.periods``), so the platform stores it, shows it
as 暂定 while a year's holidays are not entered, and counts it again once they are.

Values are looked up at the date the rule applies to — the day of the event, or the due date itself for a
date fixed by the text — never at 1 January, so the first, partial year of the document (in force
2022-07-11) works: the 2023 plan request is due 2022-12-31, a date the parameters cover.

Fixed and month-end dates roll to the next working day when they fall on a rest day (民法典 第二百零三条, W15),
except the 31 December cut-off of 第十二条, which closes the plan year (W8, W15).
"""

from __future__ import annotations

import datetime as dt

from ezhou_rules.core import periods
from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.periods import Deadline, PeriodSpec, compute_deadline
from ezhou_rules.core.workdays import WorkdayCalendar

from . import in_force, parameters


def _month_day(params: ParameterTree, name: str, year: int) -> dt.date:
    # The value in force on the last day of the year asked about: a rule of 12-31 applies on 12-31.
    month, day = (int(x) for x in str(params.get(name, dt.date(year, 12, 31))).split("-"))
    return dt.date(year, month, day)


@rule(
    cites=["鄂州政办发〔2022〕15号 第六条"],
    summary="下一年度用水计划申请于每年12月31日前；新增单位在用水前30日内",
)
def plan_request_due(plan_year: int, cal: WorkdayCalendar, params: ParameterTree | None = None) -> Deadline:
    """第六条: by 31 December of the year before the plan year, rolled past rest days (W15)."""
    fixed = _month_day(params or parameters(), "deadlines.plan_request_month_day", plan_year - 1)
    return compute_deadline(cal, fixed, periods.fixed_date(fixed))


def new_unit_request_window(
    use_starts: dt.date, params: ParameterTree | None = None
) -> tuple[dt.date, dt.date]:
    """第六条: a new unit files in the 30 days before it starts using water: (first day, last day)."""
    days = (params or parameters()).get("deadlines.new_unit_request_days", use_starts)
    return use_starts - dt.timedelta(days=days), use_starts - dt.timedelta(days=1)


@rule(cites=["鄂州政办发〔2022〕15号 第九条第一款"], summary="本年度用水计划指标于每年1月31日前下发")
def issuance_due(plan_year: int, cal: WorkdayCalendar, params: ParameterTree | None = None) -> Deadline:
    fixed = _month_day(params or parameters(), "deadlines.issuance_month_day", plan_year)
    return compute_deadline(cal, fixed, periods.fixed_date(fixed))


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="调整申请于计划下达次月月底前提出")
def adjustment_filing_due(issued_on: dt.date, cal: WorkdayCalendar) -> Deadline:
    """The last day of the month after the month of issue, rolled past rest days (W15)."""
    return compute_deadline(cal, issued_on, periods.month_end(1))


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="接到调整申请之日起5个工作日内核实")
def adjustment_verify_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    n = (params or parameters()).get("deadlines.adjustment_verify_workdays", received)
    return compute_deadline(cal, received, periods.workdays(n))


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="次月前10个工作日内核准调整并告知")
def adjustment_notify_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    """The 10th working day of the month after the month of receipt: counted from that month's last day."""
    n = (params or parameters()).get("deadlines.adjustment_notify_workdays", received)
    month_end = compute_deadline(cal, received, periods.month_end(0, roll=False)).due
    return compute_deadline(cal, month_end, periods.workdays(n))


@rule(cites=["鄂州政办发〔2022〕15号 第十二条"], summary="突发用水在事发后3个工作日内申请，截止当年12月31日")
def supplement_filing_due(
    event_day: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    params = params or parameters()
    n = params.get("deadlines.supplement_filing_workdays", event_day)
    cutoff = _month_day(params, "deadlines.supplement_cutoff_month_day", event_day.year)
    return compute_deadline(cal, event_day, PeriodSpec(periods.Basis.WORKDAYS, n, not_later_than=cutoff))


@rule(cites=["鄂州政办发〔2022〕15号 第十二条"], summary="接到突发用水申请之日起5个工作日内审核")
def supplement_review_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    n = (params or parameters()).get("deadlines.supplement_review_workdays", received)
    return compute_deadline(cal, received, periods.workdays(n))


@rule(cites=["鄂州政办发〔2022〕15号 附件2 （三）"], summary="基建水表每月用水量按期上报（次月月底前，W16）")
def construction_report_due(
    month: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    """The last day to report a month's construction-meter volume: the end of the month after it, rolled past
    rest days like the other month-end dates of this document (W15, W16)."""
    first = month.replace(day=1)
    n = (params or parameters()).get("deadlines.construction_report_months", in_force(first, params))
    return compute_deadline(cal, first, periods.month_end(n))


@rule(cites=["鄂州政办发〔2022〕15号 第十五条"], summary="收到通知单之日起10个工作日内提出异议")
def appeal_filing_due(
    notice_received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    n = (params or parameters()).get("deadlines.appeal_filing_workdays", notice_received)
    return compute_deadline(cal, notice_received, periods.workdays(n))


@rule(cites=["鄂州政办发〔2022〕15号 第十五条"], summary="接到异议之日起8个工作日内核实处理")
def appeal_decision_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    n = (params or parameters()).get("deadlines.appeal_decision_workdays", received)
    return compute_deadline(cal, received, periods.workdays(n))


@rule(cites=["鄂州政办发〔2022〕15号 第十六条第二款"], summary="收到通知单10个工作日内缴费")
def payment_due(
    notice_received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> Deadline:
    n = (params or parameters()).get("deadlines.payment_workdays", notice_received)
    return compute_deadline(cal, notice_received, periods.workdays(n))
