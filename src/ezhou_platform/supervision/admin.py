"""Admin of the supervision system: government staff read the plans, tasks, items, reports, sites and the 15号
figures here; nothing is added, changed or deleted here (the history the plans care about is never
overwritten). The two actions call the services: 确认所选报送 (the report procedure's step, by the plan's
supervising department) and 重新载入任务 (the load job's service, by the 督查室)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.supervision.errors import SupervisionError

from .models import (
    Assignment,
    DispersedVillage,
    FundingLine,
    FundingReport,
    Item,
    LoadRun,
    Member,
    Plan,
    ProgressionReport,
    Recognition,
    Report,
    Site,
    SiteOperator,
    SiteState,
    Task,
    TaskUnit,
)

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def _role(request: HttpRequest) -> Role | None:
    user: Any = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return Role(user.role)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff of every department read (the apps' `admin_access`); no one writes through the admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _role(request) in STAFF

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _role(request) in STAFF

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _each(modeladmin: Any, request: HttpRequest, queryset: Any, step: Any, done: str) -> None:
    """A service step on each selected row, each its own unit of work; refusals are shown, not raised."""
    ok = 0
    for obj in queryset:
        try:
            step(obj)
            ok += 1
        except (SupervisionError, ProcedureError) as exc:
            modeladmin.message_user(request, f"{obj}：{exc.message}", level=messages.ERROR)
    if ok:
        modeladmin.message_user(request, f"{done}{ok}项。", level=messages.SUCCESS)


class TaskUnitInline(ReadOnlyInline):
    model = TaskUnit
    fields = ("position", "printed", "expanded", "organisation", "role")


class MemberInline(ReadOnlyInline):
    model = Member
    fields = ("position", "name", "title", "role", "printed_unit", "organisation")


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = (
        "document",
        "title",
        "issued",
        "department",
        "leadership_name",
        "roll_rest_days",
        "loaded_at",
    )
    search_fields = ("document", "title")
    inlines = [MemberInline]
    actions = ["reload"]

    @admin.action(description="重新载入任务（从政策文件库）")
    def reload(self, request: HttpRequest, queryset: Any) -> None:
        from ezhou_platform.common.permissions import WRITE, allowed

        from .services.loading import load_plan

        if not allowed(
            request.user,
            roles=(Role.CLERK, Role.DEPARTMENT_HEAD),
            department="supervision_office",
            action=WRITE,
        ):
            self.message_user(request, "载入任务由市政府督查室办理。", level=messages.ERROR)
            return
        _each(self, request, queryset, lambda p: load_plan(p.slug, actor=request.user), "已重新载入")


@admin.register(LoadRun)
class LoadRunAdmin(ReadOnlyAdmin):
    list_display = ("plan", "at", "actor")
    list_filter = ("plan",)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "text", "deadline_printed", "due", "deliverable", "lead_basis")
    list_filter = ("plan", "deadline_kind", "deliverable")
    search_fields = ("text", "anchor")
    inlines = [TaskUnitInline]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "label", "plan", "year", "kind", "due", "deliverable")
    list_filter = ("plan", "kind", "year")
    search_fields = ("code", "label")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("item", "organisation", "role", "department", "due")
    list_filter = ("role", "item__plan")
    search_fields = ("organisation__name", "item__label")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Metadata only: the evidence file is downloaded on the report's page (checked and audited)."""

    list_display = ("item", "unit", "kind", "evidence_date", "document_number", "status", "filed_on")
    list_filter = ("plan", "kind", "status")
    search_fields = ("document_number", "unit__name", "item__label")
    exclude = ("attachment",)
    actions = ["accept"]

    @admin.action(description="确认所选报送")
    def accept(self, request: HttpRequest, queryset: Any) -> None:
        from .services.reports import accept

        _each(self, request, queryset, lambda r: accept(r, actor=request.user), "已确认")


class SiteOperatorInline(ReadOnlyInline):
    model = SiteOperator
    fields = ("position", "organisation")


class SiteStateInline(ReadOnlyInline):
    model = SiteState
    fields = ("since", "state", "note", "recorded_by")


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "jurisdiction", "status")
    list_filter = ("level", "status")
    search_fields = ("code", "name", "jurisdiction__name")
    inlines = [SiteOperatorInline, SiteStateInline]


@admin.register(DispersedVillage)
class DispersedVillageAdmin(ReadOnlyAdmin):
    list_display = ("jurisdiction", "since", "until", "basis")


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ("category", "name", "level", "holder", "recognised_on", "document_number", "supersedes")
    list_filter = ("category", "level")
    search_fields = ("name", "document_number")


@admin.register(ProgressionReport)
class ProgressionReportAdmin(ReadOnlyAdmin):
    list_display = (
        "school",
        "year",
        "graduates",
        "progressed",
        "to_bachelor",
        "supersedes",
        "correction_reason",
    )
    list_filter = ("year",)
    search_fields = ("school__name",)


class FundingLineInline(ReadOnlyInline):
    model = FundingLine


@admin.register(FundingReport)
class FundingReportAdmin(ReadOnlyAdmin):
    list_display = (
        "school",
        "year",
        "school_kind",
        "ownership",
        "students",
        "supersedes",
        "correction_reason",
    )
    list_filter = ("year", "school_kind", "ownership")
    search_fields = ("school__name",)
    inlines = [FundingLineInline]
