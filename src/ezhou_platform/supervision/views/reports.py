"""Pages of the report procedure: file a report (the unit, or the supervising department for it), the list
of reports with filters and export, one report with its timeline and the confirm/return decision, and the
evidence file's download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import scopes
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.supervision.errors import SupervisionError

from ..forms import ReportForm, ReviewForm
from ..models import Item, Plan, Report
from ..services import reports as services
from .common import STAFF, WRITERS, add_error, d, xlsx_response


@view_requires(*WRITERS, department=scopes.SUPERVISION)
def file_report(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(Item.objects.select_related("plan", "plan__department", "task"), pk=item_id)
    units = services.units_user_may_file_for(request.user, item)
    if not units:
        raise PermissionDenied(f"只有承担该任务的单位或督办部门（{item.plan.department.name}）可以报送。")
    corrects = None
    if request.GET.get("corrects") or request.POST.get("corrects"):
        corrects = get_object_or_404(Report, pk=request.GET.get("corrects") or request.POST.get("corrects"))
    initial: dict[str, Any] = {
        "unit": units[0].pk,
        "kind": "completion" if not item.continuous else "progress",
    }
    if corrects is not None:
        initial.update(
            unit=corrects.unit_id,
            kind=corrects.kind,
            evidence_date=corrects.evidence_date,
            document_number=corrects.document_number,
            summary=corrects.summary,
        )
    form = ReportForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("attachment")
        attachment = services.Attachment(upload.name or "", upload.read()) if upload else None
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        try:
            report = services.file_report(
                item,
                unit=unit,
                kind=form.cleaned_data["kind"],
                evidence_date=form.cleaned_data["evidence_date"],
                document_number=form.cleaned_data["document_number"],
                summary=form.cleaned_data["summary"],
                attachment=attachment,
                actor=request.user,
                corrects=corrects,
            )
        except SupervisionError as exc:
            add_error(form, exc)
        else:
            messages.success(
                request, f"已报送，等待{item.plan.department.name}确认（{item.plan.supervision_cite}）。"
            )
            return redirect("supervision:report", report.pk)
    return render(
        request,
        "supervision/report_form.html",
        {"item": item, "form": form, "corrects": corrects, "plan": item.plan},
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def report_list(request: HttpRequest) -> HttpResponse:
    qs = Report.objects.select_related("plan", "item", "unit", "filed_by").order_by("-filed_at", "-id")
    f = {k: request.GET.get(k, "").strip()[:50] for k in ("plan", "status", "kind", "q", "mine")}
    if f["plan"]:
        qs = qs.filter(plan__slug=f["plan"])
    if f["status"] in Report.Status.values:
        qs = qs.filter(status=f["status"])
    if f["kind"] in Report.Kind.values:
        qs = qs.filter(kind=f["kind"])
    user: Any = request.user
    if f["mine"] == "review" and user.department_id:
        qs = qs.filter(plan__department_id=user.department_id)
    if f["q"]:
        qs = qs.filter(
            Q(item__label__icontains=f["q"])
            | Q(unit__name__icontains=f["q"])
            | Q(document_number__icontains=f["q"])
        )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request,
            "进展完成情况报送",
            [
                "报送编号",
                "文件",
                "事项编号",
                "督办事项",
                "报送单位",
                "类型",
                "证明文件日期",
                "证明文件文号",
                "状态",
                "报送日期",
                "确认日期",
                "确认意见或退回理由",
            ],
            (
                [
                    str(r.pk),
                    r.plan.document,
                    r.item.code,
                    r.item.label,
                    r.unit.name,
                    r.get_kind_display(),
                    d(r.evidence_date),
                    r.document_number,
                    r.get_status_display(),
                    d(r.filed_on),
                    d(r.reviewed_on),
                    r.review_note,
                ]
                for r in qs[:5000]
            ),
            "supervision-reports.xlsx",
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(
        request,
        "supervision/reports.html",
        {
            "page": page,
            "f": f,
            "query": query,
            "plans": Plan.objects.all(),
            "statuses": Report.Status.choices,
            "kinds": Report.Kind.choices,
        },
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("plan", "plan__department", "item", "item__task", "unit", "filed_by"),
        pk=pk,
    )
    case = engine.case_of(report)
    steps = engine.available_steps(report, request.user)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not steps:
            raise PermissionDenied(
                f"确认或退回报送由{report.plan.department.name}办理（{report.plan.supervision_cite}）。"
            )
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    services.accept(report, actor=request.user, note=form.cleaned_data["note"])
                    messages.success(request, "已确认。")
                else:
                    services.return_report(report, actor=request.user, reason=form.cleaned_data["note"])
                    messages.success(request, "已退回，报送单位可更正后重新报送。")
                return redirect("supervision:report", report.pk)
            except ProcedureError as exc:
                form.add_error("note" if "理由" in exc.message else None, exc.message)
    return render(
        request,
        "supervision/report.html",
        {
            "report": report,
            "case": case,
            "events": case.events.select_related("actor") if case else [],
            "steps": steps,
            "form": form,
            "may_download": services.may_see(request.user, report),
            "may_correct": report.status == Report.Status.RETURNED
            and bool(services.units_user_may_file_for(request.user, report.item)),
        },
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(Report.objects.select_related("plan", "unit"), pk=pk)
    if not report.attachment or not services.may_see(request.user, report):
        raise PermissionDenied("您不能下载该证明文件。")
    audit(
        "supervision.report.attachment",
        actor=request.user,
        obj=report,
        after={"sha256": report.sha256},
        label=f"下载证明文件：{report.original_name}",
        request=request,
    )
    return FileResponse(
        report.attachment.open("rb"),
        as_attachment=True,
        filename=report.original_name or f"evidence-{report.pk}",
        content_type=report.content_type or "application/octet-stream",
    )
