"""Statutory dates of 鄂州政办发〔2022〕15号. Working-day periods take the platform's WorkdayCalendar."""

from __future__ import annotations

import calendar
import datetime as dt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.workdays import WorkdayCalendar

from . import parameters


def _month_day(params: ParameterTree, name: str, year: int) -> dt.date:
    month, day = (int(x) for x in str(params.get(name, dt.date(year, 1, 1))).split("-"))
    return dt.date(year, month, day)


@rule(
    cites=["鄂州政办发〔2022〕15号 第六条"],
    summary="下一年度用水计划申请于每年12月31日前；新增单位在用水前30日内",
)
def plan_request_due(plan_year: int, params: ParameterTree | None = None) -> dt.date:
    return _month_day(params or parameters(), "deadlines.plan_request_month_day", plan_year - 1)


def new_unit_request_window(
    use_starts: dt.date, params: ParameterTree | None = None
) -> tuple[dt.date, dt.date]:
    """第六条: a new unit files in the 30 days before it starts using water: (first day, last day)."""
    days = (params or parameters()).get("deadlines.new_unit_request_days", use_starts)
    return use_starts - dt.timedelta(days=days), use_starts - dt.timedelta(days=1)


@rule(cites=["鄂州政办发〔2022〕15号 第九条第一款"], summary="本年度用水计划指标于每年1月31日前下发")
def issuance_due(plan_year: int, params: ParameterTree | None = None) -> dt.date:
    return _month_day(params or parameters(), "deadlines.issuance_month_day", plan_year)


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="调整申请于计划下达次月月底前提出")
def adjustment_filing_due(issued_on: dt.date) -> dt.date:
    year, month = (issued_on.year + 1, 1) if issued_on.month == 12 else (issued_on.year, issued_on.month + 1)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="接到调整申请之日起5个工作日内核实")
def adjustment_verify_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    return cal.deadline_within_workdays(
        received, (params or parameters()).get("deadlines.adjustment_verify_workdays", received)
    )


@rule(cites=["鄂州政办发〔2022〕15号 第十条第一款"], summary="次月前10个工作日内核准调整并告知")
def adjustment_notify_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    """The 10th working day of the month after the month of receipt."""
    n = (params or parameters()).get("deadlines.adjustment_notify_workdays", received)
    last = dt.date(received.year, received.month, calendar.monthrange(received.year, received.month)[1])
    return cal.add_workdays(last, n)


@rule(cites=["鄂州政办发〔2022〕15号 第十二条"], summary="突发用水在事发后3个工作日内申请，截止当年12月31日")
def supplement_filing_due(
    event_day: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    params = params or parameters()
    due = cal.deadline_within_workdays(
        event_day, params.get("deadlines.supplement_filing_workdays", event_day)
    )
    return min(due, _month_day(params, "deadlines.supplement_cutoff_month_day", event_day.year))


@rule(cites=["鄂州政办发〔2022〕15号 第十二条"], summary="接到突发用水申请之日起5个工作日内审核")
def supplement_review_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    return cal.deadline_within_workdays(
        received, (params or parameters()).get("deadlines.supplement_review_workdays", received)
    )


@rule(cites=["鄂州政办发〔2022〕15号 第十五条"], summary="收到通知单之日起10个工作日内提出异议")
def appeal_filing_due(
    notice_received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    return cal.deadline_within_workdays(
        notice_received, (params or parameters()).get("deadlines.appeal_filing_workdays", notice_received)
    )


@rule(cites=["鄂州政办发〔2022〕15号 第十五条"], summary="接到异议之日起8个工作日内核实处理")
def appeal_decision_due(
    received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    return cal.deadline_within_workdays(
        received, (params or parameters()).get("deadlines.appeal_decision_workdays", received)
    )


@rule(cites=["鄂州政办发〔2022〕15号 第十六条第二款"], summary="收到通知单10个工作日内缴费")
def payment_due(
    notice_received: dt.date, cal: WorkdayCalendar, params: ParameterTree | None = None
) -> dt.date:
    return cal.deadline_within_workdays(
        notice_received, (params or parameters()).get("deadlines.payment_workdays", notice_received)
    )
