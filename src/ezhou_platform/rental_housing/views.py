"""Pages of 保障性租赁住房: the public pages, the citizen portal, the operator/clerk lists and the deadline
board. Views validate input and call `services`; every write is there."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import periods
from ezhou_rules.core.ids import mask_name, mask_resident_id
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing.common import RentalHousingInputError, format_m2
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.housing import reappraisal_due
from ezhou_rules.rental_housing.sourcing import METHODS, construction_month, sourcing_plan

from . import selectors, services
from .models import (
    MATERIALS,
    Application,
    ApplicationStatus,
    Complaint,
    Contract,
    Finding,
    MaintenanceRequest,
    Objection,
    PlanBody,
    Project,
    TerminationReason,
    Unit,
    UnitStatus,
)

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def _yuan(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else ""


@public
def index(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.exclude(announced_on=None)
        .select_related("jurisdiction", "operator")
        .annotate(free=Count("units", filter=Q(units__status=UnitStatus.AVAILABLE, units__fitted_out=True)))
    )
    rows = []
    for p in projects:
        units = [
            {"u": u, "rent": _yuan(u.rent_fen), "fee": _yuan(u.property_fee_fen)}
            for u in p.units.filter(fitted_out=True).order_by("number")
        ]
        rows.append({"p": p, "units": units})
    return render(request, "rental_housing/index.html", {"projects": rows})


# -- eligibility calculator -----------------------------------------------------------------------------------
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EligibilityForm(forms.Form):
    """Bound to what was posted, so the values stay in the form whether the check computes or refuses."""

    application_date = forms.DateField(label="申请日期", initial=clock.today, widget=DATE)
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    full_civil_capacity = forms.BooleanField(label="具有完全民事行为能力", required=False, initial=True)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(
        label="辖区内已交付住房建筑面积（平方米，多套用逗号分隔）",
        required=False,
        help_text="已签订预售合同尚未交付的商品房不填（交付前视同无房）；辖区外住房不填。",
    )
    other_subsidised_housing = forms.BooleanField(label="在本市已享受其他保障性住房", required=False)


@public
def eligibility(request: HttpRequest) -> HttpResponse:
    form = EligibilityForm(request.POST or None)
    result = trace = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        areas = [a.strip() for a in d["home_areas"].replace("，", ",").split(",") if a.strip()]
        trace = Trace()
        try:
            result = check_applicant(
                application_date=d["application_date"],
                birth_date=d["birth_date"],
                full_civil_capacity=d["full_civil_capacity"],
                has_spouse=d["has_spouse"],
                minor_children=d["minor_children"],
                homes=parse_homes([{"area_m2": a} for a in areas]),
                other_subsidised_housing=d["other_subsidised_housing"],
                trace=trace,
            )
        except RentalHousingInputError as exc:
            field = "home_areas" if exc.field.startswith("homes") else exc.field
            form.add_error(field if field in form.fields else None, exc.message)
            result = None
    return render(
        request,
        "rental_housing/eligibility.html",
        {
            "form": form,
            "result": result,
            "steps": trace.to_list() if trace and result else [],
            "per_capita": format_m2(result.per_capita_centi_m2) if result else "",
        },
    )


@public
def publicity(request: HttpRequest) -> HttpResponse:
    qs = (
        Application.objects.filter(status=ApplicationStatus.PUBLICITY)
        .select_related("project")
        .order_by("publicity_end", "id")
    )
    rows = [
        {
            "project": a.project.name,
            "name": mask_name(a.name),
            "id": mask_resident_id(a.id_number),
            "start": a.publicity_start,
            "end": a.publicity_end,
        }
        for a in qs
    ]
    return render(request, "rental_housing/publicity.html", {"rows": rows})


# -- operator / housing staff ---------------------------------------------------------------------------------
@view_requires(*STAFF, department="housing")
def manage(request: HttpRequest) -> HttpResponse:
    qs = selectors.applications_for(request.user).select_related("project")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    project = request.GET.get("project", "")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(project__name__contains=q))
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if project.isdigit():
        qs = qs.filter(project_id=int(project))
    page = Paginator(qs.order_by("submitted_at", "id"), 20).get_page(request.GET.get("page"))
    rows = [{"a": a, "name": mask_name(a.name), "id": mask_resident_id(a.id_number)} for a in page]
    return render(
        request,
        "rental_housing/manage.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "status": status,
            "project": project,
            "statuses": ApplicationStatus.choices,
            "projects": selectors.projects_for(request.user),
        },
    )


@view_requires(*STAFF, department="housing")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(request.user).select_related("project"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.review_approve(app, acting_user=request.user)
            elif action == "reject":
                services.review_reject(app, acting_user=request.user, reason=request.POST.get("reason", ""))
            elif action == "objection":
                services.raise_objection(
                    app,
                    acting_user=request.user,
                    raised_by=request.POST.get("raised_by", ""),
                    content=request.POST.get("content", ""),
                )
            elif action == "decide":
                obj = get_object_or_404(Objection, pk=request.POST.get("objection"), application=app)
                services.decide_objection(
                    obj,
                    acting_user=request.user,
                    upheld=request.POST.get("upheld") == "1",
                    decision=request.POST.get("decision", ""),
                )
            elif action == "qualify":
                services.close_publicity(app, acting_user=request.user)
            elif action == "choose":
                r = services.choose_unit(app, acting_user=request.user)
                if r.allocation is None:
                    messages.info(request, f"房源不足，轮候第{r.queue_position}位。")
            elif action == "decline_offer":
                offer = services.open_offer(app)
                if offer is None:
                    raise ApiError("invalid_state", "没有待答复的轮候配租通知。", field="offer", status=409)
                services.answer_offer(offer, acting_user=request.user, accept=False)
            elif action in ("sign", "file", "renew", "terminate", "vacate"):
                _contract_action(request, app, action)
            else:
                messages.error(request, "未知操作。")
                return redirect("rental_housing:detail", pk=pk)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理。")
        return redirect("rental_housing:detail", pk=pk)
    pos = services.queue_position(app) if app.status == ApplicationStatus.QUALIFIED else None
    return render(
        request,
        "rental_housing/detail.html",
        {
            "a": app,
            "name": mask_name(app.name),
            "id": mask_resident_id(app.id_number),
            "materials": [(label, getattr(app, f)) for f, label, _ in MATERIALS],
            "objections": app.objections.all(),
            "pos": pos,
            "offer": services.open_offer(app),
            "alloc": app.allocations.filter(active=True).select_related("unit").first(),
            "contract": Contract.objects.filter(allocation__application=app).order_by("-id").first(),
            "sign_form": SignForm(),
            "terminate_form": TerminateForm(),
            "renew_form": RenewForm(),
            "vacate_form": VacateForm(),
            "can_write": getattr(request.user, "role", None) in (Role.CLERK, Role.DEPARTMENT_HEAD),
        },
    )


class SignForm(forms.Form):
    number = forms.CharField(label="合同编号", max_length=40)
    start_date = forms.DateField(label="起租日期")
    end_date = forms.DateField(label="到期日期")
    payment_period_months = forms.IntegerField(label="租金收取周期（月）", min_value=1)
    deposit_yuan = forms.DecimalField(label="押金（元）", min_value=0, decimal_places=2)
    originals_checked = forms.BooleanField(label="申请资料已与原件核对一致（第十八条）", required=False)


class TerminateForm(forms.Form):
    reason = forms.ChoiceField(label="终止原因", choices=TerminationReason.choices)
    terminated_on = forms.DateField(label="终止日期")
    move_out_months = forms.IntegerField(label="腾退搬迁期（月，最长3个月）", min_value=0, initial=3)
    record_text = forms.CharField(label="违规情况记录（第二十三条情形必填）", required=False)


class RenewForm(forms.Form):
    number = forms.CharField(label="新合同编号", max_length=40)
    end_date = forms.DateField(label="新合同到期日期")
    payment_period_months = forms.IntegerField(label="租金收取周期（月）", min_value=1)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(label="辖区内已交付住房面积（平方米，逗号分隔）", required=False)
    other_subsidised_housing = forms.BooleanField(label="已享受其他保障性住房", required=False)


class VacateForm(forms.Form):
    vacated_on = forms.DateField(label="腾退日期")
    market_rent_yuan = forms.DecimalField(label="市场月租金（元）", min_value=0, decimal_places=2)


def _fail(form: forms.Form) -> None:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    raise ApiError("invalid_input", f"{label}：{errors[0]}", field=field, status=422)


def _contract_action(request: HttpRequest, app: Application, action: str) -> None:
    alloc = app.allocations.filter(active=True).first()
    contract = Contract.objects.filter(allocation__application=app).order_by("-id").first()
    if action == "sign":
        form: forms.Form = SignForm(request.POST)
        if not form.is_valid():
            _fail(form)
        if alloc is None:
            raise ApiError("invalid_state", "申请人尚未选定房源。", field="allocation", status=409)
        d = form.cleaned_data
        services.sign_contract(
            alloc,
            acting_user=request.user,
            number=d["number"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            payment_period_months=d["payment_period_months"],
            deposit_fen=int(d["deposit_yuan"] * 100),
            originals_checked=d["originals_checked"],
        )
        return
    if contract is None:
        raise ApiError("invalid_state", "尚未签订合同。", field="contract", status=409)
    if action == "file":
        services.file_contract(contract, acting_user=request.user)
    elif action == "renew":
        form = RenewForm(request.POST)
        if not form.is_valid():
            _fail(form)
        d = form.cleaned_data
        areas = [a.strip() for a in d["home_areas"].replace("，", ",").split(",") if a.strip()]
        services.renew_contract(
            contract,
            acting_user=request.user,
            number=d["number"],
            end_date=d["end_date"],
            payment_period_months=d["payment_period_months"],
            has_spouse=d["has_spouse"],
            minor_children=d["minor_children"],
            homes=[{"area_m2": a} for a in areas],
            other_subsidised_housing=d["other_subsidised_housing"],
        )
    elif action == "terminate":
        form = TerminateForm(request.POST)
        if not form.is_valid():
            _fail(form)
        d = form.cleaned_data
        services.terminate_contract(
            contract,
            acting_user=request.user,
            reason=d["reason"],
            on=d["terminated_on"],
            record_text=d["record_text"],
            move_out_months=d["move_out_months"],
        )
    else:
        form = VacateForm(request.POST)
        if not form.is_valid():
            _fail(form)
        d = form.cleaned_data
        services.record_vacated(
            contract,
            acting_user=request.user,
            vacated_on=d["vacated_on"],
            market_rent_fen=int(d["market_rent_yuan"] * 100),
        )


@view_requires(*STAFF, department="housing")
def deadlines(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    apps = selectors.applications_for(request.user).select_related("project")
    items: list[dict[str, Any]] = []
    for a in apps.filter(status=ApplicationStatus.SUBMITTED):
        items.append(
            {
                "kind": "审核",
                "what": a,
                "due": a.review_deadline,
                "cite": "第十四条第（二）项 5个工作日内审核",
            }
        )
    for a in apps.filter(status=ApplicationStatus.PUBLICITY):
        pending = a.objections.filter(upheld__isnull=True).count()
        items.append(
            {
                "kind": "公示期满确认资格" + (f"（{pending}件异议待处理）" if pending else ""),
                "what": a,
                "due": a.publicity_end,
                "cite": "第十四条第（二）项 公示期5个工作日",
            }
        )
    for p in selectors.projects_for(request.user).exclude(rent_appraised_on=None):
        due = reappraisal_due(p.rent_appraised_on)
        items.append({"kind": "租金重新评估", "what": p, "due": due, "cite": "第十条 原则上3年评估一次"})
    for f in Finding.objects.filter(
        inspection__project__in=selectors.projects_for(request.user),
        rectified_on=None,
        rectify_by__isnull=False,
    ).select_related("inspection__project"):
        items.append(
            {
                "kind": f"整改：{f.get_category_display()}（{f.get_sanction_display()}）",
                "what": f.inspection.project,
                "due": f.rectify_by,
                "cite": "第二十八条 责令整改",
            }
        )
    # The stored periods say which dates are 暂定 (a year's holidays not entered yet).
    apps_listed = [i["what"] for i in items if isinstance(i["what"], Application)]
    review_p = periods.periods_of(apps_listed, "review_deadline")
    publicity_p = periods.periods_of(apps_listed, "publicity_end")
    for item in items:
        item["overdue"] = item["due"] < today
        item["today"] = item["due"] == today
        obj = item["what"]
        stored = (
            (review_p if item["kind"] == "审核" else publicity_p).get(obj.pk)
            if isinstance(obj, Application)
            else None
        )
        item["provisional_reason"] = stored.reason if stored is not None and stored.provisional else ""
    items.sort(key=lambda i: i["due"])
    return render(request, "rental_housing/deadlines.html", {"items": items, "today": today})


@view_requires(*STAFF, department="housing")
def plan(request: HttpRequest) -> HttpResponse:
    """The sourcing plan of 鄂州政办发〔2022〕19号 (一, 四, 附件) against recognised units: every target and date
    is a cited parameter (`sourcing.sourcing_plan()`), shown with its citation."""
    sp = sourcing_plan()
    today = clock.today()
    counts = dict(
        Unit.objects.values_list("project__plan_body")
        .annotate(n=Count("id"))
        .values_list("project__plan_body", "n")
    )
    bodies = [
        {
            "label": b.label,
            "citation": b.citation,
            "target": b.total,
            "cells": [b.by_method[key] for key, _ in METHODS],
            "done": counts.get(b.key, 0),
            "pct": min(100, round(100 * counts.get(b.key, 0) / b.total)),
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
        },
    )


def _list_page(request: HttpRequest, qs: Any, statuses: Any, search: tuple[str, ...]) -> dict[str, Any]:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    project = request.GET.get("project", "")
    if q:
        cond = Q()
        for f in search:
            cond |= Q(**{f"{f}__contains": q})
        qs = qs.filter(cond)
    if status in statuses.values:
        qs = qs.filter(status=status)
    return {
        "page": Paginator(qs, 20).get_page(request.GET.get("page")),
        "q": q,
        "status": status,
        "project": project,
        "statuses": statuses.choices,
        "projects": selectors.projects_for(request.user),
        "can_write": getattr(request.user, "role", None) in (Role.CLERK, Role.DEPARTMENT_HEAD),
    }


@view_requires(*STAFF, department="housing")
def maintenance_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.maintenance_for(request.user).select_related("contract__allocation__unit__project")
    project = request.GET.get("project", "")
    if project.isdigit():
        qs = qs.filter(contract__allocation__unit__project_id=int(project))
    ctx = _list_page(
        request,
        qs.order_by("-reported_on", "-id"),
        MaintenanceRequest.Status,
        ("description", "contract__number", "contract__allocation__unit__number"),
    )
    return render(request, "rental_housing/maintenance.html", ctx)


@view_requires(*STAFF, department="housing")
def complaint_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.complaints_for(request.user).select_related("project")
    project = request.GET.get("project", "")
    if project.isdigit():
        qs = qs.filter(project_id=int(project))
    ctx = _list_page(request, qs.order_by("-received_on", "-id"), Complaint.Status, ("content", "reply"))
    for c in ctx["page"]:
        c.masked_name = mask_name(c.complainant) if c.complainant else "匿名"
    return render(request, "rental_housing/complaints.html", ctx)


@view_requires(*STAFF, department="housing")
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


@view_requires(*STAFF, department="housing")
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
