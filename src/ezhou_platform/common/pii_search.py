"""Searching a list by a whole ID number without putting it in a URL (SECURITY.md C05, issue 14 failure 8).

A search form posts its terms (POST body, never the access log); the page answers with a redirect to itself
where the term is replaced by a random lookup token kept in the user's session, so paging and the export
links carry the token, not the ID. An ID number typed into the address bar (``?q=…``) is not searched.
Shared by every domain whose lists are searched by a resident ID (医疗救助, 惠企政策兑现, …): the session
holds one table of tokens, random, so the domains' tokens never collide.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from ezhou_platform.common.permissions import READ, require
from ezhou_rules.core import ids

LOOKUPS = "pii_search.lookups"
MAX_LOOKUPS = 20  # the tokens a session keeps (the oldest is forgotten first)
# A whole resident ID (18 characters, or an old 15-digit one) anywhere in the term.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
ID_IN_URL = "公民身份号码不在网址中传递：请在查询框中输入后点“查询”（个人信息保护）。"
EXPIRED = "该查询已过期，请重新输入查询条件。"


def has_whole_id(term: str) -> bool:
    return bool(ID_SHAPED.search(term or ""))


def masked_term(term: str) -> str:
    """The term as a page may show it: every whole resident ID in it masked (420***********123X)."""
    return ID_SHAPED.sub(lambda m: ids.mask_resident_id(m.group(0)), term or "")


def search_box(term: str) -> str:
    """What a search box echoes after the search: the term, or nothing when it holds a whole ID (the page
    shows ``masked_term`` beside the box instead, so the HTML carries no whole ID either)."""
    return "" if has_whole_id(term) else (term or "")


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
                if k not in ("q", "search", "csrfmiddlewaretoken", "page", "lookup") and v
            ]
            term = (request.POST.get("q") or "").strip()
            if term:
                params.append(("lookup", remember_lookup(request, term)))
            return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)
        if request.method in ("GET", "HEAD"):
            token = request.GET.get("lookup")
            term = (request.GET.get("q") or "").strip()
            if token or has_whole_id(term):
                query = request.GET.copy()
                query.pop("q", None)
                known: str | None = (request.session.get(LOOKUPS) or {}).get(token or "")
                if token and known is None:
                    query.pop("lookup", None)
                    messages.info(request, EXPIRED)
                elif token and known is not None:
                    query["q"] = known
                else:
                    messages.error(request, ID_IN_URL)
                query._mutable = False  # read-only again, as Django hands it to the view
                request.GET = query  # type: ignore[assignment]  # a copy with ``q`` resolved
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapper
