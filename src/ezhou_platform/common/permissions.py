"""The one permission helper every view and endpoint uses.

A request is allowed when the user's role is among the roles the view names and, for department-owned
records, the user belongs to the owning department (clerks and heads). Auditors read everything and change
nothing; the system administrator manages accounts and configuration but is not a clerk of any department.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from .roles import Role

F = TypeVar("F", bound=Callable[..., Any])

READ = "read"
WRITE = "write"


class RowScope:
    """A view or endpoint that admits staff of more than one department and limits the rows itself.

    Every view and endpoint that lets clerks or department heads in states its department scope where it is
    declared (`view_requires` / `api_requires`): either the one department that owns its records
    (`department="water"`) or one of the named `RowScope`s in `common.scopes`, which say how the rows are
    limited (e.g. subsidies: the measure's responsible department). The department-scope walk
    (tests/platform/test_department_scope.py) fails on a view that admits staff and states neither, so a new
    endpoint cannot leave its department open by omission (SECURITY.md C08).
    """

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason

    def __repr__(self) -> str:
        return f"RowScope({self.key!r})"


def user_role(user: Any) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role(user.role)


def allowed(
    user: Any,
    *,
    roles: Iterable[Role | str],
    department: str | RowScope | None = None,
    action: str = READ,
) -> bool:
    """May `user` do `action` on something owned by `department` (a Department.code) in a view for `roles`?"""
    role = user_role(user)
    if role is None or role not in {Role(r) for r in roles}:
        return False
    if role == Role.AUDITOR:
        return action == READ
    if isinstance(department, str) and role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        return user.department is not None and user.department.code == department
    return True


def require(
    user: Any, *, roles: Iterable[Role | str], department: str | RowScope | None = None, action: str = READ
) -> None:
    """Raise PermissionDenied (403) unless allowed; the message is shown to the user."""
    if not allowed(user, roles=roles, department=department, action=action):
        raise PermissionDenied("您没有权限访问此页面或执行此操作。")


def view_requires(
    *roles: Role | str, department: str | RowScope | None = None, action: str = READ
) -> Callable[[F], F]:
    """Decorator for Django views: anonymous users go to the login page, others need the role/department."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            write = action == WRITE or request.method not in ("GET", "HEAD", "OPTIONS")
            require(request.user, roles=roles, department=department, action=WRITE if write else READ)
            return view(request, *args, **kwargs)

        wrapper.required_roles = tuple(Role(r) for r in roles)  # type: ignore[attr-defined]
        wrapper.required_department = department  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def scope_to_department(qs: QuerySet, user: Any, *, department_field: str = "department") -> QuerySet:
    """Rows a user may see: clerks and heads their own department's; auditors and admins all; others none."""
    role = user_role(user)
    if role in (Role.AUDITOR, Role.ADMIN):
        return qs
    if role in (Role.CLERK, Role.DEPARTMENT_HEAD) and user.department_id:
        return qs.filter(**{f"{department_field}_id": user.department_id})
    return qs.none()


def public(view: F) -> F:
    """Mark a view as open to everyone, logged in or not (the policy library, the home page, health).

    Every view declares its access — `public` or `view_requires(...)` — and the role × URL walk test fails on
    a view that declares neither.
    """
    view.public_view = True  # type: ignore[attr-defined]
    return view


def api_requires(*roles: Role | str, department: str | RowScope | None = None) -> Callable[[F], F]:
    """The same check for JSON endpoints: 401 when not logged in (the API's session auth), 403 otherwise.

    Writes (POST/PUT/PATCH/DELETE) need write access, so auditors get 403 on them.
    """

    def decorate(fn: F) -> F:
        # django-ninja reads the endpoint's signature through the wrapper but resolves string annotations
        # (`from __future__ import annotations`) in the wrapper's module, not the endpoint's: resolve them
        # here, in the endpoint's own namespace, so domains may use postponed annotations.
        try:
            fn.__annotations__.update(typing.get_type_hints(fn, include_extras=True))
        except (NameError, TypeError):
            pass  # a forward reference defined later in its module: ninja resolves it as before

        @wraps(fn)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            write = request.method not in ("GET", "HEAD", "OPTIONS")
            require(request.user, roles=roles, department=department, action=WRITE if write else READ)
            return fn(request, *args, **kwargs)

        wrapper.required_roles = tuple(Role(r) for r in roles)  # type: ignore[attr-defined]
        wrapper.required_department = department  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
