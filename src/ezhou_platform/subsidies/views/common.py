"""What the subsidies pages share: who sees which applications, forms built from the rules' fields (Chinese
labels, errors by field), paging, Excel downloads (IDs and account numbers as text)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from ezhou_platform.common.roles import Role
from ezhou_rules.core import ids
from ezhou_rules.core.dates import cn_date
from ezhou_rules.subsidies.errors import InvalidRows, RowError, SubsidyError
from ezhou_rules.subsidies.fields import BOOL, CHOICE, DATE, INT, MONEY, RESIDENT_ID, SUBJECT_ID, Field

from ..models import Application
from ..procedures import DEPARTMENTS
from ..services.payers import payer_of_user

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
WORKERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
APPLICANTS = (Role.CITIZEN, Role.ENTERPRISE)
OVERSIGHT = ("development_reform",)  # the 发改委 follows every measure (read only)
PER_PAGE = 50


def applications_for(user: Any) -> QuerySet[Application]:
    """The applications a staff user may see: the department's own; the payer's awards for a 财政局 user; all of
    them for the 发改委 and auditors."""
    qs = Application.objects.select_related("department")
    role = Role(user.role)
    if role == Role.AUDITOR:
        return qs
    if role not in WORKERS or user.department is None:
        return qs.none()
    code = user.department.code
    if code in OVERSIGHT:
        return qs
    scope = Q(department__code=code) if code in DEPARTMENTS else Q(pk__in=[])
    payer = payer_of_user(user)
    if payer is not None:
        scope |= Q(payer=payer, status__in=[Application.Status.DECIDED, Application.Status.PAID])
    return qs.filter(scope)


def runs_subsidies(user: Any) -> bool:
    """Whether the user's department has anything to do in this system (the staff pages say so otherwise)."""
    if Role(user.role) == Role.AUDITOR:
        return True
    dept = getattr(user, "department", None)
    return dept is not None and (dept.code in DEPARTMENTS or dept.code in OVERSIGHT)


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text | date | money | int | select
    value: str
    error: str
    required: bool
    choices: Sequence[tuple[str, str]] = ()


def form_fields(fields: Iterable[Field], values: dict[str, Any], errors: dict[str, str]) -> list[FormField]:
    out = []
    for f in fields:
        widget = {DATE: "date", MONEY: "money", INT: "int", BOOL: "select", CHOICE: "select"}.get(
            f.kind, "text"
        )
        choices: Sequence[tuple[str, str]] = ()
        if f.kind == BOOL:
            choices = (("", "请选择"), ("是", "是"), ("否", "否"))
        elif f.kind == CHOICE:
            choices = (("", "请选择"), *f.choices.items())
        out.append(
            FormField(
                f.name,
                f.label,
                widget,
                "" if values.get(f.name) is None else str(values.get(f.name)),
                errors.get(f.name, ""),
                f.required,
                choices,
            )
        )
    return out


def shown_value(f: Field, value: Any) -> str:
    """A stored value as people read it: a date (kept as 2022-08-15 in the row) as 2022年8月15日, a person's ID
    number masked (C05: lists are read, not used to identify; an enterprise's USCC stays whole)."""
    if f.kind in (RESIDENT_ID, SUBJECT_ID) and value and not ids.is_valid_uscc(str(value)):
        return ids.mask_resident_id(str(value))
    if f.kind == DATE and value:
        try:
            return cn_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return "" if value is None else str(value)


def posted(request: HttpRequest, fields: Iterable[Field]) -> dict[str, str]:
    """The values typed into the form, trimmed; blank optional fields left out (they take their default)."""
    out = {}
    for f in fields:
        value = (request.POST.get(f.name) or "").strip()
        if value or f.required:
            out[f.name] = value
    return out


def error_map(exc: SubsidyError) -> tuple[dict[str, str], list[str]]:
    """Errors by field name, and every message (for the summary at the top of the form)."""
    rows: list[RowError] = exc.errors if isinstance(exc, InvalidRows) else []
    if rows:
        by_field: dict[str, str] = {}
        for e in rows:
            by_field.setdefault(e.field, e.message)
        return by_field, [e.message for e in rows]
    return ({exc.field: exc.message} if exc.field else {}), [exc.message]


def page_of(request: HttpRequest, qs: Any, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    return urlencode({k: str(v) for k, v in request.GET.items() if k != "page" and v})


def xlsx_response(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    """An Excel download: identifiers and account numbers as text cells, dates in the one Chinese format."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(header))
    for r in rows:
        ws.append([v for v in r])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'
            elif isinstance(cell.value, str):
                cell.number_format = "@"  # text: 18-digit IDs and account numbers stay as typed
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
