"""第二十三条 基金市级统筹预算管理: the budget lines of each district and zone (the 320元/人/年 poverty-measure
funds, the premium-subsidy funds, the other sources) against what the fund paid (M23), by year and by month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Jurisdiction
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import premium_subsidy

from ..cites import CITE_FUND, IN_FORCE
from ..models import FundContribution, Identity, Recovery, Settlement
from .common import ApiError, not_set_error, tree


def year_day(year: int) -> dt.date:
    """The day a year's districts are read on: today in the current year, else its last day."""
    return min(dt.date(year, 12, 31), max(clock.today(), dt.date(year, 1, 1)))


def _fund_rule_day(year: int) -> dt.date:
    """The day a year's fund rules are read: 1 January, or the day 34号 took effect in its first year."""
    return max(dt.date(year, 1, 1), IN_FORCE)


def poverty_measure_amount(year: int, persons: int) -> tuple[int, int]:
    """第二十三条第二款: the poverty-measure funds merged into the fund, persons × 320元/人/年 → (rate, amount)."""
    rate = int(tree().get("fund.poverty_measure_per_person", _fund_rule_day(year)))
    return rate, rate * persons


def record_contribution(
    *,
    year: int,
    jurisdiction: Any,
    source: str,
    basis: str,
    acting_user: Any,
    persons: int | None = None,
    amount: int | None = None,
) -> Any:
    """A budget line of the fund (第二十三条): what a district, zone or the city puts in for a year, by source.
    The poverty-measure line is a number of persons (the amount follows from 320元/人/年); the others an
    amount. Entering a line again for the same year, place and source revises it (audited, old and new)."""
    source = FundContribution.Source(source)
    today = clock.today()
    if not IN_FORCE.year <= year <= today.year + 1:
        raise ApiError(
            "invalid_year",
            f"预算年度应在{IN_FORCE.year}年至下一年度（{today.year + 1}年）之间。",
            field="year",
            status=422,
        )
    if not basis.strip():
        raise ApiError(
            "missing_basis", "请填写依据（预算批复文号、人数统计来源等）。", field="basis", status=422
        )
    if source == FundContribution.Source.POVERTY_MEASURE:
        if persons is None or persons < 0:
            raise ApiError(
                "missing_persons",
                "扶贫措施资金按人数计算（320元/人/年，第二十三条第二款），请填写人数。",
                field="persons",
                status=422,
            )
        _, amount = poverty_measure_amount(year, persons)
    else:
        if persons is not None:
            raise ApiError(
                "persons_not_used",
                "只有扶贫措施资金按人数计算，其他来源请填写金额。",
                field="persons",
                status=422,
            )
        if amount is None or amount < 0:
            raise ApiError("invalid_amount", "金额应为不小于零的数。", field="amount", status=422)
    with transaction.atomic():
        row = (
            FundContribution.objects.select_for_update()
            .filter(year=year, jurisdiction=jurisdiction, source=source)
            .first()
        )
        before = {"persons": row.persons, "amount": row.amount, "basis": row.basis} if row else None
        if row is None:
            row = FundContribution(year=year, jurisdiction=jurisdiction, source=source)
        row.persons, row.amount, row.basis = persons, amount, basis.strip()
        row.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
        row.save()
        record(
            "medical_assistance.fund.contribution",
            actor=acting_user,
            obj=row,
            before=before,
            after={
                "year": year,
                "source": source.value,
                "persons": persons,
                "amount": amount,
                "basis": row.basis,
            },
            label="录入医疗救助基金筹集" if before is None else "调整医疗救助基金筹集",
            citation=CITE_FUND,
        )
    return row


def premium_subsidies_by_district(year: int) -> tuple[dict[int, int], str]:
    """第七条 subsidies of the registered persons for coverage year ``year``, summed by district (identities
    valid on 1 January decide, M18); with a note when they cannot be computed (no premium entered)."""
    if year <= IN_FORCE.year:
        return {}, f"{year}医保年度的个人缴费早于本办法施行，不按第七条资助。"
    day = dt.date(year, 1, 1)
    kinds: dict[int, set[str]] = defaultdict(set)
    district: dict[int, int] = {}
    for pid, kind, jid in (
        Identity.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .values_list("person_id", "kind", "person__jurisdiction_id")
    ):
        kinds[pid].add(kind)
        district[pid] = jid
    params = tree()
    cache: dict[frozenset[str], int] = {}
    out: dict[int, int] = defaultdict(int)
    try:
        for pid, held in kinds.items():
            key = frozenset(held)
            if key not in cache:
                cache[key] = premium_subsidy(params, key, year).subsidy
            out[district[pid]] += cache[key]
    except ParameterNotSet as exc:
        return {}, not_set_error(exc).message
    return dict(out), ""


def fund_ledger(year: int) -> dict[str, Any]:
    """第二十三条: for each district and zone (and the city), the year's budget lines — the poverty-measure funds
    (persons × 320), the premium-subsidy funds and the other sources — against what was paid from the fund:
    medical assistance (settlements, reversals and adjustments netted) and premium subsidies."""
    places = list(Jurisdiction.objects.districts(on=year_day(year)).order_by("id"))
    city = Jurisdiction.objects.filter(code="ezhou", level=Jurisdiction.Level.CITY).first()
    contributions = list(
        FundContribution.objects.filter(year=year).select_related("jurisdiction").order_by("source")
    )
    if city is not None and any(c.jurisdiction_id == city.pk for c in contributions):
        places.append(city)
    aid: dict[int, int] = defaultdict(int)
    for r in (
        Settlement.objects.filter(year=year)
        .values("jurisdiction_id")
        .annotate(basic=Sum("basic_aid"), tilted=Sum("tilted_aid"))
    ):
        aid[r["jurisdiction_id"]] = int(r["basic"] or 0) + int(r["tilted"] or 0)
    open_recoveries: dict[int, int] = defaultdict(int)
    for opened in (
        Recovery.objects.filter(year=year, state=Recovery.State.OPEN)
        .values("adjustment__jurisdiction_id")
        .annotate(total=Sum("amount"))
    ):
        open_recoveries[opened["adjustment__jurisdiction_id"]] = int(opened["total"] or 0)
    subsidies, subsidy_note = premium_subsidies_by_district(year)
    rows = []
    for place in places:
        lines = [c for c in contributions if c.jurisdiction_id == place.pk]
        income = sum(c.amount for c in lines)
        subsidy = subsidies.get(place.pk, 0)
        paid = aid.get(place.pk, 0) + subsidy
        rows.append(
            {
                "place": place,
                "lines": lines,
                "budget": income,
                "aid": aid.get(place.pk, 0),
                "premium_subsidy": subsidy,
                "open_recoveries": open_recoveries.get(place.pk, 0),
                "paid": paid,
                "balance": income - paid,
            }
        )
    return {
        "year": year,
        "rows": rows,
        "rate": poverty_measure_amount(year, 1)[0],
        "subsidy_note": subsidy_note,
        "totals": {
            k: sum(r[k] for r in rows)
            for k in ("budget", "aid", "premium_subsidy", "open_recoveries", "paid", "balance")
        },
    }


def paid_by_district_and_class(year: int) -> list[dict[str, Any]]:
    """Fund ledger lines: aid paid (reversals and adjustments netted) by district and class."""
    rows = (
        Settlement.objects.filter(year=year)
        .values("jurisdiction__name", "person_class")
        .annotate(basic=Sum("basic_aid"), tilted=Sum("tilted_aid"))
        .order_by("jurisdiction__name", "person_class")
    )
    return [
        {
            "district": r["jurisdiction__name"],
            "person_class": r["person_class"],
            "class_label": CLASS_LABELS[r["person_class"]],
            "basic": r["basic"] or 0,
            "tilted": r["tilted"] or 0,
        }
        for r in rows
    ]


def fund_by_month(year: int) -> dict[str, Any]:
    """第二十三条 by month: each district's net payment of medical assistance per month (settlements, reversals
    and adjustments on the day they were booked) against the year's budget lines, for the chart of the fund."""
    from django.db.models.functions import ExtractMonth

    places = list(Jurisdiction.objects.districts(on=year_day(year)).order_by("id"))
    paid: dict[int, list[int]] = {p.pk: [0] * 12 for p in places}
    rows = (
        Settlement.objects.filter(entry_date__year=year)
        .annotate(month=ExtractMonth("entry_date"))
        .values("jurisdiction_id", "month")
        .annotate(basic=Sum("basic_aid"), tilted=Sum("tilted_aid"))
    )
    for r in rows:
        if r["jurisdiction_id"] in paid:
            paid[r["jurisdiction_id"]][r["month"] - 1] += int(r["basic"] or 0) + int(r["tilted"] or 0)
    budget = {
        r["jurisdiction_id"]: int(r["total"] or 0)
        for r in FundContribution.objects.filter(year=year)
        .values("jurisdiction_id")
        .annotate(total=Sum("amount"))
    }
    cumulative, running = [], 0
    for m in range(12):
        running += sum(paid[p.pk][m] for p in places)
        cumulative.append(running)
    return {
        "places": places,
        "paid": paid,
        "budget": {p.pk: budget.get(p.pk, 0) for p in places},
        "city_budget": sum(budget.values()),
        "cumulative": cumulative,
    }
