"""Admin for 医疗保障局 clerks: medical data is seen by that department's clerks and heads (and auditors,
read-only), by nobody else — not the system administrator (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from ezhou_platform.common import clock
from ezhou_platform.common.admin_mixins import AuditedAdminMixin
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import READ, WRITE, allowed
from ezhou_platform.common.roles import Role
from ezhou_rules.core.money import format_yuan

from . import services
from .models import (
    Application,
    Claim,
    FundBudget,
    FundContribution,
    Identity,
    Person,
    Recovery,
    Settlement,
    YearAccount,
)

DEPARTMENT = "medical_security"
ROLES = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


def may(request: HttpRequest, action: str = READ) -> bool:
    return allowed(request.user, roles=ROLES, department=DEPARTMENT, action=action)


class MedicalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read for the department (and auditors); no add/change/delete unless a subclass allows it."""

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


def _yuan(field: str, label: str) -> Any:
    """A list column showing ``field`` (fen) as 1,234.56元. Assigned as a ModelAdmin attribute, it becomes a
    method: Django calls it with the admin and the row (a one-argument function raised TypeError on every
    changelist that used it)."""

    @admin.display(description=label)
    def show(_admin: Any, obj: Any) -> str:
        return format_yuan(getattr(obj, field))

    return show


@admin.register(Person)
class PersonAdmin(MedicalAdmin):
    list_display = ["masked_id", "masked_name", "jurisdiction", "created_at"]
    list_filter = ["jurisdiction"]
    search_fields = ["=resident_id"]  # exact number only: no browsing by partial IDs
    fields = readonly_fields = ("masked_id", "masked_name", "jurisdiction", "created_at")

    @admin.display(description="公民身份号码")
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id

    @admin.display(description="姓名")
    def masked_name(self, obj: Person) -> str:
        return obj.masked_name


@admin.register(Identity)
class IdentityAdmin(MedicalAdmin):
    list_display = ["person", "kind", "source_department", "valid_from", "valid_until", "evidence"]
    list_filter = ["kind", "source_department"]
    search_fields = ["=person__resident_id", "evidence"]
    readonly_fields = [
        "person",
        "kind",
        "source_department",
        "valid_from",
        "valid_until",
        "evidence",
        "status",
        "end_reason",
        "recorded_at",
    ]
    # Recognised and ended by 民政 or 乡村振兴 on their pages (the procedure of the department 第二十二条 names,
    # M25); read here. Never changed or deleted: a correction is a new record, an end a step of the case.


@admin.register(Application)
class ApplicationAdmin(MedicalAdmin):
    list_display = ["person", "kind", "year", "submitted_on", "review_deadline", "state", "decided_on"]
    list_filter = ["kind", "state", "year"]
    search_fields = ["=person__resident_id"]
    readonly_fields = [
        "person",
        "kind",
        "year",
        "submitted_on",
        "review_deadline",
        "state",
        "decided_on",
        "decided_by",
        "reason",
        "note",
        "recognised_on",
    ]
    actions = ["approve"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if may(request, WRITE) else {}

    @admin.action(description="批准所选申请")
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for app in queryset:
            try:
                services.approve_application(app, acting_user=request.user, day=clock.today())
                done += 1
            except ApiError as exc:
                self.message_user(request, f"{app}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"已批准 {done} 件申请。", messages.SUCCESS)


@admin.register(Claim)
class ClaimAdmin(MedicalAdmin):
    list_display = [
        "claim_id",
        "person",
        "settle_date",
        "kind",
        "hospital_name",
        "hospital_level",
        "self_pay_yuan",
        "pending_reason",
    ]
    list_filter = ["kind", "hospital_level", "in_city", "in_province"]
    search_fields = ["claim_id", "=person__resident_id", "hospital_name"]
    date_hierarchy = "settle_date"
    self_pay_yuan = _yuan("policy_self_pay", "政策范围内自付")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Claim._meta.fields]


@admin.register(Settlement)
class SettlementAdmin(MedicalAdmin):
    list_display = [
        "id",
        "claim",
        "person",
        "kind",
        "year",
        "person_class",
        "basic_yuan",
        "tilted_yuan",
        "borne_yuan",
        "entry_date",
        "reason",
    ]
    list_filter = ["kind", "year", "person_class", "jurisdiction"]
    search_fields = ["claim__claim_id", "=person__resident_id"]
    basic_yuan = _yuan("basic_aid", "基本救助")
    tilted_yuan = _yuan("tilted_aid", "倾斜救助")
    borne_yuan = _yuan("hospital_borne", "医疗机构承担")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Settlement._meta.fields]


@admin.register(YearAccount)
class YearAccountAdmin(MedicalAdmin):
    list_display = ["person", "year", "self_pay_yuan", "basic_yuan", "tilted_yuan"]
    list_filter = ["year"]
    search_fields = ["=person__resident_id"]
    self_pay_yuan = _yuan("self_pay", "累计自付")
    basic_yuan = _yuan("basic_paid", "累计基本救助")
    tilted_yuan = _yuan("tilted_paid", "累计倾斜救助")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in YearAccount._meta.fields]


@admin.register(FundBudget)
class FundBudgetAdmin(MedicalAdmin):
    list_display = ["year", "jurisdiction", "person_class", "amount_yuan", "source"]
    list_filter = ["year", "jurisdiction", "person_class"]
    fields = ["year", "jurisdiction", "person_class", "amount", "source"]
    amount_yuan = _yuan("amount", "预算")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request, WRITE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, WRITE)


@admin.register(Recovery)
class RecoveryAdmin(MedicalAdmin):
    """Read here; recorded as recovered on the 多付应追回 page or through the API (service, audited)."""

    list_display = ["person", "year", "amount_yuan", "state", "recovered_on", "evidence", "reason"]
    list_filter = ["state", "year"]
    search_fields = ["=person__resident_id", "adjustment__claim__claim_id"]
    amount_yuan = _yuan("amount", "应追回金额")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Recovery._meta.fields]


@admin.register(FundContribution)
class FundContributionAdmin(MedicalAdmin):
    """Read here; entered on the 基金台账 page (service: persons × 320 computed, audited)."""

    list_display = ["year", "jurisdiction", "source", "persons", "amount_yuan", "basis"]
    list_filter = ["year", "jurisdiction", "source"]
    amount_yuan = _yuan("amount", "金额")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in FundContribution._meta.fields]
