"""The acts 第二十四条 forbids: recorded, handed over under the laws configured for them (第二十五条, U12), closed.

record_violation(act, found_on, party, …, actor=…)  登记 (from an inspection's suggestion or on its own)
hand_over(violation, actor=…, on=…)                  移交处理: refused until the laws are entered
close_violation(violation, result, actor=…, on=…)    办结
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.unconventional_water import violations as rules

from ..models import Facility, Inspection, Violation
from .common import check_day, refuse, require_text, rules_parameters


def record_violation(
    act: str,
    found_on: Any,
    party: str,
    description: str,
    evidence: str,
    *,
    actor: Any,
    party_uscc: str = "",
    facility: Facility | None = None,
    inspection: Inspection | None = None,
) -> Violation:
    """登记 one act of 第二十四条 with what was seen and the evidence; the laws it is handled under are shown if
    an administrator has entered them (else "尚待录入")."""
    day = check_day(found_on, field="found_on", label="发现日期")
    uscc = ""
    if party_uscc:
        try:
            uscc = validate_uscc(party_uscc)
        except InvalidIdentifier as exc:
            raise refuse("uscc_invalid", "party_uscc", "当事单位统一社会信用代码", str(exc)) from None
    if inspection is not None:
        if facility is not None and inspection.facility_id != facility.pk:
            raise refuse("inspection_facility", "inspection", "现场检查", "检查记录不是本设施的。")
        facility = facility or inspection.facility
    rec = rules.record_violation(
        act,
        day,
        require_text(party, field="party", label="当事单位或个人", rule="第二十四条", max_length=100),
        description,
        evidence,
        facility_id=str(facility.pk) if facility else "",
        params=rules_parameters(),
    )
    with transaction.atomic():
        v = Violation.objects.create(
            act=act,
            citation=rec.citation,
            found_on=day,
            party=rec.party,
            party_uscc=uscc,
            facility=facility,
            inspection=inspection,
            description=rec.description,
            evidence=rec.evidence,
            explanation=rec.explanation,
            recorded_by=actor,
        )
        engine.start(v, actor=actor, on=day, label="登记违法行为", cites=rec.citation)
        record(
            "unconventional_water.violation.record",
            actor=actor,
            obj=v,
            after={"act": act, "found_on": day.isoformat(), "party": rec.party, "facility": v.facility_id},
            label=f"登记违法行为：{rec.label}",
            citation=rec.citation,
        )
    return v


def handling_basis(violation: Violation) -> tuple[str, ...]:
    """The laws configured for the act on the day it was found; refused naming the parameter until entered."""
    return rules.handling_basis(violation.act, violation.found_on, rules_parameters())


def hand_over(violation: Violation, *, actor: Any, on: dt.date | None = None) -> Violation:
    """移交处理 (第二十五条 按有关法律法规规章进行处理) with the laws entered for the act."""
    day = check_day(
        on or clock.today(),
        field="handed_over_on",
        label="移交日期",
        not_before=violation.found_on,
        not_before_why="发现日期",
    )
    laws = handling_basis(violation)
    engine.take(violation, "hand_over", actor=actor, on=day, data={"handled_under": list(laws)})
    return violation


def close_violation(violation: Violation, result: str, *, actor: Any, on: dt.date | None = None) -> Violation:
    result = require_text(result, field="result", label="处理结果", rule="第二十五条", max_length=2000)
    since = violation.handed_over_on or violation.found_on
    day = check_day(
        on or clock.today(), field="closed_on", label="办结日期", not_before=since, not_before_why="移交日期"
    )
    engine.take(violation, "close", actor=actor, on=day, data={"result": result})
    return violation
