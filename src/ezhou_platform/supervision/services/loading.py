"""Loading a plan's tasks from the policy library into the database (`ezhou supervision load-tasks`, the load
page, the job ``supervision.tasks.load``).

One transaction: the rules' unit table into the register, the tasks read by the rules with every unit
resolved through the register, the plan and its tasks, units, items, leading-body seats and assignments, the
periods that put each lead unit's deadlines on its workspace, and a ``LoadRun`` keeping the load report (what
could not be read, the main text/annex differences with both anchors, the membership check). Loading twice
changes nothing the second time; reports, which point at items, survive a reload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.models import Department
from ezhou_rules.library import default_library
from ezhou_rules.supervision.boards import membership_check
from ezhou_rules.supervision.consistency import consistency_report
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.model import TaskList, plain
from ezhou_rules.supervision.plans import plan_slugs, plan_spec
from ezhou_rules.supervision.tasks import load_tasks

from ..models import Item, LoadRun, Member, Plan, Task, TaskUnit
from . import assignments
from .units import load_rules_units, organisation_names, register_alias_table, register_resolver

PLANS_DIR = Path(__file__).resolve().parents[1] / "plans"


@dataclass(frozen=True)
class PlatformSpec:
    """What the platform adds to a plan (plans/<slug>.yaml): who supervises it and under which article."""

    slug: str
    department: str
    cite: str
    quote: str
    system: str


def platform_slugs() -> list[str]:
    """Plans both the rules and the platform know: a rules plan.yaml and a platform plans/<slug>.yaml."""
    return [s for s in plan_slugs() if (PLANS_DIR / f"{s}.yaml").is_file()]


@cache
def platform_spec(slug: str) -> PlatformSpec:
    path = PLANS_DIR / f"{slug}.yaml"
    if not path.is_file():
        known = "、".join(platform_slugs())
        raise SupervisionError(
            "unknown_plan", f"没有名为“{slug}”的督办方案（已有：{known}）。", field="督办方案"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sup = data.get("supervision") or {}
    return PlatformSpec(
        slug, str(data["department"]), str(sup["cite"]), str(sup["quote"]), str(data["system"])
    )


def _supervision_cite(spec: PlatformSpec, document: str) -> str:
    """The plan's supervision article, checked against the gazette (a quote that is not there is refused)."""
    library = default_library()
    citation = f"{document} {spec.cite}"
    unit = library.resolve(citation)
    if plain(spec.quote) not in plain(unit.plain_text):
        raise SupervisionError(
            "plan_quote_missing",
            f"{citation}中找不到“{spec.quote}”，请核对 supervision/plans/{spec.slug}.yaml。",
            field="督办依据",
        )
    return citation


def _refs(refs: Any) -> list[dict[str, Any]]:
    return [u.to_dict() for u in refs]


def _save_tasks(plan: Plan, tl: TaskList) -> dict[str, int]:
    counts = {"新增任务": 0, "更新任务": 0, "未变任务": 0}
    for t in tl.tasks:
        values = {
            "group": t.group,
            "text": t.text,
            "anchor": t.anchor,
            "citation": t.citation,
            "deadline_printed": t.deadline.printed,
            "deadline_kind": t.deadline.kind.value,
            "due": t.deadline.due,
            "deliverable": t.deadline.deliverable.value,
            "deliverable_printed": t.deadline.deliverable_printed,
            "period_end": t.deadline.period_end,
            "basis": t.deadline.basis,
            "lead_basis": t.lead_basis,
            "main_text_anchor": t.main_text_anchor or "",
            "main_text_citation": t.main_text_citation or "",
            "main_text_lead": _refs(t.main_text_lead),
            "main_text_responsible": _refs(t.main_text_responsible),
        }
        task = Task.objects.filter(plan=plan, number=t.number).first()
        units = [
            (k, u.printed, u.expanded, int(u.key) if u.key else None, t.role_of(u.key) if u.key else "")
            for k, u in enumerate(t.units)
        ]
        if task is None:
            task = Task.objects.create(plan=plan, number=t.number, **values)
            counts["新增任务"] += 1
        else:
            stored_units = [
                (u.position, u.printed, u.expanded, u.organisation_id, u.role) for u in task.units.all()
            ]
            if all(getattr(task, f) == v for f, v in values.items()) and stored_units == units:
                counts["未变任务"] += 1
                continue
            Task.objects.filter(pk=task.pk).update(**values)
            counts["更新任务"] += 1
        task.units.all().delete()  # re-derived from the text at every load; nothing points at them
        TaskUnit.objects.bulk_create(
            TaskUnit(task=task, position=k, printed=p, expanded=e, organisation_id=o, role=r or "")
            for k, p, e, o, r in units
        )
    return counts


def _save_items(plan: Plan, tl: TaskList, problems: list[dict[str, Any]]) -> dict[str, int]:
    tasks = {t.number: t for t in plan.tasks.all()}
    counts = {"督办事项": 0, "移除事项": 0}
    codes = set()
    for i in tl.items:
        number = int(i.task_id.rsplit("/", 1)[1])
        Item.objects.update_or_create(
            code=i.id,
            defaults={
                "plan": plan,
                "task": tasks[number],
                "year": i.year,
                "label": i.label,
                "kind": i.kind.value,
                "due": i.due,
                "deliverable": i.deliverable.value,
                "printed": i.printed,
                "basis": i.basis,
                "period_end": i.period_end,
            },
        )
        codes.add(i.id)
        counts["督办事项"] += 1
    for gone in plan.items.exclude(code__in=codes):
        if gone.reports.exists():
            problems.append(
                {
                    "code": "item_kept_with_reports",
                    "anchor": gone.task.anchor,
                    "field": "督办事项",
                    "message": f"本次载入不再有“{gone.label}”，但它已有报送记录，予以保留。",
                    "severity": "note",
                }
            )
            continue
        gone.assignments.all().delete()
        gone.delete()
        counts["移除事项"] += 1
    return counts


def _save_members(plan: Plan, tl: TaskList) -> None:
    plan.members.all().delete()  # the printed list, re-read at every load; nothing points at it
    for k, m in enumerate(tl.leadership.members or ()):
        Member.objects.create(
            plan=plan,
            position=k,
            name=m.name,
            title=m.position,
            role=m.role,
            printed_unit=m.unit.printed if m.unit else "",
            organisation_id=int(m.unit.key) if m.unit and m.unit.key else None,
        )


def read_plan(slug: str, on: dt.date) -> TaskList:
    """The plan's tasks as the rules read them, units resolved through the register (no writes)."""
    tl = load_tasks(slug, resolve_unit=register_resolver(on))
    keys = {k for t in tl.tasks for k in t.unit_keys}
    keys |= {u.key for t in tl.tasks for u in (*t.main_text_lead, *t.main_text_responsible) if u.key}
    keys |= {m.unit.key for m in tl.leadership.members or () if m.unit and m.unit.key}
    tl.unit_names = organisation_names(keys)
    return tl


def load_plan(slug: str, *, actor: Any = None) -> LoadRun:
    """Load (or load again) a plan; see the module docstring. Raises SupervisionError for a plan that is not
    there or a configuration the gazette does not bear out; nothing is written then."""
    spec = platform_spec(slug)
    rules_spec = plan_spec(slug)
    doc = default_library().document(slug)
    department = Department.objects.filter(code=spec.department).first()
    if department is None:
        raise SupervisionError(
            "department_unknown",
            f"督办部门“{spec.department}”不在平台部门表中，请先载入基础数据（ezhou demo 或 load_reference_data）。",
            field="督办部门",
        )
    cite = _supervision_cite(spec, doc.number)
    with transaction.atomic():
        units = load_rules_units(on=doc.issued, actor=actor)
        tl = read_plan(slug, doc.issued)
        problems = [p.to_dict() for p in tl.problems]
        consistency = consistency_report(tl, alias_table=register_alias_table(doc.issued))
        membership = membership_check(tl)
        plan, _ = Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "document": doc.number,
                "title": doc.title,
                "issued": doc.issued,
                "issuer": doc.issuer,
                "department": department,
                "supervision_cite": cite,
                "leadership_name": tl.leadership.name,
                "leadership_cite": tl.leadership.citation,
                "members_printed": tl.leadership.members is not None,
                "leadership_notes": list(tl.leadership.notes),
                "spec": dict(rules_spec.data),
                "loaded_at": clock.now(),
            },
        )
        counts = _save_tasks(plan, tl)
        counts.update(_save_items(plan, tl, problems))
        _save_members(plan, tl)
        counts.update(assignments.sync(plan))
        counts["无法读取"] = sum(1 for p in problems if p["severity"] == "error")
        run = LoadRun.objects.create(
            plan=plan,
            actor=actor if getattr(actor, "pk", None) else None,
            counts=counts,
            problems=problems,
            register=units.lines(),
            consistency=consistency.to_dict(),
            membership=membership.to_dict(),
        )
        audit(
            "supervision.plan.load",
            actor=actor,
            obj=plan,
            after={"load": run.pk, **counts},
            label=f"载入{plan.document}督办任务",
            citation=tl.tasks[0].citation if tl.tasks else None,
        )
    return run
