"""Admin for 住房和城乡建设局 clerks and operator staff: operators, projects and units are kept here (audited);
the records of procedures (applications, objections, offers, contracts, 先租后售, repairs, complaints,
inspections and findings) are read here and changed only through their steps (pages, API, the procedure
layer)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ezhou_platform.common.admin_mixins import AuditedAdminMixin
from ezhou_platform.common.roles import Role
from ezhou_rules.core.ids import mask_resident_id
from ezhou_rules.rental_housing.common import RentalHousingInputError
from ezhou_rules.rental_housing.housing import project_type

from . import selectors
from .models import (
    AccountIdentity,
    AgentRelationship,
    Allocation,
    Application,
    Complaint,
    Contract,
    Finding,
    Inspection,
    MaintenanceRequest,
    Objection,
    Operator,
    OperatorStaff,
    Project,
    RentToOwnRequest,
    Unit,
    UnitOffer,
)

HOUSING = "housing"


def _is_housing_staff(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in (Role.CLERK, Role.DEPARTMENT_HEAD)
        and user.department
        and user.department.code == HOUSING
    )


class HousingAdminMixin:
    """Visible to the housing department's clerks and heads (scoped to their operator/district) and to auditors
    (read-only); not to the system administrator (三员分立)."""

    writable = True

    def _role(self, request: HttpRequest) -> Role | None:
        user: Any = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        return Role(user.role)

    def _staff(self, request: HttpRequest) -> bool:
        return _is_housing_staff(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request) or self._role(request) == Role.AUDITOR

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.writable and self._staff(request) and selectors.is_city_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.writable and self._staff(request) and selectors.is_city_staff(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Operator)
class OperatorAdmin(AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    list_display = ("name", "uscc", "jurisdiction", "has_rental_scope")
    search_fields = ("name", "uscc")

    @admin.display(boolean=True, description="经营范围含住房租赁")
    def has_rental_scope(self, obj: Operator) -> bool:
        return obj.has_rental_scope

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.operators_for(request.user, super().get_queryset(request))


@admin.register(OperatorStaff)
class OperatorStaffAdmin(AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    list_display = ("user", "operator")
    autocomplete_fields = ()


@admin.register(Project)
class ProjectAdmin(AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "certificate_number",
        "jurisdiction",
        "housing_type",
        "operator",
        "certificate_date",
        "construction_started_on",
    )
    list_filter = ("housing_type", "jurisdiction", "plan_body")
    search_fields = ("name", "certificate_number", "owner_name")

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.projects_for(request.user, super().get_queryset(request))

    readonly_fields = ("housing_type", "rent_reappraisal_due")

    def save_model(self, request: HttpRequest, obj: Project, form: Any, change: bool) -> None:
        try:
            obj.housing_type = str(project_type([obj.sourcing_method])[0])
        except RentalHousingInputError as exc:
            raise ValidationError({"sourcing_method": exc.message}) from exc
        super().save_model(request, obj, form, change)
        if "rent_appraised_on" in form.changed_data:
            # 第十条: the next appraisal falls due 3 years later, on the department's board (a period)
            from .services import track_reappraisal

            track_reappraisal(obj)


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    list_display = (
        "project",
        "number",
        "layout",
        "area_m2",
        "rent_fen",
        "market_rent_fen",
        "fitted_out",
        "status",
    )
    list_filter = ("status", "fitted_out", "project__housing_type")
    search_fields = ("number", "project__name")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(project__in=selectors.projects_for(request.user))


class ReadOnlyHousingAdmin(HousingAdminMixin, admin.ModelAdmin):
    writable = False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyHousingAdmin):
    list_display = ("name", "project", "status", "submitted_on", "review_deadline", "publicity_end")
    list_filter = (
        "status",
        "channel",
        "priority_public_service",
        "priority_multi_child",
        "priority_three_generation",
    )
    search_fields = ("name", "project__name")
    exclude = ("id_number", "phone")

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.applications_for(request.user, super().get_queryset(request))


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyHousingAdmin):
    list_display = ("application", "raised_on", "upheld", "decided_on")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(application__in=selectors.applications_for(request.user))


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyHousingAdmin):
    list_display = ("unit", "application", "active", "allocated_at", "released_on")
    exclude = ("id_number",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(application__in=selectors.applications_for(request.user))


@admin.register(Contract)
class ContractAdmin(ReadOnlyHousingAdmin):
    list_display = ("number", "start_date", "end_date", "monthly_rent_fen", "status", "filed_on")
    list_filter = ("status", "termination_reason")
    search_fields = ("number",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .filter(allocation__application__in=selectors.applications_for(request.user))
        )


class FindingInline(admin.TabularInline):
    """Read here; findings are recorded and handled on the inspection pages (their steps: 责令整改, 依法处置 …)."""

    model = Finding
    extra = 0
    fields = ("category", "description", "status", "rectify_by", "rectified_on", "sanction")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyHousingAdmin):
    """巡查检查 (第二十八条): recorded at /rental-housing/inspections/new/, each finding a procedure."""

    list_display = ("project", "jurisdiction", "inspected_on", "inspectors")
    list_filter = ("jurisdiction", "findings__category", "findings__sanction")
    inlines = (FindingInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(project__in=selectors.projects_for(request.user))


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyHousingAdmin):
    """投诉举报 (第二十七条): handled at /rental-housing/complaints/ (its steps)."""

    list_display = ("received_on", "project", "status", "answered_on")
    list_filter = ("status",)
    search_fields = ("content",)
    exclude = ("submitted_by",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.complaints_for(request.user, super().get_queryset(request))


@admin.register(UnitOffer)
class UnitOfferAdmin(HousingAdminMixin, admin.ModelAdmin):
    """轮候配租通知 (第十七条): read-only here; offers are made, accepted and declined by the services."""

    list_display = ("unit", "application", "status", "offered_at", "answered_at")
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(application__in=selectors.applications_for(request.user))


@admin.register(MaintenanceRequest)
class MaintenanceRequestAdmin(ReadOnlyHousingAdmin):
    """维修申请 (第二十四条): handled at /rental-housing/maintenance/ (its steps)."""

    list_display = ("contract", "reported_on", "status", "completed_on")
    list_filter = ("status",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .filter(contract__allocation__application__in=selectors.applications_for(request.user))
        )


@admin.register(RentToOwnRequest)
class RentToOwnRequestAdmin(ReadOnlyHousingAdmin):
    """先租后售 (鄂州政办发〔2022〕19号 三（四）): handled at /rental-housing/rent-to-own/."""

    list_display = ("contract", "filed_on", "share", "status", "payable_fen")
    list_filter = ("status",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(contract__in=selectors.contracts_for(request.user))


class _CitizenAccountsMixin:
    """The account fields offer citizen accounts only (identities and agents are citizens' accounts); the
    staff member who records a new row is stamped on it (`stamp_field`)."""

    citizen_fields: tuple[str, ...] = ()
    stamp_field = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and self.stamp_field:
            setattr(obj, self.stamp_field, request.user)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.citizen_fields:
            from ezhou_platform.common.models import User

            kwargs["queryset"] = User.objects.filter(role=Role.CITIZEN).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(AccountIdentity)
class AccountIdentityAdmin(_CitizenAccountsMixin, AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    """实名核验 of citizen accounts: an account applies online only under this name and ID number."""

    citizen_fields = ("user",)
    stamp_field = "verified_by"
    list_display = ("user", "name", "masked_id", "method", "verified_on", "verified_by")
    list_filter = ("method",)
    search_fields = ("user__username", "name")
    exclude = ("verified_by",)

    @admin.display(description="身份证号码")
    def masked_id(self, obj: AccountIdentity) -> str:
        return mask_resident_id(obj.id_number)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a verified identity is not edited into another person's: record a new account instead
        return ("user", "id_number") if obj is not None else ()


@admin.register(AgentRelationship)
class AgentRelationshipAdmin(_CitizenAccountsMixin, AuditedAdminMixin, HousingAdminMixin, admin.ModelAdmin):
    """代理申请关系: the agent account may apply online for the principal named here."""

    citizen_fields = ("agent",)
    stamp_field = "recorded_by"
    list_display = ("agent", "principal_name", "masked_id", "relation", "valid_from", "valid_until")
    list_filter = ("relation",)
    search_fields = ("agent__username", "principal_name")
    exclude = ("recorded_by",)

    @admin.display(description="被代理人身份证号码")
    def masked_id(self, obj: AgentRelationship) -> str:
        return mask_resident_id(obj.principal_id_number)
