"""The verification queue: decided commitment cases not yet verified, most pressing first (rules:
``ezhou_rules.licensing.verification.verification_queue``, docs/interpretations.md L17)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet

from ezhou_rules.licensing.verification import verification_queue

from ..models import Application, CreditRecord, RectificationOrder
from . import draws, rules

ADVERSE = (
    "materials_late",
    "materials_nonconforming",
    "commitment_untrue",
    "commitment_broken",
    "bad_credit",
)
WAITING = ("licensed", "completed", "rectifying", "rectification_failed")


@dataclass
class Row:
    app: Application
    tier: int
    reasons: str


def candidates(department_ids: list[int] | None) -> QuerySet[Application]:
    qs = Application.objects.filter(route="commitment", status__in=WAITING, verified_on__isnull=True)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return qs.select_related("department", "item")


def queue(apps: list[Application], on: dt.date) -> list[Row]:
    if not apps:
        return []
    special = draws.special_items(on)
    risks = rules.item_risks(on)
    classes = draws.risk_classes(on)
    usccs = {a.applicant_uscc for a in apps}
    adverse = Counter(
        CreditRecord.objects.filter(subject_uscc__in=usccs, kind__in=ADVERSE, status="active").values_list(
            "subject_uscc", flat=True
        )
    )
    rect = Counter(
        RectificationOrder.objects.filter(application__applicant_uscc__in=usccs).values_list(
            "application__applicant_uscc", flat=True
        )
    )
    q = verification_queue(
        {
            "special": np.array([a.item_code in special for a in apps]),
            "item_level": np.array(
                [risks[a.item_code].level if a.item_code in risks else "" for a in apps], dtype=object
            ),
            "credit_class": np.array([classes.get(a.applicant_uscc, "") for a in apps], dtype=object),
            "adverse_records": np.array([adverse[a.applicant_uscc] for a in apps]),
            "rectifications": np.array([rect[a.applicant_uscc] for a in apps]),
            "later": np.array([a.qualification == "later" for a in apps]),
            "due": np.array([a.verification_due or "NaT" for a in apps], dtype="datetime64[D]"),
            "decided": np.array([a.decided_on or "NaT" for a in apps], dtype="datetime64[D]"),
        }
    )
    return [Row(apps[i], int(q.tier[i]), q.reasons[i]) for i in q.ranked()]


def for_user(user: Any, on: dt.date) -> list[Row]:
    depts = None if user.role in ("auditor", "admin") else [user.department_id]
    return queue(list(candidates(depts)), on)
