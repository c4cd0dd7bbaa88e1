"""年度考核 (第七条, 第十四条): every plan of a year assessed after it ends; each unit above its plan gets a
numbered 《超计划、超定额用水加价收费通知单》, which opens its collection case (``collection``). The job
``water_plan.settle`` runs the same chunks as units of work."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Sum

from ezhou_platform.common import bulk, clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.core.money import format_capital, format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import limits
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan.volumes import format_volume, fraction_text

from ..models import MeterReading, PlanChange, SurchargeNotice, YearlyPlan
from .common import DOC, among, expiry_warning, rules_parameters
from .notice_batch import Assessed, write_notices
from .supplements import construction_deductions

NOTICE_TEMPLATE = "water_plan/documents/surcharge_notice.html"


@dataclass(frozen=True)
class Tiers:
    bounds: tuple[Fraction, ...]
    multipliers: tuple[Fraction, ...]
    price: int


def _year_volumes(
    unit_ids: list[int], year: int, traces: dict[tuple[int, int], list[dict[str, Any]]] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """(supplier volume, construction water deducted) per unit for the year (第十四条, 附件2 （三））.

    The supplier volume is the unit's accounts' monthly volumes; construction-meter accounts are sub-meters and
    not added. The deduction comes only from an approved construction request's months reported on time —
    a construction meter's water without one stays in actual use ("不提出申请或不按期上报的，原则上不予认可")."""
    supplier: dict[int, int] = defaultdict(int)
    qs = (
        MeterReading.objects.filter(
            among("account__unit_id", unit_ids),
            kind=MeterReading.Kind.MONTHLY,
            account__construction_meter=False,
            period__year=year,
        )
        .values("account__unit_id")
        .annotate(v=Sum("volume_m3x100"))
    )
    for row in qs:
        supplier[row["account__unit_id"]] += int(row["v"])
    construction = {u: v for (u, _), v in construction_deductions(unit_ids, [year], traces).items()}
    return supplier, construction


def check_settle_date(year: int, issued_on: dt.date) -> None:
    """The year is assessed after it ends (第七条: 年度考核), on a day that has come."""
    today = clock.today()
    limits.check_year(year, field="year", today=today)
    limits.check_date(
        issued_on,
        field="issued_on",
        label="开具日期",
        today=today,
        not_before=dt.date(year + 1, 1, 1),
        not_before_why=f"{year}年度结束（年度考核在年度结束后进行，第七条）",
    )


def tiers_for(year: int) -> Tiers:
    """The configured bands, multipliers and base price (W5); ParameterNotSet until they are entered."""
    bounds, multipliers, price = settlement_rules.surcharge_tiers(rules_parameters(), dt.date(year, 12, 31))
    return Tiers(tuple(bounds), tuple(multipliers), int(price))


def plans_to_settle(year: int) -> list[int]:
    """The year's plans of units that have no notice for it yet, in order (a resumed run skips the others)."""
    done = set(SurchargeNotice.objects.filter(year=year).values_list("unit_id", flat=True))
    return list(
        YearlyPlan.objects.filter(year=year)
        .exclude(unit_id__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def settle_year(
    year: int,
    *,
    actor: Any,
    issued_on: dt.date,
    chunk: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """第十四条: assess every plan of the year; a notice for each unit above its plan. Idempotent (a unit that
    has a notice for the year is skipped), each chunk committed on its own. Stops with ParameterNotSet until the
    tiers and price are entered. The year is assessed after it ends (第七条: 年度考核), on a day that has come."""
    check_settle_date(year, issued_on)
    tiers = tiers_for(year)
    plan_ids = plans_to_settle(year)
    created = 0
    for start in range(0, len(plan_ids), chunk):
        with transaction.atomic():
            created += settle_chunk(
                plan_ids[start : start + chunk], year, actor=actor, issued_on=issued_on, tiers=tiers
            )
        if progress:
            progress(min(start + chunk, len(plan_ids)), len(plan_ids))
    return created


def settle_chunk(plan_ids: list[int], year: int, *, actor: Any, issued_on: dt.date, tiers: Tiers) -> int:
    """Assess the plans ``plan_ids`` (one unit of work, in the caller's transaction), vectorised: actual use,
    the assessed plan, the progressive surcharge; the notices above their plans numbered in the year assessed,
    each with its collection case and its document (HTML as issued, PDF on first download), written as rows
    (``notice_batch``). Python's cycle collector is paused meanwhile and SQLite's page cache is large enough for
    the chunk (``bulk``)."""
    with bulk.cycle_collector_paused(), bulk.page_cache(64):
        return _settle_chunk(plan_ids, year, actor=actor, issued_on=issued_on, tiers=tiers)


def _settle_chunk(plan_ids: list[int], year: int, *, actor: Any, issued_on: dt.date, tiers: Tiers) -> int:
    # the columns the assessment and the notices read, not a plan and a unit instance per plan
    plans = list(
        YearlyPlan.objects.filter(among("pk", plan_ids))
        .order_by("pk")
        .values_list("pk", "unit_id", "volume_m3x100", "unit__name", "unit__uscc")
    )
    if not plans:
        return 0
    pks = [p[0] for p in plans]
    unit_ids = [p[1] for p in plans]
    traces: dict[tuple[int, int], list[dict[str, Any]]] = {}
    supplier, construction = _year_volumes(unit_ids, year, traces)
    # the plan changes summed per plan and kind in the database, not read as one object each
    changes: dict[tuple[int, str], int] = {
        (plan_id, kind): int(v)
        for plan_id, kind, v in PlanChange.objects.filter(among("plan_id", pks))
        .values("plan_id", "kind")
        .annotate(v=Sum("delta_m3x100"))
        .values_list("plan_id", "kind", "v")
    }
    adj = [changes.get((pk, PlanChange.Kind.ADJUSTMENT), 0) for pk in pks]
    sup = [changes.get((pk, PlanChange.Kind.SUPPLEMENT), 0) for pk in pks]
    cut = [-changes.get((pk, PlanChange.Kind.CUT), 0) for pk in pks]
    sv = np.array([supplier.get(u, 0) for u in unit_ids], dtype=np.int64)
    cv = np.minimum(np.array([construction.get(u, 0) for u in unit_ids], dtype=np.int64), sv)
    actual, plan_v, excess = settlement_rules.assessment(sv, cv, [p[2] for p in plans], adj, sup, cut)
    bands, amounts = settlement_rules.surcharge(plan_v, excess, tiers.bounds, tiers.multipliers, tiers.price)
    above = np.flatnonzero(excess > 0)
    chosen = [plans[i] for i in above.tolist()]
    created = write_notices(
        Assessed(
            unit_ids=[p[1] for p in chosen],
            names=[p[3] for p in chosen],
            usccs=[p[4] for p in chosen],
            supplier=sv[above].tolist(),
            construction=cv[above].tolist(),
            actual=actual[above].tolist(),
            plan=plan_v[above].tolist(),
            excess=excess[above].tolist(),
            bands=bands[above].tolist(),
            amounts=amounts[above].tolist(),
            traces=[traces.get((p[1], year), []) for p in chosen],
        ),
        year=year,
        bounds=tiers.bounds,
        multipliers=tiers.multipliers,
        price=tiers.price,
        template=NOTICE_TEMPLATE,
        actor=actor,
        issued_on=issued_on,
    )
    record(
        "water_plan.notice.issue_batch",
        actor=actor,
        object_type="water_plan.surchargenotice",
        object_id=f"{year}:{pks[0]}-{pks[-1]}",
        after={"year": year, "assessed": len(plans), "notices": created},
        label=f"{year}年度计划用水考核，开具超计划用水加价收费通知单",
        citation=f"{DOC} 第十四条",
    )
    return created


def notice_trace(notice: SurchargeNotice) -> Trace:
    """The explanation of a notice, recomputed from what it recorded."""
    t = Trace()
    b = notice.bands
    settlement_rules.assessment(
        [b.get("supplier", notice.actual_m3x100)],
        [b.get("construction", 0)],
        [notice.plan_m3x100],
        [0],
        [0],
        [0],
        trace=t,
    )
    settlement_rules.surcharge(
        [notice.plan_m3x100],
        [notice.excess_m3x100],
        tuple(Fraction(x) for x in b["bounds"]),
        tuple(Fraction(x) for x in b["multipliers"]),
        int(b["price"]),
        trace=t,
    )
    return t


def _band_rows(b: dict[str, Any]) -> list[dict[str, Any]]:
    """Each band's number, span and multiplier as a notice shows them (without the amount)."""

    def pct(x: str) -> str:
        return f"{fraction_text(Fraction(x) * 100, 2)}%"

    lowers = ["0%", *(pct(x) for x in b["bounds"])]
    rows = []
    for i, mult in enumerate(b["multipliers"]):
        upper = pct(b["bounds"][i]) if i < len(b["bounds"]) else None
        rows.append(
            {
                "band": i + 1,
                "span": f"超计划{lowers[i]}至{upper}的部分" if upper else f"超计划{lowers[i]}以上的部分",
                "multiplier": fraction_text(Fraction(mult), 2),
            }
        )
    return rows


def notice_context(notice: SurchargeNotice) -> dict[str, Any]:
    """What a notice shows (its page, its document): the assessment, each band, the total in words, the
    computation (the stored construction months, then the recomputed assessment and bands) and the warning."""
    b = notice.bands
    rows = [{**r, "amount": format_yuan(a)} for r, a in zip(_band_rows(b), b["amounts"], strict=True)]
    return {
        "notice": notice,
        "rows": rows,
        "price": format_yuan(int(b["price"])),
        "actual": format_volume(notice.actual_m3x100),
        "plan": format_volume(notice.plan_m3x100),
        "excess": format_volume(notice.excess_m3x100),
        "amount": format_yuan(notice.amount_fen),
        "capital": format_capital(notice.amount_fen),
        "trace": [*notice.trace, *notice_trace(notice).to_list()],
        "warning": expiry_warning(notice.issued_on),
    }
