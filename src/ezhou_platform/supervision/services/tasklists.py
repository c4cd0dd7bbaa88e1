"""The loaded plans as the rules' records, so every rule (state, board, reminders, leadership counts,
membership) runs on what the database holds: the tasks as loaded, units as organisation ids (as text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ezhou_platform.common.calendar import platform_calendar
from ezhou_rules.supervision import model as rules
from ezhou_rules.supervision.deadlines import Deadline, DeadlineKind, Deliverable
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.plans import PlanSpec
from ezhou_rules.supervision.state import ItemState, Supervision
from ezhou_rules.supervision.state import Report as RulesReport
from ezhou_rules.supervision.units import UnitRef

from ..models import Plan, Report
from .units import organisation_names, register_resolver


def _ref(d: dict[str, str | None]) -> UnitRef:
    return UnitRef(str(d.get("printed") or ""), d.get("key"), str(d.get("expanded") or ""))


def task_list(plan: Plan) -> rules.TaskList:
    """The plan as loaded, in the rules' records."""
    tasks = []
    keys: set[str] = set()
    for t in plan.tasks.prefetch_related("units").order_by("number"):
        units = list(t.units.all())
        refs = tuple(
            UnitRef(u.printed, str(u.organisation_id) if u.organisation_id else None, u.expanded)
            for u in units
        )
        lead = tuple(str(u.organisation_id) for u in units if u.role == "lead" and u.organisation_id)
        resp = tuple(str(u.organisation_id) for u in units if u.role == "responsible" and u.organisation_id)
        keys.update(lead + resp)
        tasks.append(
            rules.Task(
                id=t.code,
                slug=plan.slug,
                document=plan.document,
                number=t.number,
                group=t.group,
                text=t.text,
                anchor=t.anchor,
                citation=t.citation,
                units=refs,
                lead=lead,
                lead_basis=t.lead_basis,
                responsible=resp,
                deadline=Deadline(
                    t.deadline_printed,
                    DeadlineKind(t.deadline_kind),
                    t.due,
                    Deliverable(t.deliverable),
                    t.deliverable_printed,
                    t.period_end,
                    t.basis,
                ),
                main_text_anchor=t.main_text_anchor or None,
                main_text_citation=t.main_text_citation or None,
                main_text_lead=tuple(_ref(d) for d in t.main_text_lead),
                main_text_responsible=tuple(_ref(d) for d in t.main_text_responsible),
            )
        )
    numbers = {t.pk: t.number for t in plan.tasks.all()}
    items = tuple(
        rules.Item(
            i.code,
            f"{plan.slug}/{numbers[i.task_id]}",
            i.year,
            i.label,
            DeadlineKind(i.kind),
            i.due,
            Deliverable(i.deliverable),
            i.printed,
            i.basis,
            plan.issued,
            i.period_end,
        )
        for i in plan.items.all().order_by("task__number", "year", "id")
    )
    members = None
    if plan.members_printed:
        members = tuple(
            rules.Member(
                m.name,
                m.title,
                m.role,
                UnitRef(m.printed_unit, str(m.organisation_id)) if m.printed_unit else None,
            )
            for m in plan.members.all()
        )
        keys.update(str(m.organisation_id) for m in plan.members.all() if m.organisation_id)
    resolve = register_resolver(plan.issued)
    issuer = resolve(plan.issuer) if plan.issuer else None
    if issuer:
        keys.add(issuer)
    return rules.TaskList(
        slug=plan.slug,
        document=plan.document,
        title=plan.title,
        issued=plan.issued,
        tasks=tuple(tasks),
        items=items,
        problems=(),
        leadership=rules.Leadership(
            plan.leadership_name, plan.leadership_cite, members, tuple(plan.leadership_notes or ())
        ),
        spec=PlanSpec.from_data(plan.spec, where=plan.slug),
        unit_names=organisation_names(keys),
        issuer=plan.issuer,
        resolve_unit=resolve,
    )


def rules_reports(reports: Iterable[Report]) -> list[RulesReport]:
    """Stored reports for the state engine: a returned report does not count; a completion not yet confirmed
    counts as a report (the item's latest report) but does not complete the item (T17)."""
    out = []
    for r in reports:
        if r.status == Report.Status.RETURNED:
            continue
        completion = r.kind == Report.Kind.COMPLETION and r.status == Report.Status.ACCEPTED
        out.append(
            RulesReport(
                item_id=r.item.code,
                kind="completion" if completion else "progress",
                date=r.evidence_date,
                document_number=r.document_number,
                attachment=str(r.pk),
                unit=str(r.unit_id),
            )
        )
    return out


@dataclass
class Snapshot:
    """Plans, their engine and their stored reports, ready to be asked about any date."""

    plans: list[Plan]
    lists: list[rules.TaskList]
    engine: Supervision
    reports: list[RulesReport]
    pending: dict[str, list[Report]] = field(default_factory=dict)  # item code → reports awaiting review

    def states_on(self, on: dt.date) -> list[ItemState]:
        return self.engine.states_on(self.reports, on)

    def plan(self, slug: str) -> Plan:
        return next(p for p in self.plans if p.slug == slug)


def snapshot(plans: Sequence[Plan]) -> Snapshot:
    """Every item and report of the plans, with each plan's rest-day switch (T3) on the platform calendar."""
    lists = [task_list(p) for p in plans]
    roll = {p.slug: p.roll_rest_days for p in plans}
    engine = Supervision(
        lists, roll_rest_days=roll, calendar=platform_calendar() if any(roll.values()) else None
    )
    stored = list(
        Report.objects.filter(plan__in=plans).select_related("item").order_by("evidence_date", "id")
    )
    pending: dict[str, list[Report]] = {}
    for r in stored:
        if r.status == Report.Status.SUBMITTED:
            pending.setdefault(r.item.code, []).append(r)
    reports = rules_reports(stored)
    try:
        engine.reports(reports)
    except SupervisionError as exc:  # stored reports were checked when filed; a reload changed an item
        raise SupervisionError(
            exc.code, f"已登记的报送与当前载入的任务不一致：{exc.message}", field=exc.field, rule=exc.rule
        ) from exc
    return Snapshot(list(plans), lists, engine, reports, pending)
