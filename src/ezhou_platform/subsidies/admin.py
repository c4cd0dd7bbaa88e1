"""Admin of the subsidies system: read-only lists for the departments that run the measures (and auditors),
scoped like the pages; the only changes are actions that call the services (审核通过, 列入名单公示), so every
change goes through the procedure layer and its audit trail. Budgets, decisions, payments and clawbacks are
taken on the system's pages, where the article and the four-eyes rule are shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import READ, WRITE, allowed
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.core.money import format_yuan
from ezhou_rules.subsidies.errors import SubsidyError

from .models import (
    Application,
    AwardDecision,
    BudgetAccount,
    BudgetEntry,
    CapUsage,
    Deferral,
    LedgerKey,
    PaymentBatch,
    PublicNotice,
    ReferenceRow,
    TrackingRecord,
    WhatIf,
)
from .models.ledger import subject_token
from .services import notices, review
from .views.common import applications_for, runs_subsidies

ROLES = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


def may(request: HttpRequest, action: str = READ) -> bool:
    return allowed(request.user, roles=ROLES, action=action) and runs_subsidies(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 50

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "component", "subject_name", "status", "amount", "payer", "received_on")
    list_filter = ("status", "measure", "source", "payer")
    search_fields = ("=subject", "subject_name", "object")  # subject encrypted: whole value only (C20)
    readonly_fields = [
        f.name
        for f in Application._meta.fields
        if f.name not in ("facts", "trace", "reasons", "subject_bidx")
    ]
    exclude = ("facts", "trace", "reasons", "subject_bidx")
    actions = ("review_selected", "publish_selected")

    def get_queryset(self, request: HttpRequest) -> Any:
        return applications_for(request.user)

    @admin.display(description="申请编号")
    def number(self, obj: Application) -> str:
        return obj.number

    @admin.display(description="金额")
    def amount(self, obj: Application) -> str:
        return obj.amount_text

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if not may(request, WRITE) or request.user.role == Role.AUDITOR:  # type: ignore[union-attr]
            return {}
        return actions

    @admin.action(description="审核通过所选申请（鄂州政办发〔2022〕32号）")
    def review_selected(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for app in queryset.filter(status=Application.Status.SUBMITTED):
            try:
                review.review(app, actor=request.user, on=clock.today(), note="业务管理后台审核")
                done += 1
            except (ProcedureError, SubsidyError) as exc:
                self.message_user(request, f"{app.number}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已审核通过{done}份申请。")

    @admin.action(description="将所选审核通过的申请列入名单公示")
    def publish_selected(self, request: HttpRequest, queryset: Any) -> None:
        apps = list(queryset.filter(status=Application.Status.REVIEWED))
        try:
            notice = notices.publish(apps, actor=request.user, on=clock.today())
            self.message_user(request, f"已发布公示{notice.number}（{len(apps)}份）。")
        except (ProcedureError, SubsidyError) as exc:
            self.message_user(request, exc.message, messages.ERROR)


@admin.register(LedgerKey)
class LedgerKeyAdmin(ReadOnlyAdmin):
    list_display = ("shown_key", "label", "application", "taken_on", "released_on", "release_reason")
    list_filter = ("label",)
    search_fields = ("key",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .filter(application__in=applications_for(request.user))
            .select_related("application")
        )

    @admin.display(description="台账键")
    def shown_key(self, obj: LedgerKey) -> str:
        return obj.shown_key

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        # keys hold a subject as its token (C20): a whole ID searched for finds its keys by the token
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found = found | queryset.filter(key__contains=f"|{subject_token(term)}")
        return found, duplicates


@admin.register(CapUsage)
class CapUsageAdmin(ReadOnlyAdmin):
    list_display = ("key", "cap", "used")
    search_fields = ("key",)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        # cap keys hold the subject as its token (C20): a whole USCC or ID finds its rows by the token
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found = found | queryset.filter(key__contains=f"|{subject_token(term)}|")
        return found, duplicates

    @admin.display(description="上限")
    def cap(self, obj: CapUsage) -> str:
        return format_yuan(obj.cap_fen)

    @admin.display(description="已决定")
    def used(self, obj: CapUsage) -> str:
        return format_yuan(obj.used_fen)


class BudgetEntryInline(admin.TabularInline):
    model = BudgetEntry
    extra = 0
    can_delete = False
    readonly_fields = ("amount_fen", "source", "entered_on", "entered_by", "entered_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BudgetAccount)
class BudgetAccountAdmin(ReadOnlyAdmin):
    list_display = ("payer", "measure", "allotted", "drawn", "remaining")
    list_filter = ("payer",)
    inlines = (BudgetEntryInline,)

    @admin.display(description="预算")
    def allotted(self, obj: BudgetAccount) -> str:
        return format_yuan(obj.allotted_fen)

    @admin.display(description="已支付")
    def drawn(self, obj: BudgetAccount) -> str:
        return format_yuan(obj.drawn_fen)

    @admin.display(description="余额")
    def remaining(self, obj: BudgetAccount) -> str:
        return format_yuan(obj.remaining_fen)


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "department", "published_on", "ends_on", "workdays")
    list_filter = ("department",)


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ("title", "department", "decided_on", "created_by")
    list_filter = ("department",)


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "payer", "paid_on", "count", "total")
    list_filter = ("payer",)

    @admin.display(description="合计")
    def total(self, obj: PaymentBatch) -> str:
        return format_yuan(obj.total_fen)


@admin.register(ReferenceRow)
class ReferenceRowAdmin(ReadOnlyAdmin):
    list_display = ("kind", "key", "name", "year", "imported_at")
    list_filter = ("kind",)
    search_fields = ("key", "=subject", "name")  # the subject is encrypted: found by its whole value (C20)


@admin.register(Deferral)
class DeferralAdmin(ReadOnlyAdmin):
    list_display = ("unit_id", "unit_name", "month", "unit_kind", "deferred", "late_fee_fen")
    list_filter = ("deferred", "unit_kind", "month")
    search_fields = ("unit_id", "unit_name")


@admin.register(TrackingRecord)
class TrackingRecordAdmin(ReadOnlyAdmin):
    list_display = ("measure", "unit", "item", "done_on", "recorded_by")
    list_filter = ("measure",)


@admin.register(WhatIf)
class WhatIfAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "year",
        "applications",
        "total_baseline_fen",
        "total_scenario_fen",
        "created_at",
    )
