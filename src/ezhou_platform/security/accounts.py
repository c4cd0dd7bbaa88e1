"""Accounts under 三员分立 (SECURITY.md C06, C07; MLPS 访问控制 L3-CES1-06…09).

- Roles are assigned by the security administrator only, and never to their own account (`assign_role`).
- Passwords of other people are reset by the security administrator only, audited, and must be changed at
  the next login (`reset_password`); a reset never removes the second factor.
- Accounts idle for 90 days are disabled and their sessions deleted (`disable_idle_accounts`, a daily job).
- Django's superuser and staff flags follow the role (`flags_for_role`), so no flag can give one person a
  second duty; the database refuses a superuser who is not the system administrator.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.roles import PRIVILEGED_ROLES, STAFF_ROLES, Role


class AccountError(PermissionError):
    def __init__(self, message: str, code: str = "forbidden") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def flags_for_role(role: str) -> dict[str, bool]:
    """Django's flags that follow from a role: staff roles use the admin; only the system administrator is
    a Django superuser (its ModelAdmins for reference data rely on it)."""
    return {"is_staff": role in STAFF_ROLES, "is_superuser": role == Role.ADMIN}


def is_security_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.SECURITY_ADMIN
    )


def check_may_manage(actor: Any, target: Any, *, what: str) -> None:
    """Only the security administrator manages accounts, and never their own this way."""
    if not is_security_admin(actor):
        raise AccountError(f"只有安全管理员可以{what}（三员分立）。")
    if target is not None and target.pk is not None and target.pk == actor.pk:
        raise AccountError(f"不能为本人账户{what}：须由另一名安全管理员办理。", code="own_account")


def assign_role(target: Any, role: str, *, actor: Any, department: Any = None, request: Any = None) -> None:
    """Give `target` the role `role` (and the department a clerk or head needs); audited with before/after."""
    from ezhou_platform.common.audit.services import record

    check_may_manage(actor, target, what="分配角色")
    role = Role(role)
    before = {
        "role": target.role,
        "department": target.department.code if target.department_id else None,
    }
    target.role = role
    if department is not None or role not in (Role.CLERK, Role.DEPARTMENT_HEAD):
        target.department = department
    for flag, value in flags_for_role(role).items():
        setattr(target, flag, value)
    with transaction.atomic():
        target.full_clean(exclude=["password"])
        target.save()
        record(
            "platform.user.role_change",
            actor=actor,
            obj=target,
            before=before,
            after={
                "role": target.role,
                "department": target.department.code if target.department_id else None,
            },
            label="变更用户角色",
            request=request,
        )


PASSWORD_ALPHABET = string.ascii_letters + string.digits + "#%+-=@"


def generate_password(length: int = 16) -> str:
    """A one-time password meeting the staff rules (≥12 characters, 3 of 4 classes)."""
    while True:
        pw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        classes = sum(
            any(c in cls for c in pw)
            for cls in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "#%+-=@")
        )
        if classes >= 3:
            return pw


def reset_password(target: Any, *, actor: Any, new_password: str | None = None, request: Any = None) -> str:
    """The security administrator sets a one-time password for `target`, who must change it at the next
    login; the second factor is kept (a reset never bypasses MFA). Audited; returns the password to hand
    over (the generated one when `new_password` is None)."""
    from django.contrib.auth.password_validation import validate_password

    from ezhou_platform.common.audit.services import record

    check_may_manage(actor, target, what="重置密码")
    password = new_password or generate_password()
    validate_password(password, target)
    with transaction.atomic():
        target.set_password(password)
        target.must_change_password = True
        target.save()
        record(
            "platform.user.password_reset",
            actor=actor,
            obj=target,
            after={
                "username": target.username,
                "role": target.role,
                "privileged": target.role in PRIVILEGED_ROLES,
                "must_change_password": True,
            },
            label="重置用户密码",
            request=request,
        )
    return password


# -- password expiry (C01) -------------------------------------------------------------------------------
def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    """Staff passwords expire after PASSWORD_MAX_AGE_DAYS (MLPS 定期更换); citizens' never (ASVS 6.2.10)."""
    if user.role not in STAFF_ROLES:
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    age = (now or clock.now()) - changed
    return age > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def must_change_password(user: Any) -> bool:
    return bool(user.must_change_password) or password_expired(user)


# -- idle accounts (C06) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class IdleResult:
    disabled: list[str]
    sessions_deleted: int


def idle_accounts(now: dt.datetime | None = None) -> Any:
    """Active accounts not used for ACCOUNT_IDLE_DAYS: last login (or, never logged in, creation) before the
    cut-off."""
    from django.db.models import Q

    from ezhou_platform.common.models import User

    cutoff = (now or clock.now()) - dt.timedelta(days=settings.ACCOUNT_IDLE_DAYS)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def delete_sessions_of(user_ids: set[int]) -> int:
    """Delete the server-side sessions of these users (the session table stores the user id inside the
    encoded data, so each live session is decoded)."""
    deleted = 0
    for session in Session.objects.iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id", "")) in {str(i) for i in user_ids}:
            session.delete()
            deleted += 1
    return deleted


def disable_idle_accounts(*, actor: Any = None, now: dt.datetime | None = None) -> IdleResult:
    """Disable every account idle for 90 days and kill its sessions; one audit record per account."""
    from ezhou_platform.common.audit.services import record

    disabled: list[str] = []
    ids: set[int] = set()
    with transaction.atomic():
        for user in idle_accounts(now).select_for_update():
            user.is_active = False
            user.disabled_reason = f"连续{settings.ACCOUNT_IDLE_DAYS}天未登录，系统自动停用"
            user.save(update_fields=["is_active", "disabled_reason"])
            record(
                "platform.user.disable_idle",
                actor=actor,
                obj=user,
                before={"is_active": True, "last_login": user.last_login},
                after={"is_active": False, "reason": user.disabled_reason},
                label="停用长期未登录账户",
            )
            disabled.append(user.username)
            ids.add(user.pk)
        killed = delete_sessions_of(ids) if ids else 0
    return IdleResult(disabled=disabled, sessions_deleted=killed)
