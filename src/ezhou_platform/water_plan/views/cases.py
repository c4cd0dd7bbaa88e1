"""A page for each case of 计划用水管理 (plan request, coefficient case, adjustment, supplement, notice, appeal):
its record, progress, periods, timeline and documents, and for the clerk the form of each step open now, with
its article; the POST endpoints take the step through the services (the procedure layer). The notice and the
plan-change notice are also shown as issued (page and PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import views as procedure_views
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume

from .. import event_sources, forms, services
from ..models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    PlanChange,
    PlanRequest,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
)
from .common import CLERK, STAFF, back, case_context, pdf_response, run_step

WATER = "water"
UNIT_OR_STAFF = (Role.ENTERPRISE, *STAFF)

STEP_FORMS: dict[type, dict[str, Any]] = {
    AdjustmentRequest: {"verify": None, "approve": forms.ApproveAdjustmentForm, "refuse": forms.RefuseForm},
    SupplementRequest: {"approve": forms.ApproveSupplementForm, "refuse": forms.RefuseForm},
    # one form for both outcomes: the clerk chooses 成立 or 不成立
    Appeal: {"uphold": forms.AppealDecisionForm},
    SurchargeNotice: {
        "deliver": forms.StepDateForm,
        "pay": forms.StepDateForm,
        "remind": forms.ReminderForm,
        "credit_list": None,
    },
    CoefficientEvent: {"apply": None, "withdraw": forms.WithdrawForm},
    PlanRequest: {},
}


def _own(request: HttpRequest, uscc: str) -> None:
    """An enterprise sees only its own units' cases (404 otherwise, as if they did not exist)."""
    user: Any = request.user
    if user.role == Role.ENTERPRISE and uscc != user.enterprise_uscc:
        raise Http404


def _page(request: HttpRequest, template: str, record: Any, post_url: str, **extra: Any) -> HttpResponse:
    context = case_context(record, request.user, STEP_FORMS[type(record)], post_url)
    return render(request, template, {"record": record, **context, **extra})


# -- the record pages ------------------------------------------------------------------------------------------


@view_requires(*UNIT_OR_STAFF, department=WATER)
def adjustment_page(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(AdjustmentRequest.objects.select_related("plan__unit"), pk=pk)
    _own(request, req.plan.unit.uscc)
    return _page(
        request,
        "water_plan/case_adjustment.html",
        req,
        reverse("water_plan:decide_adjustment", args=[pk]),
        volume=format_volume(req.requested_m3x100),
        approved=format_volume(req.approved_m3x100) if req.approved_m3x100 is not None else "",
        evidence=req.evidence.all(),
    )


@view_requires(*UNIT_OR_STAFF, department=WATER)
def supplement_page(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(SupplementRequest.objects.select_related("plan__unit"), pk=pk)
    _own(request, req.plan.unit.uscc)
    volume = req.approved_m3x100 if req.approved_m3x100 is not None else req.computed_m3x100
    return _page(
        request,
        "water_plan/case_supplement.html",
        req,
        reverse("water_plan:decide_supplement", args=[pk]),
        type_label=SUPPLEMENT_TYPES.get(req.type, req.type),
        volume="待出具书面意见" if volume is None else format_volume(volume),
        needs_opinion=req.computed_m3x100 is None,
        reports=[(m, format_volume(m.volume_m3x100)) for m in req.construction_reports.all()],
        evidence=req.evidence.all(),
    )


@view_requires(*UNIT_OR_STAFF, department=WATER)
def appeal_page(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("notice__unit", "new_notice"), pk=pk)
    _own(request, appeal.notice.unit.uscc)
    claimed = appeal.claimed_actual_m3x100
    return _page(
        request,
        "water_plan/case_appeal.html",
        appeal,
        reverse("water_plan:decide_appeal", args=[pk]),
        claimed=format_volume(claimed) if claimed is not None else "",
        evidence=appeal.evidence.all(),
    )


@view_requires(*UNIT_OR_STAFF, department=WATER)
def coefficient_case_page(request: HttpRequest, pk: int) -> HttpResponse:
    ev = get_object_or_404(CoefficientEvent.objects.select_related("unit", "recorded_by"), pk=pk)
    _own(request, ev.unit.uscc)
    changes = PlanChange.objects.filter(kind=PlanChange.Kind.COEFFICIENT, source_id=ev.pk).select_related(
        "plan", "document"
    )
    return _page(
        request,
        "water_plan/case_coefficient.html",
        ev,
        reverse("water_plan:decide_coefficient", args=[pk]),
        changes=changes,
        sources=event_sources.sources_for([ev.pk]).get(ev.pk, []),
    )


@view_requires(*UNIT_OR_STAFF, department=WATER)
def plan_request_page(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(PlanRequest.objects.select_related("unit"), pk=pk)
    _own(request, req.unit.uscc)
    plan = req.unit.plans.filter(year=req.plan_year).first()
    return _page(
        request,
        "water_plan/case_plan_request.html",
        req,
        "",
        volume=format_volume(req.requested_m3x100),
        plan=plan,
    )


# -- the clerks' steps (POST with CSRF; each calls the service the API calls) -----------------------------------


@view_requires(*CLERK, department=WATER)
@require_POST
def decide_adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(AdjustmentRequest.objects.select_related("plan__unit"), pk=pk)
    action, today, user = request.POST.get("action", ""), clock.today(), request.user
    ok = f"调整申请#{req.pk}已办理。"
    if action == "verify":
        run_step(request, None, lambda: services.verify_adjustment(req, actor=user, on=today), ok)
    elif action == "approve":
        form = forms.ApproveAdjustmentForm(request.POST)
        run_step(
            request,
            form,
            lambda: services.approve_adjustment(
                req, form.cleaned_data["approved_volume"], actor=user, on=today
            ),
            ok,
        )
    elif action == "refuse":
        refuse = forms.RefuseForm(request.POST)
        run_step(
            request,
            refuse,
            lambda: services.refuse_adjustment(
                req, refuse.cleaned_data["refusal_case"], refuse.cleaned_data["reason"], actor=user, on=today
            ),
            ok,
        )
    else:
        _no_action(request, "核实、核准或不予调整")
    return back(request, req.get_absolute_url())


@view_requires(*CLERK, department=WATER)
@require_POST
def decide_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(SupplementRequest.objects.select_related("plan__unit"), pk=pk)
    action, today, user = request.POST.get("action", ""), clock.today(), request.user
    ok = f"突发用水增补申请#{req.pk}已办理。"
    if action == "approve":
        form = forms.ApproveSupplementForm(request.POST)
        run_step(
            request,
            form,
            lambda: services.approve_supplement(
                req,
                actor=user,
                on=today,
                approved_m3x100=form.cleaned_data["approved_volume"],
                opinion=form.cleaned_data["opinion"],
            ),
            ok,
        )
    elif action == "refuse":
        refuse = forms.RefuseForm(request.POST)
        run_step(
            request,
            refuse,
            lambda: services.refuse_supplement(
                req, refuse.cleaned_data["refusal_case"], refuse.cleaned_data["reason"], actor=user, on=today
            ),
            ok,
        )
    else:
        _no_action(request, "核准或不予增补")
    return back(request, req.get_absolute_url())


@view_requires(*CLERK, department=WATER)
@require_POST
def decide_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("notice__unit"), pk=pk)
    form = forms.AppealDecisionForm(request.POST)
    run_step(
        request,
        form,
        lambda: services.decide_appeal(
            appeal,
            form.cleaned_data["upheld"] == "yes",
            form.cleaned_data["decision"],
            actor=request.user,
            on=clock.today(),
            corrected_actual_m3x100=form.cleaned_data["corrected_actual"],
        ),
        f"异议#{appeal.pk}已处理。",
    )
    return back(request, appeal.get_absolute_url())


@view_requires(*CLERK, department=WATER)
@require_POST
def notice_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Record delivery or payment, issue a 征收催告单, list for the credit platform (第十五条、第十六条)."""
    notice = get_object_or_404(SurchargeNotice.objects.select_related("unit"), pk=pk)
    action, today, user = request.POST.get("action", ""), clock.today(), request.user
    ok = f"通知单{notice.number}已办理。"
    if action in ("deliver", "pay"):
        form = forms.StepDateForm(request.POST)
        do = services.deliver_notice if action == "deliver" else services.record_payment
        run_step(request, form, lambda: do(notice, form.cleaned_data["on"] or today, actor=user), ok)
    elif action == "remind":
        remind = forms.ReminderForm(request.POST)
        run_step(
            request,
            remind,
            lambda: services.issue_reminder(notice, today, remind.cleaned_data["pay_by"], actor=user),
            ok,
        )
    elif action == "credit_list":
        run_step(request, None, lambda: services.list_for_credit(notice, today, actor=user), ok)
    else:
        _no_action(request, "登记送达、登记缴费、下发催告单或纳入信用平台")
    return back(request, notice.get_absolute_url())


@view_requires(*CLERK, department=WATER)
@require_POST
def decide_coefficient(request: HttpRequest, pk: int) -> HttpResponse:
    ev = get_object_or_404(CoefficientEvent.objects.select_related("unit"), pk=pk)
    action, today, user = request.POST.get("action", ""), clock.today(), request.user
    if action == "apply":
        result: dict[str, Any] = {}

        def apply() -> None:
            result["changes"], result["not_applied"] = services.apply_coefficient_event(
                ev, actor=user, on=today
            )

        if run_step(request, None, apply, "增减系数情形已复核生效。"):
            for c in result["changes"]:
                messages.info(
                    request,
                    f"{c.plan.year}年度计划变更{format_volume(c.delta_m3x100)}立方米（{c.document.number}）。",
                )
            for year, why in result["not_applied"]:
                messages.info(request, f"{year}年度未变更：{why}")
    elif action == "withdraw":
        form = forms.WithdrawForm(request.POST)
        run_step(
            request,
            form,
            lambda: services.withdraw_coefficient_event(
                ev, form.cleaned_data["reason"], actor=user, on=today
            ),
            "增减系数情形记录已撤销。",
        )
    else:
        _no_action(request, "复核生效或撤销")
    return back(request, ev.get_absolute_url())


@view_requires(*CLERK, department=WATER)
@require_POST
def record_coefficient_event(request: HttpRequest, pk: int) -> HttpResponse:
    """附件1 三: a clerk records a case with its evidence; another person confirms it on the case's page."""
    unit = get_object_or_404(WaterUnit, pk=pk)
    form = forms.CoefficientEventForm(request.POST)
    created: dict[str, Any] = {}

    def record() -> None:
        created["ev"] = services.record_coefficient_event(
            unit,
            form.cleaned_data["kind"],
            form.cleaned_data["on"],
            form.cleaned_data["evidence"],
            actor=request.user,
            recorded_on=clock.today(),
            until=form.cleaned_data["until"],
        )

    if run_step(request, form, record, "已记录增减系数情形，须由记录人以外的人员复核生效（附件1 三）。"):
        return back(request, created["ev"].get_absolute_url())
    return back(request, reverse("water_plan:unit_detail", args=[unit.pk]))


def _no_action(request: HttpRequest, what: str) -> None:
    messages.error(request, f"办理事项：请选择{what}。")


# -- the notice and the plan-change notice as issued -------------------------------------------------------------


def _notice_for(request: HttpRequest, pk: int) -> SurchargeNotice:
    notice = get_object_or_404(
        SurchargeNotice.objects.select_related("unit", "supersedes", "document"), pk=pk
    )
    _own(request, notice.unit.uscc)
    return notice


@view_requires(*UNIT_OR_STAFF, department=WATER)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_for(request, pk)
    user: Any = request.user
    today = clock.today()
    enterprise = user.role == Role.ENTERPRISE
    return _page(
        request,
        "water_plan/notice.html",
        notice,
        reverse("water_plan:notice_action", args=[pk]),
        **services.notice_context(notice),
        reminders=notice.reminders.select_related("document").order_by("sequence"),
        appeals=notice.appeals.order_by("-pk"),
        may_acknowledge=enterprise and notice.state == "issued" and notice.received_on is None,
        may_appeal=enterprise
        and notice.state == "issued"
        and notice.appeal_due is not None
        and today <= notice.appeal_due
        and not notice.appeals.filter(state="received").exists(),
        appeal_form=forms.AppealFilingForm(),
    )


@view_requires(*UNIT_OR_STAFF, department=WATER)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_for(request, pk)
    if notice.document_id is not None:
        return procedure_views.document_pdf(request, notice.document_id)
    # a notice issued before issue 9: rendered from its record
    html = render_to_string("water_plan/notice_pdf.html", services.notice_context(notice), request=request)
    from ezhou_platform.procedures.documents import render_pdf

    return pdf_response(render_pdf(html), f"notice-{notice.pk}.pdf")


def _change_for(request: HttpRequest, pk: int) -> PlanChange:
    change = get_object_or_404(
        PlanChange.objects.select_related("plan__unit", "decided_by", "document"), pk=pk
    )
    _own(request, change.plan.unit.uscc)
    return change


@view_requires(*UNIT_OR_STAFF, department=WATER)
def change_notice(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_for(request, pk)
    return render(request, "water_plan/change_notice.html", services.change_context(change))


@view_requires(*UNIT_OR_STAFF, department=WATER)
def change_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_for(request, pk)
    if change.document_id is not None:
        return procedure_views.document_pdf(request, change.document_id)
    # a change without a numbered notice (before issue 9, or a 第十一条 cut): rendered from its record
    from ezhou_platform.procedures.documents import render_pdf

    html = render_to_string(
        "water_plan/change_notice_pdf.html", services.change_context(change), request=request
    )
    return pdf_response(render_pdf(html), f"plan-change-{change.pk}.pdf")
