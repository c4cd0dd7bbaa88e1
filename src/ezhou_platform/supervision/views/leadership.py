"""The leadership's pages: for each plan's leading body (15号 联席会议, 28号 领导小组) the counts by state and
unit on a date, a chart of the states over time, the membership check and the Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import scopes
from ezhou_platform.common.charts import Series, bar_chart, line_chart
from ezhou_platform.common.permissions import view_requires
from ezhou_rules.supervision.deadlines import month_end
from ezhou_rules.supervision.state import STATE_CODES, STATE_LABELS

from ..models import Plan
from ..services import boards
from .common import STAFF, day_param, plan_or_404, xlsx_response

LABELS = {STATE_CODES[s]: STATE_LABELS[s] for s in STATE_CODES}
# The order states are shown in: what needs the leadership first.
ORDER = ["overdue", "due", "not_due", "done_late", "done_on_time", "continuous", "not_issued"]


@view_requires(*STAFF, department=scopes.SUPERVISION)
def leadership_index(request: HttpRequest) -> HttpResponse:
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    views = []
    for p in Plan.objects.select_related("department").order_by("issued"):
        data = boards.leadership(p, on)
        shown = [(c, LABELS[c], data.view.by_state.get(c, 0)) for c in ORDER if data.view.by_state.get(c)]
        views.append({"plan": p, "view": data.view, "counts": shown})
    return render(request, "supervision/leadership_index.html", {"views": views, "on": on})


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    year, month = start.year, start.month
    while (last := month_end(year, month)) <= end:
        out.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out or [end]


def _units_chart(view: Any) -> dict[str, Any] | None:
    units = list(view.by_unit.items())[:20]
    if not units:
        return None
    names = [view.unit_names.get(k, k) for k, _ in units]
    series = [
        Series(LABELS[code], [counts.get(code, 0) for _, counts in units], stack="n")
        for code in ORDER
        if any(counts.get(code, 0) for _, counts in units)
    ]
    return bar_chart(
        title="各单位承担事项的状态（前20个单位，逾期多的在前）",
        categories=names,
        series=series or [Series("事项", [0] * len(names))],
        unit="项",
        horizontal=True,
        height=max(320, 26 * len(names)),
    )


def _series_chart(plan: Plan, on: dt.date) -> dict[str, Any] | None:
    end = min(on, dt.date(2025, 12, 31)) if on > plan.issued else plan.issued
    dates = _month_ends(plan.issued, max(end, plan.issued))
    if on > dates[-1]:
        dates.append(on)
    counts = boards.state_series([plan], np.array(dates, dtype="datetime64[D]"))
    return line_chart(
        title=f"{plan.document}督办事项状态的月末变化",
        categories=[f"{x.year}年{x.month}月" for x in dates],
        series=[Series(LABELS[code], counts[code]) for code in ORDER if any(counts[code])],
        unit="项",
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def leadership(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    data = boards.leadership(plan, on)
    if request.GET.get("format") == "xlsx":
        header = ["单位编号", "单位", *[LABELS[c] for c in ORDER], "合计"]
        rows = [
            [str(k), data.view.unit_names.get(k, k), *[v.get(c, 0) for c in ORDER], sum(v.values())]
            for k, v in data.view.by_unit.items()
        ]
        rows.append(
            ["", "全部事项", *[data.view.by_state.get(c, 0) for c in ORDER], sum(data.view.by_state.values())]
        )
        return xlsx_response(
            request,
            f"{plan.leadership_name}统计",
            header,
            rows,
            f"supervision-{plan.slug}-leadership-{on.isoformat()}.xlsx",
        )
    unit_rows = [
        {
            "key": k,
            "name": data.view.unit_names.get(k, k),
            "cells": [(LABELS[c], v.get(c, 0)) for c in ORDER],
            "total": sum(v.values()),
        }
        for k, v in data.view.by_unit.items()
    ]
    return render(
        request,
        "supervision/leadership.html",
        {
            "plan": plan,
            "on": on,
            "data": data,
            "totals": [(c, LABELS[c], data.view.by_state.get(c, 0)) for c in ORDER],
            "total": sum(data.view.by_state.values()),
            "unit_rows": unit_rows,
            "units_chart": _units_chart(data.view),
            "series_chart": _series_chart(plan, on),
            "membership": data.membership.to_dict(),
        },
    )
