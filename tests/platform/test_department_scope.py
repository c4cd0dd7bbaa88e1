"""Every view and endpoint that admits clerks or department heads states its department scope (C08).

Issue 14, failure 1: four water-plan endpoints named the roles but no department, so a clerk of 医疗保障局
could file a water-plan request. The scope is stated where the view is declared (`view_requires` /
`api_requires`): a department code that exists, or one of the named row scopes of `common.scopes` (views
serving several departments that limit the rows themselves). This walk covers every URL and every method of
every API operation, so a new view or endpoint that admits staff without a scope fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from ezhou_platform.common import scopes
from ezhou_platform.common.permissions import RowScope, api_requires
from ezhou_platform.common.roles import Role

STAFF = {Role.CLERK, Role.DEPARTMENT_HEAD}


def _views(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _operations() -> Iterator[tuple[str, str, Any]]:
    from ezhou_platform.api import api

    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    yield method, f"/api/v1{router_prefix}{path}", op.view_func


def _unscoped(declared: Iterator[tuple[str, Any]], codes: set[str]) -> list[str]:
    problems = []
    for label, fn in declared:
        roles = set(getattr(fn, "required_roles", ()) or ())
        if not roles & STAFF:
            continue
        scope = getattr(fn, "required_department", None)
        if isinstance(scope, str):
            if scope not in codes:
                problems.append(f"{label}: unknown department {scope!r}")
        elif not (isinstance(scope, RowScope) and scope in scopes.ALL):
            problems.append(
                f"{label}: admits {sorted(r.value for r in roles & STAFF)} with no department scope"
            )
    return problems


def test_every_view_and_endpoint_admitting_staff_states_its_department_scope(
    demo_users: dict[str, Any],
) -> None:
    from ezhou_platform.common.models import Department  # the departments the platform sets up

    codes = set(Department.objects.values_list("code", flat=True))
    views = list(_views(get_resolver().url_patterns))
    ops = list(_operations())
    assert len(views) > 500 and len(ops) > 100  # the walk reaches the whole platform
    problems = _unscoped(((f"view /{route}", cb) for route, cb in views), codes)
    problems += _unscoped(((f"API {m} {path}", fn) for m, path, fn in ops), codes)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db
def test_the_walk_fails_on_an_endpoint_without_a_scope() -> None:
    @api_requires(Role.ENTERPRISE, Role.CLERK)  # as the water-plan endpoints were declared
    def endpoint(request: Any) -> None:
        return None

    assert _unscoped(iter([("API POST /x", endpoint)]), {"water"}) == [
        "API POST /x: admits ['clerk'] with no department scope"
    ]
    scoped = api_requires(Role.ENTERPRISE, Role.CLERK, department="water")(endpoint)
    assert _unscoped(iter([("API POST /x", scoped)]), {"water"}) == []
    assert _unscoped(iter([("API POST /x", scoped)]), {"medical_security"}) == [
        "API POST /x: unknown department 'water'"
    ]


@pytest.mark.django_db
def test_every_write_endpoint_of_one_department_refuses_the_clerks_of_the_others(
    demo_users: dict[str, Any],
) -> None:
    """The write walk: each POST/PUT/PATCH/DELETE operation owned by one department, called as a clerk and a
    head of every other department the demo has, is refused before the endpoint's body runs."""
    clerks = [u for u in demo_users.values() if u.role in (Role.CLERK, Role.DEPARTMENT_HEAD) and u.department]
    assert len({u.department.code for u in clerks}) >= 3
    factory = RequestFactory()
    checked = 0
    leaks = []
    for method, path, fn in _operations():
        scope = getattr(fn, "required_department", None)
        if method == "GET" or not isinstance(scope, str):
            continue
        for user in clerks:
            if user.department.code == scope or user.role not in fn.required_roles:
                continue
            request = factory.generic(method, path)
            request.user = user
            checked += 1
            try:
                fn(request)
            except PermissionDenied:
                continue
            except TypeError:  # the body ran: the endpoint's own arguments were missing
                pass
            leaks.append(f"{user.username} ({user.department.code}) passed the check of {method} {path}")
    assert checked > 50
    assert leaks == [], "\n".join(leaks)
