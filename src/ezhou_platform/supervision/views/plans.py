"""Pages of the supervised plans: the index, a plan's board, the load report, the consistency report, the
rest-day switch, one item's state on any date, and a unit's own board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.models import Organisation
from ezhou_platform.common.permissions import WRITE, allowed, view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.views import start_from_request
from ezhou_rules.supervision.errors import SupervisionError

from ..jobs import LOAD_JOB
from ..models import Item, LoadRun, Plan, Report
from ..services import boards
from ..services.loading import platform_slugs, platform_spec
from ..services.reports import units_user_may_file_for
from ..services.tasklists import snapshot
from ..services.units import user_organisation
from .common import STAFF, WRITERS, d, day_param, plan_or_404, xlsx_response

LOADERS = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.ADMIN)


def _may_load(user: Any) -> bool:
    return allowed(user, roles=LOADERS, department="supervision_office", action=WRITE)


@view_requires(*STAFF, Role.ADMIN, department=scopes.SUPERVISION)
def index(request: HttpRequest) -> HttpResponse:
    on = clock.today()
    loaded = {p.slug: p for p in Plan.objects.select_related("department")}
    plans = []
    for slug in platform_slugs():
        plan = loaded.get(slug)
        counts: dict[str, int] = {}
        if plan is not None and plan.items.exists():
            for s in snapshot([plan]).states_on(on):
                counts[s.code] = counts.get(s.code, 0) + 1
        shown = [(code, label, counts[code]) for code, label in boards.STATE_CHOICES if counts.get(code)]
        plans.append({"slug": slug, "plan": plan, "counts": shown, "system": platform_spec(slug).system})
    own = user_organisation(request.user)
    return render(
        request,
        "supervision/index.html",
        {"plans": plans, "today": on, "own": own, "may_load": _may_load(request.user)},
    )


@view_requires(*WRITERS, department=scopes.SUPERVISION)
def my_board(request: HttpRequest) -> HttpResponse:
    own = user_organisation(request.user)
    if own is None:
        messages.info(request, "您所在的部门尚未对应单位名录中的单位，没有本单位的督办任务。")
        return redirect("supervision:index")
    return redirect("supervision:unit", own.pk)


@view_requires(*STAFF, department=scopes.SUPERVISION)
def unit_board(request: HttpRequest, org_id: int) -> HttpResponse:
    unit = get_object_or_404(Organisation, pk=org_id)
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    try:
        data = boards.unit_board(unit, on)
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:index")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request,
            f"{unit.name}督办事项",
            [
                "事项编号",
                "文件",
                "督办事项",
                "本单位角色",
                "状态",
                "完成时限",
                "完成日期",
                "最近报送",
                "出处",
            ],
            (
                [
                    r.board.item_id,
                    r.board.document,
                    r.board.label,
                    {"lead": "牵头", "responsible": "责任"}.get(r.board.role or "", ""),
                    r.board.state_label,
                    d(r.board.due),
                    d(r.board.completed_on),
                    d(r.board.last_report),
                    r.board.citation,
                ]
                for r in data.rows
            ),
            f"supervision-unit-{unit.pk}-{on.isoformat()}.xlsx",
        )
    own = user_organisation(request.user)
    counts = [
        (code, label, data.counts[code]) for code, label in boards.STATE_CHOICES if data.counts.get(code)
    ]
    return render(
        request,
        "supervision/unit_board.html",
        {"data": data, "on": on, "own": own is not None and own.pk == unit.pk, "counts": counts},
    )


def _plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = Plan.objects.select_related("department").filter(slug=slug).first()
    if plan is None:
        if slug not in platform_slugs():
            raise Http404("没有该督办方案。")
        return render(
            request, "supervision/not_loaded.html", {"slug": slug, "may_load": _may_load(request.user)}
        )
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    state = request.GET.get("state", "")
    unit = request.GET.get("unit", "")
    q = request.GET.get("q", "").strip()[:50]
    _, states, rows = boards.plan_board(plan, on, unit=unit or None, state=state or None, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request,
            f"{plan.document}督办看板",
            [
                "事项编号",
                "督办事项",
                "牵头单位",
                "责任单位",
                "状态",
                "完成时限",
                "完成日期",
                "最近报送",
                "出处",
                "说明",
            ],
            (
                [
                    r.board.item_id,
                    r.board.label,
                    "、".join(r.board.lead),
                    "、".join(r.board.responsible),
                    r.board.state_label,
                    d(r.board.due),
                    d(r.board.completed_on),
                    d(r.board.last_report),
                    r.board.citation,
                    r.board.explanation,
                ]
                for r in rows
            ),
            f"supervision-{plan.slug}-{on.isoformat()}.xlsx",
        )
    counts: dict[str, int] = {}
    for s in states:
        counts[s.code] = counts.get(s.code, 0) + 1
    units = Organisation.objects.filter(supervision_assignments__item__plan=plan).distinct().order_by("name")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    query = "&".join(
        f"{k}={v}" for k, v in (("date", on.isoformat()), ("state", state), ("unit", unit), ("q", q)) if v
    )
    return render(
        request,
        "supervision/plan.html",
        {
            "plan": plan,
            "on": on,
            "page": page,
            "counts": [
                (code, label, counts[code]) for code, label in boards.STATE_CHOICES if counts.get(code)
            ],
            "states": boards.STATE_CHOICES,
            "units": units,
            "f": {"state": state, "unit": unit, "q": q},
            "query": query,
            "load": plan.loads.first(),
        },
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    return _plan_page(request, slug)


@view_requires(*STAFF, department=scopes.SUPERVISION)
def vocational_education(request: HttpRequest) -> HttpResponse:
    return _plan_page(request, "vocational_education")


@view_requires(*STAFF, department=scopes.SUPERVISION)
def rural_delivery(request: HttpRequest) -> HttpResponse:
    return _plan_page(request, "rural_delivery")


@view_requires(*STAFF, Role.ADMIN, department=scopes.SUPERVISION)
def load(request: HttpRequest, slug: str) -> HttpResponse:
    """The load report (GET) and starting a load (POST: the job the CLI runs too)."""
    if slug not in platform_slugs():
        raise Http404("没有该督办方案。")
    if request.method == "POST":
        if not _may_load(request.user):
            raise PermissionDenied("载入督办任务由市政府督查室或系统管理员办理。")
        response = start_from_request(request, LOAD_JOB, params={"plan": slug})
        if response is not None:
            return response
    plan = Plan.objects.filter(slug=slug).first()
    run = LoadRun.objects.filter(plan=plan).select_related("actor").first() if plan else None
    return render(
        request,
        "supervision/load.html",
        {"slug": slug, "plan": plan, "run": run, "may_load": _may_load(request.user)},
    )


@view_requires(*STAFF, Role.ADMIN, department=scopes.SUPERVISION)
def consistency(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    run = plan.loads.first()
    report = run.consistency if run else {}
    kinds = {
        "unit_only_in_main": "正文列有、附件未列的单位",
        "unit_only_in_annex": "附件列有、正文未列的单位",
        "units_only_in_annex": "正文未写明单位",
        "figure_only_in_main": "只在正文出现的目标数字",
        "figure_only_in_annex": "只在附件出现的数字",
        "mention_without_task": "提到但不承担任务的单位",
    }
    groups: dict[str, list[dict[str, Any]]] = {}
    for diff in report.get("differences", []):
        groups.setdefault(diff["kind"], []).append(diff)
    return render(
        request,
        "supervision/consistency.html",
        {
            "plan": plan,
            "run": run,
            "groups": [(kinds.get(k, k), v) for k, v in groups.items()],
            "rows": report.get("rows", []),
            "notes": report.get("notes", []),
        },
    )


@require_POST
@view_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="supervision_office")
def switch(request: HttpRequest, slug: str) -> HttpResponse:
    from ..services.assignments import set_switch

    plan = plan_or_404(slug)
    roll = request.POST.get("roll_rest_days") == "on"
    counts = set_switch(plan, roll, actor=request.user)
    messages.success(
        request,
        f"{plan.document}：月底截止日遇休息日{'顺延至下一个工作日' if roll else '不顺延，以方案所写日期为准'}"
        f"（解释 T3），已重新计算{counts['工作台期限']}个工作台期限。",
    )
    return redirect("supervision:load", slug)


@view_requires(*STAFF, department=scopes.SUPERVISION)
def item(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Item.objects.select_related("plan", "plan__department", "task"), pk=pk)
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    snap = snapshot([obj.plan])
    state = snap.engine.state_on(obj.code, [r for r in snap.reports if r.item_id == obj.code], on)
    reports = obj.reports.select_related("unit", "filed_by", "reviewed_by").order_by("-filed_at")
    units = obj.task.units.select_related("organisation").order_by("position")
    assignments = obj.assignments.select_related("organisation", "department")
    return render(
        request,
        "supervision/item.html",
        {
            "item": obj,
            "task": obj.task,
            "plan": obj.plan,
            "on": on,
            "state": state,
            "reports": reports,
            "units": units,
            "assignments": assignments,
            "may_file": bool(units_user_may_file_for(request.user, obj)),
            "file_url": reverse("supervision:file_report", args=[obj.pk]),
            "pending": Report.Status.SUBMITTED,
        },
    )
