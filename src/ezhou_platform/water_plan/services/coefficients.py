"""Coefficient cases of 附件1 三 (and the decreases of 第八条 that have one, W13): recorded by a clerk with their
evidence, in effect once a second person confirms them; a case for a year whose plan is issued changes that
plan by a recorded change with its numbered notice (W17, W23)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.permissions import WRITE, allowed
from ezhou_platform.procedures import documents, engine
from ezhou_platform.procedures.models import Case
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import limits
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume

from .. import steps
from ..models import CoefficientEvent, Method, PlanChange, SurchargeNotice, WaterUnit, YearlyPlan
from .common import DOC, _snap, cite, expiry_warning, take
from .plans import _events, _events_from_json, _events_json, compute_plan


def record_coefficient_event(
    unit: WaterUnit,
    kind: str,
    on: dt.date,
    evidence: str,
    *,
    actor: Any,
    recorded_on: dt.date,
    until: dt.date | None = None,
) -> CoefficientEvent:
    """附件1 三 (and 第八条 findings): a dated case with its evidence, recorded by a clerk. It takes effect when
    another person confirms it (``apply_coefficient_event``, W23): from then it counts in the plans issued for
    the years the rule gives, and a plan already issued for one of them changes (W17; "实施当年 +0.1" of 附件1
    三（四） always happens after issuance). ``event.plan_changes`` and ``event.not_applied`` are empty here."""
    today = clock.today()
    limits.check_date(recorded_on, field="recorded_on", label="记录日期", today=today)
    limits.check_date(
        on,
        field="on",
        label="发生（完成、备案、认定）日期",
        today=today,
        not_after=recorded_on,
        not_after_why="记录日期",
        # a case before the document may still count for a plan year under it (W3, W19): checked below
        not_before=dt.date.min,
    )
    first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(kind, on, until))
    if last < limits.document_start().year:
        raise WaterPlanError(
            "coefficient_before_document",
            f"发生（完成、备案、认定）日期：该情形只计入{first}年至{last}年，均早于本细则施行（第十九条），不予记录。",
            field="on",
        )
    if not evidence.strip():
        raise WaterPlanError("evidence_missing", "证明材料：须写明证明材料（附件1 三）。", field="evidence")
    case = plan_rules.COEFFICIENT_CASES[kind]
    with transaction.atomic():
        ev = CoefficientEvent.objects.create(
            unit=unit,
            kind=kind,
            on=on,
            until=until,
            evidence=evidence,
            recorded_by=actor,
            recorded_on=recorded_on,
        )
        engine.start(
            ev, actor=actor, on=recorded_on, label=f"记录增减系数情形：{case.label}", cites=cite(case.place)
        )
        record(
            "water_plan.coefficient_event.record",
            actor=actor,
            obj=ev,
            after=_snap(ev, ["kind", "on", "until", "evidence"]),
            label=f"记录增减系数情形：{case.label}",
            citation=f"{DOC} {case.place}",
        )
    ev.plan_changes = []  # type: ignore[attr-defined]
    ev.not_applied = []  # type: ignore[attr-defined]
    return ev


def _current_coefficient(plan: YearlyPlan) -> tuple[int, int]:
    """(coefficient in force, the formula part of the plan: issued volume + earlier coefficient changes)."""
    coef_changes = list(plan.changes.filter(kind=PlanChange.Kind.COEFFICIENT).order_by("pk"))
    coef = coef_changes[-1].coefficient_pct if coef_changes else plan.coefficient_pct
    return int(coef if coef is not None else plan.coefficient_pct), plan.volume_m3x100 + sum(
        c.delta_m3x100 for c in coef_changes
    )


def apply_coefficient_event(
    ev: CoefficientEvent, *, actor: Any, on: dt.date
) -> tuple[list[PlanChange], list[tuple[int, str]]]:
    """A second person confirms the case (the step ``apply``: four eyes, as for any decision that changes a
    plan): each issued plan of the unit for a year the case counts for is recomputed with every case in
    effect; a different result is a PlanChange (kind coefficient) of the difference, citing the case's article,
    with the recomputation as its trace, notified by a numbered 《用水计划变更通知书》. Idempotent: one change per
    plan and case (taken again on a case in effect, it changes nothing more).

    Not applied: a clerk-set plan (附件1 二（二）4 applies no coefficient, W2) and a year already assessed
    (its notice is corrected through an appeal, 第十五条)."""
    if not allowed(actor, roles=steps.CLERKS, department=steps.WATER, action=WRITE):
        raise WaterPlanError("forbidden", "您没有权限复核增减系数情形（附件1 三）。", field=None)
    with transaction.atomic():
        if ev.status != CoefficientEvent.Status.APPLIED:
            take(ev, "apply", actor=actor, on=on)  # a withdrawn case is refused, naming its state
        changes, not_applied = _recompute(ev, actor=actor, on=on)
        for change in changes:
            notify_change(change, actor=actor, case=engine.case_of(ev))
    return changes, not_applied


def withdraw_coefficient_event(ev: CoefficientEvent, reason: str, *, actor: Any, on: dt.date) -> None:
    """A case recorded by mistake, before it took effect: withdrawn with the reason; it never counts."""
    take(ev, "withdraw", actor=actor, on=on, data={"reason": reason})


def _recompute(
    ev: CoefficientEvent, *, actor: Any, on: dt.date
) -> tuple[list[PlanChange], list[tuple[int, str]]]:
    first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(ev.kind, ev.on, ev.until))
    case = plan_rules.COEFFICIENT_CASES[ev.kind]
    events = _events_json(_events([ev.unit_id]).get(ev.unit_id, []))
    changes: list[PlanChange] = []
    not_applied: list[tuple[int, str]] = []
    plans = YearlyPlan.objects.filter(unit_id=ev.unit_id, year__gte=first, year__lte=last).order_by("year")
    for plan in plans.select_for_update():
        if plan.method not in (Method.STATISTIC, Method.QUOTA):
            not_applied.append((plan.year, "经办人员核定的计划不适用增减系数（附件1 二（二）4）"))
            continue
        if SurchargeNotice.objects.filter(unit_id=plan.unit_id, year=plan.year).exists():
            not_applied.append(
                (
                    plan.year,
                    f"{plan.year}年度已考核并开具加价收费通知单，计划不再变更；对考核结果有异议的按第十五条办理",
                )
            )
            continue
        if plan.changes.filter(kind=PlanChange.Kind.COEFFICIENT, source_id=ev.pk).exists():
            continue
        old_coef, old_formula = _current_coefficient(plan)
        trace = Trace()
        new_formula = compute_plan({**plan.inputs, "events": events}, plan.year, trace=trace)
        new_coef = plan_rules.coefficient(_events_from_json(events), plan.year)
        if new_coef == old_coef and new_formula == old_formula:
            continue  # e.g. the same case already counted this year, or a side already at ±0.3
        delta = new_formula - old_formula
        change = PlanChange.objects.create(
            plan=plan,
            kind=PlanChange.Kind.COEFFICIENT,
            delta_m3x100=delta,
            coefficient_pct=new_coef,
            reason=(
                f"{cn_date(ev.on)}{case.label}：{plan.year}年增减系数由{old_coef / 100:+.2f}变为{new_coef / 100:+.2f}，"
                f"计划{'增加' if delta >= 0 else '减少'}{format_volume(abs(delta))}立方米"
            )[:300],
            citation=f"{DOC} {case.place}",
            decided_on=on,
            decided_by=actor,
            source_id=ev.pk,
            trace=trace.to_list(),
        )
        record(
            "water_plan.plan.coefficient_change",
            actor=actor,
            obj=change,
            after=_snap(change, ["kind", "delta_m3x100", "coefficient_pct", "decided_on", "source_id"]),
            label=f"增减系数变化，变更{plan.year}年度用水计划",
            citation=f"{DOC} {case.place}",
        )
        changes.append(change)
    return changes, not_applied


def change_rows(plan: YearlyPlan) -> list[dict[str, Any]]:
    """Each change of the plan with the plan before and after it (in the order they were decided)."""
    rows, running = [], plan.volume_m3x100
    for c in sorted(plan.changes.all(), key=lambda c: c.pk):
        before, running = running, running + c.delta_m3x100
        rows.append(
            {
                "change": c,
                "delta": format_volume(c.delta_m3x100),
                "before": format_volume(before),
                "after": format_volume(running),
            }
        )
    return rows


def change_context(change: PlanChange) -> dict[str, Any]:
    """计划变更通知书: the change, the plan before and after it, why (article, recomputation) and the warning."""
    plan = change.plan
    row = next(r for r in change_rows(plan) if r["change"].pk == change.pk)
    return {
        "change": change,
        "plan": plan,
        "place": change.citation.removeprefix(DOC).strip(),
        "row": row,
        "trace": change.trace,
        "coefficient": f"{change.coefficient_pct / 100:+.2f}" if change.coefficient_pct is not None else "",
        "warning": expiry_warning(change.decided_on),
    }


def notify_change(change: PlanChange, *, actor: Any, case: Case | None) -> None:
    """The numbered 《用水计划变更通知书》 of a plan change (HTML as issued; PDF on first download)."""
    plan = change.plan
    doc = documents.issue(
        steps.PLAN_CHANGE_NOTICE,
        template="water_plan/documents/plan_change.html",
        title=f"{plan.unit.name}{plan.year}年度用水计划变更通知书",
        on=change.decided_on,
        actor=actor,
        case=case,
        recipient=f"{plan.unit.name}（统一社会信用代码 {plan.unit.uscc}）",
        citation=change.citation,
        remedy=steps.PLAN_CHANGE_REMEDY,
        context=change_context(change),
        pdf=False,
    )
    change.document = doc
    change.save(update_fields=["document"])
