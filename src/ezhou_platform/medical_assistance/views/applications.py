"""医疗保障局's pages of applications (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助): the list, receiving
one, deciding it (each decision a step of the case, with its article), and an application's own page with its
progress, timeline and 决定书."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_rules.core import ids
from ezhou_rules.core.money import format_yuan

from .. import services
from ..models import Application, Person, Settlement
from ..models.applications import KIND_CITES
from .common import DEPARTMENT, INCOME, STAFF, anchor, case_panel, examples, may_write, page_of, parse_date


@view_requires(*STAFF, department=DEPARTMENT)
def applications(request: HttpRequest) -> HttpResponse:
    """Applications (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助): receive one, approve or refuse with a
    reason; every step goes through the services (state machine, audit). Approving tilted aid pays the year's
    costs already incurred, and the message says how much."""
    can_decide = may_write(request)
    posted: Any = {}
    if request.method == "POST":
        if not can_decide:
            return HttpResponse("审计员只读。", status=403)
        decision = request.POST.get("decision")
        if decision == "submit":
            posted = request.POST
            if _submit_application(request):
                return redirect(request.get_full_path())
        else:
            app = get_object_or_404(Application, pk=request.POST.get("application") or 0)
            _decide(request, app, decision or "")
            return redirect(request.get_full_path())
    state = request.GET.get("state") or Application.State.SUBMITTED
    qs = Application.objects.select_related("person", "decided_by").order_by("submitted_on", "id")
    if state in Application.State.values:
        qs = qs.filter(state=state)
    page = page_of(request, qs)
    today = clock.today()
    return render(
        request,
        "medical_assistance/applications.html",
        {
            "page": page,
            "state": state,
            "states": Application.State.choices,
            "kinds": Application.Kind.choices,
            "can_decide": can_decide,
            "query": urlencode({"state": state}),
            "posted": posted,
            "default_year": str(today.year),
            "today_iso": today.isoformat(),
            "example_values": examples(INCOME),
            "kind_anchors": {k: anchor(c) for k, c in KIND_CITES.items()},
        },
    )


def _submit_application(request: HttpRequest) -> bool:
    """Receive an application from the form; errors (by field label, once) stay on the page with what was
    typed."""
    post = request.POST
    errors: list[str] = []
    person = None
    try:
        number = ids.validate_resident_id(post.get("resident_id") or "")
    except ids.InvalidIdentifier as exc:
        errors.append(f"“公民身份号码”无效：{exc}")
    else:
        person = Person.objects.filter(resident_id=number).first()
        if person is None:
            errors.append("该公民身份号码尚未登记为参保人员：请先在“救助身份”中登记。")
    kind = post.get("kind") or ""
    if kind not in Application.Kind.values:
        errors.append("请选择申请“类型”。")
    year_text = (post.get("year") or "").strip()
    if not year_text.isdigit():
        errors.append("“救助年度”应为年份，如 2024。")
    submitted_on = parse_date(post.get("submitted_on"), "申请日期", errors)
    recognised_on = None
    if (post.get("recognised_on") or "").strip():
        recognised_on = parse_date(post.get("recognised_on"), "身份确定日期", errors)
    if not errors and person is not None and submitted_on is not None:
        try:
            app = services.submit_application(
                person,
                kind=kind,
                year=int(year_text),
                submitted_on=submitted_on,
                recognised_on=recognised_on,
                note=(post.get("note") or "").strip(),
                acting_user=request.user,
            )
        except services.ApiError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"已受理：{app.person} {app.get_kind_display()}（{app.year}年度）。")
            return True
    for e in errors:
        messages.error(request, e)
    return False


def _decide(request: HttpRequest, app: Application, decision: str) -> None:
    """批准 / 不予批准 / 撤回 from a page: the step of the application's kind; the message says what it paid."""
    reason = (request.POST.get("reason") or "").strip()
    try:
        if decision == "approve":
            before = Settlement.objects.filter(kind=Settlement.Kind.ADJUST, person=app.person).count()
            services.approve_application(app, acting_user=request.user, day=clock.today(), reason=reason)
            paid = Settlement.objects.filter(kind=Settlement.Kind.ADJUST, person=app.person).order_by("id")[
                before:
            ]
            extra = sum(s.tilted_aid for s in paid)
            messages.success(
                request,
                f"已批准：{app.person} {app.get_kind_display()}。"
                + (f"补发本年度已发生费用的倾斜救助{format_yuan(extra)}。" if extra else ""),
            )
        elif decision == "reject":
            services.reject_application(app, acting_user=request.user, day=clock.today(), reason=reason)
            messages.success(request, f"已不予批准：{app.person} {app.get_kind_display()}。")
        elif decision == "withdraw":
            services.withdraw_application(app, acting_user=request.user, day=clock.today())
            messages.success(request, f"已登记撤回：{app.person} {app.get_kind_display()}。")
        else:
            messages.error(request, "请选择“批准”“不予批准”或“撤回”。")
    except services.ApiError as exc:
        messages.error(request, exc.message)


@view_requires(*STAFF, department=DEPARTMENT)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: its progress, the decisions the user may take (each with its article), the timeline
    and the numbered 决定书."""
    app = get_object_or_404(Application.objects.select_related("person", "decided_by"), pk=pk)
    if request.method == "POST":
        if not may_write(request):
            return HttpResponse("审计员只读。", status=403)
        _decide(request, app, request.POST.get("decision") or "")
        return redirect(reverse("medical_assistance:application", args=[app.pk]))
    panel = case_panel(app, request.user)
    # every kind's decisions are steps of the procedure; this application's are those of its kind
    mine = (f"approve_{app.kind}", f"reject_{app.kind}", "withdraw")
    decisions = {s["name"].split("_", 1)[0]: s for s in panel["steps"] if s["name"] in mine}
    claims = app.person.claims.filter(settle_date__year=app.year).order_by("settle_date", "id")
    return render(
        request,
        "medical_assistance/application.html",
        {"app": app, "decisions": decisions, "claims": claims, **panel},
    )
