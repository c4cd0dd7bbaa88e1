"""What the pages share: who is staff, the object a user may see, refusals shown on forms, Excel answers."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.files import write_xlsx
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

from ..forms import add_refusal
from ..services import common

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
REFUSALS: tuple[type[Exception], ...] = (UnconventionalWaterError, ProcedureError, ParameterNotSet)
DEPT = "water"


def page_of(request: HttpRequest, qs: Any, per_page: int = 25) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def project_for(request: HttpRequest, pk: int) -> Any:
    p = common.projects_for(request.user).filter(pk=pk).first()
    if p is None:
        raise Http404("没有这个建设项目，或您无权查看。")
    return p


def facility_for(request: HttpRequest, pk: int) -> Any:
    f = common.facilities_for(request.user).filter(pk=pk).first()
    if f is None:
        raise Http404("没有这个设施，或您无权查看。")
    return f


def operated_facility(request: HttpRequest, pk: int) -> Any:
    f = facility_for(request, pk)
    if not common.may_operate(request.user, f):
        raise Http404("只有设施的运行管理单位或市水利和湖泊局经办人员可以报送。")
    return f


def refused(request: HttpRequest, form: Any, exc: Exception) -> None:
    """The refusal beside its field and, for steps refused by the layer, at the top as well."""
    add_refusal(form, exc)
    if isinstance(exc, ProcedureError):
        messages.error(request, exc.message)


def done(request: HttpRequest, text: str, to: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(to)


def xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """An Excel export (IDs and codes as text) through the platform's one writer (jobs.files.write_xlsx)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(Path(tmp) / "export.xlsx", title, header, rows)
        data = path.read_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
