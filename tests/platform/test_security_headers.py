"""Headers every page carries: a CSP allowing only this server, no caching of logged-in pages, and no
inline script (so the CSP can forbid them)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _plain_routes(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _plain_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if "<" not in route and "(?P" not in route and "^" not in route:
                out.append("/" + route)
    return out


def test_csp_only_self(client: Any) -> None:
    csp = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp  # no outside host is allowed


def test_logged_in_pages_are_not_cached(login_client: Any) -> None:
    response = login_client("auditor").get("/audit/")
    assert "no-store" in response["Cache-Control"]


def test_no_page_has_an_inline_script(login_client: Any) -> None:
    """Walk every parameter-free page as a clerk of each department and as the auditor."""
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    offenders: list[str] = []
    for username in ("auditor", "yibao_clerk", "shuiwu_clerk", "zhujian_clerk", "citizen", "enterprise"):
        client = login_client(username)
        for route in _plain_routes(get_resolver().url_patterns):
            if route.startswith(("/static/", "/admin/")) or route.endswith(("/logout/",)):
                continue
            response = client.get(route)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode("utf-8", "replace")
            for tag in re.findall(r"<script\b[^>]*>", html):
                if "src=" not in tag and "application/json" not in tag:
                    offenders.append(f"{route} ({username}): {tag}")
            if re.search(r"\son(click|load|change|submit)=", html):
                offenders.append(f"{route} ({username}): inline event handler")
    assert not offenders, "inline scripts break the CSP; move them to a static file:\n" + "\n".join(offenders)
