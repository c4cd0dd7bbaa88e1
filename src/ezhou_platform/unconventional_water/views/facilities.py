"""Pages of the facility register (第十三条, 第二十条 – 第二十三条): operators file lab reports, usage and stop
notices; the department's clerks register facilities, decide sources, inspect, change and close them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_rules.unconventional_water.common import format_hundredths
from ezhou_rules.unconventional_water.uses import USES

from ..forms import (
    ChangeForm,
    CloseForm,
    FacilityForm,
    InspectionForm,
    MeasurementFormSet,
    ReportForm,
    ReviewForm,
    SourceForm,
    StopForm,
    UnreportedStopForm,
    UsageForm,
    add_refusal,
)
from ..models import Facility, FacilitySource, LabReport, StopNotice
from ..services import common, facilities, reports, stops
from .base import CLERKS, DEPT, REFUSALS, STAFF, done, facility_for, operated_facility, page_of
from .public import missing_for

SIDE = (Role.ENTERPRISE, *STAFF)


def _uses(f: Facility) -> str:
    return "、".join(USES[u].label for u in f.uses if u in USES)


@view_requires(Role.ENTERPRISE)
def my_facilities(request: HttpRequest) -> HttpResponse:
    rows = [(f, _uses(f), common.may_operate(request.user, f)) for f in common.facilities_for(request.user)]
    return render(request, "unconventional_water/my_facilities.html", {"rows": rows, "today": clock.today()})


def _latest_checks(reports_qs: Any) -> list[tuple[LabReport, Any]]:
    return [(r, reports.latest_check(r)) for r in reports_qs]


@view_requires(*SIDE, department=DEPT)
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    f = facility_for(request, pk)
    user: Any = request.user
    clerk = common.is_water_staff(user)
    case = engine.case_of(f)
    context = {
        "f": f,
        "uses": _uses(f),
        "capacity": format_hundredths(f.capacity_m3x100_per_day),
        "case": case,
        "sources": f.sources.order_by("id"),
        "reports": _latest_checks(f.reports.order_by("-sampled_on", "-id")[:20]),
        "usage": [
            (u, format_hundredths(u.volume_m3x100)) for u in f.usage.order_by("-period_end", "-id")[:20]
        ],
        "stops": f.stop_notices.order_by("-stop_starts_at")[:20],
        "inspections": f.inspections.select_related("inspector")[:20],
        "violations": f.violation_records.order_by("-found_on")[:20],
        "links": f.water_plan_links.select_related("water_unit").order_by("-year"),
        "missing": missing_for(f),
        "interval": facilities.testing_interval(f, clock.today()),
        "may_operate": user.role != Role.AUDITOR and common.may_operate(user, f),
        "clerk": clerk,
        "documents": case.documents.order_by("-issued_at") if case else [],
        "today": clock.today(),
        "review_form": ReviewForm() if clerk else None,
        "source_form": SourceForm() if clerk else None,
        "change_form": ChangeForm(
            initial={"uses": f.uses, "testing_interval_months": f.testing_interval_months}
        )
        if clerk
        else None,
        "close_form": CloseForm() if clerk and f.status == "in_service" else None,
    }
    return render(request, "unconventional_water/facility_detail.html", context)


def _measurement_rows(formset: Any) -> list[tuple[str, str, str]]:
    return [
        (r.cleaned_data.get("indicator", ""), r.cleaned_data.get("value", ""), r.cleaned_data.get("unit", ""))
        for r in formset.forms
        if r.cleaned_data and any(r.cleaned_data.values())
    ]


@view_requires(Role.ENTERPRISE, *CLERKS, department=DEPT)
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    f = operated_facility(request, pk)
    form = ReportForm(request.POST or None)
    formset = MeasurementFormSet(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            filed = reports.file_report(f, form.cleaned_data, _measurement_rows(formset), actor=request.user)
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(
                request,
                f"检测报告{filed.report.report_no}已备案：{filed.check.get_verdict_display()}。",
                reverse("unconventional_water:report", args=[filed.report.pk]),
            )
    return render(
        request,
        "unconventional_water/report_new.html",
        {"f": f, "form": form, "formset": formset, "uses": _uses(f), "missing": missing_for(f)},
    )


@view_requires(*SIDE, department=DEPT)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(LabReport.objects.select_related("facility"), pk=pk)
    facility_for(request, report.facility_id)  # may the user see its facility?
    checks = list(report.checks.order_by("-checked_at", "-id"))
    latest = checks[0] if checks else None
    result = reports.explain(latest) if latest else None
    return render(
        request,
        "unconventional_water/report_detail.html",
        {
            "report": report,
            "f": report.facility,
            "check": latest,
            "result": result,
            "older": checks[1:],
            "uses": "、".join(USES[u].label for u in (latest.uses if latest else []) if u in USES),
            "rows": report.rows(),
        },
    )


@view_requires(Role.ENTERPRISE, *CLERKS, department=DEPT)
def usage_new(request: HttpRequest, pk: int) -> HttpResponse:
    f = operated_facility(request, pk)
    form = UsageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reports.record_usage(
                f, d["period_start"], d["period_end"], d["volume_m3"], note=d["note"], actor=request.user
            )
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(request, "已填报非常规水利用量。", f.get_absolute_url())
    return render(request, "unconventional_water/usage_new.html", {"f": f, "form": form})


@view_requires(Role.ENTERPRISE, *CLERKS, department=DEPT)
def stop_new(request: HttpRequest, pk: int) -> HttpResponse:
    f = operated_facility(request, pk)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = stops.file_stop_notice(f, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(
                request, "已报告停止运行（供水）。", reverse("unconventional_water:stop", args=[n.pk])
            )
    return render(request, "unconventional_water/stop_new.html", {"f": f, "form": form, "now": clock.now()})


@view_requires(*SIDE, department=DEPT)
def stop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(StopNotice.objects.select_related("facility", "recorded_by"), pk=pk)
    facility_for(request, n.facility_id)
    return render(request, "unconventional_water/stop_detail.html", {"n": n, "f": n.facility})


# -- the department's actions ---------------------------------------------------------------------------------------


@view_requires(*CLERKS, department=DEPT)
def facility_new(request: HttpRequest) -> HttpResponse:
    form = FacilityForm(
        request.POST or None, initial={"facility_type": "reclaimed", "in_service_from": clock.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            f = facilities.register_facility(form.service_data(), actor=request.user)
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(request, f"已登记{f.name}（{f.code}），纳入日常监管。", f.get_absolute_url())
    return render(request, "unconventional_water/facility_new.html", {"form": form})


@view_requires(*CLERKS, department=DEPT)
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    f = facility_for(request, pk)
    form = InspectionForm(
        request.POST or None, facility_type=f.facility_type, initial={"inspected_on": clock.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            ins = facilities.record_inspection(
                f,
                form.answers(),
                form.cleaned_data["inspected_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            text = (
                "检查记录已保存：全部符合。"
                if ins.passed
                else f"检查记录已保存：{len(ins.findings)}项不符合。"
            )
            if ins.suggested_acts:
                url = (
                    reverse("unconventional_water:violation_new")
                    + f"?inspection={ins.pk}&act={ins.suggested_acts[0]}"
                )
                messages.warning(request, "检查发现可能涉及第二十四条的行为，可登记违法行为。")
                return done(request, text, url)
            return done(request, text, f.get_absolute_url())
    return render(request, "unconventional_water/inspect.html", {"f": f, "form": form})


@require_POST
@view_requires(*CLERKS, department=DEPT)
def facility_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    f = facility_for(request, pk)
    forms = {"source": SourceForm, "change": ChangeForm, "close": CloseForm}
    form = forms[action](request.POST) if action in forms else None
    if form is None or not form.is_valid():
        messages.error(
            request,
            "请检查填写的内容："
            + ("；".join(str(e) for errs in form.errors.values() for e in errs) if form else "未知操作"),
        )
        return redirect(f.get_absolute_url())
    d = form.cleaned_data
    try:
        if action == "source":
            src = facilities.add_source(
                f, d["kind"], meets_standard=d["meets_standard"], industry=d["industry"], actor=request.user
            )
            text = f"已登记水源：{src.get_kind_display()}（{src.get_decision_display()}）。"
        elif action == "change":
            changes = {k: v for k, v in d.items() if v not in (None, "", [])}
            facilities.change_registration(f, changes, actor=request.user)
            text = "已变更登记。"
        else:
            facilities.close_facility(f, d["closed_on"], d["reason"], actor=request.user)
            text = "设施已注销。"
    except REFUSALS as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(f.get_absolute_url())
    return done(request, text, f.get_absolute_url())


@require_POST
@view_requires(*CLERKS, department=DEPT)
def source_review(request: HttpRequest, pk: int) -> HttpResponse:
    src = get_object_or_404(FacilitySource, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            facilities.review_source(
                src,
                accept=form.cleaned_data["accept"] == "yes",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except REFUSALS as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, "已审核水源。")
    else:
        messages.error(request, "审核意见：不能为空（第十三条）。")
    return redirect(src.facility.get_absolute_url())


@view_requires(*CLERKS, department=DEPT)
def unreported_stop(request: HttpRequest, pk: int) -> HttpResponse:
    f = facility_for(request, pk)
    form = UnreportedStopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = stops.record_unreported_stop(f, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(
                request, "已记录未报告的停止运行（供水）。", reverse("unconventional_water:stop", args=[n.pk])
            )
    return render(
        request,
        "unconventional_water/stop_new.html",
        {"f": f, "form": form, "found": True, "now": clock.now()},
    )


@view_requires(*STAFF, department=DEPT)
def facility_list(request: HttpRequest) -> HttpResponse:
    qs = common.facilities_for(request.user).order_by("name", "id")
    q = request.GET.get("q", "").strip()[:50]
    ftype = request.GET.get("type", "")
    status = request.GET.get("status", "")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(operator__name__icontains=q)
            | Q(operator_uscc=q)
            | Q(location__icontains=q)
        )
    if ftype in ("rainwater", "reclaimed"):
        qs = qs.filter(facility_type=ftype)
    if status in ("in_service", "closed"):
        qs = qs.filter(status=status)
    page = page_of(request, qs)
    rows = [(f, _uses(f), format_hundredths(f.capacity_m3x100_per_day)) for f in page]
    return render(
        request,
        "unconventional_water/facility_list.html",
        {"page": page, "rows": rows, "q": q, "type": ftype, "status": status},
    )


@view_requires(*STAFF, department=DEPT)
def stop_list(request: HttpRequest) -> HttpResponse:
    qs = StopNotice.objects.select_related("facility").order_by("-stop_starts_at", "-id")
    status = request.GET.get("report", "")
    if status in ("on_time", "late", "missing"):
        qs = qs.filter(report_status=status)
    if request.GET.get("late_notice") == "1":
        qs = qs.filter(notice_on_time=False)
    return render(
        request,
        "unconventional_water/stop_list.html",
        {"page": page_of(request, qs), "report": status, "late_notice": request.GET.get("late_notice", "")},
    )
