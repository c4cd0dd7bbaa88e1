"""双随机、一公开: the public list and page of each published draw (with its verification by anyone), and the
department's pages to plan a draw, run it and enter the inspection results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.licensing import CITE_SUPERVISION

from ..models import Draw, DrawSelection
from ..services import draws
from .common import CLERKS, ERRORS, STAFF, message_of, page_of, query_without_page


def _may_see(user: Any, draw: Draw) -> bool:
    if draw.published:
        return True
    role = getattr(user, "role", None) if user.is_authenticated else None
    return role in (Role.AUDITOR, Role.ADMIN) or (role in CLERKS and user.department_id == draw.department_id)


@public
def draws_public(request: HttpRequest) -> HttpResponse:
    qs = Draw.objects.exclude(status=Draw.Status.COMMITTED).select_related("department")
    return render(
        request,
        "licensing/draws_public.html",
        {
            "page": page_of(request, qs),
            "query": query_without_page(request),
            "cite": CITE_SUPERVISION,
        },
    )


@public
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw.objects.select_related("department"), pk=pk)
    if not _may_see(request.user, draw):
        raise Http404("该抽查尚未公布。")
    user: Any = request.user
    may_act = user.is_authenticated and user.role in CLERKS and user.department_id == draw.department_id
    verification = None
    if request.GET.get("verify") and draw.published:
        verification = draws.verify(draw)
    selections = draw.selections.all()
    return render(
        request,
        "licensing/draw.html",
        {
            "draw": draw,
            "page": page_of(request, selections, 50),
            "query": query_without_page(request),
            "verification": verification,
            "may_act": may_act,
            "results": DrawSelection.Result.choices[1:],
            "cite": CITE_SUPERVISION,
            "today": clock.today(),
        },
    )


@public
def draw_package(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)
    if not draw.published:
        raise Http404("该抽查尚未公布。")
    response = JsonResponse(draws.package(draw), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{draw.draw_id}.json"'
    return response


@view_requires(*STAFF, department=scopes.LICENSING)
def draws_staff(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = Draw.objects.select_related("department")
    if user.role in CLERKS:
        qs = qs.filter(department_id=user.department_id)
    if request.method == "POST":
        if user.role not in CLERKS:
            raise PermissionDenied("只有经办人员和部门负责人可以登记抽查。")
        try:
            team = int(request.POST.get("team_size", ""))
        except ValueError:
            messages.error(request, "每组检查人员数：应为整数。")
        else:
            try:
                draw = draws.plan(
                    department=Department.objects.get(pk=user.department_id),
                    title=request.POST.get("title", ""),
                    quotas=draws.quotas_from_text(request.POST.get("quotas", "")),
                    team_size=team,
                    actor=user,
                    on=clock.today(),
                )
            except ERRORS as exc:
                messages.error(request, message_of(exc))
            else:
                messages.success(
                    request, f"已登记抽查 {draw.draw_id}：抽取对象快照和随机种子摘要已记录，可以抽取。"
                )
                return redirect("licensing:draw", draw.pk)
    return render(
        request,
        "licensing/draws_staff.html",
        {
            "page": page_of(request, qs),
            "query": query_without_page(request),
            "may_plan": user.role in CLERKS,
            "classes": [*sorted(set(draws.risk_classes(clock.today()).values())), draws.UNCLASSIFIED],
        },
    )


@view_requires(*CLERKS, department=scopes.LICENSING)
def draw_act(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(Draw, pk=pk)
    user: Any = request.user
    if user.department_id != draw.department_id:
        raise PermissionDenied("该抽查不属于本部门。")
    if request.method != "POST":
        return redirect("licensing:draw", pk)
    action = request.POST.get("action", "")
    today = clock.today()
    try:
        if action == "run":
            result = draws.run(draw, actor=user, on=today)
            messages.success(
                request, f"已抽取并公布：{len(result.holders)}户，结果摘要 {result.sha256[:16]}…"
            )
        elif action == "result":
            sel = get_object_or_404(DrawSelection, pk=int(request.POST.get("selection", "0") or 0), draw=draw)
            draws.record_result(
                sel,
                actor=user,
                result=request.POST.get("result", ""),
                note=request.POST.get("note", ""),
                on=today,
            )
            messages.success(request, "已录入检查结果。")
        elif action == "complete":
            draws.complete(draw, actor=user, on=today)
            messages.success(request, "检查结果已公布。")
        else:
            messages.error(request, "操作：无法识别。")
    except ERRORS as exc:
        messages.error(request, message_of(exc))
    return redirect("licensing:draw", pk)
