"""The unit's own pages (an enterprise account acts for the units registered under its USCC): its plans with the
chart of its use, its requests and notices each with its progress and documents, and the forms to file an
adjustment (第十条) or an emergency supplement (第十二条, 附件2) with their proof, request next year's plan
(第六条), acknowledge a notice (签收) and object to it (第十五条), report construction water (附件2 （三））."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures import workspace as ws
from ezhou_rules.core.dates import cn_date
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume, parse_volume

from .. import forms, services
from ..models import (
    AdjustmentRequest,
    Appeal,
    EvidenceFile,
    PlanRequest,
    QuotaEntry,
    SupplementRequest,
    SurchargeNotice,
    YearlyPlan,
)
from .common import error_text
from .units import decorate_notices, plan_rows, supplement_rows

ENTERPRISE = Role.ENTERPRISE


def _cases(records: list[Any]) -> list[dict[str, Any]]:
    """Each request with its case's progress (done, current, next) and the documents issued in it."""
    out = []
    for record in records:
        case = engine.case_of(record)
        out.append(
            {
                "record": record,
                "case": case,
                "progress": ws.progress(case) if case else None,
                "documents": list(case.documents.order_by("issued_at")) if case else [],
            }
        )
    return out


@view_requires(ENTERPRISE)
def my_plans(request: HttpRequest) -> HttpResponse:
    units = services.units_for(request.user)
    plans = (
        YearlyPlan.objects.filter(unit__in=units).select_related("unit").prefetch_related("changes__document")
    )
    plans = plans.order_by("-year")
    today = clock.today()
    supplements = (
        SupplementRequest.objects.filter(plan__unit__in=units)
        .select_related("plan__unit")
        .prefetch_related("construction_reports")
        .order_by("-pk")
    )
    return render(
        request,
        "water_plan/my_plans.html",
        {
            "units": units,
            "plans": plan_rows(plans),
            # a supplement is filed for the year's plan, until 31 December (第十二条)
            "open_plans": [p for p in plans if p.year == today.year],
            "supplements": supplement_rows(supplements),
            "requests": _cases(
                [
                    *AdjustmentRequest.objects.filter(plan__unit__in=units)
                    .select_related("plan__unit")
                    .order_by("-pk"),
                    *supplements,
                    *PlanRequest.objects.filter(unit__in=units).select_related("unit").order_by("-pk"),
                    *Appeal.objects.filter(notice__unit__in=units)
                    .select_related("notice__unit")
                    .order_by("-pk"),
                ]
            ),
            "quota_entries": QuotaEntry.objects.order_by("indicator", "unit", "-valid_from"),
            "notices": decorate_notices(
                SurchargeNotice.objects.filter(unit__in=units)
                .select_related("unit")
                .order_by("-year", "-version")
            ),
            "evidence": EvidenceFile.objects.filter(unit__in=units).order_by("-pk"),
            "free_supplement_evidence": EvidenceFile.objects.filter(
                unit__in=units,
                kind=EvidenceFile.Kind.SUPPLEMENT,
                adjustment__isnull=True,
                supplement__isnull=True,
                appeal__isnull=True,
            ).order_by("-pk"),
            "evidence_kinds": EvidenceFile.Kind.choices,
            "max_mb": services.EVIDENCE_MAX_BYTES // 1048576,
            "today": today,
        },
    )


def _store(request: HttpRequest, unit: Any, kind: str, upload: Any, stored: list[EvidenceFile]) -> None:
    """Keep one uploaded 证明材料 (checked by content and size); ``stored`` collects it for clean-up."""
    if upload.size and upload.size > services.EVIDENCE_MAX_BYTES:
        raise WaterPlanError(
            "evidence_too_large",
            f"文件：超过{services.EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
            field="file",
        )
    stored.append(services.store_evidence(unit, kind, upload.name or "", upload.read(), actor=request.user))


def _forget(stored: list[EvidenceFile]) -> None:
    """Files written for a filing that was refused: their rows rolled back, the files go too."""
    for ev in stored:
        ev.file.delete(save=False)


@view_requires(ENTERPRISE)
def file_adjustment(request: HttpRequest) -> HttpResponse:
    """第十条: the unit asks to raise this year's plan, by the end of the month after its issue, with the
    application form and the proof of the change and of the water-balance test (uploaded here)."""
    units = services.units_for(request.user)
    today = clock.today()
    plans = [
        p
        for p in YearlyPlan.objects.filter(unit__in=units)
        .select_related("unit")
        .order_by("-year", "unit__name")
        if p.year >= today.year - 1
    ]
    choices = [
        (p.pk, f"{p.unit.name} · {p.year}年度（现行计划{format_volume(p.effective_m3x100)}立方米）")
        for p in plans
    ]
    form = forms.AdjustmentFilingForm(request.POST or None, request.FILES or None, plans=choices)
    if request.method == "POST" and form.is_valid():
        plan = next(p for p in plans if p.pk == form.cleaned_data["plan"])
        stored: list[EvidenceFile] = []
        try:
            with transaction.atomic():
                for name, kind in form.FILES:
                    if form.cleaned_data.get(name):
                        _store(request, plan.unit, kind, form.cleaned_data[name], stored)
                req = services.file_adjustment(
                    plan,
                    today,
                    form.cleaned_data["requested_volume"],
                    form.cleaned_data["reason"],
                    actor=request.user,
                    has_form=False,
                    has_change_evidence=False,
                    has_balance_test=False,
                    evidence=stored,
                )
        except WaterPlanError as exc:
            _forget(stored)
            form.add_error(None, error_text(exc))
        else:
            messages.success(
                request,
                f"已提出调整申请#{req.pk}：市水利和湖泊局于{cn_date(req.verify_due)}前核实，"
                f"{cn_date(req.notify_due)}前核准并告知（第十条）。",
            )
            return redirect(req.get_absolute_url())
    return render(request, "water_plan/file_adjustment.html", {"form": form, "plans": plans, "today": today})


@view_requires(ENTERPRISE)
def file_supplement(request: HttpRequest) -> HttpResponse:
    """第十二条: an emergency (one of the eight types of 附件2, or another, 附件2 注), within 3 working days of the
    event and by 31 December, with its proof. The type is chosen first; its fields are those of 附件2."""
    units = services.units_for(request.user)
    today = clock.today()
    plans = list(
        YearlyPlan.objects.filter(unit__in=units, year=today.year)
        .select_related("unit")
        .order_by("unit__name")
    )
    type_ = request.GET.get("type") or request.POST.get("type") or ""
    plan_id = request.GET.get("plan") or request.POST.get("plan") or ""
    plan = next((p for p in plans if str(p.pk) == plan_id), plans[0] if len(plans) == 1 else None)
    form = None
    if type_ in SUPPLEMENT_TYPES and plan is not None:
        form_class = forms.supplement_form_class(type_)
        form = form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            stored: list[EvidenceFile] = []
            try:
                with transaction.atomic():
                    for upload in request.FILES.getlist("evidence_files"):
                        _store(request, plan.unit, EvidenceFile.Kind.SUPPLEMENT, upload, stored)
                    req = services.file_supplement(
                        plan,
                        type_,
                        form.cleaned_data["event_on"],
                        today,
                        forms.supplement_inputs(form),
                        actor=request.user,
                        evidence=stored,
                    )
            except WaterPlanError as exc:
                _forget(stored)
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    f"已提出突发用水增补申请#{req.pk}（{SUPPLEMENT_TYPES[type_]}），审核期限{cn_date(req.review_due)}（第十二条）。",
                )
                return redirect(req.get_absolute_url())
    return render(
        request,
        "water_plan/file_supplement.html",
        {
            "form": form,
            "plans": plans,
            "plan": plan,
            "type": type_,
            "types": SUPPLEMENT_TYPES.items(),
            "type_label": SUPPLEMENT_TYPES.get(type_, ""),
            "today": today,
        },
    )


@view_requires(ENTERPRISE)
def file_plan_request(request: HttpRequest) -> HttpResponse:
    """第六条: next year's plan is requested by 31 December (a new unit: within 30 days before it uses water)."""
    units = list(services.units_for(request.user))
    today = clock.today()
    form = forms.PlanRequestForm(
        request.POST or None, units=[(u.pk, u.name) for u in units], years=[today.year + 1, today.year]
    )
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        try:
            req = services.file_plan_request(
                unit,
                form.cleaned_data["plan_year"],
                form.cleaned_data["requested_volume"],
                today,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except WaterPlanError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, f"已提出{req.plan_year}年度用水计划申请。")
            return redirect(req.get_absolute_url())
    return render(request, "water_plan/file_plan_request.html", {"form": form, "today": today})


@view_requires(ENTERPRISE)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """签收: the unit received the notice today; its periods to pay and to object start (第十五条、第十六条)."""
    notice = get_object_or_404(
        SurchargeNotice.objects.filter(unit__in=services.units_for(request.user)), pk=pk
    )
    try:
        services.deliver_notice(notice, clock.today(), actor=request.user)
    except WaterPlanError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"已签收通知单{notice.number}：请于{cn_date(notice.payment_due)}前缴费；对水量、金额有异议的，"
            f"请于{cn_date(notice.appeal_due)}前提出（第十五条、第十六条）。",
        )
    return redirect(notice.get_absolute_url())


@view_requires(ENTERPRISE)
@require_POST
def file_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """异议 (第十五条) against a notice the unit has received, with optional proof."""
    notice = get_object_or_404(
        SurchargeNotice.objects.filter(unit__in=services.units_for(request.user)).select_related("unit"),
        pk=pk,
    )
    form = forms.AppealFilingForm(request.POST, request.FILES)
    if not form.is_valid():
        for text in forms.errors_text(form):
            messages.error(request, text)
        return redirect(notice.get_absolute_url())
    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            if form.cleaned_data.get("evidence_file"):
                _store(
                    request, notice.unit, EvidenceFile.Kind.APPEAL, form.cleaned_data["evidence_file"], stored
                )
            appeal = services.file_appeal(
                notice,
                clock.today(),
                form.cleaned_data["reason"],
                actor=request.user,
                claimed_actual_m3x100=form.cleaned_data["claimed_actual_volume"],
                evidence=stored,
            )
    except WaterPlanError as exc:
        _forget(stored)
        messages.error(request, error_text(exc))
        return redirect(notice.get_absolute_url())
    messages.success(
        request, f"已提出异议，市水利和湖泊局于{cn_date(appeal.decision_due)}前核实处理（第十五条）。"
    )
    return redirect(appeal.get_absolute_url())


@view_requires(Role.ENTERPRISE)
@require_POST
def upload_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise user uploads a 证明材料 for one of its own units (checked and audited by the service)."""
    unit = get_object_or_404(services.units_for(request.user), pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise WaterPlanError("evidence_empty", "文件：请选择要上传的文件。", field="file")
        if upload.size and upload.size > services.EVIDENCE_MAX_BYTES:
            raise WaterPlanError(
                "evidence_too_large",
                f"文件超过{services.EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
                field="file",
            )
        ev = services.store_evidence(
            unit, request.POST.get("kind", ""), upload.name or "", upload.read(), actor=request.user
        )
    except WaterPlanError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已上传证明材料，编号{ev.pk}。")
    return redirect("water_plan:my_plans")


@view_requires(Role.ENTERPRISE)
@require_POST
def file_other_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 注: an "other" emergency filed by the unit — by quota where the named indicator has one, otherwise
    the department sets the volume by its written opinion."""
    plan = get_object_or_404(YearlyPlan.objects.filter(unit__in=services.units_for(request.user)), pk=pk)
    post = request.POST
    quota = post.get("quota", "")
    indicator, _, quota_unit = quota.partition("|")
    inputs: dict[str, Any] = {"description": post.get("description", "").strip()}
    for name, value in (
        ("indicator", indicator),
        ("quota_unit", quota_unit),
        ("quantity", post.get("quantity", "").strip()),
        ("requested_volume", post.get("requested_volume", "").strip()),
    ):
        if value:
            inputs[name] = value
    try:
        ids = [int(x) for x in post.getlist("evidence_ids") if x.isdigit()]
        evidence = list(
            EvidenceFile.objects.filter(pk__in=ids, unit__in=services.units_for(request.user)).select_related(
                "unit"
            )
        )
        req = services.file_supplement(
            plan,
            "other",
            _form_date(request, "event_on"),
            clock.today(),
            inputs,
            actor=request.user,
            evidence=evidence,
        )
    except WaterPlanError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"已提出突发用水增补申请#{req.pk}（其他突发用水情况），审核期限{cn_date(req.review_due)}（第十二条）。",
        )
    return redirect("water_plan:my_plans")


@view_requires(Role.ENTERPRISE)
@require_POST
def report_construction(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 （三）: the unit reports a month's construction-meter volume through the platform."""
    req = get_object_or_404(
        SupplementRequest.objects.filter(plan__unit__in=services.units_for(request.user)).select_related(
            "plan"
        ),
        pk=pk,
    )
    try:
        raw = request.POST.get("month", "").strip()
        try:
            month = dt.date.fromisoformat(raw + "-01")
        except ValueError:
            raise WaterPlanError(
                "month_format", f"月份：“{raw}”不是月份，请按“年-月”填写（如2026-05）。", field="month"
            ) from None
        volume = parse_volume(request.POST.get("volume", ""), field="volume")
        report = services.report_construction_month(req, month, volume, clock.today(), actor=request.user)
    except WaterPlanError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"已上报{report.month.year}年{report.month.month}月基建水表用水量{format_volume(report.volume_m3x100)}"
            f"立方米（{'按期' if report.on_time else '逾期，原则上不予认可'}）。",
        )
    return redirect("water_plan:my_plans")


def _form_date(request: HttpRequest, name: str, *, default: Any = None) -> Any:
    raw = request.POST.get(name, "").strip()
    if not raw:
        if default is not None:
            return default
        raise WaterPlanError("date_missing", with_label(name, "请填写日期（年-月-日）。"), field=name)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise WaterPlanError(
            "date_format", with_label(name, f"“{raw}”不是日期，请按“年-月-日”填写。"), field=name
        ) from None
