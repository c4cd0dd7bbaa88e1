"""Batch work of 保障性租赁住房 as background jobs (jobs.py): importing projects and units (住房和城乡建设局) and
importing offline applications (运营单位). The page starts a job and goes to its progress page (a bar, then the
counts and the errors file); the templates are downloadable; the recent runs are listed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common.exports import Sheet, xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.jobs.runner import visible_runs
from ezhou_platform.jobs.views import start_from_request

from .. import importer, selectors
from ..jobs import APPLICATIONS_JOB, PROJECTS_JOB
from .common import WRITERS


@view_requires(*WRITERS, department="housing")
def imports(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        which = request.POST.get("job")
        if which == "projects":
            response = start_from_request(
                request, PROJECTS_JOB, params={"dry_run": request.POST.get("dry_run") == "on"}
            )
        else:
            response = start_from_request(request, APPLICATIONS_JOB)
        if response is not None:
            return response
    runs = visible_runs(request.user).filter(name__in=[PROJECTS_JOB, APPLICATIONS_JOB]).order_by("-id")[:10]
    return render(
        request,
        "rental_housing/imports.html",
        {
            "runs": runs,
            "city_staff": selectors.is_city_staff(request.user),
            "project_columns": importer.PROJECT_COLUMNS,
            "unit_columns": importer.UNIT_COLUMNS,
            "application_columns": importer.APPLICATION_COLUMNS,
            "materials": [label for _, label, _ in importer.MATERIALS],
        },
    )


@view_requires(*WRITERS, department="housing")
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """The header rows of the import files (nothing else: no example data to import by mistake)."""
    if kind == "applications":
        return xlsx_response("线下申请导入模板.xlsx", "线下申请", importer.APPLICATION_COLUMNS, [])
    return xlsx_response(
        "项目和房源导入模板.xlsx",
        [Sheet("项目", importer.PROJECT_COLUMNS, []), Sheet("房源", importer.UNIT_COLUMNS, [])],
    )
