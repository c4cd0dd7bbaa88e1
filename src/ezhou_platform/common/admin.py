from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from .admin_mixins import AuditedAdminMixin
from .models import (
    CalendarDay,
    CalendarYear,
    ConfiguredValue,
    Department,
    Jurisdiction,
    JurisdictionSuccession,
    Organisation,
    OrganisationAlias,
    User,
)
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
class UserAdmin(AuditedAdminMixin, AdminOnlyMixin, DjangoUserAdmin):
    audit_action_prefix = "platform.user"
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
        *(DjangoUserAdmin.fieldsets or ()),
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
class DepartmentAdmin(AuditedAdminMixin, AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "organisation")
    search_fields = ("code", "name")
    autocomplete_fields = ("organisation",)


class JurisdictionSuccessionInline(admin.TabularInline):
    model = JurisdictionSuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ("predecessor",)
    verbose_name = "前身"
    verbose_name_plural = "前身（更名、合并、拆分、划转）"


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdminMixin, AdminOnlyMixin, admin.ModelAdmin):
    """Single corrections; whole lists are loaded from a file (registers → 导入辖区名录)."""

    list_display = ("name", "level", "stat_code", "code", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("name", "stat_code", "code")
    autocomplete_fields = ("parent",)
    inlines = [JurisdictionSuccessionInline]


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1
    fields = ("alias", "source", "valid_from", "valid_to")


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "uscc", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "uscc", "aliases__alias")
    fields = ("kind", "name", "uscc", "valid_from", "valid_to", "source", "note")
    inlines = [OrganisationAliasInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        from ezhou_platform.common.audit.services import record

        instances = formset.save()
        for alias in instances:
            record(
                "registers.organisation.alias",
                actor=request.user,
                obj=alias.organisation,
                after={"alias": alias.alias, "source": alias.source},
                label=f"登记单位别名：{alias.alias} = {alias.organisation.name}",
                request=request,
            )
        for alias in formset.deleted_objects:
            record(
                "registers.organisation.alias_delete",
                actor=request.user,
                obj=alias.organisation,
                before={"alias": alias.alias, "source": alias.source},
                label=f"删除单位别名：{alias.alias}",
                request=request,
            )


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("year", "source", "notice_number", "notice_date", "entered_at")
    inlines = [CalendarDayInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The days are saved by now: count the deadlines that depend on this year again, as the calendar
        # page does (ezhou_platform.common.calendar_entry).
        from ezhou_platform.procedures.periods import recompute_periods

        super().save_related(request, form, formsets, change)
        year = form.instance.year
        run = recompute_periods(
            actor=request.user, trigger=f"{year}年节假日安排在业务管理后台修改", years=[year]
        )
        self.message_user(request, f"已重新计算{run.checked}个期限，其中{run.moved}个日期有变化。")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        from ezhou_platform.common.audit.services import record

        instances = formset.save()
        for day in instances:
            record(
                "common.calendarday.save",
                actor=request.user,
                obj=day,
                after={"day": day.day.isoformat(), "kind": day.kind, "name": day.name},
                label="录入节假日/调休日",
                request=request,
            )
        for day in formset.deleted_objects:
            record(
                "common.calendarday.delete",
                actor=request.user,
                obj=day,
                before={"day": day.day.isoformat(), "kind": day.kind},
                label="删除节假日/调休日",
                request=request,
            )


@admin.register(ConfiguredValue)
class ConfiguredValueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Added, never changed: a correction is a new row for the same date (the newest wins)."""

    list_display = ("tree", "name", "valid_from", "value", "source", "department", "entered_by", "entered_at")
    list_filter = ("tree", "department")
    search_fields = ("tree", "name", "source")
    fields = ("tree", "name", "valid_from", "value", "source", "note")

    def _may_enter(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and request.user.role in (Role.ADMIN, Role.DEPARTMENT_HEAD))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_enter(request) or bool(
            request.user.is_authenticated and request.user.role == Role.AUDITOR
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_enter(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user: Any = request.user
        obj.entered_by = user
        obj.department = user.department
        super().save_model(request, obj, form, change)
