"""Pages of the window clerks and supervisors: the cases of their department (search, filters, paging, Excel),
what needs action, the verification queue, and the daily overdue sweep (a background job)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.jobs.views import start_from_request

from ..jobs import SWEEP_JOB
from ..models import Application, Status, SweepRun
from ..services import queue
from ..services.sweep import ATTENTION
from .common import CLERKS, STAFF, page_of, query_without_page, staff_departments, xlsx


def _cases(request: HttpRequest) -> tuple[QuerySet[Application], dict[str, str]]:
    user: Any = request.user
    qs = Application.objects.select_related("item", "department", "jurisdiction")
    depts = staff_departments(user)
    if depts is not None:
        qs = qs.filter(department_id__in=depts)
    f = {k: request.GET.get(k, "").strip()[:50] for k in ("q", "status", "route", "item", "attention")}
    if f["q"]:
        qs = qs.filter(
            Q(applicant_name__contains=f["q"])
            | Q(applicant_uscc=f["q"].upper())
            | Q(reference=f["q"].upper())
        )
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["route"]:
        qs = qs.filter(route=f["route"])
    if f["item"]:
        qs = qs.filter(item_code=f["item"])
    if f["attention"]:
        qs = qs.filter(attention=f["attention"]) if f["attention"] != "any" else qs.exclude(attention="")
    return qs.order_by("-filed_on", "-id"), f


@view_requires(*STAFF, department=scopes.LICENSING)
def cases(request: HttpRequest) -> HttpResponse:
    qs, f = _cases(request)
    items = sorted(set(Application.objects.values_list("item_code", flat=True)))
    return render(
        request,
        "licensing/staff_cases.html",
        {
            "page": page_of(request, qs),
            "query": query_without_page(request),
            "f": f,
            "statuses": Status.choices,
            "items": items,
            "attention": ATTENTION,
        },
    )


@view_requires(*STAFF, department=scopes.LICENSING)
def cases_export(request: HttpRequest) -> HttpResponse:
    qs, _ = _cases(request)
    header = [
        "申请编号",
        "申请人",
        "统一社会信用代码",
        "事项编号",
        "事项",
        "办理方式",
        "审批部门",
        "辖区",
        "申请日期",
        "收到承诺书日期",
        "决定日期",
        "当场决定",
        "状态",
        "待处理事项",
    ]
    rows = (
        [
            a.reference,
            a.applicant_name,
            a.applicant_uscc,
            a.item_code,
            a.item.matter,
            a.get_route_display(),
            a.department.name,
            a.jurisdiction.name if a.jurisdiction else "",
            a.filed_on,
            a.received_on,
            a.decided_on,
            {True: "是", False: "否", None: ""}[a.on_the_spot],
            a.get_status_display(),
            ATTENTION.get(a.attention, ""),
        ]
        for a in qs[:50_000]
    )
    return xlsx("许可案件", header, rows, f"licensing-cases-{clock.today().isoformat()}.xlsx")


@view_requires(*STAFF, department=scopes.LICENSING)
def staff_queue(request: HttpRequest) -> HttpResponse:
    """What needs a clerk, by the last overdue sweep (rectification and revocation are the clerk's decision)."""
    user: Any = request.user
    qs = Application.objects.exclude(attention="").select_related("item", "department")
    depts = staff_departments(user)
    if depts is not None:
        qs = qs.filter(department_id__in=depts)
    code = request.GET.get("attention", "")
    if code in ATTENTION:
        qs = qs.filter(attention=code)
    counts = {k: qs.filter(attention=k).count() for k in ATTENTION}
    return render(
        request,
        "licensing/staff_queue.html",
        {
            "page": page_of(request, qs.order_by("attention_since", "id")),
            "query": query_without_page(request),
            "attention": ATTENTION,
            "counts": counts,
            "code": code,
            "last": SweepRun.objects.first(),
        },
    )


@view_requires(*STAFF, department=scopes.LICENSING)
def verification(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rows = queue.for_user(request.user, today)
    item = request.GET.get("item", "")
    if item:
        rows = [r for r in rows if r.app.item_code == item]
    if request.GET.get("format") == "xlsx":
        header = [
            "顺序",
            "申请编号",
            "申请人",
            "统一社会信用代码",
            "事项",
            "决定日期",
            "核查期限",
            "优先级",
            "理由",
        ]
        return xlsx(
            "核查队列",
            header,
            (
                [
                    n,
                    r.app.reference,
                    r.app.applicant_name,
                    r.app.applicant_uscc,
                    r.app.item.matter,
                    r.app.decided_on,
                    r.app.verification_due,
                    {1: "必查", 2: "优先", 3: "一般"}[r.tier],
                    r.reasons,
                ]
                for n, r in enumerate(rows, 1)
            ),
            f"verification-queue-{today.isoformat()}.xlsx",
        )
    return render(
        request,
        "licensing/verification.html",
        {
            "page": page_of(request, rows, 50),
            "query": query_without_page(request),
            "item": item,
            "today": today,
            "tiers": {1: "必查", 2: "优先", 3: "一般"},
        },
    )


@view_requires(*STAFF, department=scopes.LICENSING)
def sweep(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        started = start_from_request(request, SWEEP_JOB, params={"on": request.POST.get("on", "")})
        if started is not None:
            return started
    return render(
        request,
        "licensing/sweep.html",
        {
            "runs": SweepRun.objects.all()[:20],
            "today": clock.today(),
            "may_start": getattr(request.user, "role", "") in CLERKS,
            "attention": ATTENTION,
        },
    )
