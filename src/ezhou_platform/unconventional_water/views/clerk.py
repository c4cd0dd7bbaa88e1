"""The department's pages: its overview (with a chart of reports by month), lab reports, violations
(第二十四条, 第二十五条), testing reminders (第二十三条), the interlock with the water plan and the jobs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.views import start_from_request
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.workspace import progress
from ezhou_rules.core.dates import cn_date
from ezhou_rules.unconventional_water.common import day_column, format_hundredths
from ezhou_rules.unconventional_water.register import water_testing_due
from ezhou_rules.unconventional_water.violations import ACTS

from ..forms import (
    CloseViolationForm,
    FindingForm,
    ImportForm,
    LinkDecisionForm,
    ViolationForm,
    YearForm,
    add_refusal,
)
from ..models import (
    Facility,
    Inspection,
    LabReport,
    LinkStatus,
    Project,
    QualityCheck,
    StopNotice,
    Violation,
    WaterPlanLink,
)
from ..services import common, interlock, violations
from ..services.config import current
from ..services.importing import template_csv
from .base import CLERKS, DEPT, REFUSALS, STAFF, done, page_of

VERDICT_LABELS = dict(QualityCheck.VERDICTS)


def _latest_verdict() -> Subquery:
    return Subquery(
        QualityCheck.objects.filter(report=OuterRef("pk"))
        .order_by("-checked_at", "-id")
        .values("verdict")[:1]
    )


def _reports_chart(year: int) -> dict[str, Any] | None:
    rows = (
        LabReport.objects.filter(sampled_on__year=year)
        .annotate(verdict=_latest_verdict())
        .values_list("sampled_on__month", "verdict")
    )
    counts: Counter[tuple[int, str]] = Counter((m, v) for m, v in rows)
    if not counts:
        return None
    months = list(range(1, 13))
    series = [
        Series(VERDICT_LABELS[v], [counts.get((m, v), 0) for m in months], stack="reports")
        for v in ("pass", "fail", "incomplete", "refused")
        if any(counts.get((m, v)) for m in months)
    ]
    return bar_chart(
        title=f"{year}年各月水质检测报告（按采样月份、判定结论）",
        categories=[f"{m}月" for m in months],
        series=series,
        unit="份",
    )


@view_requires(*STAFF, department=DEPT)
def clerk_home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    overdue = Facility.objects.filter(status="in_service", next_test_due__lt=today).count()
    context = {
        "today": today,
        "counts": {
            "projects": Project.objects.exclude(status="supervised").count(),
            "acceptance_due": Project.objects.filter(
                status="under_construction", acceptance_due__isnull=False
            ).count(),
            "facilities": Facility.objects.filter(status="in_service").count(),
            "overdue_tests": overdue,
            "pending_sources": Facility.objects.filter(sources__review="pending").distinct().count(),
            "refused_reports": LabReport.objects.annotate(verdict=_latest_verdict())
            .filter(verdict="refused")
            .count(),
            "open_violations": Violation.objects.exclude(status="closed").count(),
            "late_stops": StopNotice.objects.filter(
                Q(notice_on_time=False) | ~Q(report_status="on_time")
            ).count(),
            "proposed_links": WaterPlanLink.objects.filter(status=LinkStatus.PROPOSED).count(),
        },
        "chart": _reports_chart(today.year),
        "clerk": common.is_water_staff(request.user),
    }
    return render(request, "unconventional_water/clerk_home.html", context)


@view_requires(*STAFF, department=DEPT)
def report_list(request: HttpRequest) -> HttpResponse:
    qs = (
        LabReport.objects.select_related("facility")
        .annotate(verdict=_latest_verdict())
        .order_by("-sampled_on", "-id")
    )
    q = request.GET.get("q", "").strip()[:50]
    verdict = request.GET.get("verdict", "")
    year = request.GET.get("year", "")
    if q:
        qs = qs.filter(Q(report_no__icontains=q) | Q(facility__name__icontains=q) | Q(lab__icontains=q))
    if verdict in VERDICT_LABELS:
        qs = qs.filter(verdict=verdict)
    if year.isdigit():
        qs = qs.filter(sampled_on__year=int(year))
    return render(
        request,
        "unconventional_water/report_list.html",
        {
            "page": page_of(request, qs, 30),
            "q": q,
            "verdict": verdict,
            "year": year,
            "verdicts": list(VERDICT_LABELS.items()),
            "import_form": ImportForm(),
            "clerk": common.is_water_staff(request.user),
        },
    )


@require_POST
@view_requires(*CLERKS, department=DEPT)
def start_job(request: HttpRequest, name: str) -> HttpResponse:
    """Start one of this system's jobs from its page (the progress page follows)."""
    jobs = {
        "import": ("unconventional_water.reports.import", {}),
        "recheck": (
            "unconventional_water.reports.recheck",
            {"only_refused": request.POST.get("only_refused", "1")},
        ),
        "interlock": ("unconventional_water.interlock.year", {"year": request.POST.get("year", "")}),
    }
    if name not in jobs:
        messages.error(request, "没有这项作业。")
        return redirect(reverse("unconventional_water:clerk_home"))
    job_name, params = jobs[name]
    response = start_from_request(request, job_name, params=params)
    if response is not None:
        return response
    back = reverse(
        "unconventional_water:links" if name == "interlock" else "unconventional_water:report_list"
    )
    return redirect(back)


@view_requires(*STAFF, department=DEPT)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lab-reports-template.csv"'
    return response


@view_requires(*STAFF, department=DEPT)
def reminders(request: HttpRequest) -> HttpResponse:
    """第二十三条 定期检测: every facility in service with its next test (the rules' vectorised reminders)."""
    today = clock.today()
    rows = list(
        Facility.objects.filter(status="in_service")
        .select_related("operator")
        .annotate(last=Max("reports__sampled_on"))
        .order_by("next_test_due", "name")
    )
    default = current("testing.interval_months", today)
    known = [f for f in rows if f.testing_interval_months or default]
    unknown = [f for f in rows if not (f.testing_interval_months or default)]
    items = []
    if known:
        out = water_testing_due(
            day_column(*(f.last for f in known)),  # type: ignore[attr-defined]
            day_column(*(f.in_service_from for f in known)),
            [f.testing_interval_months or 0 for f in known],
            today,
            params=common.rules_parameters(),
        )
        for i, f in enumerate(known):
            items.append(
                {
                    "f": f,
                    "last": f.last,  # type: ignore[attr-defined]
                    "due": out["due_on"][i].astype(object),
                    "days_left": int(out["days_left"][i]),
                    "overdue": bool(out["overdue"][i]),
                }
            )
        items.sort(key=lambda r: (not r["overdue"], r["due"]))
    return render(
        request,
        "unconventional_water/reminders.html",
        {"items": items, "unknown": unknown, "default": default, "today": today},
    )


# -- violations ------------------------------------------------------------------------------------------------------


@view_requires(*STAFF, department=DEPT)
def violation_list(request: HttpRequest) -> HttpResponse:
    qs = Violation.objects.select_related("facility").order_by("-found_on", "-id")
    act = request.GET.get("act", "")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:50]
    if act in ACTS:
        qs = qs.filter(act=act)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(party__icontains=q) | Q(description__icontains=q))
    return render(
        request,
        "unconventional_water/violation_list.html",
        {
            "page": page_of(request, qs),
            "act": act,
            "status": status,
            "q": q,
            "acts": [(k, a.label) for k, a in ACTS.items()],
            "statuses": Violation._meta.get_field("status").choices,
            "clerk": common.is_water_staff(request.user),
            "laws": [(a, current(a.parameter, clock.today())) for a in ACTS.values()],
        },
    )


@view_requires(*CLERKS, department=DEPT)
def violation_new(request: HttpRequest) -> HttpResponse:
    inspection = None
    ins_id = request.GET.get("inspection") or request.POST.get("inspection")
    if ins_id and str(ins_id).isdigit():
        inspection = Inspection.objects.select_related("facility__operator").filter(pk=int(ins_id)).first()
    initial: dict[str, Any] = {"found_on": clock.today()}
    if inspection is not None:
        initial.update(
            found_on=inspection.inspected_on,
            act=request.GET.get("act", ""),
            party=inspection.facility.operator.name,
            party_uscc=inspection.facility.operator_uscc,
            description="；".join(f["text"] for f in inspection.findings),
            evidence=f"{cn_date(inspection.inspected_on)}现场检查记录",
        )
    form = ViolationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = violations.record_violation(
                d["act"],
                d["found_on"],
                d["party"],
                d["description"],
                d["evidence"],
                party_uscc=d["party_uscc"],
                inspection=inspection,
                actor=request.user,
            )
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(request, "已登记违法行为。", v.get_absolute_url())
    return render(
        request, "unconventional_water/violation_new.html", {"form": form, "inspection": inspection}
    )


@view_requires(Role.ENTERPRISE, *STAFF, department=DEPT)
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The department's record; the party sees its own (its case is on its workspace)."""
    v = get_object_or_404(Violation.objects.select_related("facility", "inspection"), pk=pk)
    if not common.reads_everything(request.user) and (
        not v.party_uscc or v.party_uscc != common.user_uscc(request.user)
    ):
        raise Http404("没有这条记录，或您无权查看。")
    return _violation(request, v)


def _violation(request: HttpRequest, v: Violation, close_form: Any = None, status: int = 200) -> HttpResponse:
    case = engine.case_of(v)
    try:
        basis: Any = violations.handling_basis(v)
        basis_error = ""
    except REFUSALS as exc:
        basis, basis_error = (), getattr(exc, "message", str(exc))
    return render(
        request,
        "unconventional_water/violation_detail.html",
        {
            "v": v,
            "case": case,
            "progress": progress(case, today=clock.today()) if case else None,
            "events": case.events.select_related("actor", "document") if case else [],
            "documents": case.documents.order_by("-issued_at") if case else [],
            "basis": basis,
            "basis_error": basis_error,
            "clerk": common.is_water_staff(request.user),
            "close_form": close_form or CloseViolationForm(),
        },
        status=status,
    )


@require_POST
@view_requires(*CLERKS, department=DEPT)
def violation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    v = get_object_or_404(Violation, pk=pk)
    try:
        if action == "hand_over":
            violations.hand_over(v, actor=request.user)
            return done(request, "已移交处理，移交处理函已出具。", v.get_absolute_url())
        form = CloseViolationForm(request.POST)
        if not form.is_valid():
            return _violation(request, v, form, status=422)
        violations.close_violation(v, form.cleaned_data["result"], actor=request.user)
        return done(request, "已办结。", v.get_absolute_url())
    except REFUSALS as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        v.refresh_from_db()
        return _violation(request, v, status=422)


# -- the interlock with the water plan --------------------------------------------------------------------------------


@view_requires(*STAFF, department=DEPT)
def links(request: HttpRequest) -> HttpResponse:
    qs = WaterPlanLink.objects.select_related("water_unit", "coefficient_event").order_by(
        "-year", "status", "water_unit__name"
    )
    status = request.GET.get("status", "")
    if status in LinkStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "unconventional_water/links.html",
        {
            "page": page_of(request, qs),
            "status": status,
            "statuses": LinkStatus.choices,
            "year_form": YearForm(initial={"year": clock.today().year - 1}),
            "finding_form": FindingForm(initial={"found_on": clock.today()}),
            "clerk": common.is_water_staff(request.user),
        },
    )


@view_requires(*STAFF, department=DEPT)
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(WaterPlanLink.objects.select_related("water_unit", "coefficient_event"), pk=pk)
    case = engine.case_of(link)
    names = {n for n, _ in engine.available_steps(link, request.user)}
    return render(
        request,
        "unconventional_water/link_detail.html",
        {
            "link": link,
            "case": case,
            "progress": progress(case, today=clock.today()) if case else None,
            "events": case.events.select_related("actor") if case else [],
            "may_decide": bool(names) and link.status == LinkStatus.PROPOSED,
            "form": LinkDecisionForm(),
            "four_eyes": link.kind == "unconventional_not_used",
            "changes": [
                {**c, "delta": ("+" if c["delta_m3x100"] >= 0 else "") + format_hundredths(c["delta_m3x100"])}
                for c in link.plan_changes
            ],
        },
    )


@require_POST
@view_requires(*CLERKS, department=DEPT)
def link_action(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(WaterPlanLink, pk=pk)
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择办理方式。")
        return redirect(link.get_absolute_url())
    try:
        if form.cleaned_data["action"] == "record":
            interlock.record_link(link, actor=request.user, note=form.cleaned_data["note"])
            text = "已计入计划用水：计划用水系统已记录该增减系数情形。"
        else:
            interlock.dismiss_link(link, form.cleaned_data["note"], actor=request.user)
            text = "已不予记录。"
    except REFUSALS as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(link.get_absolute_url())
    return done(request, text, link.get_absolute_url())


@require_POST
@view_requires(*CLERKS, department=DEPT)
def finding_new(request: HttpRequest) -> HttpResponse:
    from ezhou_platform.water_plan.models import WaterUnit

    form = FindingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        unit = get_object_or_404(WaterUnit, pk=int(d["water_unit"]))
        try:
            interlock.record_finding(unit, d["found_on"], d["reason"], d["evidence"], actor=request.user)
        except REFUSALS as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, f"已记录{unit.name}具备利用非常规水源条件的认定；年度结束后据此核查。")
    else:
        messages.error(
            request,
            "；".join(f"{form.fields[k].label}：{e[0]}" for k, e in form.errors.items() if k in form.fields),
        )
    return redirect(reverse("unconventional_water:links"))
