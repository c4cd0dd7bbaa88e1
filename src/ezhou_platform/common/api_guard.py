"""The API's generic input bounds (SECURITY.md C15, R6; issue 14 failure 9): before any endpoint runs, every
value of a JSON body, a form, the query string and the path is checked, so a value the database or Python
cannot hold gives a Chinese 422 naming the field, never a 500:

- an integer outside the signed 64-bit range (−2⁶³ … 2⁶³−1; SQLite and PostgreSQL bigint), NaN or ±Infinity;
- NUL anywhere in a string, CR or LF in an identifier (a key named id/code/number/username/uscc or ending in
  _id/_ids/_code/_no/_number, and every value of the query string and path, which are one line each);
- a date (YYYY-MM-DD, also the start of a datetime) outside the years 1900–2100.

Domains still bound their own fields in their schemas (Field(ge=, le=, max_length=)); this is the floor every
endpoint gets. The guard runs as a middleware on /api/ (ApiInputGuardMiddleware) so it sees the raw request
before django-ninja parses it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100
_DATE = re.compile(r"^(\d{4,})-\d{2}-\d{2}(?:$|[T ])")
_INTEGER = re.compile(r"^[+-]?\d+$")
_IDENTIFIER_KEY = re.compile(r"^(?:id|code|number|username|uscc|.*_(?:id|ids|code|no|number))$")


def _walk(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*loc, i))
    else:
        yield loc, value


def _key(loc: tuple[Any, ...]) -> str:
    """The nearest named key of a location (the list's name for an item of it)."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return ""


def problem(value: Any, loc: tuple[Any, ...], *, one_line: bool = False) -> str:
    """Why `value` (at `loc`) is refused, in Chinese ("" when it passes)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return "" if INT_MIN <= value <= INT_MAX else "数值超出允许范围"
    if isinstance(value, float):
        return "" if math.isfinite(value) else "不是有效的数值"
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        return "含有不允许的控制字符"
    if ("\r" in value or "\n" in value) and (one_line or _IDENTIFIER_KEY.match(_key(loc))):
        return "不能含有换行符"
    if one_line and _INTEGER.match(value.strip()) and not INT_MIN <= int(value) <= INT_MAX:
        return "数值超出允许范围"
    m = _DATE.match(value)
    if m and not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
        return f"日期须在{YEAR_MIN}年至{YEAR_MAX}年之间"
    return ""


def first_problem(request: HttpRequest, path_kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], str] | None:
    """The first refused value of the request as (location, reason), or None."""
    for name, value in path_kwargs.items():
        reason = problem(str(value), ("path", name), one_line=True)
        if reason:
            return ("path", name), reason
    for name, values in request.GET.lists():
        for value in values:
            reason = problem(value, ("query", name), one_line=True)
            if reason:
                return ("query", name), reason
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type.startswith("application/json"):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # ninja answers malformed JSON itself
            for loc, value in _walk(body, ("body",)):
                reason = problem(value, loc)
                if reason:
                    return loc, reason
        elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            for name, values in request.POST.lists():
                for value in values:
                    reason = problem(value, ("form", name))
                    if reason:
                        return ("form", name), reason
    return None


class ApiInputGuardMiddleware:
    """Runs `first_problem` on every /api/ request once the endpoint is resolved; a refusal is the API's own
    422 JSON error ({"code": "invalid_input", "message": "<中文字段名>：<原因>。", "field"})."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not request.path.startswith("/api/"):
            return None
        found = first_problem(request, kwargs)
        if found is None:
            return None
        from ezhou_platform.api import error_response

        from .api_labels import field_label

        loc, reason = found
        field = ".".join(str(p) for p in loc[1:]) or None
        try:
            label = field_label(request, list(loc)) or (field or "请求内容")
        except Exception:  # a label is a courtesy; the refusal stands without it
            label = field or "请求内容"
        return error_response(request, 422, "invalid_input", f"{label}：{reason}。", field)
