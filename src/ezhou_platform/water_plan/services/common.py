"""What every procedure of 计划用水管理 shares: the document, the parameters, the units a user acts for, and the
one way a step is taken (``take``: the procedure layer's engine, its refusals as the domain's errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from fractions import Fraction
from typing import Any

from django.db.models import Q

from ezhou_platform.common.audit.services import fields_snapshot
from ezhou_platform.common.parameters import configured
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import CaseEvent
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.water_plan import parameters
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan.errors import WaterPlanError

from ..models import QuotaEntry, WaterUnit
from ..steps import DOC, REFUSAL_CASES, WATER, cite

__all__ = ["DOC", "REFUSAL_CASES", "WATER", "StepRefused", "cite", "take"]

WATER_DEPARTMENT = WATER
_snap = fields_snapshot


# A refusal for the state names the record, where the domain's messages always have (the notice).
RECORD_FIELD = {"surchargenotice": "notice"}


class StepRefused(WaterPlanError):
    """A step the procedure layer refused (state, role, four eyes, a check), as the domain's error: its code,
    its Chinese message naming the state or rule and the article, the field, and the HTTP status it means."""

    def __init__(self, exc: ProcedureError) -> None:
        super().__init__(exc.code, exc.message, field=exc.field)
        self.status = exc.status


def take(
    record: Any, name: str, *, actor: Any, on: dt.date, data: dict[str, Any] | None = None, note: str = ""
) -> CaseEvent:
    """Take step ``name`` of ``record``'s procedure (``engine.take``: one audited transaction)."""
    try:
        return engine.take(record, name, actor=actor, on=on, data=data, note=note)
    except ProcedureError as exc:
        refused = StepRefused(exc)
        if exc.code == "bad_state" and record._meta.model_name in RECORD_FIELD:
            refused.field = RECORD_FIELD[record._meta.model_name]  # "通知单：当前状态为…"
        raise refused from exc


def expiry_warning(day: dt.date) -> str:
    """第十九条: 15号 is valid for 5 years (to 2027-07-10); a rule applied after that says so (W18)."""
    return parameters().expiry_warning(day)


def rules_parameters() -> ParameterTree:
    """The YAML tree with the administrator-entered values (surcharge tiers, base price) merged in."""
    return configured(parameters())


def units_for(user: Any):  # type: ignore[no-untyped-def]
    """Units an enterprise user acts for: those registered under its USCC."""
    if not getattr(user, "enterprise_uscc", ""):
        return WaterUnit.objects.none()
    return WaterUnit.objects.filter(uscc=user.enterprise_uscc)


def among(field: str, ids: Collection[int]) -> Q:
    """``field__in=ids``, written as a range when the ids are consecutive (a chunk of pks in order, as the year's
    issuance and settlement take them): the same rows, without Django preparing thousands of IN parameters
    for each of a chunk's queries."""
    ordered = sorted(set(ids))
    if ordered and ordered[-1] - ordered[0] + 1 == len(ordered):
        return Q(**{f"{field}__gte": ordered[0], f"{field}__lte": ordered[-1]})
    return Q(**{f"{field}__in": ordered})


def quota_entries() -> list[plan_rules.QuotaEntry]:
    return [
        plan_rules.QuotaEntry(q.indicator, q.unit, Fraction(q.value), q.valid_from, q.source)
        for q in QuotaEntry.objects.all()
    ]
