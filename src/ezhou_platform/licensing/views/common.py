"""Helpers the licensing pages share: access groups, dates from forms, paging, Excel, messages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.licensing.errors import LicensingError

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
ERRORS = (LicensingError, ProcedureError)


def day(raw: Any, label: str, errors: list[str], *, required: bool = True) -> dt.date | None:
    """A date typed into a form (2026-06-15), or an error naming the field by its label."""
    text = str(raw or "").strip()
    if not text:
        if required:
            errors.append(f"{label}：不能为空。")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}：应为日期，如 2026-06-15。")
        return None


def page_of(request: HttpRequest, items: Any, per_page: int = 30) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


def xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """An Excel file: codes and identifiers as text, dates as dates shown 2026年6月15日."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(header))
    for r in rows:
        ws.append(
            [
                v
                if isinstance(v, int | float | dt.date) and not isinstance(v, bool)
                else ("" if v is None else str(v))
                for v in r
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'
            elif isinstance(cell.value, str):
                cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def message_of(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def staff_departments(user: Any) -> list[int] | None:
    """Department ids a staff user's lists cover (None: all, for auditors and administrators)."""
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return None
    return [user.department_id] if user.department_id else []
