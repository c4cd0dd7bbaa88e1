"""What the supervision pages share: who reads them, the date they are asked about, errors by Chinese label,
Excel downloads."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.files import write_xlsx
from ezhou_rules.core.dates import cn_date

from ..models import Plan

# Government staff of every department read the supervision; writes are checked per page and by the layer.
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
WRITERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
EARLIEST = dt.date(2021, 1, 1)  # 十四五 starts; a date before it is not a supervision date
LATEST = dt.date(2035, 12, 31)


def plan_or_404(slug: str) -> Plan:
    return get_object_or_404(Plan.objects.select_related("department"), slug=slug)


def day_param(request: HttpRequest, name: str = "date") -> tuple[dt.date, str]:
    """The date a page is asked about (default: today), and a Chinese error when it cannot be read."""
    raw = (request.GET.get(name) or "").strip()
    today = clock.today()
    if not raw:
        return today, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, f"“查询日期”应为日期（如 {today.isoformat()}），已按今天显示。"
    if not EARLIEST <= day <= LATEST:
        return today, f"“查询日期”应在{cn_date(EARLIEST)}至{cn_date(LATEST)}之间，已按今天显示。"
    return day, ""


def add_error(form: forms.Form, exc: Any) -> None:
    """A rule's refusal on the form: on the field whose Chinese label it names, with the article."""
    message = exc.message if hasattr(exc, "message") else str(exc)
    rule = getattr(exc, "rule", None)
    if rule and rule not in message:
        message = f"{message}（依据：{rule}）"
    label = getattr(exc, "field", None)
    for name, field in form.fields.items():
        if label and field.label == label:
            form.add_error(name, message)
            return
    form.add_error(None, message)


def xlsx_response(
    request: HttpRequest, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    """An Excel download (IDs and codes as text, dates as 2026年6月15日), recorded in the audit trail."""
    with tempfile.TemporaryDirectory() as folder:
        data = write_xlsx(Path(folder) / "export.xlsx", title[:31], header, rows).read_bytes()
    audit(
        "supervision.export",
        actor=request.user,
        object_type="supervision.export",
        object_repr=title,
        after={"file": filename},
        label=f"导出{title}",
        request=request,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def d(value: dt.date | None) -> str:
    return cn_date(value) if value else ""


def require_plan_department(request: HttpRequest, plan: Plan) -> None:
    """Writes of a plan's own records (targets, sites) belong to its supervising department."""
    from ezhou_platform.common.permissions import WRITE, require

    require(request.user, roles=WRITERS, department=plan.department.code, action=WRITE)


def plan_for(slug: str) -> Plan:
    try:
        return Plan.objects.select_related("department").get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404("督办方案尚未载入。") from None
