"""鄂州政发〔2022〕15号's targets: the 十四五 counts with their recognitions, progression per school and year,
and the per-student funding floors per public school and year. The education department records; every
government reader sees the checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.permissions import WRITE, allowed, view_requires
from ezhou_rules.core.money import parse_yuan
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.vocational_education import targets
from ezhou_rules.supervision.vocational_education.progression import DENOMINATORS

from ..forms import FundingForm, FundingLineFormSet, ProgressionForm, RecognitionForm
from ..models import FundingReport, ProgressionReport, Recognition
from ..services import vocational as services
from .common import STAFF, WRITERS, add_error, day_param, plan_for, require_plan_department

SLUG = "vocational_education"


def _may_record(request: HttpRequest) -> bool:
    plan = plan_for(SLUG)
    return allowed(request.user, roles=WRITERS, department=plan.department.code, action=WRITE)


def _categories() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for t in targets():
        seen.setdefault(t.category, t.label)
    return list(seen.items())


@view_requires(*STAFF, department=scopes.SUPERVISION)
def targets_page(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    form = RecognitionForm(request.POST or None, categories=_categories())
    if request.method == "POST":
        require_plan_department(request, plan)
        if form.is_valid():
            c = form.cleaned_data
            try:
                holder = (
                    services.find_school(c["holder"], c["recognised_on"]) if c["holder"].strip() else None
                )
                supersedes = None
                if request.POST.get("supersedes"):
                    supersedes = get_object_or_404(Recognition, pk=request.POST["supersedes"])
                services.record_recognition(
                    category=c["category"],
                    name=c["name"],
                    level=c["level"],
                    holder=holder,
                    recognised_on=c["recognised_on"],
                    document_number=c["document_number"],
                    actor=request.user,
                    supersedes=supersedes,
                    reason=request.POST.get("reason", ""),
                )
            except SupervisionError as exc:
                add_error(form, exc)
            else:
                messages.success(request, f"已登记认定材料：{c['name']}。")
                return redirect("supervision:targets")
    statuses = services.target_statuses(on)
    recognitions = Recognition.objects.select_related("holder", "recorded_by").order_by(
        "-recognised_on", "-id"
    )
    return render(
        request,
        "supervision/targets.html",
        {
            "plan": plan,
            "on": on,
            "statuses": statuses,
            "recognitions": Paginator(recognitions, 30).get_page(request.GET.get("page")),
            "form": form,
            "may_record": _may_record(request),
        },
    )


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and 2021 <= int(raw) <= 2035 else None


@view_requires(*STAFF, department=scopes.SUPERVISION)
def progression(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    denominator = request.GET.get("denominator", "graduates")
    if denominator not in DENOMINATORS:
        denominator = "graduates"
    supersedes = None
    if request.GET.get("correct") or request.POST.get("supersedes"):
        supersedes = get_object_or_404(
            ProgressionReport, pk=request.GET.get("correct") or request.POST.get("supersedes")
        )
    initial: dict[str, Any] = {"year": clock.today().year - 1}
    if supersedes is not None:
        initial = {k: getattr(supersedes, k) for k in ("year", "graduates", "progressed", "to_bachelor")}
        initial["school"] = supersedes.school.name
    form = ProgressionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_plan_department(request, plan)
        if form.is_valid():
            c = form.cleaned_data
            try:
                school = services.find_school(c["school"], dt.date(c["year"], 12, 31))
                services.record_progression(
                    school=school,
                    year=c["year"],
                    graduates=c["graduates"],
                    progressed=c["progressed"],
                    to_bachelor=c["to_bachelor"],
                    actor=request.user,
                    supersedes=supersedes,
                    reason=c["reason"],
                )
            except SupervisionError as exc:
                add_error(form, exc)
            else:
                messages.success(request, f"已登记{school.name}{c['year']}年中职升学情况。")
                return redirect("supervision:progression")
    qs = ProgressionReport.objects.current().select_related("school").order_by("-year", "school__name")
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    error = ""
    try:
        rows = services.progression_results(list(qs[:500]), denominator=denominator)
    except SupervisionError as exc:
        rows, error = [], exc.message
    return render(
        request,
        "supervision/progression.html",
        {
            "plan": plan,
            "rows": rows,
            "error": error,
            "form": form,
            "supersedes": supersedes,
            "denominator": denominator,
            "denominators": DENOMINATORS,
            "year": year,
            "may_record": _may_record(request),
        },
    )


def _lines(formset: Any) -> list[services.LineInput]:
    out = []
    for f in formset.forms:
        c = f.cleaned_data if f.is_valid() else {}
        if not c or c.get("amount") is None:
            continue
        fen = parse_yuan(str(Decimal(c["amount"])))
        out.append(
            services.LineInput(
                c["kind"],
                c.get("label") or "",
                fen,
                bool(c.get("includes_tuition")),
                bool(c.get("includes_service_income")),
            )
        )
    return out


@view_requires(*STAFF, department=scopes.SUPERVISION)
def funding(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    supersedes = None
    if request.GET.get("correct") or request.POST.get("supersedes"):
        supersedes = get_object_or_404(
            FundingReport, pk=request.GET.get("correct") or request.POST.get("supersedes")
        )
    initial: dict[str, Any] = {"year": clock.today().year - 1, "ownership": "public"}
    line_initial: list[dict[str, Any]] = []
    if supersedes is not None:
        initial = {k: getattr(supersedes, k) for k in ("year", "school_kind", "ownership", "students")}
        initial["school"] = supersedes.school.name
        line_initial = [
            {"kind": ln.kind, "label": ln.label, "amount": Decimal(ln.amount_fen) / 100}
            for ln in supersedes.lines.all()
        ]
    form = FundingForm(request.POST or None, initial=initial)
    lines = FundingLineFormSet(request.POST or None, prefix="line", initial=line_initial or None)
    if request.method == "POST":
        require_plan_department(request, plan)
        if form.is_valid() and lines.is_valid():
            c = form.cleaned_data
            try:
                school = services.find_school(c["school"], dt.date(c["year"], 12, 31))
                services.record_funding(
                    school=school,
                    year=c["year"],
                    school_kind=c["school_kind"],
                    ownership=c["ownership"],
                    students=c["students"],
                    lines=_lines(lines),
                    actor=request.user,
                    supersedes=supersedes,
                    reason=c["reason"],
                )
            except SupervisionError as exc:
                add_error(form, exc)
            else:
                messages.success(request, f"已登记{school.name}{c['year']}年生均拨款情况。")
                return redirect("supervision:funding")
    qs = (
        FundingReport.objects.current()
        .select_related("school")
        .prefetch_related("lines")
        .order_by("-year", "school__name")
    )
    year = _year(request)
    if year:
        qs = qs.filter(year=year)
    error = ""
    try:
        results = services.funding_results(list(qs[:500]))
    except SupervisionError as exc:
        results, error = [], exc.message
    return render(
        request,
        "supervision/funding.html",
        {
            "plan": plan,
            "results": results,
            "error": error,
            "form": form,
            "lines": lines,
            "supersedes": supersedes,
            "year": year,
            "may_record": _may_record(request),
        },
    )
