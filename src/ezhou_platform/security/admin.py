"""Admin pages of the security layer, and the removal of django-otp's device admin.

The device admin would show every TOTP secret to the system administrator (a Django superuser): devices are
enrolled by their owners on /accounts/mfa/ and removed only by the security administrator (mfa.reset_device).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ezhou_platform.common.admin_mixins import AuditedAdminMixin
from ezhou_platform.common.roles import Role

from .models import Alert, ConsentNotice

try:
    admin.site.unregister(TOTPDevice)
except NotRegistered:  # pragma: no cover - the plugin's admin not loaded
    pass


def _role(request: HttpRequest) -> str | None:
    user: Any = request.user
    return user.role if user.is_authenticated and user.is_active else None


class _ReadOnly:
    readers: tuple[Role, ...] = ()
    writers: tuple[Role, ...] = ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _role(request) in (*self.readers, *self.writers)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _role(request) in self.writers

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(_ReadOnly, admin.ModelAdmin):
    readers = (Role.SECURITY_ADMIN, Role.AUDITOR)
    list_display = ("raised_at", "kind", "subject", "message", "acknowledged_by", "acknowledged_at")
    list_filter = ("kind",)


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(AuditedAdminMixin, _ReadOnly, admin.ModelAdmin):
    """New versions only: a notice once shown is never edited (the records point at the version seen)."""

    readers = (Role.AUDITOR,)
    writers = (Role.ADMIN,)
    list_display = ("key", "version", "title", "sensitive", "valid_from", "created_at")
    list_filter = ("key", "sensitive")
