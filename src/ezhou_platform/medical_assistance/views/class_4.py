"""民政局's pages of 因病致贫重病患者认定 (第四条第六款、第七款): the list, receiving an application, the property
check and the decision (steps of the case, each with its article and, for the decisions, the numbered 认定决定书),
and an application's own page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core import ids
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan

from .. import services
from ..cites import CITE_CLASS_4, CITE_CLASS_4_VALIDITY, CIVIL_AFFAIRS
from ..models import Class4Recognition
from .common import (
    INCOME,
    anchor,
    case_panel,
    district_by_code,
    districts,
    examples,
    link_query,
    may_write,
    page_of,
    pii_search,
)

CIVIL_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


@pii_search
@view_requires(*CIVIL_STAFF, department=CIVIL_AFFAIRS)
def class_4_recognitions(request: HttpRequest) -> HttpResponse:
    """民政局: receive applications for recognition as 因病致贫重病患者, record the property check, decide."""
    can_decide = may_write(request)
    if request.method == "POST":
        if not can_decide:
            return HttpResponse("审计员只读。", status=403)
        post = request.POST
        action = post.get("action") or ""
        try:
            if action == "submit":
                _submit_class_4(request)
            else:
                rec = get_object_or_404(Class4Recognition, pk=post.get("recognition") or 0)
                _act(request, rec, action)
        except services.ApiError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    state = request.GET.get("state") or ""
    qs = Class4Recognition.objects.select_related("person", "person__jurisdiction").order_by(
        "-submitted_on", "-id"
    )
    if state in Class4Recognition.State.values:
        qs = qs.filter(state=state)
    q = (request.GET.get("q") or "").strip()
    if q:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(q))
        except ids.InvalidIdentifier:
            qs = qs.filter(person__name=q)
    page = page_of(request, qs)
    rows = [
        {
            "r": r,
            "self_pay": format_yuan(r.self_pay_12m),
            "threshold": format_yuan(r.threshold),
        }
        for r in page
    ]
    return render(
        request,
        "medical_assistance/class_4.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "q": q,
            "states": Class4Recognition.State.choices,
            "can_decide": can_decide,
            "districts": districts(clock.today()),
            "today": clock.today(),
            "query": link_query(request, {"state": state, "q": q}),
            "example_values": examples(INCOME),
            "anchors": {"class_4": anchor(CITE_CLASS_4), "validity": anchor(CITE_CLASS_4_VALIDITY)},
        },
    )


def _submit_class_4(request: HttpRequest) -> None:
    post = request.POST
    jurisdiction = district_by_code(post.get("district"), clock.today())
    if jurisdiction is None:
        raise services.ApiError("invalid_district", "请选择申请人所属区。", field="district")
    try:
        submitted_on = dt.date.fromisoformat(post.get("submitted_on") or "")
    except ValueError:
        raise services.ApiError(
            "invalid_date", "“申请日期”应为日期，如 2024-03-15。", field="submitted_on"
        ) from None
    try:
        self_pay = parse_yuan((post.get("self_pay_12m") or "").strip())
    except MoneyError as exc:
        raise services.ApiError(
            "invalid_amount", f"“申请前12个月累计自负医疗费用”：{exc}", field="self_pay_12m"
        ) from None
    with transaction.atomic():  # a refused application leaves no newly registered person behind
        person = services.register_person(
            resident_id=post.get("resident_id") or "",
            name=post.get("name") or "",
            jurisdiction=jurisdiction,
            acting_user=request.user,
        )
        rec = services.submit_class_4_recognition(
            person,
            submitted_on=submitted_on,
            self_pay_12m=self_pay,
            self_pay_evidence=post.get("self_pay_evidence") or "",
            acting_user=request.user,
        )
    verdict = "超过" if rec.self_pay_test_passed else "未超过"
    messages.success(
        request,
        f"已受理：申请前12个月累计自负{format_yuan(rec.self_pay_12m)}，{verdict}{rec.income_year}年居民人均可支配收入"
        f"（{format_yuan(rec.threshold)}）。请记录家庭财产审核结论。",
    )


def _act(request: HttpRequest, rec: Class4Recognition, action: str) -> None:
    """记录财产审核 / 认定 / 不予认定: a step of the recognition's case; refusals raise the service's ApiError."""
    post = request.POST
    reason = (post.get("reason") or "").strip()
    if action == "property":
        if post.get("passed") not in ("yes", "no"):
            raise services.ApiError("missing_decision", "请选择“家庭财产是否符合规定”。", field="passed")
        services.record_property_check(
            rec, passed=post.get("passed") == "yes", reason=reason, acting_user=request.user
        )
        messages.success(request, f"已记录家庭财产审核结论：{rec.person}。")
    elif action == "approve":
        rec = services.approve_class_4(rec, acting_user=request.user, day=clock.today(), reason=reason)
        messages.success(
            request, f"已认定{rec.person}为因病致贫重病患者，身份有效期至{cn_date(rec.valid_until)}。"
        )
    elif action == "reject":
        services.reject_class_4(rec, acting_user=request.user, day=clock.today(), reason=reason)
        messages.success(request, f"已不予认定：{rec.person}。")
    else:
        messages.error(request, "请选择办理事项。")


@view_requires(*CIVIL_STAFF, department=CIVIL_AFFAIRS)
def class_4_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: the test worked out at submission, the property check, the decision (with the
    article), its progress, timeline and the 认定决定书."""
    rec = get_object_or_404(Class4Recognition.objects.select_related("person", "identity"), pk=pk)
    if request.method == "POST":
        if not may_write(request):
            return HttpResponse("审计员只读。", status=403)
        try:
            _act(request, rec, request.POST.get("action") or "")
        except services.ApiError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("medical_assistance:class_4_detail", args=[rec.pk]))
    panel = case_panel(rec, request.user)
    return render(
        request,
        "medical_assistance/class_4_detail.html",
        {"rec": rec, "can_step": {s["name"]: s for s in panel["steps"]}, **panel},
    )
