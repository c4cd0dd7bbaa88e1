"""The sourcing dashboard (鄂州政办发〔2022〕19号 一、四、附件) with its charts — the 5,000-unit plan by 筹集单位 and by
筹集方式 against the annex's targets — and its Excel export; and the deadline board of the housing department,
which is the procedure layer's periods of this system (审核期限, 公示期, 腾退搬迁期, 整改期限, 租金重新评估期限)
the user may see, overdue first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.exports import xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures.models import Period
from ezhou_platform.procedures.workspace import cases_visible_to
from ezhou_rules.rental_housing.common import format_m2
from ezhou_rules.rental_housing.sourcing import METHODS, SourcingPlan, construction_month, sourcing_plan

from .. import selectors
from ..models import PlanBody, Project, Unit
from .common import STAFF

RENTAL_MODELS = (
    "application",
    "contract",
    "finding",
    "project",
    "objection",
    "unitoffer",
    "rentotownrequest",
)


def _recognised() -> tuple[dict[str, int], dict[str, int]]:
    """Recognised units (units of projects with a recognition certificate) by 筹集单位 and by annex method."""
    by_body = dict(
        Unit.objects.values_list("project__plan_body")
        .annotate(n=Count("id"))
        .values_list("project__plan_body", "n")
    )
    by_method = dict(
        Unit.objects.values_list("project__plan_method")
        .annotate(n=Count("id"))
        .values_list("project__plan_method", "n")
    )
    return by_body, by_method


def plan_charts(sp: SourcingPlan, by_body: dict[str, int], by_method: dict[str, int]) -> dict[str, Any]:
    """The annex's targets against recognised units: by body (horizontal bars: long names read at 390 px) and by
    method (the annex's five columns; units of a project whose method is none of them are left out)."""
    body_chart = bar_chart(
        title="房源筹集计划完成情况（按筹集单位）",
        categories=[b.label for b in sp.bodies],
        series=[
            Series("计划筹集套数", [b.total for b in sp.bodies]),
            Series("已认定套数", [by_body.get(b.key, 0) for b in sp.bodies]),
        ],
        unit="套",
        horizontal=True,
        height=380,
        description="鄂州政办发〔2022〕19号附件《房源筹集计划表》各筹集单位的计划套数，与平台已认定房源套数对比。",
    )
    method_chart = bar_chart(
        title="房源筹集计划完成情况（按筹集方式）",
        categories=[label for _, label in METHODS],
        series=[
            Series("计划筹集套数", [sp.method_totals[key] for key, _ in METHODS]),
            Series("已认定套数", [by_method.get(key, 0) for key, _ in METHODS]),
        ],
        unit="套",
        horizontal=True,
        height=320,
        description="附件合计行各筹集方式的计划套数，与按项目所计入的筹集方式统计的已认定房源套数对比。",
    )
    return {"body_chart": body_chart, "method_chart": method_chart}


@view_requires(*STAFF, department="housing")
def plan(request: HttpRequest) -> HttpResponse:
    """The sourcing plan against recognised units: every target and date is a cited parameter
    (`sourcing.sourcing_plan()`), shown with its citation."""
    sp = sourcing_plan()
    today = clock.today()
    by_body, by_method = _recognised()
    bodies = [
        {
            "label": b.label,
            "citation": b.citation,
            "target": b.total,
            "cells": [b.by_method[key] for key, _ in METHODS],
            "done": by_body.get(b.key, 0),
            "pct": min(100, round(100 * by_body.get(b.key, 0) / b.total)),
        }
        for b in sp.bodies
    ]
    cumulative = []
    for batch in sp.batches:
        done = Unit.objects.filter(project__certificate_date__lte=batch.deadline).count()
        cumulative.append(
            {
                "day": batch.deadline,
                "units": batch.units,
                "target": batch.cumulative,
                "done": done,
                "pct": min(100, round(100 * done / batch.cumulative)),
            }
        )
    recognised = Unit.objects.count()
    # 12月市城控集团负责开工建设住房1000套 (四（二）): projects with a recorded start date, by month of start
    first, last = construction_month()
    started = list(
        Project.objects.filter(plan_body=PlanBody.CHENGKONG, construction_started_on__isnull=False)
        .select_related("jurisdiction")
        .order_by("construction_started_on", "id")
    )
    started_in_december = sum(
        p.construction_units
        for p in started
        if p.construction_started_on and first <= p.construction_started_on <= last
    )
    for p in started:
        p.counts_for_target = bool(p.construction_started_on and first <= p.construction_started_on <= last)  # type: ignore[attr-defined]
    return render(
        request,
        "rental_housing/plan.html",
        {
            "sp": sp,
            "methods": [label for _, label in METHODS],
            "method_totals": [sp.method_totals[key] for key, _ in METHODS],
            "method_done": [by_method.get(key, 0) for key, _ in METHODS],
            "unclassified": by_method.get("", 0),
            "steps": [{"s": step, "passed": step.deadline < today} for step in sp.steps],
            "december": (first, last),
            "started": started,
            "started_in_december": started_in_december,
            "started_total": sum(p.construction_units for p in started),
            "starts_pct": min(100, round(100 * started_in_december / sp.construction_units)),
            "bodies": bodies,
            "cumulative": cumulative,
            "recognised": recognised,
            "pct": min(100, round(100 * recognised / sp.total)),
            "area_total": format_m2(
                int(sum((u for u in Unit.objects.values_list("area_m2", flat=True)), Decimal(0)) * 100)
            ),
            **plan_charts(sp, by_body, by_method),
        },
    )


@view_requires(*STAFF, department="housing")
def plan_export(request: HttpRequest) -> HttpResponse:
    """The annex table with the recognised units per body, as the dashboard shows it."""
    sp = sourcing_plan()
    by_body, _ = _recognised()
    rows = [
        [
            b.label,
            b.total,
            *[b.by_method[key] for key, _ in METHODS],
            by_body.get(b.key, 0),
            str(b.citation or ""),
        ]
        for b in sp.bodies
    ]
    rows.append(["合计", sp.total, *[sp.method_totals[key] for key, _ in METHODS], Unit.objects.count(), ""])
    header = ["筹集单位", "计划（套）", *[label for _, label in METHODS], "已认定（套）", "依据"]
    return xlsx_response("房源筹集计划进度.xlsx", "房源筹集计划", header, rows)


@view_requires(*STAFF, department="housing")
def deadlines(request: HttpRequest) -> HttpResponse:
    """The open periods of this system the user may see (their cases; projects they see), overdue first."""
    today = clock.today()
    visible = cases_visible_to(request.user).filter(procedure__startswith="rental_housing.")
    projects = selectors.projects_for(request.user).values("pk")
    periods = (
        Period.objects.filter(closed_on__isnull=True, content_type__app_label="rental_housing")
        .filter(
            Q(case__in=visible) | Q(case__isnull=True, content_type__model="project", object_id__in=projects)
        )
        .select_related("case", "content_type")
        .order_by("due", "id")
    )
    cal = platform_calendar()
    items: list[dict[str, Any]] = []
    for p in periods[:500]:
        overdue = p.due < today
        left = (
            cal.workdays_between(today, p.due) if not overdue else -max(cal.workdays_between(p.due, today), 1)
        )
        items.append(
            {
                "p": p,
                "what": p.case.title if p.case else p.record_label(),
                "url": p.record_url(),
                "overdue": overdue,
                "today": p.due == today,
                "left": left,
                "provisional_reason": p.reason if p.provisional else "",
            }
        )
    items.sort(key=lambda i: (not i["overdue"], i["p"].due, i["p"].pk))  # overdue first
    return render(request, "rental_housing/deadlines.html", {"items": items, "today": today})
