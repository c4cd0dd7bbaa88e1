"""异议 (第十五条): the unit objects to a notice's volume or amount within 10 working days of receiving it; the
department decides within 8 working days. Upheld (by another person than the one who received it): a new
version of the notice with the corrected volume, delivered through the platform on the day of the decision,
the old one kept and superseded (W11)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import documents, engine
from ezhou_rules.water_plan import deadlines
from ezhou_rules.water_plan import settlement as settlement_rules

from .. import steps
from ..models import Appeal, EvidenceFile, SurchargeNotice
from .collection import ensure_document
from .common import _snap, cite, take
from .evidence import _attach, _check_evidence
from .settlement import NOTICE_TEMPLATE, notice_context


def file_appeal(
    notice: SurchargeNotice,
    received_on: dt.date,
    reason: str,
    *,
    actor: Any,
    claimed_actual_m3x100: int | None = None,
    evidence: list[EvidenceFile] | None = None,
) -> Appeal:
    """第十五条: within 10 working days of receipt of the notice (the notice's step ``object_to``); the appeal is
    a case of its own, decided within 8 working days."""
    evidence = evidence or []
    _check_evidence(evidence, notice.unit, {EvidenceFile.Kind.APPEAL})
    with transaction.atomic():
        take(notice, "object_to", actor=actor, on=received_on, data={"reason": reason})
        appeal = Appeal.objects.create(
            notice=notice,
            received_on=received_on,
            reason=reason,
            claimed_actual_m3x100=claimed_actual_m3x100,
            # counted again by the engine with its period (steps.APPEAL_DECISION_DUE)
            decision_due=deadlines.appeal_decision_due(received_on, platform_calendar()).due,
        )
        engine.start(
            appeal,
            actor=actor,
            on=received_on,
            label="提出异议",
            cites=cite("第十五条"),
            opens=[steps.APPEAL_DECISION_DUE],
        )
        _attach(evidence, appeal=appeal)
        record(
            "water_plan.appeal.file",
            actor=actor,
            obj=appeal,
            after=_snap(appeal, ["received_on", "decision_due", "claimed_actual_m3x100"]),
            label="对加价收费通知单提出异议",
            citation=cite("第十五条"),
        )
    return appeal


def revised_figures(notice: SurchargeNotice, corrected_actual_m3x100: int) -> dict[str, Any]:
    """The notice recomputed with the corrected actual use, on the bands and price it was issued with."""
    b = notice.bands
    excess = max(corrected_actual_m3x100 - notice.plan_m3x100, 0)
    bands, total = settlement_rules.surcharge(
        [notice.plan_m3x100],
        [excess],
        tuple(Fraction(x) for x in b["bounds"]),
        tuple(Fraction(x) for x in b["multipliers"]),
        int(b["price"]),
    )
    return {
        "actual_m3x100": corrected_actual_m3x100,
        "excess_m3x100": excess,
        "amounts": [int(a) for a in bands[0]],
        "amount_fen": int(total[0]),
    }


def decide_appeal(
    appeal: Appeal,
    upheld: bool,
    decision: str,
    *,
    actor: Any,
    on: dt.date,
    corrected_actual_m3x100: int | None = None,
) -> Appeal:
    """received → upheld (a new notice version with the corrected volume; the old one kept, superseded) or
    rejected, each with a numbered decision. 第十五条: within 8 working days of receipt."""
    if not upheld:
        take(appeal, "reject", actor=actor, on=on, data={"decision": decision})
        return appeal
    old = appeal.notice
    valid = isinstance(corrected_actual_m3x100, int) and corrected_actual_m3x100 >= 0
    revised = revised_figures(old, corrected_actual_m3x100) if valid else {}  # type: ignore[arg-type]
    with transaction.atomic():
        event = take(
            appeal,
            "uphold",
            actor=actor,
            on=on,
            data={
                "decision": decision,
                "corrected_actual_m3x100": corrected_actual_m3x100,
                "revised": revised,
            },
        )
        new = _new_version(old, revised, actor=actor, on=on, because=event.document)
        take(old, "supersede", actor=actor, on=on)
        appeal.new_notice = new
        appeal.save(update_fields=["new_notice"])
    return appeal


def _new_version(
    old: SurchargeNotice, revised: dict[str, Any], *, actor: Any, on: dt.date, because: Any
) -> SurchargeNotice:
    """Version n+1 ("…号-2"), delivered through the platform on the decision day: its own periods to pay and
    to object start that day; its document is the next version of the old one's number."""
    b = old.bands
    new = SurchargeNotice.objects.create(
        unit=old.unit,
        year=old.year,
        number=f"{old.number.split('-')[0]}-{old.version + 1}",
        version=old.version + 1,
        supersedes=old,
        actual_m3x100=revised["actual_m3x100"],
        plan_m3x100=old.plan_m3x100,
        excess_m3x100=revised["excess_m3x100"],
        bands={**b, "amounts": revised["amounts"], "supplier": revised["actual_m3x100"], "construction": 0},
        amount_fen=revised["amount_fen"],
        issued_on=on,
        received_on=on,
    )
    engine.start(
        new,
        actor=actor,
        on=on,
        label="异议成立，重新开具并送达通知单",
        cites=cite("第十五条"),
        opens=[steps.NOTICE_PAYMENT, steps.NOTICE_APPEAL],
    )
    old_doc = ensure_document(old)
    if old_doc is not None:
        new.document = documents.correct(
            old_doc,
            template=NOTICE_TEMPLATE,
            reason=f"异议成立（{because.number if because else '异议处理决定'}），按核实后的实际用水量重新开具",
            on=on,
            actor=actor,
            context=notice_context(new),
            pdf=False,
        )
        new.save(update_fields=["document"])
    return new
