"""Admin pages of the security layer, and the removal of django-otp's device admin.

The device admin would show every TOTP secret to the system administrator (a Django superuser): devices are
enrolled by their owners on /accounts/mfa/ and removed only by the security administrator (mfa.reset_device).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ezhou_platform.common.admin_mixins import AuditedAdminMixin
from ezhou_platform.common.roles import Role

from .models import Alert, ConsentNotice, SecondPersonRule

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


class SecondPersonRuleForm(forms.ModelForm):
    class Meta:
        model = SecondPersonRule
        fields = ("procedure", "step", "required", "valid_from", "reason")

    def clean(self) -> dict[str, Any]:
        from ezhou_platform.procedures.second_person import check_rule

        data = super().clean() or {}
        if data.get("procedure") and data.get("step"):
            problem = check_rule(data["procedure"], data["step"], required=bool(data.get("required")))
            if problem:
                raise forms.ValidationError(problem)
        return data


@admin.register(SecondPersonRule)
class SecondPersonRuleAdmin(_ReadOnly, admin.ModelAdmin):
    """Dated, add-only: a change is a new row from a later date (procedures/second_person.configure audits
    it with the rule in force before). The system administrator edits; the auditor and the security
    administrator read."""

    readers = (Role.AUDITOR, Role.SECURITY_ADMIN)
    writers = (Role.ADMIN,)
    form = SecondPersonRuleForm
    list_display = ("procedure", "step", "required", "valid_from", "reason", "created_by", "created_at")
    list_filter = ("procedure", "required")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from ezhou_platform.procedures.second_person import configure

        saved = configure(
            obj.procedure,
            obj.step,
            required=obj.required,
            valid_from=obj.valid_from,
            reason=obj.reason,
            actor=request.user,
            request=request,
        )
        obj.pk = saved.pk
