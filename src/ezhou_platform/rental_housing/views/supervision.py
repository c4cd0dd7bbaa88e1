"""Staff pages of tenancy service and supervision: maintenance requests (第二十四条) and complaints (第二十七条)
with their handling and Excel exports; inspections (第二十八条) recorded with their findings, and a finding's page
with its steps — 责令整改 by a date, confirm the rectification, a measure for a serious case (by a second
person), referral to the judicial organs — each with its article."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.exports import xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_rules.core.ids import mask_name

from .. import selectors, services
from .. import steps as S
from ..models import Complaint, Finding, FindingStatus, MaintenanceRequest, Project
from .common import DATE, STAFF, WRITERS, can_write, filtered, form_error, list_page


def _maintenance(request: HttpRequest) -> Any:
    qs = selectors.maintenance_for(request.user).select_related("contract__allocation__unit__project")
    search = ("description", "contract__number", "contract__allocation__unit__number")
    return filtered(
        request, qs, MaintenanceRequest.Status, search, "contract__allocation__unit__project_id"
    ).order_by("-reported_on", "-id")


@view_requires(*STAFF, department="housing")
def maintenance_list(request: HttpRequest) -> HttpResponse:
    ctx = list_page(
        request, _maintenance(request), MaintenanceRequest.Status, "rental_housing:maintenance_export"
    )
    return render(request, "rental_housing/maintenance.html", {**ctx, "cite": S.CITE_REPAIR})


@view_requires(*STAFF, department="housing")
def maintenance_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            r.pk,
            r.reported_on,
            r.contract.allocation.unit.project.name,
            r.contract.allocation.unit.number,
            r.contract.number,
            r.description,
            r.get_status_display(),
            r.note,
            r.completed_on,
        ]
        for r in _maintenance(request)
    ]
    header = ["报修编号", "报修日期", "项目", "房号", "合同编号", "报修内容", "状态", "处理情况", "修复日期"]
    return xlsx_response("保障性租赁住房维修申请.xlsx", "维修申请", header, rows, text_columns={0, 3, 4})


@view_requires(*WRITERS, department="housing")
def maintenance_handle(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(selectors.maintenance_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.handle_maintenance(
                req,
                acting_user=request.user,
                status=request.POST.get("status", ""),
                note=request.POST.get("note", ""),
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理。")
    return redirect("rental_housing:maintenance")


def _complaints(request: HttpRequest) -> Any:
    qs = selectors.complaints_for(request.user).select_related("project")
    return filtered(request, qs, Complaint.Status, ("content", "reply"), "project_id").order_by(
        "-received_on", "-id"
    )


@view_requires(*STAFF, department="housing")
def complaint_list(request: HttpRequest) -> HttpResponse:
    ctx = list_page(request, _complaints(request), Complaint.Status, "rental_housing:complaints_export")
    for c in ctx["page"]:
        c.masked_name = mask_name(c.complainant) if c.complainant else "匿名"  # type: ignore[attr-defined]
    return render(request, "rental_housing/complaints.html", {**ctx, "cite": S.CITE_COMPLAINT})


@view_requires(*STAFF, department="housing")
def complaint_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            c.pk,
            c.received_on,
            mask_name(c.complainant) if c.complainant else "匿名",
            c.project.name if c.project else "（未指明）",
            c.content,
            c.get_status_display(),
            c.reply,
            c.answered_on,
        ]
        for c in _complaints(request)
    ]
    header = ["投诉编号", "受理日期", "投诉人", "涉及项目", "内容", "状态", "答复", "答复日期"]
    return xlsx_response("保障性租赁住房投诉举报.xlsx", "投诉举报", header, rows, text_columns={0})


@view_requires(*WRITERS, department="housing")
def complaint_handle(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(selectors.complaints_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.handle_complaint(
                c,
                acting_user=request.user,
                status=request.POST.get("status", ""),
                reply=request.POST.get("reply", ""),
            )
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理。")
    return redirect("rental_housing:complaints")


# -- inspections and findings (第二十八条) ------------------------------------------------------------------------
def _findings(request: HttpRequest) -> Any:
    qs = Finding.objects.filter(inspection__project__in=selectors.projects_for(request.user)).select_related(
        "inspection__project", "inspection__jurisdiction"
    )
    return filtered(
        request, qs, FindingStatus, ("description", "inspection__project__name"), "inspection__project_id"
    ).order_by("-inspection__inspected_on", "-id")


@view_requires(*STAFF, department="housing")
def inspection_list(request: HttpRequest) -> HttpResponse:
    ctx = list_page(request, _findings(request), FindingStatus, "rental_housing:findings_export")
    return render(request, "rental_housing/inspections.html", {**ctx, "cite": S.CITE_SUPERVISION})


@view_requires(*STAFF, department="housing")
def findings_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            f.pk,
            f.inspection.inspected_on,
            f.inspection.jurisdiction.name,
            f.inspection.project.name,
            f.inspection.project.certificate_number,
            f.get_category_display(),
            f.description,
            f.get_status_display(),
            f.rectify_by,
            f.rectified_on,
            f.get_sanction_display(),
        ]
        for f in _findings(request)
    ]
    header = ["问题编号", "检查日期", "检查辖区", "项目", "项目认定书编号", "问题类别", "问题描述", "状态"]
    header += ["整改期限", "整改完成日期", "处理措施"]
    return xlsx_response("保障性租赁住房巡查检查问题.xlsx", "检查发现问题", header, rows, text_columns={0, 4})


class InspectionForm(forms.Form):
    project = forms.ModelChoiceField(label="检查项目", queryset=Project.objects.none())
    inspected_on = forms.DateField(label="检查日期", widget=DATE, initial=clock.today)
    inspectors = forms.CharField(label="检查人员", max_length=100)
    summary = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FindingRowForm(forms.Form):
    category = forms.ChoiceField(
        label="问题类别", choices=[("", "（无）"), *Finding.Category.choices], required=False
    )
    description = forms.CharField(label="问题描述", max_length=500, required=False)


FindingRows = forms.formset_factory(FindingRowForm, extra=3, max_num=10)


@view_requires(*WRITERS, department="housing")
def inspection_new(request: HttpRequest) -> HttpResponse:
    """巡查检查 (第二十八条): the district of the project inspects it; each finding becomes a case."""
    form = InspectionForm(request.POST or None)
    form.fields["project"].queryset = selectors.projects_for(request.user).select_related(  # type: ignore[attr-defined]
        "jurisdiction"
    )
    rows = FindingRows(request.POST or None, prefix="f")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        d = form.cleaned_data
        findings = [
            (r["category"], r["description"])
            for r in rows.cleaned_data
            if r.get("category") or r.get("description")
        ]
        try:
            inspection = services.record_inspection(
                d["project"],
                acting_user=request.user,
                jurisdiction=d["project"].jurisdiction,
                inspected_on=d["inspected_on"],
                inspectors=d["inspectors"],
                summary=d["summary"],
                findings=findings,
            )
        except ApiError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已登记检查及{len(findings)}项问题。")
            first = inspection.findings.order_by("id").first()
            return (
                redirect("rental_housing:finding", pk=first.pk)
                if first
                else redirect("rental_housing:inspections")
            )
    return render(
        request,
        "rental_housing/inspection_new.html",
        {"form": form, "rows": rows, "cite": S.CITE_SUPERVISION},
    )


class OrderForm(forms.Form):
    rectify_by = forms.DateField(label="整改期限", widget=DATE)
    requirement = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    rectified_on = forms.DateField(label="整改完成日期", widget=DATE, initial=clock.today)


class MeasureForm(forms.Form):
    sanction = forms.ChoiceField(
        label="处理措施",
        choices=[(k, v) for k, v in Finding.Sanction.choices if k in S.MEASURES],
    )
    reason = forms.CharField(label="处理理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(forms.Form):
    reason = forms.CharField(label="移送理由", widget=forms.Textarea(attrs={"rows": 2}))


FINDING_FORMS: dict[str, type[forms.Form]] = {
    "order": OrderForm,
    "confirm": ConfirmForm,
    "impose": MeasureForm,
    "refer": ReferForm,
}


@view_requires(*STAFF, department="housing")
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        Finding.objects.filter(inspection__project__in=selectors.projects_for(request.user)).select_related(
            "inspection__project__operator", "inspection__jurisdiction"
        ),
        pk=pk,
    )
    action = request.POST.get("action", "")
    bound = {
        name: cls(request.POST if action == name else None, auto_id=f"{name}_%s")
        for name, cls in FINDING_FORMS.items()
    }
    if request.method == "POST":
        try:
            _finding_step(request, finding, action, bound.get(action))
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理。")
            return redirect("rental_housing:finding", pk=pk)
    return render(
        request,
        "rental_housing/finding.html",
        {
            "f": finding,
            "case": engine.case_of(finding),
            "steps": dict(engine.available_steps(finding, request.user)),
            "forms": bound,
            "can_write": can_write(request.user),
            "cite": S.CITE_SUPERVISION,
        },
    )


def _finding_step(request: HttpRequest, finding: Finding, action: str, form: forms.Form | None) -> None:
    if form is None:
        raise ApiError("invalid_input", "未知操作。", field="action", status=400)
    if not form.is_valid():
        raise form_error(form)
    d, user = form.cleaned_data, request.user
    if action == "order":
        services.order_rectification(
            finding, acting_user=user, rectify_by=d["rectify_by"], requirement=d["requirement"]
        )
    elif action == "confirm":
        services.confirm_rectified(finding, acting_user=user, rectified_on=d["rectified_on"])
    elif action == "impose":
        services.impose_measure(finding, acting_user=user, sanction=d["sanction"], reason=d["reason"])
    else:
        services.refer_finding(finding, acting_user=user, reason=d["reason"])
