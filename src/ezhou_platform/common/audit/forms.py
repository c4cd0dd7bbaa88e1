"""The filter form of the audit list (GET parameters; also drives the CSV export)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditRecord, Result


def object_type_suggestions() -> list[tuple[str, str]]:
    """(label, verbose name) of every model, for the object type field's suggestions (no table scan)."""
    out = [(m._meta.label_lower, str(m._meta.verbose_name)) for m in apps.get_models()]
    out.append(("audit.chain", "审计链"))
    return sorted(out)


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label="用户名", required=False, max_length=150)
    department = forms.ChoiceField(label="部门", required=False)
    action = forms.CharField(
        label="操作代码", required=False, max_length=100, help_text="可输入前缀，如 medical_assistance"
    )
    object_type = forms.CharField(
        label="对象类型",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "audit-object-types"}),
    )
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *Result.choices])
    q = forms.CharField(label="搜索", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ezhou_platform.common.models import Department

        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [
            ("", "全部"),
            *Department.objects.order_by("name").values_list("code", "name"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data

    def filter(self, qs: QuerySet[AuditRecord]) -> QuerySet[AuditRecord]:
        """Apply the valid filters; an invalid form filters nothing more than its valid fields."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        tz = timezone.get_default_timezone()  # dates are days in Asia/Shanghai, as shown in the UI
        if data.get("date_from"):
            qs = qs.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data.get("date_to"):
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            qs = qs.filter(created_at__lt=end)
        if data.get("user"):
            user = data["user"].strip()
            qs = qs.filter(
                Q(actor_username__iexact=user) | Q(actor_id=int(user))
                if user.isdigit()
                else Q(actor_username__icontains=user)
            )
        if data.get("department"):
            qs = qs.filter(actor_department_code=data["department"])
        if data.get("action"):
            qs = qs.filter(action__startswith=data["action"].strip())
        if data.get("object_type"):
            qs = qs.filter(object_type=data["object_type"].strip().lower())
        if data.get("result"):
            qs = qs.filter(result=data["result"])
        if data.get("q"):
            term = data["q"].strip()
            qs = qs.filter(
                Q(object_repr__icontains=term)
                | Q(object_id=term)
                | Q(action__icontains=term)
                | Q(label__icontains=term)
                | Q(actor_username__icontains=term)
                | Q(actor_name__icontains=term)
                | Q(remote_addr=term)
                | Q(citation__icontains=term)
            )
        return qs
