from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from .models import Department, Jurisdiction, User
from .roles import Role


class AdminOnlyMixin:
    """Accounts and reference tables are managed by the system administrator only."""

    def _is_admin(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and request.user.role == Role.ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail refers to them.
        return False


@admin.register(User)
class UserAdmin(AdminOnlyMixin, DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "department",
        "jurisdiction",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "department", "jurisdiction", "is_active")
    search_fields = ("username", "display_name", "enterprise_name", "enterprise_uscc")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "平台角色",
            {
                "fields": (
                    "display_name",
                    "role",
                    "department",
                    "jurisdiction",
                    "enterprise_uscc",
                    "enterprise_name",
                )
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Jurisdiction)
class JurisdictionAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "division_code", "parent")


from .models import CalendarDay, CalendarYear  # noqa: E402


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")
    inlines = [CalendarDayInline]
