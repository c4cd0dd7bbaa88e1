"""Admin of 非常规水资源管理, trimmed: records are read here (the water department's clerks and heads, auditors);
every change goes through the services (the pages), never a raw save. Two actions call services: re-check the
selected lab reports, and hand selected violations over for handling."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

from .models import (
    CapabilityFinding,
    Facility,
    IndicatorEntry,
    Inspection,
    LabReport,
    Project,
    QualityCheck,
    StandardTable,
    StopNotice,
    UsageRecord,
    Violation,
    WaterPlanLink,
)
from .services import violations
from .services.reports import check_stored


class ReadOnlyWaterAdmin(admin.ModelAdmin):
    """The water department's clerks and heads and auditors read; nobody adds, edits or deletes here."""

    also: tuple[Role, ...] = ()

    def _allowed(self, request: HttpRequest) -> bool:
        user: Any = request.user
        if not user.is_authenticated or not user.is_active:
            return False
        role = Role(user.role)
        if role == Role.AUDITOR or role in self.also:
            return True
        return role in (Role.CLERK, Role.DEPARTMENT_HEAD) and bool(
            user.department and user.department.code == "water"
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def writer(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return user.role in (Role.CLERK, Role.DEPARTMENT_HEAD) and bool(
            user.department and user.department.code == "water"
        )


@admin.register(Project)
class ProjectAdmin(ReadOnlyWaterAdmin):
    list_display = ("name", "developer", "filed_on", "facility_required", "status")
    list_filter = ("status", "facility_required", "facility_type")
    search_fields = ("name", "developer__name", "developer_uscc")


@admin.register(Facility)
class FacilityAdmin(ReadOnlyWaterAdmin):
    list_display = ("name", "facility_type", "operator", "in_service_from", "next_test_due", "status")
    list_filter = ("facility_type", "status")
    search_fields = ("name", "operator__name", "operator_uscc", "location")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyWaterAdmin):
    list_display = ("facility", "inspected_on", "inspector", "passed")
    list_filter = ("passed",)


class QualityCheckInline(admin.TabularInline):
    model = QualityCheck
    extra = 0
    can_delete = False
    fields = ("checked_at", "verdict", "failed", "undetermined", "missing", "refusal_message")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LabReport)
class LabReportAdmin(ReadOnlyWaterAdmin):
    list_display = ("report_no", "facility", "sampled_on", "lab", "filed_on", "via")
    list_filter = ("via", "sample_point_kind")
    search_fields = ("report_no", "facility__name", "lab")
    inlines = [QualityCheckInline]
    actions = ["recheck"]

    @admin.action(description="按现行标准库重新判定所选报告（原判定保留）")
    def recheck(self, request: HttpRequest, queryset: Any) -> None:
        if not self.writer(request):
            messages.error(request, "只有市水利和湖泊局经办人员可以重新判定。")
            return
        checked = check_stored(list(queryset.values_list("pk", flat=True)))
        with transaction.atomic():
            QualityCheck.objects.bulk_create(checked.checks)
        messages.success(
            request,
            f"已重新判定{len(checked.checks)}份报告："
            + "，".join(f"{k} {v}" for k, v in checked.counts.items()),
        )


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyWaterAdmin):
    list_display = ("facility", "period_start", "period_end", "volume_m3x100", "filed_on")


@admin.register(StopNotice)
class StopNoticeAdmin(ReadOnlyWaterAdmin):
    list_display = ("facility", "stop_starts_at", "notice_on_time", "report_status", "source")
    list_filter = ("report_status", "notice_on_time", "source")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyWaterAdmin):
    list_display = ("party", "act", "found_on", "status")
    list_filter = ("act", "status")
    search_fields = ("party", "description")
    actions = ["hand_over"]

    @admin.action(description="移交处理（第二十五条，须已录入处理依据）")
    def hand_over(self, request: HttpRequest, queryset: Any) -> None:
        if not self.writer(request):
            messages.error(request, "只有市水利和湖泊局经办人员可以移交处理。")
            return
        done = 0
        for v in queryset.filter(status="recorded"):
            try:
                violations.hand_over(v, actor=request.user)
                done += 1
            except (
                UnconventionalWaterError,
                ProcedureError,
            ) as exc:  # each refusal reported, the others go on
                messages.error(request, f"{v}：{exc.message}")
        if done:
            messages.success(request, f"已移交{done}件。")


@admin.register(CapabilityFinding)
class CapabilityFindingAdmin(ReadOnlyWaterAdmin):
    list_display = ("water_unit", "found_on", "reason")


@admin.register(WaterPlanLink)
class WaterPlanLinkAdmin(ReadOnlyWaterAdmin):
    list_display = ("water_unit", "year", "kind", "event_on", "status", "adopted")
    list_filter = ("kind", "status", "year")


@admin.register(StandardTable)
class StandardTableAdmin(ReadOnlyWaterAdmin):
    also = (Role.ADMIN,)
    list_display = ("code", "title", "source", "entered_by", "entered_at", "withdrawn_at")


@admin.register(IndicatorEntry)
class IndicatorEntryAdmin(ReadOnlyWaterAdmin):
    also = (Role.ADMIN,)
    list_display = ("code", "name", "dimension", "source", "entered_by")
