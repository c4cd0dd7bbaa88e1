"""What the pages of 计划用水管理 share: who sees them, how a refusal reads, Excel and PDF responses, the chart
of a unit's monthly use against its plan, and a case's page (progress, periods, timeline, documents and the
forms of the steps the user may take)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from ezhou_platform.common import clock
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures import workspace as ws
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label

from ..forms import errors_text
from ..models import MeterReading, YearlyPlan

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERK = (Role.CLERK, Role.DEPARTMENT_HEAD)


def error_text(exc: WaterPlanError) -> str:
    """The message with the field's Chinese label once (never its machine name)."""
    return with_label(exc.field, exc.message)


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (``next``, same site only), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def run_step(request: HttpRequest, form: forms.Form | None, do: Callable[[], Any], ok: str) -> bool:
    """Validate the form, then take the step: errors as messages naming each field by its label and the rule."""
    if form is not None and not form.is_valid():
        for text in errors_text(form):
            messages.error(request, text)
        return False
    try:
        do()
    except WaterPlanError as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, ok)
    return True


def xlsx(
    title: str, header: list[str], rows: list[list[Any]], filename: str, *, text: set[int]
) -> HttpResponse:
    """An Excel download; the columns in ``text`` (IDs, codes, numbers of documents) are text cells."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = title
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column - 1 in text:
                cell.value = "" if cell.value is None else str(cell.value)
                cell.number_format = "@"
            elif isinstance(cell.value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'  # the platform's one date format (2026年12月1日)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def usage_chart(plan: YearlyPlan) -> dict[str, Any]:
    """A unit's monthly use in the plan year (bars) and the use so far against the plan in force (lines)."""
    rows = (
        MeterReading.objects.filter(
            kind=MeterReading.Kind.MONTHLY,
            account__unit_id=plan.unit_id,
            account__construction_meter=False,
            period__year=plan.year,
        )
        .values("period__month")
        .annotate(v=Sum("volume_m3x100"))
    )
    by_month = {r["period__month"]: int(r["v"]) for r in rows}
    last = max(by_month, default=0)
    monthly: list[float | None] = [by_month[m] / 100 if m in by_month else None for m in range(1, 13)]
    running, cumulative = 0, []
    for m in range(1, 13):
        running += by_month.get(m, 0)
        cumulative.append(running / 100 if m <= last else None)
    plan_m3 = plan.effective_m3x100 / 100
    return bar_chart(
        title=f"{plan.unit.name} {plan.year}年各月用水量与计划",
        categories=[f"{m}月" for m in range(1, 13)],
        series=[
            Series("当月用水量", monthly),
            Series("累计用水量", cumulative, type="line", axis=1),
            Series("年度计划（现行）", [plan_m3] * 12, type="line", axis=1),
        ],
        unit="立方米",
        unit2="立方米（累计）",
        description="供水企业抄表数据（不含基建水表户号）；超过年度计划的部分按第十四条计收超计划用水累进加价水费。",
    )


# -- a case's page --------------------------------------------------------------------------------------------


def case_context(record: Any, user: Any, forms_for: dict[str, Any], post_url: str) -> dict[str, Any]:
    """The case of ``record`` with its progress, periods, timeline and documents, and a form for each step the
    user may take now (its label, its article, its fields)."""
    case = engine.case_of(record)
    steps = []
    for name, st in engine.available_steps(record, user):
        if name not in forms_for:
            continue  # taken by another step's service (supersede), or by the unit itself on its own page
        form_class = forms_for[name]
        steps.append(
            {"name": name, "step": st, "form": form_class() if form_class else None, "url": post_url}
        )
    return {
        "case": case,
        "progress": ws.progress(case) if case else None,
        "periods": case.periods.order_by("due") if case else [],
        "events": case.events.select_related("actor", "document") if case else [],
        "documents": case.documents.order_by("-issued_at") if case else [],
        "steps": steps,
        "can_act": getattr(user, "role", "") in CLERK,
        "today": clock.today(),
    }
