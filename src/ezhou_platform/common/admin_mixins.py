"""Admin building blocks every domain's ModelAdmin uses: audited saves and department scoping."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.http import HttpRequest

from .permissions import scope_to_department

# Never copied into the audit trail, even masked.
SECRET_FIELDS = frozenset({"password"})


def snapshot(obj: Any) -> dict[str, Any]:
    data = model_to_dict(obj)
    return {k: (v if not hasattr(v, "pk") else v.pk) for k, v in data.items() if k not in SECRET_FIELDS}


class AuditedAdminMixin:
    """Every add, change and delete through the admin writes an audit record in the same transaction
    (the admin's change view runs inside transaction.atomic)."""

    audit_action_prefix = ""  # e.g. "platform.user"; defaults to app_label.model_name

    def _action(self, obj: Any, verb: str) -> str:
        prefix = self.audit_action_prefix or f"{obj._meta.app_label}.{obj._meta.model_name}"
        return f"{prefix}.{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from ezhou_platform.common.audit.services import record

        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        record(
            self._action(obj, "change" if change else "add"),
            actor=request.user,
            obj=obj,
            before=before,
            after=snapshot(obj),
            label=f"{'修改' if change else '新增'}{obj._meta.verbose_name}",
            request=request,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from ezhou_platform.common.audit.services import record

        before = snapshot(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        record(
            self._action(obj, "delete"),
            actor=request.user,
            obj=obj,
            before=before,
            label=f"删除{obj._meta.verbose_name}",
            request=request,
        )


class DepartmentScopedAdminMixin:
    """Clerks and heads see and change only their department's rows; auditors read all; `department_field`
    names the path to the owning Department."""

    department_field = "department"

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return scope_to_department(qs, request.user, department_field=self.department_field)
