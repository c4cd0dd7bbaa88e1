"""Read-only admin for the licensing records: every change goes through the services (pages, API, CLI), which
check it against the rules and audit it; the admin lists and shows what is there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ezhou_platform.common.admin_mixins import DepartmentScopedAdminMixin
from ezhou_platform.common.permissions import READ, allowed
from ezhou_platform.common.roles import Role

from . import models

ROLES = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN}


class ReadOnly(admin.ModelAdmin):
    list_per_page = 50

    def has_module_permission(self, request: HttpRequest) -> bool:
        return allowed(request.user, roles=ROLES, action=READ)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allowed(request.user, roles=ROLES, action=READ)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Application)
class ApplicationAdmin(DepartmentScopedAdminMixin, ReadOnly):
    list_display = ("reference", "applicant_name", "item_code", "route", "department", "status", "filed_on")
    list_filter = ("status", "route", "department")
    search_fields = ("reference", "applicant_name", "applicant_uscc")
    exclude = ("rules_events",)


@admin.register(models.CreditRecord)
class CreditRecordAdmin(ReadOnly):
    list_display = ("number", "subject_name", "kind", "status", "recorded_on", "repaired_on")
    list_filter = ("status", "kind")
    search_fields = ("number", "subject_name", "subject_uscc")


@admin.register(models.Draw)
class DrawAdmin(DepartmentScopedAdminMixin, ReadOnly):
    list_display = ("draw_id", "title", "department", "status", "planned_on", "population_size")
    exclude = ("seed_hex", "population_snapshot", "inspectors_snapshot", "result_text")


for model, fields in (
    (models.CatalogueVersion, ("title", "version", "items_count", "loaded_at")),
    (models.CatalogueItem, ("code", "matter", "department_label", "catalogue")),
    (models.Scheme, ("item_code", "version", "valid_from", "example")),
    (models.PeriodSetting, ("item_code", "kind", "material", "length", "unit", "counts_from", "valid_from")),
    (
        models.IssuingBodySetting,
        ("department_type", "level", "item_code", "issuing_department", "valid_from"),
    ),
    (models.CreditPolicySetting, ("valid_from", "source")),
    (models.ItemRiskSetting, ("item_code", "level", "valid_from")),
    (models.RiskClassification, ("organisation", "risk_class", "valid_from")),
    (models.Inspector, ("code", "name", "department", "active")),
    (models.Licence, ("number", "holder_name", "item_code", "issued_on", "revoked_on")),
):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly,), {"list_display": fields}))
