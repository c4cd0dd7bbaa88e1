"""What the pages of 医疗救助 share: who sees them, dates typed into forms, paging, the demo's example values,
and the panel of a case (its progress, steps with their articles, timeline and documents)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from ezhou_platform.common.models import Jurisdiction, User
from ezhou_platform.common.permissions import READ, require
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures import workspace as ws
from ezhou_rules.core.citations import Citation

from .. import services
from ..cites import MEDICAL

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = MEDICAL
# The configured values a page uses; the demo's examples of them are marked 示例数据（非官方统计） on the page.
INCOME = ("income.per_capita_disposable",)
RURAL_INCOME = ("income.rural_per_capita_disposable",)
PREMIUM = ("premium_subsidy.individual_premium",)


def examples(*groups: tuple[str, ...]) -> list[str]:
    return services.example_values(tuple(name for group in groups for name in group))


def parse_date(raw: str | None, label: str, errors: list[str]) -> dt.date | None:
    """A date typed into a form (2024-03-15), or an error naming the field by its label once."""
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        errors.append(f"“{label}”应为日期，如 2024-03-15。")
        return None


def page_of(request: HttpRequest, qs: Any, per_page: int = 25) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def may_write(request: HttpRequest) -> bool:
    """Auditors read; everyone else who reached the page (its decorator checked role and department) acts."""
    return cast(User, request.user).role != Role.AUDITOR


def districts(on: dt.date | None = None) -> Any:
    return Jurisdiction.objects.districts(on=on).order_by("id")


def district_by_code(code: str | None, on: dt.date | None = None) -> Jurisdiction | None:
    return districts(on).filter(code=code or "").first()


def anchor(cites: str) -> str:
    return Citation.parse(cites).anchor()


def case_panel(record: Any, user: Any) -> dict[str, Any]:
    """The case of ``record`` for its page: progress bar, the steps ``user`` may take now (each with its
    article and the gazette anchor), the timeline and the documents issued."""
    case = engine.case_of(record)
    if case is None:
        return {"case": None, "steps": []}
    steps = [
        {"name": name, "label": st.label, "cites": st.cites, "anchor": anchor(st.cites)}
        for name, st in engine.available_steps(record, user)
    ]
    return {
        "case": case,
        "progress": ws.progress(case),
        "steps": steps,
        "events": case.events.select_related("actor", "document"),
        "documents": case.documents.order_by("-issued_at"),
    }


# --- Searching by a whole ID number without putting it in a URL (SECURITY.md C05, issue 14 failure 8) -------------
#
# A search form posts its terms (POST body, never the access log); the page answers with a redirect to itself
# where the term is replaced by a random lookup token kept in the user's session, so paging and the export
# links carry the token, not the ID. An ID number typed into the address bar (``?q=…``) is not searched.

LOOKUPS = "medical_assistance.lookups"
MAX_LOOKUPS = 20  # the tokens a session keeps (the oldest is forgotten first)
# A whole resident ID (18 characters, or an old 15-digit one) anywhere in the term.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
ID_IN_URL = "公民身份号码不在网址中传递：请在查询框中输入后点“查询”（个人信息保护）。"


def remember_lookup(request: HttpRequest, term: str) -> str:
    """A new token for ``term`` in this session (the last MAX_LOOKUPS are kept)."""
    lookups: dict[str, str] = dict(request.session.get(LOOKUPS) or {})
    token = secrets.token_urlsafe(12)
    lookups[token] = term
    request.session[LOOKUPS] = dict(list(lookups.items())[-MAX_LOOKUPS:])
    return token


def link_query(request: HttpRequest, params: Mapping[str, str]) -> str:
    """The query string of a page's own links (paging, export): ``q`` travels as its lookup token."""
    out = {k: v for k, v in params.items() if v and k != "q"}
    if params.get("q"):
        token = request.GET.get("lookup") or ""
        if (request.session.get(LOOKUPS) or {}).get(token) != params["q"]:
            token = remember_lookup(request, params["q"])
        out["lookup"] = token
    return urlencode(out)


def pii_search(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a list page (already decorated with ``view_requires``) whose ``q`` may be a whole ID number.

    - POST with ``search=1`` (the page's search form): a search is a read, so auditors may post it; the answer is
      a redirect to the page with the other filters and ``lookup=<token>`` instead of ``q``;
    - GET with ``lookup``: ``q`` is read back from the session before the view runs;
    - GET with an ID-shaped ``q``: dropped, with a message saying how to search.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and request.POST.get("search") == "1":
            if not request.user.is_authenticated:
                return redirect_to_login(request.path)
            require(
                request.user,
                roles=getattr(view, "required_roles", ()),
                department=getattr(view, "required_department", None),
                action=READ,
            )
            params = [
                (k, v)
                for k, values in request.POST.lists()
                for v in values
                if k not in ("q", "search", "csrfmiddlewaretoken", "page") and v
            ]
            term = (request.POST.get("q") or "").strip()
            if term:
                params.append(("lookup", remember_lookup(request, term)))
            return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)
        if request.method in ("GET", "HEAD"):
            token = request.GET.get("lookup")
            term = (request.GET.get("q") or "").strip()
            if token or _ID_SHAPED.search(term):
                query = request.GET.copy()
                query.pop("q", None)
                known: str | None = (request.session.get(LOOKUPS) or {}).get(token or "")
                if token and known is None:
                    query.pop("lookup", None)
                    messages.info(request, "该查询已过期，请重新输入查询条件。")
                elif token and known is not None:
                    query["q"] = known
                else:
                    messages.error(request, ID_IN_URL)
                query._mutable = False  # read-only again, as Django hands it to the view
                request.GET = query  # type: ignore[assignment]  # a copy with ``q`` resolved
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapper
