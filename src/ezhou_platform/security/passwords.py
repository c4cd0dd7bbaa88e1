"""Password history and the password's age (SECURITY.md C01: staff expiry ≤ 90 days, history 5).

`PasswordHistoryValidator` is one of AUTH_PASSWORD_VALIDATORS: for staff it refuses any of the last
PASSWORD_HISTORY passwords; its `password_changed` hook (Django calls it when a user with a new password is
saved) stamps `password_changed_at`, clears `must_change_password` and keeps the hash in the history.
Citizens follow ASVS (no rotation, no history) but their change time is stamped too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from ezhou_platform.common import clock
from ezhou_platform.common.roles import STAFF_ROLES


class PasswordHistoryValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if (
            user is None
            or getattr(user, "pk", None) is None
            or getattr(user, "role", None) not in STAFF_ROLES
        ):
            return
        from .models import PasswordHistory

        depth = settings.PASSWORD_HISTORY
        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-id")
            .values_list("password", flat=True)[:depth]
        )
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(f"新密码不能与最近{depth}次使用过的密码相同。", code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from ezhou_platform.common.models import User

        from .models import PasswordHistory

        now = clock.now()
        # A password set by someone else (reset, bootstrap) keeps must_change_password, which the caller set
        # in the same save; a change by the user clears it (the view passes user.changing_own_password).
        fields: dict[str, Any] = {"password_changed_at": now}
        if getattr(user, "changing_own_password", False):
            fields["must_change_password"] = False
        User.objects.filter(pk=user.pk).update(**fields)
        for name, value in fields.items():
            setattr(user, name, value)
        PasswordHistory.objects.create(user_id=user.pk, password=user.password, created_at=now)
        keep = (
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-id")
            .values_list("id", flat=True)[: settings.PASSWORD_HISTORY]
        )
        PasswordHistory.objects.filter(user_id=user.pk).exclude(id__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return f"工作人员的新密码不能与最近{settings.PASSWORD_HISTORY}次使用过的密码相同。"
