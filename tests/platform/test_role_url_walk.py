"""Walk every URL and every API endpoint with every role; fail on an unexpected success.

Every view must declare its access (`public` or `view_requires(...)`; API endpoints `auth=None` or
`api_requires(...)`), so a new page cannot be added without saying who may see it. Admin pages follow the
table below. "Success" is HTTP 200 on GET.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ezhou_platform.common.roles import Role

pytestmark = pytest.mark.django_db

# (label, username or None for anonymous)
ACTORS: list[tuple[str, str | None]] = [
    ("anonymous", None),
    ("citizen", "citizen"),
    ("enterprise", "enterprise"),
    ("clerk-medical", "yibao_clerk"),
    ("clerk-water", "shuiwu_clerk"),
    ("head-medical", "yibao_head"),
    ("clerk-approval", "shenpi_clerk"),  # 行政审批局: the licensing window (鄂州政办发〔2022〕27号)
    ("auditor", "auditor"),
    ("admin", "admin"),
    ("security-admin", "anquan_admin"),
]

# Sample values for URL converters; a converter not listed fails the test so it is added knowingly.
SAMPLES = {
    "slug": "medical_assistance",
    "int": "1",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-4000-8000-000000000001",
}

# Who may see the admin pages: keyed "app" (the app index) or "app/model"; the most specific key wins.
# A domain app declares its own as `admin_access` on its AppConfig, so this table does not grow with them.
ADMIN_ACCESS: dict[str, set[Role]] = {
    # the admin index itself
    "": {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN, Role.SECURITY_ADMIN},
    # shows 政策参数取值 to their department's staff and to auditors, 用户 to the two administrators
    "common": {Role.ADMIN, Role.SECURITY_ADMIN, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR},
    # accounts: the security administrator manages, the system administrator looks (三员分立)
    "common/user": {Role.ADMIN, Role.SECURITY_ADMIN},
    "common/department": {Role.ADMIN},
    "common/jurisdiction": {Role.ADMIN},
    "common/calendaryear": {Role.ADMIN},
    "common/configuredvalue": {Role.ADMIN, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR},
    "auth": {Role.ADMIN},
    "axes": {Role.ADMIN},
    "audit": {Role.AUDITOR},
    "gazette": {Role.ADMIN},
}


def _admin_roles(app: str, model: str) -> set[Role]:
    from django.apps import apps

    table = dict(ADMIN_ACCESS)
    for config in apps.get_app_configs():
        for key, roles in getattr(config, "admin_access", {}).items():
            table[f"{config.label}/{key}" if key else config.label] = set(roles)
    for key in (f"{app}/{model}", app):
        if key in table:
            return table[key]
    raise AssertionError(
        f"admin pages of {app}/{model} have no row in ADMIN_ACCESS or the app's admin_access"
    )


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _concrete(route: str) -> str:
    import re

    if "^" in route or "(?P<" in route:
        # regex routes (the admin's app index): fill the named group with a sample app label
        route = route.replace("^", "").replace("$", "")
        route = re.sub(r"\(\?P<app_label>[^)]*\)", "common", route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
        route = route.replace("\\", "")

    def fill(m: re.Match[str]) -> str:
        conv = m.group(1) or "str"
        assert conv in SAMPLES, f"no sample value for URL converter {conv!r} in {route}"
        return SAMPLES[conv]

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def _ninja_operations(callback: Any) -> list[Any]:
    cells = [c.cell_contents for c in (getattr(callback, "__closure__", None) or ())]
    for cell in cells:
        if hasattr(cell, "operations"):
            return list(cell.operations)
    return []


def _expected_roles(route: str, callback: Any) -> tuple[set[Role | None], str | None] | None:
    """The roles allowed (None = anonymous), the department if scoped; None when not a GET page."""
    every: set[Role | None] = {None, *Role}
    logged_in: set[Role | None] = set(Role)
    if route.startswith("admin/"):
        rest = route[len("admin/") :]
        if rest.startswith(("login", "logout")):
            return every, None
        if rest.startswith(("password_change", "jsi18n", "r/", "autocomplete", "(?P<url>")):
            return None
        parts = rest.split("/")
        if rest == "":
            return set(ADMIN_ACCESS[""]), None
        if "(?P<app_label>" in parts[0]:
            return _admin_roles("common", ""), None  # the app index, sampled with "common"
        return _admin_roles(parts[0], parts[1] if len(parts) > 2 else ""), None
    ops = _ninja_operations(callback)
    if ops:
        gets = [op for op in ops if "GET" in op.methods]
        if not gets:
            return None
        op = gets[0]
        if not op.auth_callbacks:
            return every, None
        fn = op.view_func
        if getattr(fn, "any_authenticated_user", False):
            return logged_in, None
        roles = getattr(fn, "required_roles", None)
        assert roles is not None, f"API endpoint {route} ({fn.__name__}) declares no roles (api_requires)"
        return set(roles), getattr(fn, "required_department", None)
    if isinstance(callback, functools.partial) and callback.func.__module__.startswith("ninja."):
        return every, None  # the API's own schema and docs pages are public
    target = getattr(callback, "view_class", None) or callback
    if getattr(callback, "public_view", False) or getattr(target, "public_view", False):
        return every, None
    roles = getattr(callback, "required_roles", None)
    assert roles is not None, f"view {route} ({getattr(callback, '__name__', callback)}) declares no access"
    return set(roles), getattr(callback, "required_department", None)


def _allowed(user: Any, roles: set[Role | None], department: Any) -> bool:
    if user is None:
        return None in roles
    role = Role(user.role)
    if role not in roles:
        return False
    if isinstance(department, str) and role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        return user.department is not None and user.department.code == department
    return True


def test_every_url_with_every_role(client: Any, demo_users: dict[str, Any]) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    unexpected: list[str] = []
    checked = 0
    routes = list(_walk(get_resolver().url_patterns))
    assert len(routes) > 20
    for route, callback in routes:
        if route.startswith("static/"):
            continue
        expectation = _expected_roles(route, callback)
        if expectation is None:
            continue
        roles, department = expectation
        url = _concrete(route)
        for label, username in ACTORS:
            client.logout()
            user = demo_users[username] if username else None
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            response = client.get(url)
            checked += 1
            if response.status_code == 200 and not _allowed(user, roles, department):
                unexpected.append(f"{label} got 200 on {url}")
    assert checked > 100
    assert not unexpected, "unexpected successes:\n" + "\n".join(unexpected)


def test_the_walk_catches_an_undeclared_view() -> None:
    def naked_view(request: Any) -> None:
        return None

    with pytest.raises(AssertionError, match="declares no access"):
        _expected_roles("some/page/", naked_view)


def test_allowed_roles_are_not_refused(client: Any, demo_users: dict[str, Any]) -> None:
    """The other direction, for pages without URL parameters: an allowed role is not sent away."""
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    for route, callback in _walk(get_resolver().url_patterns):
        if "<" in route or "(?P" in route or route.startswith(("static/", "admin/")):
            continue
        expectation = _expected_roles(route, callback)
        if expectation is None:
            continue
        roles, department = expectation
        for _label, username in ACTORS:
            user = demo_users[username] if username else None
            if not _allowed(user, roles, department):
                continue
            client.logout()
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            status = client.get(_concrete(route)).status_code
            assert status not in (401, 403), f"{username} refused ({status}) on /{route}"
