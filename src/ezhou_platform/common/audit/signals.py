"""Login events into the audit trail: successful and failed logins, lockouts, logouts.

Connected in AuditConfig.ready(). Each handler writes in its own atomic block and lets a failure
propagate: a login that cannot be audited fails (Django then does not save the new session).
Failed logins record the user name that was tried, never the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from .services import record


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    with transaction.atomic():
        record("auth.login", actor=user, obj=user, request=request)


def on_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # logging out an anonymous session changes nothing
    with transaction.atomic():
        record("auth.logout", actor=user, obj=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    from django.contrib.auth import get_user_model

    username_field = get_user_model().USERNAME_FIELD
    attempted = str((credentials or {}).get(username_field) or (credentials or {}).get("username") or "")
    with transaction.atomic():
        record(
            "auth.login_failed",
            actor=attempted,
            result="failed",
            after={"username": attempted} if attempted else None,
            request=request,
        )


def on_locked_out(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    # axes' ip_address may come from proxy headers; the record keeps the socket address (request context).
    with transaction.atomic():
        record(
            "auth.lockout",
            actor=username or "",
            result="denied",
            after={"username": username or ""},
            request=request,
        )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.on_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.on_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.on_login_failed")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # pragma: no cover - axes is a dependency of the platform
        return
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.on_locked_out")
