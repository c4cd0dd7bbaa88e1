"""The credit office's pages: proposed records to confirm (by a second person), records from other systems,
repairs with their date, and the push export (CSV/JSON) for the national credit-information platform."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_rules.licensing.credit import CreditKind

from ..models import CREDIT_OFFICE, CreditRecord
from ..services import credit
from .common import CLERKS, ERRORS, STAFF, day, message_of, page_of, query_without_page


def _records(request: HttpRequest) -> Any:
    qs = CreditRecord.objects.select_related("application")
    status = request.GET.get("status", "")
    if status in CreditRecord.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(subject_name__contains=q) | qs.filter(subject_uscc=q.upper())
    return qs.order_by("-proposed_at", "-id"), status, q


@view_requires(*STAFF, department=CREDIT_OFFICE)
def office(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        errors: list[str] = []
        recorded = day(request.POST.get("recorded_on"), "认定日期", errors)
        if not errors and recorded is not None:
            try:
                rec = credit.propose(
                    uscc=request.POST.get("uscc", ""),
                    name=request.POST.get("name", ""),
                    kind=CreditKind.BAD_CREDIT,
                    category=request.POST.get("category", ""),
                    recorded_on=recorded,
                    authority=request.POST.get("authority", ""),
                    description=request.POST.get("description", ""),
                    source=request.POST.get("source", "") or "外部信用信息系统",
                    actor=user,
                    on=clock.today(),
                )
            except ERRORS as exc:
                errors.append(message_of(exc))
            else:
                messages.success(request, f"已登记 {rec.number}，待另一名工作人员认定后生效并公示。")
                return redirect("licensing:credit_record", rec.pk)
        for e in errors:
            messages.error(request, e)
    qs, status, q = _records(request)
    return render(
        request,
        "licensing/credit_office.html",
        {
            "page": page_of(request, qs),
            "query": query_without_page(request),
            "status": status,
            "q": q,
            "statuses": CreditRecord.Status.choices,
            "may_act": user.role in CLERKS,
            "today": clock.today(),
        },
    )


@view_requires(*STAFF, department=CREDIT_OFFICE)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(CreditRecord.objects.select_related("application"), pk=pk)
    user: Any = request.user
    if request.method == "POST" and user.role in CLERKS:
        action = request.POST.get("action", "")
        today = clock.today()
        errors: list[str] = []
        try:
            if action == "confirm":
                credit.confirm(rec, actor=user, on=today)
            elif action == "reject":
                credit.reject(rec, actor=user, on=today, reason=request.POST.get("reason", ""))
            elif action == "repair":
                repaired = day(request.POST.get("repaired_on"), "修复日期", errors)
                if repaired is not None:
                    credit.repair(
                        rec, actor=user, on=today, repaired_on=repaired, note=request.POST.get("note", "")
                    )
            else:
                errors.append("操作：无法识别。")
        except ERRORS as exc:
            errors.append(message_of(exc))
        for e in errors:
            messages.error(request, e)
        if not errors:
            messages.success(request, "已办理。")
        return redirect("licensing:credit_record", pk)
    case = engine.case_of(rec)
    return render(
        request,
        "licensing/credit_record.html",
        {
            "rec": rec,
            "steps": dict(engine.available_steps(rec, user)),
            "today": clock.today(),
            "events": case.events.select_related("actor") if case else [],
        },
    )


@view_requires(*STAFF, department=CREDIT_OFFICE)
def export(request: HttpRequest) -> HttpResponse:
    """The push export: confirmed records (有效/已修复 as of today) in the documented format."""
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    today = clock.today()
    rows = list(credit.published(today).order_by("recorded_on", "id"))
    try:
        body = credit.export(rows, today, fmt)
    except ERRORS as exc:
        messages.error(request, message_of(exc))
        return redirect("licensing:credit_office")
    with transaction.atomic():
        record(
            "licensing.credit.export",
            actor=request.user,
            object_type="licensing.creditrecord",
            object_repr=f"{len(rows)}条信用记录",
            after={"format": fmt, "count": len(rows), "as_of": today.isoformat()},
            label="导出信用记录",
        )
    if fmt == "json":
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credit-records-{today.isoformat()}.{fmt}"'
    return response
