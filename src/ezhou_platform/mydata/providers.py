"""What the platform holds about one account's person or enterprise, domain by domain (C28).

Each provider returns the records of one kind that belong to the user — found by the account itself (the
applications it filed) or by the enterprise it acts for (its USCC) — with the fields as their Chinese labels and
the department that answers for them. A new domain that stores personal data adds a provider here; the test
tests/platform/mydata/ checks the page against every domain's records of the demo accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Record:
    record_type: str  # "app_label.model"
    record_id: str
    label: str  # e.g. "保障性租赁住房承租资格申请 #12"
    department: str  # Department.code answering for it
    fields: list[tuple[str, str]] = field(default_factory=list)  # (Chinese label, value as text)
    sensitive: frozenset[str] = frozenset()  # labels masked on the page (whole in the export)


def _value(obj: Any, f: models.Field) -> str:
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    value = getattr(obj, f.attname)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, dict)):
        return "；".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def _record(obj: Any, department: str, names: Iterable[str], sensitive: Iterable[str] = ()) -> Record:
    meta = obj._meta
    fields = []
    masked = set()
    for name in names:
        f = meta.get_field(name)
        label = str(f.verbose_name)
        fields.append((label, _value(obj, f)))
        if name in set(sensitive):
            masked.add(label)
    return Record(
        record_type=meta.label_lower,
        record_id=str(obj.pk),
        label=f"{meta.verbose_name} #{obj.pk}",
        department=department,
        fields=fields,
        sensitive=frozenset(masked),
    )


def account(user: Any) -> list[Record]:
    names = ["username", "display_name", "email", "role", "enterprise_name", "enterprise_uscc", "date_joined"]
    r = _record(user, "", names)
    return [Record(r.record_type, r.record_id, "本人账户", "", r.fields)]


def rental_housing(user: Any) -> list[Record]:
    from ezhou_platform.rental_housing.models import AccountIdentity, Application

    identities = [
        _record(i, "housing", ["name", "id_number", "method", "verified_on"], sensitive=["id_number"])
        for i in AccountIdentity.objects.filter(user=user).order_by("id")
    ]
    names = [
        "name",
        "id_number",
        "phone",
        "birth_date",
        "work_unit",
        "has_spouse",
        "minor_children",
        "status",
    ]
    return identities + [
        _record(a, "housing", names, sensitive=["id_number", "phone"])
        for a in Application.objects.filter(applicant=user).order_by("id")
    ]


def subsidies(user: Any) -> list[Record]:
    from ezhou_platform.subsidies.models import Application

    names = [
        "subject_name",
        "subject",
        "object",
        "year",
        "payee_name",
        "payee_bank",
        "payee_account",
        "status",
    ]
    return [
        _record(a, a.department.code, names, sensitive=["subject", "payee_account"])
        for a in Application.objects.filter(applicant_user=user).select_related("department").order_by("id")
    ]


def licensing(user: Any) -> list[Record]:
    if not getattr(user, "enterprise_uscc", ""):
        return []
    from ezhou_platform.licensing.models import Application

    names = ["reference", "applicant_name", "applicant_uscc", "status"]
    return [
        _record(a, "administrative_approval", names)
        for a in Application.objects.filter(applicant_uscc=user.enterprise_uscc).order_by("id")
    ]


def water_plan(user: Any) -> list[Record]:
    if not getattr(user, "enterprise_uscc", ""):
        return []
    from ezhou_platform.water_plan.models import WaterUnit

    return [
        _record(u, "water", ["name", "uscc"])
        for u in WaterUnit.objects.filter(uscc=user.enterprise_uscc).order_by("id")
    ]


PROVIDERS: list[tuple[str, Callable[[Any], list[Record]]]] = [
    ("账户信息", account),
    ("保障性租赁住房（鄂州政发〔2022〕19号）", rental_housing),
    ("惠企政策兑现（鄂州政办发〔2022〕32号）", subsidies),
    ("证照分离改革（鄂州政办发〔2022〕27号）", licensing),
    ("计划用水（鄂州政办发〔2022〕15号）", water_plan),
]


def records_of(user: Any) -> list[tuple[str, list[Record]]]:
    return [(title, provide(user)) for title, provide in PROVIDERS]


def find(user: Any, record_type: str, record_id: str) -> Record | None:
    """One of the user's own records (a correction may only name those)."""
    for _title, records in records_of(user):
        for r in records:
            if r.record_type == record_type and r.record_id == record_id:
                return r
    return None
