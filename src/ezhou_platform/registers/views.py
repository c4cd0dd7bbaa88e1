"""Pages of the shared registers: jurisdictions (list, tree, one record, the file import) and organisations."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.models import Jurisdiction, JurisdictionSuccession, Organisation
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.views import start_from_request

from . import importer
from .jobs import IMPORT_JOB
from .jurisdictions import JurisdictionNotFound, jurisdiction_path, jurisdiction_tree, jurisdictions_on

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN)


def _day(request: HttpRequest) -> tuple[dt.date, str]:
    """The date the page shows (?on=2023-01-01), today by default; an unreadable date says so."""
    text = (request.GET.get("on") or "").strip()
    if not text:
        return clock.today(), ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return clock.today(), "“日期”应为 年-月-日（例如 2023-01-01），已按今天显示。"


@view_requires(*STAFF, department=scopes.REGISTERS)
def jurisdiction_list(request: HttpRequest) -> HttpResponse:
    day, date_error = _day(request)
    q = (request.GET.get("q") or "").strip()
    level = request.GET.get("level") or ""
    district = request.GET.get("district") or ""
    qs = Jurisdiction.objects.valid_on(day).select_related("parent")
    if level in Jurisdiction.Level.values:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(stat_code__startswith=q) | Q(code=q))
    districts = list(Jurisdiction.objects.districts(on=day).order_by("id"))
    chosen = next((d for d in districts if d.code == district), None)
    if chosen is not None:
        under = Q(pk=chosen.pk) | Q(parent=chosen) | Q(parent__parent=chosen)
        if chosen.stat_code:
            under |= Q(stat_code__startswith=chosen.stat_code[:6])
        qs = qs.filter(under)
    page = Paginator(qs.order_by("stat_code", "id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registers/jurisdictions.html",
        {
            "page": page,
            "day": day,
            "date_error": date_error,
            "q": q,
            "level": level,
            "levels": Jurisdiction.Level.choices,
            "district": district,
            "districts": districts,
            "query": query.urlencode(),
            "may_import": getattr(request.user, "role", "") == Role.ADMIN,
        },
    )


@view_requires(*STAFF, department=scopes.REGISTERS)
def jurisdiction_tree_view(request: HttpRequest) -> HttpResponse:
    day, date_error = _day(request)
    roots = jurisdiction_tree(day)
    districts = [n for r in roots for n in r.children if n.jurisdiction.level == Jurisdiction.Level.DISTRICT]
    chart = None
    if any(n.children for n in districts):
        chart = bar_chart(
            title=f"各区（功能区）辖区数量（{day.year}年{day.month}月{day.day}日）",
            categories=[n.jurisdiction.name for n in districts],
            series=[
                Series(
                    "乡镇（街道）", [n.count(Jurisdiction.Level.TOWNSHIP) for n in districts], stack="count"
                ),
                Series("村（社区）", [n.count(Jurisdiction.Level.VILLAGE) for n in districts], stack="count"),
            ],
            unit="个",
        )
    return render(
        request,
        "registers/jurisdiction_tree.html",
        {"roots": roots, "day": day, "date_error": date_error, "chart": chart},
    )


@view_requires(*STAFF, department=scopes.REGISTERS)
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    j = Jurisdiction.objects.filter(pk=pk).select_related("parent").first()
    if j is None:
        raise Http404("没有该辖区。")
    day, date_error = _day(request)
    try:
        path = jurisdiction_path(j.code, day)
        path_error = ""
    except JurisdictionNotFound as exc:
        path, path_error = [], exc.message
    return render(
        request,
        "registers/jurisdiction_detail.html",
        {
            "j": j,
            "day": day,
            "date_error": date_error,
            "path": path,
            "path_error": path_error,
            "before": JurisdictionSuccession.objects.filter(successor=j).select_related("predecessor"),
            "after": JurisdictionSuccession.objects.filter(predecessor=j).select_related("successor"),
            "children": jurisdictions_on(day, parent=j),
        },
    )


@view_requires(Role.ADMIN)
def jurisdiction_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        response = start_from_request(request, IMPORT_JOB)
        if response is not None:
            return response
    recent = JobRun.objects.filter(name=IMPORT_JOB).select_related("started_by")[:10]
    return render(
        request, "registers/jurisdiction_import.html", {"recent": recent, "columns": importer.COLUMNS}
    )


@view_requires(Role.ADMIN)
def jurisdiction_template(request: HttpRequest) -> HttpResponse:
    rows = importer.template_rows()
    if request.GET.get("format") == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        response = HttpResponse(
            ("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="jurisdictions-template.csv"'
        return response
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "辖区名录"
    for r in rows:
        ws.append(r)
    for cell in ws["A"]:
        cell.number_format = "@"  # codes stay text (Excel would show 4.20704E+11)
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="jurisdictions-template.xlsx"'
    return response


@view_requires(*STAFF, department=scopes.REGISTERS)
def organisation_list(request: HttpRequest) -> HttpResponse:
    day, date_error = _day(request)
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    qs = Organisation.objects.valid_on(day).prefetch_related("aliases", "departments")
    if kind in Organisation.Kind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(aliases__alias__contains=q) | Q(uscc=q.upper())).distinct()
    page = Paginator(qs.order_by("kind", "name", "id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registers/organisations.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Organisation.Kind.choices,
            "day": day,
            "date_error": date_error,
            "query": query.urlencode(),
        },
    )


@view_requires(*STAFF, department=scopes.REGISTERS)
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = Organisation.objects.filter(pk=pk).prefetch_related("aliases", "departments").first()
    if org is None:
        raise Http404("没有该单位。")
    return render(request, "registers/organisation_detail.html", {"org": org})
