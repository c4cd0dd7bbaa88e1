"""Feeding the planned-water-use system from this system's records (15号 附件1 三（四）, 第八条第（四）项; U11).

    records_for(unit_ids, year)               what this system holds about the units, as the rules read it
    review_units(units, year, as_of=…, …)     each unit's standing (rules' ``interlock.units_year``) and, where
                                              there is an event, its WaterPlanLink (proposed once, idempotent)
    propose_for_facility(facility, year, …)   after a report or usage is filed: proposes "used" when proven
    record_link(link, actor=…)                records the event through the water plan's own service
                                              (``water_plan.services.record_coefficient_event``); "able but
                                              not using" needs a second person (four-eyes)
    dismiss_link(link, note, actor=…)
    record_finding(unit, found_on, reason, …) the department's finding that a unit is able to use it
    links_for_events(event_ids)               for the water plan's pages: this system's record behind each
                                              coefficient event it recorded or adopted (page, explanation)

Nothing is typed twice: the event's date and evidence come from the records, and the link keeps the records it
rests on. If the water plan already holds a case of the same kind for that year (e.g. typed by a clerk before
this system existed), it is adopted, not recorded again (附件1 三 counts a case once a year anyway, W3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.unconventional_water import interlock as rules
from ezhou_rules.water_plan.errors import WaterPlanError

from ..models import (
    CapabilityFinding,
    Facility,
    LabReport,
    LinkKind,
    LinkStatus,
    QualityCheck,
    UsageRecord,
    WaterPlanLink,
)
from .common import check_day, refuse, require_text


def _water_plan_record_event(
    unit: Any, kind: str, on: dt.date, evidence: str, *, actor: Any, recorded_on: dt.date
) -> Any:
    """The water plan's public service for a coefficient case (附件1 三): it records the case and changes every
    issued plan it counts for, with a plan change and its notice (W17). Called, never copied."""
    from ezhou_platform.water_plan import services as water_plan_services

    return water_plan_services.record_coefficient_event(
        unit, kind, on, evidence, actor=actor, recorded_on=recorded_on
    )


def records_for(unit_ids: Sequence[int], year: int) -> rules.Records:
    facilities = list(
        Facility.objects.filter(water_unit_id__in=unit_ids).values_list(
            "pk", "water_unit_id", "facility_type", "in_service_from", "closed_on"
        )
    )
    fac_ids = [f[0] for f in facilities]
    usage = UsageRecord.objects.filter(
        facility_id__in=fac_ids, superseded_by__isnull=True, period_end__year=year
    ).values_list("pk", "facility__water_unit_id", "facility_id", "period_end", "volume_m3x100")
    reports = list(
        LabReport.objects.filter(facility_id__in=fac_ids, sampled_on__year=year).values_list(
            "pk", "facility_id", "sampled_on", "filed_on"
        )
    )
    verdict: dict[int, str] = {}
    for report_id, v in (
        QualityCheck.objects.filter(report_id__in=[r[0] for r in reports])
        .order_by("checked_at", "id")
        .values_list("report_id", "verdict")
    ):
        verdict[report_id] = v  # the latest check wins
    findings = CapabilityFinding.objects.filter(water_unit_id__in=unit_ids, found_on__year=year).values_list(
        "pk", "water_unit_id", "found_on", "reason"
    )
    return rules.Records(
        facilities=[rules.FacilityRecord(str(f), str(u), t, s, c) for f, u, t, s, c in facilities],
        usage=[rules.UsageRecord(str(p), str(u), str(f), e, v) for p, u, f, e, v in usage],
        reports=[rules.ReportRecord(str(p), str(f), s, fd, verdict.get(p, "")) for p, f, s, fd in reports],
        findings=[rules.CapabilityFinding(str(p), str(u), d, r) for p, u, d, r in findings],
    )


def _ids(values: Iterable[str]) -> list[int]:
    return [int(v) for v in values]


def _ensure_link(unit: Any, uy: rules.UnitYear, *, actor: Any, on: dt.date) -> WaterPlanLink | None:
    ev = uy.event
    if ev is None:
        return None
    existing = WaterPlanLink.objects.filter(water_unit=unit, year=uy.year, kind=ev.kind).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        link = WaterPlanLink.objects.create(
            water_unit=unit,
            year=uy.year,
            kind=ev.kind,
            event_on=ev.on,
            evidence=ev.evidence,
            explanation=uy.explanation,
            citations=list(uy.citations),
            proposed_on=on,
        )
        link.facilities.set(_ids(uy.links["facilities"]))
        link.reports.set(_ids(uy.links["reports"]))
        link.usage.set(_ids(uy.links["usage"]))
        link.findings.set(_ids(uy.links["findings"]))
        engine.start(link, actor=actor, on=on, label="依据本系统记录提出", cites=uy.citations[0])
        record(
            "unconventional_water.link.propose",
            actor=actor,
            obj=link,
            after={
                "unit": unit.pk,
                "year": uy.year,
                "kind": ev.kind,
                "on": ev.on.isoformat(),
                "links": uy.links,
            },
            label="提出计划用水联动",
            citation=uy.citations[0],
        )
    return link


def review_units(
    units: Sequence[Any],
    year: int,
    *,
    as_of: dt.date,
    actor: Any,
    kinds: Sequence[str] = (LinkKind.USED, LinkKind.NOT_USED),
) -> list[tuple[Any, rules.UnitYear, WaterPlanLink | None]]:
    """Each unit's standing for ``year`` on ``as_of`` and the link proposed for it (existing links are kept as
    they are: running this again changes nothing)."""
    if not units:
        return []
    records = records_for([u.pk for u in units], year)
    results = rules.units_year([str(u.pk) for u in units], year, records, as_of=as_of)
    out = []
    for unit, uy in zip(units, results, strict=True):
        link = _ensure_link(unit, uy, actor=actor, on=as_of) if uy.event and uy.event.kind in kinds else None
        out.append((unit, uy, link))
    return out


def units_with_records(year: int) -> list[Any]:
    """The water units this system holds anything about for ``year`` (a facility or a finding)."""
    from ezhou_platform.water_plan.models import WaterUnit

    with_facility = Facility.objects.filter(water_unit__isnull=False).values_list("water_unit_id", flat=True)
    with_finding = CapabilityFinding.objects.filter(found_on__year=year).values_list(
        "water_unit_id", flat=True
    )
    return list(WaterUnit.objects.filter(pk__in={*with_facility, *with_finding}).order_by("pk"))


def propose_for_facility(facility: Facility, year: int, *, actor: Any) -> WaterPlanLink | None:
    """After a report or usage is filed: if the unit supplied now counts as using unconventional water that
    year, propose the +0.1 (the clerk records it). "Not using" is never proposed from an operator's filing."""
    if facility.water_unit_id is None:
        return None
    [(_, _, link)] = review_units(
        [facility.water_unit], year, as_of=clock.today(), actor=actor, kinds=(LinkKind.USED,)
    )
    return link


def record_link(
    link: WaterPlanLink, *, actor: Any, on: dt.date | None = None, note: str = ""
) -> WaterPlanLink:
    """Record the link's case in the water plan through its own service, in one transaction with the step; the
    case "able but not using" (−0.1 and 核减, 第八条第（四）项) only by a person other than the proposer."""
    from ezhou_platform.water_plan.models import CoefficientEvent

    day = check_day(
        on or clock.today(),
        field="decided_on",
        label="办理日期",
        not_before=link.proposed_on,
        not_before_why="提出日期",
    )
    if link.status != LinkStatus.PROPOSED:
        raise refuse("link_decided", "status", "状态", f"该联动记录已{link.get_status_display()}。")
    step_name = "record" if link.kind == LinkKind.USED else "confirm"
    with transaction.atomic():
        existing = (
            CoefficientEvent.objects.filter(unit=link.water_unit, kind=link.kind, on__year=link.event_on.year)
            .order_by("pk")
            .first()
        )
        data: dict[str, Any]
        if existing is not None:
            data = {"event": existing, "adopted": True}
        else:
            try:
                ev = _water_plan_record_event(
                    link.water_unit, link.kind, link.event_on, link.evidence, actor=actor, recorded_on=day
                )
            except WaterPlanError as exc:
                raise refuse(exc.code, exc.field or "event_on", "计划用水", exc.message) from None
            data = {
                "event": ev,
                "adopted": False,
                "plan_changes": [
                    {"id": c.pk, "year": c.plan.year, "delta_m3x100": c.delta_m3x100, "citation": c.citation}
                    for c in getattr(ev, "plan_changes", [])
                ],
                "not_applied": [{"year": y, "reason": r} for y, r in getattr(ev, "not_applied", [])],
            }
        engine.take(link, step_name, actor=actor, on=day, data=data, note=note)
    return link


def dismiss_link(link: WaterPlanLink, note: str, *, actor: Any, on: dt.date | None = None) -> WaterPlanLink:
    note = require_text(note, field="note", label="办理意见", rule="附件1 三（四）", max_length=300)
    day = check_day(
        on or clock.today(),
        field="decided_on",
        label="办理日期",
        not_before=link.proposed_on,
        not_before_why="提出日期",
    )
    engine.take(link, "dismiss", actor=actor, on=day, note=note)
    return link


def record_finding(
    unit: Any, found_on: Any, reason: str, evidence: str, *, actor: Any, project: Any = None
) -> CapabilityFinding:
    """具备利用非常规水源条件的认定 (15号 第八条第（四）项; e.g. a reclaimed-water main at the gate, 第十五条)."""
    day = check_day(found_on, field="found_on", label="认定日期")
    reason = require_text(reason, field="reason", label="认定理由", rule="第八条第（四）项", max_length=200)
    evidence = require_text(evidence, field="evidence", label="证明材料", rule="附件1 三", max_length=200)
    with transaction.atomic():
        f = CapabilityFinding.objects.create(
            water_unit=unit,
            found_on=day,
            reason=reason,
            evidence=evidence,
            project=project,
            recorded_by=actor,
        )
        record(
            "unconventional_water.finding.record",
            actor=actor,
            obj=f,
            after={"unit": unit.pk, "found_on": day.isoformat(), "reason": reason},
            label="认定具备利用非常规水源条件",
            citation="鄂州政办发〔2022〕15号 第八条第（四）项",
        )
    return f


def links_for_events(event_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For the water plan's pages (read only): the record of this system behind each coefficient event it
    recorded or adopted — {event id: {"url", "label", "explanation", "citations", "reports", "facilities"}}.
    Events typed in the water plan by hand and never adopted are absent."""
    from django.urls import reverse

    links = (
        WaterPlanLink.objects.filter(coefficient_event_id__in=list(event_ids), status=LinkStatus.RECORDED)
        .prefetch_related("reports", "facilities")
        .order_by("pk")
    )
    out: dict[int, dict[str, Any]] = {}
    for link in links:
        assert link.coefficient_event_id is not None
        out.setdefault(
            link.coefficient_event_id,
            {
                "url": reverse("unconventional_water:link", args=[link.pk]),
                "label": f"非常规水资源管理：{link.get_kind_display()}（{link.year}年度）",
                "explanation": link.explanation,
                "citations": list(link.citations),
                "reports": [r.report_no for r in link.reports.all()],
                "facilities": [f.name for f in link.facilities.all()],
            },
        )
    return out
