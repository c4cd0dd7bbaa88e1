"""第十四条 双预警: 医疗保障局 generates the month's two lists; 民政局 and 乡村振兴局 read the lists pushed to them;
each page exports the lists to Excel (ID numbers as text, whole only for the departments that act on them; the
export is audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record, record_pii_view
from ezhou_platform.common.exports import Sheet, xlsx_response
from ezhou_platform.common.models import User
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.money import format_yuan

from .. import services
from ..cites import CITE_WARNING, CIVIL_AFFAIRS, RURAL
from ..models import WarningEntry, WarningRun
from .common import DEPARTMENT, RURAL_INCOME, STAFF, examples, may_write

DEPARTMENT_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def _warning_context(request: HttpRequest) -> dict[str, Any]:
    runs = list(WarningRun.objects.order_by("-year", "-month")[:24])
    chosen = None
    run_id = request.GET.get("run")
    if run_id and run_id.isdigit():
        chosen = next((r for r in runs if r.pk == int(run_id)), None)
    chosen = chosen or (runs[0] if runs else None)
    lists: dict[str, Any] = {}
    dropped: list[Any] = []
    if chosen is not None:
        entries = chosen.entries.select_related("person", "person__jurisdiction")
        for e in entries:
            lists.setdefault(e.get_list_display(), []).append(
                {"e": e, "self_borne": format_yuan(e.self_borne), "threshold": format_yuan(e.threshold)}
            )
        previous = WarningRun.objects.filter(year=chosen.year, month=chosen.month - 1).first()
        if previous is not None:
            now = {(e.person_id, e.list) for e in entries}
            dropped = [
                e
                for e in previous.entries.select_related("person", "person__jurisdiction")
                if (e.person_id, e.list) not in now
            ]
    today = clock.today()
    last_month = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    return {
        "runs": runs,
        "run": chosen,
        "lists": lists,
        "dropped": dropped,
        "rural_income": format_yuan(chosen.rural_income) if chosen else "",
        "default_month": f"{last_month.year:04d}-{last_month.month:02d}",
        "example_values": examples(RURAL_INCOME),
    }


@view_requires(*STAFF, department=DEPARTMENT)
def warnings_medical(request: HttpRequest) -> HttpResponse:
    """医疗保障局: generate the month's lists and read them."""
    if request.method == "POST":
        try:
            year, month = (int(x) for x in (request.POST.get("month") or "").split("-"))
            run = services.run_warnings(year, month, acting_user=request.user)
        except ValueError:
            messages.error(request, "“预警月份”应写作年-月，如 2024-03（第十四条：每月定期推送）。")
        except services.ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已生成{run}，并推送民政、乡村振兴部门。")
            return redirect(f"{request.path}?run={run.pk}")
    context = _warning_context(request)
    context["can_run"] = may_write(request)
    context["audience"] = "医疗保障局"
    context["export_url"] = "medical_assistance:warnings_export"
    return render(request, "medical_assistance/warnings.html", context)


@view_requires(*DEPARTMENT_STAFF, department=CIVIL_AFFAIRS)
def warnings_civil_affairs(request: HttpRequest) -> HttpResponse:
    """民政局: the lists pushed to it (第十四条); nothing else of the medical data."""
    context = {
        **_warning_context(request),
        "audience": "民政局",
        "export_url": "medical_assistance:warnings_export_civil_affairs",
    }
    return render(request, "medical_assistance/warnings.html", context)


@view_requires(*DEPARTMENT_STAFF, department=RURAL)
def warnings_rural(request: HttpRequest) -> HttpResponse:
    """乡村振兴局: the lists pushed to it (第十四条)."""
    context = {
        **_warning_context(request),
        "audience": "乡村振兴局",
        "export_url": "medical_assistance:warnings_export_rural",
    }
    return render(request, "medical_assistance/warnings.html", context)


def needs_whole_ids(request: HttpRequest, department: str) -> bool:
    """Whole ID numbers only for the clerks and heads of the departments the lists are pushed to (民政局,
    乡村振兴局): they act on them — visit, check, assist (第十四条). 医疗保障局 produced the lists and the auditor
    reads them: masked (SECURITY.md C22, issue 14 failure 8)."""
    user = cast(User, request.user)
    return department in (CIVIL_AFFAIRS, RURAL) and user.role in (Role.CLERK, Role.DEPARTMENT_HEAD)


def export_run(request: HttpRequest, run: WarningRun, *, whole_ids: bool = False) -> HttpResponse:
    """The month's two lists as one workbook, a sheet each, ID numbers as text — whole only when ``whole_ids``
    (the role needs them), masked otherwise; the export is audited with who took it, and a whole-ID export is
    also a view of personal data (``record_pii_view``: the mass-view alert counts it)."""
    sheets = []
    for value, label in WarningEntry.List.choices:
        entries = run.entries.filter(list=value).select_related("person", "person__jurisdiction")
        rows = [
            [
                e.person.resident_id if whole_ids else e.person.masked_id,
                e.person.name if whole_ids else e.person.masked_name,
                e.person.jurisdiction.name,
                Decimal(e.self_borne) / 100,
                Decimal(e.threshold) / 100,
                e.get_change_display(),
            ]
            for e in entries
        ]
        header = [
            "公民身份号码" if whole_ids else "公民身份号码（脱敏）",
            "姓名" if whole_ids else "姓名（脱敏）",
            "所属区",
            "当年累计自负医疗费用（元）",
            "预警线（元）",
            "变化",
        ]
        sheets.append(Sheet(label, header, rows))
    with transaction.atomic():
        record(
            "medical_assistance.warning.export",
            actor=request.user,
            obj=run,
            after={"entries": run.entries.count(), "format": "xlsx", "whole_ids": whole_ids},
            label="导出因病致贫返贫预警名单" + ("（完整身份证号）" if whole_ids else "（脱敏）"),
            citation=CITE_WARNING,
            request=request,
        )
        if whole_ids:
            record_pii_view(
                request,
                run,
                "resident_id",
                reason="第十四条：推送民政、乡村振兴部门的预警名单",
                action="pii.export",
                label="导出预警名单中的完整公民身份号码",
            )
    return xlsx_response(f"因病致贫返贫预警名单-{run.year}-{run.month:02d}.xlsx", sheets)


@view_requires(*STAFF, department=DEPARTMENT)
def warnings_export(request: HttpRequest, pk: int) -> HttpResponse:
    return export_run(request, get_object_or_404(WarningRun, pk=pk))


@view_requires(*DEPARTMENT_STAFF, department=CIVIL_AFFAIRS)
def warnings_export_civil_affairs(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(WarningRun, pk=pk)
    return export_run(request, run, whole_ids=needs_whole_ids(request, CIVIL_AFFAIRS))


@view_requires(*DEPARTMENT_STAFF, department=RURAL)
def warnings_export_rural(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(WarningRun, pk=pk)
    return export_run(request, run, whole_ids=needs_whole_ids(request, RURAL))
