"""What the rental-housing pages share: who may see and write, money shown in yuan, the first form error as a
refusal naming the field by its Chinese label, list filters with their Excel link, PDFs of what a page shows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.documents import render_pdf
from ezhou_rules.core.money import format_yuan

from .. import selectors

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
WRITERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
HOUSING = "housing"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def yuan(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else ""


def fen(amount: Decimal) -> int:
    """Yuan from a form's DecimalField (at most 2 places) as integer fen."""
    return int(amount * 100)


def can_write(user: Any) -> bool:
    return getattr(user, "role", None) in WRITERS


def form_error(form: forms.Form) -> ApiError:
    """The form's first error, named by the field's Chinese label."""
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return ApiError(
        "invalid_input", f"{label}：{errors[0]}" if label else str(errors[0]), field=field, status=422
    )


def show_error(form: forms.Form, exc: ApiError, renamed: dict[str, str] | None = None) -> None:
    """A refusal of a service on the form: on its field when the form has it, else above the form."""
    field = (renamed or {}).get((exc.field or "").split(".")[0], exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def areas(text: str) -> list[str]:
    """Floor areas typed as one text, separated by commas (ASCII or full-width)."""
    return [a.strip() for a in text.replace("，", ",").split(",") if a.strip()]


def export_url(request: HttpRequest, name: str) -> str:
    """The Excel link of a list, with the list's filters."""
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def filtered(
    request: HttpRequest, qs: Any, statuses: Any, search: tuple[str, ...], project_field: str
) -> Any:
    """A list's search text, state and project filters (the same for the page and its Excel export)."""
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    project = request.GET.get("project", "")
    if q:
        cond = Q()
        for f in search:
            cond |= Q(**{f"{f}__contains": q})
        qs = qs.filter(cond)
    if status in statuses.values:
        qs = qs.filter(status=status)
    if project.isdigit():
        qs = qs.filter(**{project_field: int(project)})
    return qs


def list_page(request: HttpRequest, qs: Any, statuses: Any, export: str = "") -> dict[str, Any]:
    return {
        "page": Paginator(qs, 20).get_page(request.GET.get("page")),
        "q": request.GET.get("q", "").strip()[:100],
        "status": request.GET.get("status", ""),
        "project": request.GET.get("project", ""),
        "statuses": statuses.choices,
        "projects": selectors.projects_for(request.user),
        "can_write": can_write(request.user),
        "export_url": export_url(request, export) if export else "",
    }


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    """A page's content as a PDF (WeasyPrint, Debian's CJK fonts), downloaded under a Chinese file name."""
    html = render_to_string(template, context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
