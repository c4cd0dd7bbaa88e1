"""计划调整 (第十条, 第十三条): the unit files by the end of the month after the plan's issue, with its materials;
the department verifies within 5 working days and decides and notifies within the first 10 working days of
the next month. Each step is taken on the procedure layer (the transitions of ``AdjustmentRequest``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.water_plan import deadlines, limits
from ezhou_rules.water_plan.errors import WaterPlanError

from .. import steps
from ..models import AdjustmentRequest, EvidenceFile, PlanChange, YearlyPlan
from .common import DOC, _snap, cite, take
from .evidence import ADJUSTMENT_KINDS, _attach, _check_evidence


def file_adjustment(
    plan: YearlyPlan,
    received_on: dt.date,
    requested_m3x100: int,
    reason: str,
    *,
    actor: Any,
    has_form: bool,
    has_change_evidence: bool,
    has_balance_test: bool,
    other_materials: str = "",
    evidence: list[EvidenceFile] | None = None,
) -> AdjustmentRequest:
    """第十条: filed by the end of the month after the plan was issued, with the materials; verified within 5
    working days of receipt, the adjusted plan notified within the first 10 working days of the next month.
    Where files are uploaded, the material flags come from the uploaded kinds (the booleans are then ignored)."""
    evidence = evidence or []
    if evidence:
        _check_evidence(evidence, plan.unit, ADJUSTMENT_KINDS)
        kinds = {ev.kind for ev in evidence}
        has_form = EvidenceFile.Kind.FORM in kinds
        has_change_evidence = EvidenceFile.Kind.CHANGE in kinds
        has_balance_test = EvidenceFile.Kind.BALANCE_TEST in kinds
        others = "、".join(ev.original_name for ev in evidence if ev.kind == EvidenceFile.Kind.OTHER)
        other_materials = "；".join(x for x in (other_materials, others) if x)[:200]
    limits.check_date(
        received_on,
        field="received_on",
        today=clock.today(),
        not_before=plan.issued_on,
        not_before_why=f"计划下达日期（{cn_date(plan.issued_on)}）",
    )
    due = deadlines.adjustment_filing_due(plan.issued_on, platform_calendar()).due
    if received_on > due:
        raise WaterPlanError(
            "adjustment_late",
            f"接到申请日期：调整申请应在用水计划指标下达次月月底前（{cn_date(due)}）提出，已逾期（第十条第一款）。",
            field="received_on",
        )
    missing = [
        name
        for ok, name in (
            (has_form, "用水计划指标调整申请表"),
            (has_change_evidence, "生产规模、产量、人数等变化的证明材料"),
            (has_balance_test, "已完成水平衡测试的证明材料"),
        )
        if not ok
    ]
    if missing:
        raise WaterPlanError(
            "adjustment_materials",
            f"证明材料：缺少{'、'.join(missing)}；未提供证明材料的，申请内容不予认可（第十条）。",
            field="materials",
        )
    if requested_m3x100 <= 0:
        raise WaterPlanError("volume_range", "申请水量：申请增加的水量应大于0。", field="requested_volume")
    if not reason.strip():
        raise WaterPlanError("adjustment_reason", "理由：须写明申请调整的原因（第十条）。", field="reason")
    cal = platform_calendar()
    with transaction.atomic():
        req = AdjustmentRequest.objects.create(
            plan=plan,
            received_on=received_on,
            requested_m3x100=requested_m3x100,
            reason=reason,
            has_form=has_form,
            has_change_evidence=has_change_evidence,
            has_balance_test=has_balance_test,
            other_materials=other_materials,
            # counted again by the engine with their periods (steps.ADJUSTMENT_VERIFY, ADJUSTMENT_NOTIFY)
            verify_due=deadlines.adjustment_verify_due(received_on, cal).due,
            notify_due=deadlines.adjustment_notify_due(received_on, cal).due,
        )
        engine.start(
            req,
            actor=actor,
            on=received_on,
            label="提出用水计划调整申请",
            cites=cite("第十条第一款"),
            opens=[steps.ADJUSTMENT_VERIFY, steps.ADJUSTMENT_NOTIFY],
        )
        _attach(evidence, adjustment=req)
        record(
            "water_plan.adjustment.file",
            actor=actor,
            obj=req,
            after={
                **_snap(req, ["received_on", "requested_m3x100", "verify_due", "notify_due"]),
                "evidence": [ev.pk for ev in evidence],
            },
            label="提出用水计划调整申请",
            citation=f"{DOC} 第十条第一款",
        )
    return req


def verify_adjustment(req: AdjustmentRequest, *, actor: Any, on: dt.date) -> AdjustmentRequest:
    """received → verified (第十条: within 5 working days of receipt)."""
    take(req, "verify", actor=actor, on=on)
    return req


def approve_adjustment(
    req: AdjustmentRequest, approved_m3x100: int, *, actor: Any, on: dt.date
) -> PlanChange:
    """verified → approved, by another person than the one who filed it: a PlanChange (the plan itself is
    never edited) notified by the numbered decision; refused while a surcharge is owed (第十三条第（七）项)."""
    with transaction.atomic():
        event = take(req, "approve", actor=actor, on=on, data={"approved_m3x100": approved_m3x100})
        return PlanChange.objects.create(
            plan=req.plan,
            kind=PlanChange.Kind.ADJUSTMENT,
            delta_m3x100=approved_m3x100,
            reason=req.reason[:300],
            citation=cite("第十条第一款"),
            decided_on=on,
            decided_by=actor,
            source_id=req.pk,
            document=event.document,
        )


def refuse_adjustment(req: AdjustmentRequest, case: int, reason: str, *, actor: Any, on: dt.date) -> None:
    """received/verified → refused for one of the seven cases of 第十三条, with the reason (a numbered decision)."""
    take(req, "refuse", actor=actor, on=on, data={"case": case, "reason": reason})
