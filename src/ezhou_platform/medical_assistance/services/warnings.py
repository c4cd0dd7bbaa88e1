"""第十四条 因病致贫和因病返贫双预警: the month's two lists, pushed to 民政 and 乡村振兴 (M13)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F, Q, Sum

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import statistical_year_value
from ezhou_rules.medical_assistance.recipients import (
    WARN_INTO,
    WARN_NONE,
    WARN_RETURN,
    warning_group,
    warning_thresholds,
    warnings,
)

from ..cites import CITE_WARNING, IN_FORCE
from ..models import Claim, Identity, Settlement, WarningEntry, WarningRun
from .common import ApiError, not_set_error, tree


def self_borne_by_person(year: int, through: dt.date) -> dict[int, int]:
    """Each person's self-borne medical cost this year up to ``through``: what the claims left the person to
    pay (policy-range self-pay + out-of-policy cost) less medical assistance and the hospital-borne part."""
    start = dt.date(year, 1, 1)
    costs = (
        Claim.objects.filter(settle_date__gte=start, settle_date__lte=through)
        .values("person_id")
        .annotate(total=Sum(F("policy_self_pay") + F("out_of_policy_cost")))
    )
    out = {r["person_id"]: int(r["total"] or 0) for r in costs}
    relief = (
        Settlement.objects.filter(claim__settle_date__gte=start, claim__settle_date__lte=through)
        .values("person_id")
        .annotate(total=Sum(F("basic_aid") + F("tilted_aid") + F("hospital_borne")))
    )
    for r in relief:
        out[r["person_id"]] = out.get(r["person_id"], 0) - int(r["total"] or 0)
    return out


def run_warnings(year: int, month: int, *, acting_user: Any) -> Any:
    """第十四条: the month's two lists — 因病返贫 (低保边缘, 农村易返贫致贫, 稳定脱贫 above 50% of last year's
    rural per-capita disposable income) and 因病致贫 (ordinary enrollees above 100%) — each entry marked new or
    continuing against the previous month's run of the same year."""
    if not 1 <= month <= 12:
        raise ApiError("invalid_month", "月份应为 1—12。", field="month", status=422)
    today = clock.today()
    if (year, month) < (IN_FORCE.year, IN_FORCE.month) or (year, month) > (today.year, today.month):
        raise ApiError(
            "invalid_month",
            f"预警月份应在{IN_FORCE.year}年{IN_FORCE.month}月（本办法施行）至本月（{today.year}年{today.month}月）之间。",
            field="month",
            status=422,
        )
    params = tree()
    through = dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        income = statistical_year_value(params, "income.rural_per_capita_disposable", year - 1)
        thresholds = warning_thresholds(params, through)
    except ParameterNotSet as exc:
        raise not_set_error(exc) from None
    borne = self_borne_by_person(year, through)
    person_ids = sorted(borne)
    kinds: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for ident in Identity.objects.filter(person_id__in=person_ids, valid_from__lte=through).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=through)
    ):
        kinds[ident.person_id].append(ident.kind)
    groups = np.array([warning_group(kinds[p]) for p in person_ids], dtype=np.int8)
    amounts = np.array([borne[p] for p in person_ids], dtype=np.int64)
    flags = warnings(params, through, groups, amounts) if person_ids else np.zeros(0, dtype=np.int8)
    previous = WarningRun.objects.filter(year=year, month=month - 1).first()
    before = set(previous.entries.values_list("person_id", "list")) if previous else set()
    with transaction.atomic():
        if WarningRun.objects.filter(year=year, month=month).exists():
            raise ApiError("already_run", f"{year}年{month}月的预警名单已生成。", field="month", status=409)
        run = WarningRun.objects.create(
            year=year,
            month=month,
            through=through,
            rural_income=income,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        entries = []
        for pid, flag, amount in zip(person_ids, flags, amounts, strict=True):
            if flag == WARN_NONE:
                continue
            lst = WarningEntry.List.RETURN if flag == WARN_RETURN else WarningEntry.List.INTO
            entries.append(
                WarningEntry(
                    run=run,
                    person_id=pid,
                    list=lst,
                    self_borne=int(amount),
                    threshold=thresholds[WARN_RETURN if flag == WARN_RETURN else WARN_INTO],
                    change=WarningEntry.Change.CONTINUING
                    if (pid, lst.value) in before
                    else WarningEntry.Change.NEW,
                )
            )
        WarningEntry.objects.bulk_create(entries)
        record(
            "medical_assistance.warning.run",
            actor=acting_user,
            obj=run,
            after={
                "year": year,
                "month": month,
                "return": sum(e.list == "return" for e in entries),
                "into": sum(e.list == "into" for e in entries),
            },
            label="生成因病致贫返贫预警名单",
            citation=CITE_WARNING,
        )
    return run
