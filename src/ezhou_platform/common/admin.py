from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
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
from .parameters import PARAMETER_ROLES, TREE_DEPARTMENTS
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


class SecurityAdminPasswordForm(AdminPasswordChangeForm):
    """The admin's "change password" form, for the security administrator only: a one-time password the
    user must change at the next login, audited (ezhou_platform.security.accounts.reset_password)."""

    actor: Any = None
    request: Any = None

    def save(self, commit: bool = True) -> Any:
        from ezhou_platform.security.accounts import reset_password

        reset_password(
            self.user, actor=self.actor, new_password=self.cleaned_data["password1"], request=self.request
        )
        return self.user


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Accounts under 三员分立 (SECURITY.md C07): the security administrator creates accounts, assigns roles
    and resets passwords (never their own); the system administrator and the auditor may only look."""

    audit_action_prefix = "platform.user"
    change_password_form = SecurityAdminPasswordForm
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
    # No superuser/staff flags, groups or permissions: they follow from the role (accounts.flags_for_role),
    # so no form can give one person a second duty.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "first_name", "last_name", "email")}),
        (
            "平台角色",
            {
                "fields": (
                    "role",
                    "department",
                    "jurisdiction",
                    "enterprise_uscc",
                    "enterprise_name",
                )
            },
        ),
        (
            "账户状态",
            {"fields": ("is_active", "must_change_password", "disabled_reason", "last_login", "date_joined")},
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
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
    readonly_fields = ("last_login", "date_joined", "disabled_reason")

    def _role(self, request: HttpRequest) -> str | None:
        user: Any = request.user
        return user.role if user.is_authenticated and user.is_active else None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._role(request) in (Role.SECURITY_ADMIN, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._role(request) == Role.SECURITY_ADMIN

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._role(request) == Role.SECURITY_ADMIN

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail refers to them.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == getattr(request.user, "pk", None):
            # Never one's own role, department or activation.
            fields += ["role", "department", "is_active", "must_change_password"]
        return fields

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        from django.core.exceptions import PermissionDenied

        target = self.get_object(request, id)
        if self._role(request) != Role.SECURITY_ADMIN or target is None or target.pk == request.user.pk:
            raise PermissionDenied("只有安全管理员可以重置他人的密码（三员分立）。")
        SecurityAdminPasswordForm.actor = request.user
        SecurityAdminPasswordForm.request = request
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from django.core.exceptions import PermissionDenied

        from ezhou_platform.security.accounts import flags_for_role, is_security_admin

        if not is_security_admin(request.user):
            raise PermissionDenied("只有安全管理员可以创建和修改账户（三员分立）。")
        if change and obj.pk == request.user.pk and "role" in form.changed_data:
            raise PermissionDenied(
                "不能变更本人的角色。"
            )  # the field is read-only there; this is the backstop
        previous = (
            type(obj).objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        )
        for flag, value in flags_for_role(obj.role).items():
            setattr(obj, flag, value)
        if not change:
            obj.must_change_password = True  # a password someone else chose
        super().save_model(request, obj, form, change)
        if previous != obj.role:
            from ezhou_platform.common.audit.services import record

            record(
                "platform.user.role_change",
                actor=request.user,
                obj=obj,
                before={"role": previous},
                after={"role": obj.role, "department": obj.department.code if obj.department_id else None},
                label="变更用户角色",
                request=request,
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


class ConfiguredValueForm(forms.ModelForm):
    """The tree is one of the user's department's trees; the value is checked against the parameter's unit."""

    class Meta:
        model = ConfiguredValue
        fields = ("tree", "name", "valid_from", "value", "source", "note")

    def clean(self) -> dict[str, Any]:
        from ezhou_rules.core.params import ParameterFileError, ParameterValueError, UnknownParameter

        from .parameters import load_tree, validate_value

        data: dict[str, Any] = super().clean() or {}
        tree_name, name = data.get("tree"), data.get("name")
        if not tree_name or not name or data.get("valid_from") is None or "value" not in data:
            return data
        tree = load_tree(tree_name)
        if tree is None:
            return data
        try:
            validate_value(tree, name, data["valid_from"], data["value"], data.get("source", ""), "")
        except (ParameterFileError, ParameterValueError, UnknownParameter, ValueError, LookupError) as exc:
            raise forms.ValidationError({"value": str(exc)}) from exc
        return data


@admin.register(ConfiguredValue)
class ConfiguredValueAdmin(admin.ModelAdmin):
    """Added, never changed: a correction is a new row for the same date (the newest approved wins).

    Scoped to the department that owns each tree (parameters.TREE_DEPARTMENTS): its clerks and heads enter
    values, which wait (待复核) until another of them approves them (action “批准”); auditors and the system
    administrator read everything. Every entry and review is audited with the value before and after.
    """

    form = ConfiguredValueForm
    list_display = (
        "tree",
        "name",
        "valid_from",
        "value",
        "status",
        "source",
        "department",
        "entered_by",
        "reviewed_by",
        "entered_at",
    )
    list_filter = ("status", "tree", "department")
    search_fields = ("tree", "name", "source")
    fields = ("tree", "name", "valid_from", "value", "source", "note")
    actions = ("approve_selected", "reject_selected")

    def _staff_of_department(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_authenticated and user.role in PARAMETER_ROLES and user.department_id)

    def _reader(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_authenticated and user.role in (Role.AUDITOR, Role.ADMIN))

    def _my_trees(self, request: HttpRequest) -> list[str]:
        user: Any = request.user
        if not self._staff_of_department(request):
            return []
        return sorted(t for t, d in TREE_DEPARTMENTS.items() if d == user.department.code)

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request).select_related("department", "entered_by", "reviewed_by")
        if self._reader(request):
            return qs
        return qs.filter(tree__in=self._my_trees(request))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        trees = self._my_trees(request)
        form.base_fields["tree"] = forms.ChoiceField(
            label="参数表", choices=[(t, t) for t in trees], help_text="只能选择本部门主管的参数表"
        )
        return form

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reader(request) or bool(self._my_trees(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self._reader(request):
            return obj.tree in self._my_trees(request)
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(self._my_trees(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from ezhou_platform.common.audit.services import record

        from .parameters import check_may_configure, tree_department

        user: Any = request.user
        check_may_configure(user, obj.tree)  # the form's choices already say so; the service decides
        obj.entered_by = user
        obj.department = Department.objects.get(code=tree_department(obj.tree))
        obj.status = ConfiguredValue.Status.PENDING  # never at once through this page, even in the demo
        super().save_model(request, obj, form, change)
        record(
            "platform.parameter.enter",
            actor=user,
            obj=obj,
            after={
                "tree": obj.tree,
                "name": obj.name,
                "valid_from": obj.valid_from.isoformat(),
                "value": obj.value,
                "source": obj.source,
                "status": obj.status,
            },
            label="录入政策参数",
            request=request,
        )
        self.message_user(request, "已录入，待本部门另一名工作人员复核后生效。")

    def _review(self, request: HttpRequest, queryset: Any, approve: bool) -> None:
        from .parameters import ParameterPermissionError, approve_value, reject_value

        done = 0
        for row in queryset:
            try:
                (approve_value if approve else reject_value)(row, actor=request.user)
                done += 1
            except ParameterPermissionError as exc:
                self.message_user(request, f"{row}：{exc.message}", level=messages.ERROR)
        if done:
            self.message_user(request, f"已{'批准' if approve else '退回'}{done}项取值。")

    @admin.action(description="批准所选取值（双人复核）")
    def approve_selected(self, request: HttpRequest, queryset: Any) -> None:
        self._review(request, queryset, approve=True)

    @admin.action(description="退回所选取值")
    def reject_selected(self, request: HttpRequest, queryset: Any) -> None:
        self._review(request, queryset, approve=False)
