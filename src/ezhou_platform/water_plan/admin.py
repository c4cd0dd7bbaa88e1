"""Admin for 水利和湖泊局 clerks: units, accounts, the quota table and coefficient events are kept here
(audited); plans, requests, notices and appeals are read here and changed only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from ezhou_platform.common import clock
from ezhou_platform.common.admin_mixins import AuditedAdminMixin
from ezhou_platform.common.roles import Role
from ezhou_rules.water_plan.errors import WaterPlanError

from . import services
from .models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    CollectionReminder,
    ConstructionReport,
    EvidenceFile,
    ImportBatch,
    PlanChange,
    PlanFinding,
    QuotaEntry,
    SupplementRequest,
    SupplierAccount,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)

WATER = "water"


class WaterAdminMixin:
    """The water department's clerks and heads; auditors read only; not the system administrator (三员分立)."""

    writable = False

    def _role(self, request: HttpRequest) -> Role | None:
        user: Any = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        return Role(user.role)

    def _staff(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return self._role(request) in (Role.CLERK, Role.DEPARTMENT_HEAD) and bool(
            user.department and user.department.code == WATER
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request) or self._role(request) == Role.AUDITOR

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.writable and self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writable and self._staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_water_write_permission(self, request: HttpRequest) -> bool:
        """Actions that call the services: the department's clerks and heads, never auditors."""
        return self._staff(request)


def _run(modeladmin: Any, request: HttpRequest, queryset: Any, step: Any, done: str) -> None:
    """Apply a service step to each selected row; each row is its own transaction, errors are reported."""
    ok = 0
    for obj in queryset:
        try:
            step(obj)
            ok += 1
        except WaterPlanError as exc:
            modeladmin.message_user(request, f"{obj}：{exc.message}", level=messages.ERROR)
    if ok:
        modeladmin.message_user(request, f"{done}{ok}项。", level=messages.SUCCESS)


class AccountInline(admin.TabularInline):
    model = SupplierAccount
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return WaterAdminMixin.has_module_permission(WaterAdminMixin(), request)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return WaterAdminMixin._staff(WaterAdminMixin(), request)  # type: ignore[arg-type]

    has_change_permission = has_add_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WaterUnit)
class WaterUnitAdmin(AuditedAdminMixin, WaterAdminMixin, admin.ModelAdmin):
    writable = True
    list_display = ("name", "uscc", "jurisdiction", "industry", "method", "normal_use_started", "active")
    list_filter = ("method", "jurisdiction", "active")
    search_fields = ("name", "uscc", "accounts__number")
    inlines = [AccountInline]


@admin.register(QuotaEntry)
class QuotaEntryAdmin(AuditedAdminMixin, WaterAdminMixin, admin.ModelAdmin):
    writable = True
    list_display = ("indicator", "unit", "value", "valid_from", "source")
    search_fields = ("indicator",)


@admin.register(ImportBatch)
class ImportBatchAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "accepted", "rejected", "imported_at")


@admin.register(CoefficientEvent)
class CoefficientEventAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "kind", "on", "until", "evidence")
    list_filter = ("kind",)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(WaterAdminMixin, admin.ModelAdmin):
    """Metadata only: the file itself is downloaded through GET /api/v1/water-plan/evidence/{id} (checked and
    audited), never through a storage URL."""

    list_display = ("pk", "unit", "kind", "original_name", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("unit__name", "original_name", "sha256")
    exclude = ("file",)


@admin.register(PlanFinding)
class PlanFindingAdmin(WaterAdminMixin, admin.ModelAdmin):
    """Read here; recorded through the API (services.record_plan_finding checks sign, year and duplicates)."""

    list_display = ("unit", "year", "basis", "delta_m3x100", "reason", "evidence", "recorded_at")
    list_filter = ("year", "basis")
    search_fields = ("unit__name", "unit__uscc")


@admin.register(YearlyPlan)
class YearlyPlanAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "year", "method", "volume_m3x100", "coefficient_pct", "issued_on")
    list_filter = ("year", "method")
    search_fields = ("unit__name", "unit__uscc")


@admin.register(PlanChange)
class PlanChangeAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("plan", "kind", "delta_m3x100", "decided_on", "citation")
    list_filter = ("kind",)


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "plan", "received_on", "status", "verify_due", "notify_due")
    list_filter = ("status",)
    actions = ["verify"]

    @admin.action(description="核实所选调整申请（第十条）", permissions=["water_write"])
    def verify(self, request: HttpRequest, queryset: Any) -> None:
        today = clock.today()
        _run(
            self,
            request,
            queryset,
            lambda r: services.verify_adjustment(r, actor=request.user, on=today),
            "已核实",
        )


@admin.register(SupplementRequest)
class SupplementRequestAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "plan", "type", "event_on", "status", "review_due")
    list_filter = ("status", "type")
    actions = ["approve"]

    @admin.action(description="按附件2计算的水量核准所选增补申请（第十二条）", permissions=["water_write"])
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        today = clock.today()
        _run(
            self,
            request,
            queryset,
            lambda r: services.approve_supplement(r, actor=request.user, on=today),
            "已核准",
        )


@admin.register(ConstructionReport)
class ConstructionReportAdmin(WaterAdminMixin, admin.ModelAdmin):
    """Read here; reported through the unit's page or the API (附件2 （三）, services.report_construction_month)."""

    list_display = ("request", "month", "volume_m3x100", "reported_on", "due_on", "on_time")
    list_filter = ("month",)

    @admin.display(boolean=True, description="按期上报")
    def on_time(self, obj: ConstructionReport) -> bool:
        return obj.on_time


@admin.register(SurchargeNotice)
class SurchargeNoticeAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("number", "unit", "year", "version", "amount_fen", "state", "payment_due")
    list_filter = ("state", "year")
    search_fields = ("number", "unit__name")
    actions = ["delivered_today", "paid_today"]

    @admin.action(description="登记今日送达（起算异议与缴费期限）", permissions=["water_write"])
    def delivered_today(self, request: HttpRequest, queryset: Any) -> None:
        today = clock.today()
        _run(
            self,
            request,
            queryset,
            lambda n: services.deliver_notice(n, today, actor=request.user),
            "已登记送达",
        )

    @admin.action(description="登记今日缴费（第十六条）", permissions=["water_write"])
    def paid_today(self, request: HttpRequest, queryset: Any) -> None:
        today = clock.today()
        _run(
            self,
            request,
            queryset,
            lambda n: services.record_payment(n, today, actor=request.user),
            "已登记缴费",
        )


@admin.register(Appeal)
class AppealAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "notice", "received_on", "decision_due", "state")


@admin.register(CollectionReminder)
class CollectionReminderAdmin(WaterAdminMixin, admin.ModelAdmin):
    list_display = ("number", "notice", "sequence", "issued_on", "pay_by")
