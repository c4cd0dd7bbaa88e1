"""鄂州政办发〔2022〕28号's network: the register of delivery sites (list, registration, dated state changes),
the villages designated as dispersed, and the coverage of the three levels on any date with its time series,
the map-like tree and the phase of 四."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import scopes
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import WRITE, allowed, view_requires
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.registers.jurisdictions import JurisdictionNotFound, find_jurisdiction
from ezhou_platform.registers.organisations import RegisterError, resolve_organisation
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.rural_delivery import LEVELS, level_specs

from ..forms import DispersedForm, SiteForm, SiteStepForm
from ..models import DispersedVillage, Site
from ..services import coverage as cov
from ..services import sites as services
from .common import STAFF, WRITERS, add_error, d, day_param, plan_for, require_plan_department, xlsx_response

SLUG = "rural_delivery"


def _may_keep(request: HttpRequest) -> bool:
    plan = plan_for(SLUG)
    return allowed(request.user, roles=WRITERS, department=plan.department.code, action=WRITE)


@view_requires(*STAFF, department=scopes.SUPERVISION)
def sites(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    qs = Site.objects.select_related("jurisdiction", "jurisdiction__parent").prefetch_related(
        "operators__organisation"
    )
    f = {k: request.GET.get(k, "").strip()[:50] for k in ("level", "status", "q", "district")}
    if f["level"] in LEVELS:
        qs = qs.filter(level=f["level"])
    if f["status"] in Site.Status.values:
        qs = qs.filter(status=f["status"])
    if f["q"]:
        qs = qs.filter(
            Q(name__icontains=f["q"])
            | Q(code__icontains=f["q"])
            | Q(jurisdiction__name__icontains=f["q"])
            | Q(operators__organisation__name__icontains=f["q"])
        ).distinct()
    if f["district"]:
        qs = qs.filter(
            Q(jurisdiction__code=f["district"])
            | Q(jurisdiction__parent__code=f["district"])
            | Q(jurisdiction__parent__parent__code=f["district"])
        )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request,
            "寄递物流站点",
            ["站点编号", "站点名称", "层级", "所在辖区", "辖区代码", "运营主体", "服务职能", "状态", "地址"],
            (
                [
                    s.code,
                    s.name,
                    s.get_level_display(),
                    s.jurisdiction.name,
                    s.jurisdiction.stat_code or s.jurisdiction.code,
                    "、".join(o.organisation.name for o in s.operators.all()),
                    "、".join(s.functions),
                    s.get_status_display(),
                    s.address,
                ]
                for s in qs[:20000]
            ),
            "rural-delivery-sites.xlsx",
        )
    page = Paginator(qs.order_by("level", "code"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/sites.html",
        {
            "plan": plan,
            "page": page,
            "f": f,
            "query": "&".join(f"{k}={v}" for k, v in f.items() if v),
            "levels": [(lv, s.label) for lv, s in level_specs().items()],
            "statuses": Site.Status.choices,
            "districts": Jurisdiction.objects.districts(),
            "may_keep": _may_keep(request),
        },
    )


def _operators(text: str, on: Any) -> list[Any]:
    names = [n.strip() for n in text.replace("，", "、").replace(",", "、").split("、") if n.strip()]
    out = []
    for name in names:
        try:
            out.append(resolve_organisation(name, on))
        except RegisterError as exc:
            raise SupervisionError(exc.code, f"“运营主体”：{exc.message}", field="运营主体") from None
    return out


@view_requires(*WRITERS, department=scopes.SUPERVISION)
def site_new(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    require_plan_department(request, plan)
    functions = sorted({f for s in level_specs().values() for f in s.functions})
    form = SiteForm(request.POST or None, functions=functions)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            place = find_jurisdiction(c["jurisdiction"], c["since"])
            site = services.register_site(
                plan,
                name=c["name"],
                level=c["level"],
                jurisdiction=place,
                operators=_operators(c["operators"], c["since"]),
                functions=c["functions"],
                state=c["state"],
                since=c["since"],
                actor=request.user,
                address=c["address"],
            )
        except JurisdictionNotFound as exc:
            form.add_error(
                "jurisdiction", f"“所在辖区”：{exc.message}（{level_specs()[c['level']].citation}）"
            )
        except SupervisionError as exc:
            add_error(form, exc)
        else:
            messages.success(request, f"已登记站点 {site.code} {site.name}。")
            return redirect("supervision:site", site.pk)
    return render(request, "supervision/site_form.html", {"plan": plan, "form": form, "specs": level_specs()})


@view_requires(*STAFF, department=scopes.SUPERVISION)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.select_related("plan", "plan__department", "jurisdiction"), pk=pk)
    steps = engine.available_steps(site, request.user)
    form = SiteStepForm(request.POST or None, steps=[(name, st.label) for name, st in steps])
    if request.method == "POST":
        if not steps:
            raise PermissionDenied(f"站点状态由{site.plan.department.name}登记。")
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.change_state(site, c["step"], on=c["on"], actor=request.user, note=c["note"])
            except ProcedureError as exc:
                form.add_error("on" if "日期" in exc.message else None, exc.message)
            else:
                messages.success(request, "已登记站点状态。")
                return redirect("supervision:site", site.pk)
    case = engine.case_of(site)
    return render(
        request,
        "supervision/site.html",
        {
            "site": site,
            "spec": level_specs()[site.level],
            "states": site.states.select_related("recorded_by"),
            "operators": site.operators.select_related("organisation"),
            "form": form,
            "steps": steps,
            "events": case.events.select_related("actor") if case else [],
            "path": site.jurisdiction,
        },
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def coverage(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    on, error = day_param(request)
    if error:
        messages.warning(request, error)
    try:
        data = cov.coverage(on)
    except SupervisionError as exc:
        messages.error(request, exc.message)
        return render(request, "supervision/coverage.html", {"plan": plan, "on": on, "data": None})
    if request.GET.get("format") == "xlsx":
        rows = [
            [lv.label, u["code"], u["name"], u["parent"]]
            for lv in data.report.levels.values()
            for u in lv.uncovered
        ]
        return xlsx_response(
            request,
            "未覆盖的辖区",
            ["站点层级", "辖区代码", "辖区名称", "上级辖区"],
            rows,
            f"rural-delivery-uncovered-{on.isoformat()}.xlsx",
        )
    series = cov.series(plan.issued)
    return render(
        request,
        "supervision/coverage.html",
        {
            "plan": plan,
            "on": on,
            "data": data,
            "levels": list(data.report.levels.values()),
            "series_chart": cov.series_chart(series),
            "tree_chart": cov.tree_chart(data.tree),
            "phase": cov.phase_answer(on),
            "phases": cov.all_phases(),
            "d": d,
        },
    )


@view_requires(*STAFF, department=scopes.SUPERVISION)
def dispersed(request: HttpRequest) -> HttpResponse:
    plan = plan_for(SLUG)
    form = DispersedForm(request.POST or None)
    if request.method == "POST":
        require_plan_department(request, plan)
        if request.POST.get("end"):
            row = get_object_or_404(DispersedVillage, pk=request.POST["end"])
            try:
                end_on = form.fields["since"].clean(request.POST.get("until"))
                services.end_dispersed(row, until=end_on, actor=request.user)
            except SupervisionError as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:  # the date field's own message
                messages.error(request, "；".join(exc.messages))
            return redirect("supervision:dispersed")
        if form.is_valid():
            c = form.cleaned_data
            try:
                village = find_jurisdiction(c["village"], c["since"])
                services.designate_dispersed(village, since=c["since"], basis=c["basis"], actor=request.user)
            except JurisdictionNotFound as exc:
                form.add_error("village", f"“建制村”：{exc.message}")
            except SupervisionError as exc:
                add_error(form, exc)
            else:
                messages.success(request, f"已认定{village.name}为居住分散的建制村。")
                return redirect("supervision:dispersed")
    rows = DispersedVillage.objects.select_related("jurisdiction", "jurisdiction__parent", "recorded_by")
    return render(
        request,
        "supervision/dispersed.html",
        {
            "plan": plan,
            "rows": rows,
            "form": form,
            "may_keep": _may_keep(request),
            "exemption": level_specs()["village"].exemption,
        },
    )
