"""Read-only admin for the audit trail: auditors and system administrators may look, nobody may add,
change or delete (the database would refuse anyway)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ezhou_platform.common.roles import Role

from .models import AuditRecord

READERS = frozenset({Role.AUDITOR})  # 三员分立 (SECURITY.md C07)


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "created_at",
        "actor_username",
        "actor_role",
        "actor_department",
        "label",
        "action",
        "object_type",
        "object_id",
        "result",
    )
    list_filter = ("result", "actor_role", "created_at")
    search_fields = ("action", "label", "actor_username", "object_repr", "object_id", "citation")
    date_hierarchy = "created_at"
    ordering = ("-seq",)
    list_per_page = 50
    show_full_result_count = False
    actions = None
    readonly_fields = tuple(f.name for f in AuditRecord._meta.fields)
    fields = readonly_fields

    def _reader(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) in READERS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reader(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._reader(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
