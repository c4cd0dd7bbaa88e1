"""Pages of the working-day calendar: the years known, entering a year's holidays, and the recomputations.

The system administrator enters a year from the State Council's notice; clerks see which of their
department's deadlines moved when it was entered; auditors read everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import scopes
from ezhou_platform.procedures.models import Period, Recomputation, RecomputedPeriod

from . import clock
from .calendar import platform_calendar
from .calendar_entry import CalendarEntryError, DayEntry, enter_year, parse_days
from .models import CalendarDay, CalendarYear
from .permissions import view_requires
from .roles import Role

STAFF = (Role.ADMIN, Role.AUDITOR, Role.CLERK, Role.DEPARTMENT_HEAD)


class CalendarYearForm(forms.Form):
    source = forms.CharField(label="通知名称", max_length=200)
    notice_number = forms.CharField(label="文号", max_length=60, help_text="例如：国办发明电〔2026〕X号")
    notice_date = forms.DateField(label="发布日期", required=False, help_text="格式 2026-11-12")
    holidays = forms.CharField(
        label="放假日期",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每行一项：“2027-01-01 元旦”或“2027-02-06~2027-02-12 春节”（含首尾两日）；放假期间的周末可一并列入。",
    )
    workdays = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项，只列需要上班的周六、周日，例如“2027-02-14 春节调休”。",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _year_rows(today: dt.date) -> list[dict[str, Any]]:
    cal = platform_calendar()
    entered = {cy.year: cy for cy in CalendarYear.objects.all()}
    waiting: dict[int, int] = {}
    for years in Period.objects.filter(provisional=True).values_list("provisional_years", flat=True):
        for y in years or []:
            waiting[y] = waiting.get(y, 0) + 1
    rows = []
    for year in range(max(2022, today.year - 4), today.year + 2):
        cy = entered.get(year)
        rows.append(
            {
                "year": year,
                "known": cal.is_known_year(year),
                "entered": cy,
                "source": cy.source if cy else (cal.table(year).source if cal.is_known_year(year) else ""),
                "waiting": waiting.get(year, 0),
            }
        )
    return rows


@view_requires(*STAFF, department=scopes.CALENDAR)
def calendar_years(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    user: Any = request.user
    return render(
        request,
        "calendar/years.html",
        {"rows": _year_rows(today), "today": today, "can_enter": user.role == Role.ADMIN},
    )


def _lines(cy: CalendarYear | None, kind: str) -> str:
    if cy is None:
        return ""
    return "\n".join(
        f"{d.day.isoformat()} {d.name}".strip() for d in cy.days.filter(kind=kind).order_by("day")
    )


@view_requires(Role.ADMIN)
def calendar_year_edit(request: HttpRequest, year: int) -> HttpResponse:
    today = clock.today()
    if not 2004 <= year <= today.year + 2:
        messages.error(request, f"只能录入2004年至{today.year + 2}年的节假日安排。")
        return redirect("calendar:years")
    cy = CalendarYear.objects.filter(year=year).first()
    if request.method == "POST":
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                holidays = parse_days(d["holidays"], label="放假日期", field="holidays")
                workdays: list[DayEntry] = parse_days(d["workdays"], label="调休上班日期", field="workdays")
                run = enter_year(
                    year,
                    source=d["source"].strip(),
                    notice_number=d["notice_number"].strip(),
                    notice_date=d["notice_date"],
                    holidays=holidays,
                    workdays=workdays,
                    actor=request.user,
                    note=d["note"],
                )
            except CalendarEntryError as exc:
                form.add_error(exc.field, str(exc))
            else:
                messages.success(
                    request,
                    f"{year}年节假日安排已保存；重新计算了{run.checked}个期限，其中{run.moved}个日期有变化。",
                )
                return redirect("calendar:recomputation", pk=run.pk)
    else:
        initial: dict[str, Any] = {}
        if cy is not None:
            initial = {
                "source": cy.source,
                "notice_number": cy.notice_number,
                "notice_date": cy.notice_date,
                "holidays": _lines(cy, CalendarDay.Kind.HOLIDAY),
                "workdays": _lines(cy, CalendarDay.Kind.WORKDAY),
                "note": cy.note,
            }
        else:
            initial = {"source": f"国务院办公厅关于{year}年部分节假日安排的通知"}
        form = CalendarYearForm(initial=initial)
    return render(request, "calendar/year_form.html", {"form": form, "year": year, "entered": cy})


def _visible_lines(request: HttpRequest, run: Recomputation) -> Any:
    lines = RecomputedPeriod.objects.filter(recomputation=run).select_related(
        "period__content_type", "period__department"
    )
    user: Any = request.user
    if user.role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        lines = lines.filter(period__department_id=user.department_id)
    return lines


@view_requires(*STAFF, department=scopes.CALENDAR)
def recomputations(request: HttpRequest) -> HttpResponse:
    runs = Recomputation.objects.all()
    user: Any = request.user
    if user.role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        runs = runs.filter(Q(lines__period__department_id=user.department_id)).distinct()
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(request, "calendar/recomputations.html", {"page": page})


@view_requires(*STAFF, department=scopes.CALENDAR)
def recomputation(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(Recomputation, pk=pk)
    only_moved = request.GET.get("all") != "1"
    lines = _visible_lines(request, run)
    rows = [line for line in lines if line.moved or not only_moved]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "calendar/recomputation.html", {"run": run, "page": page, "only_moved": only_moved}
    )
