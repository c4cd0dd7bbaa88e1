"""Reversing a settlement (a hospital's 冲销) and the amounts a re-settlement leaves to recover (M12).

A reversal is a step of the claim's case: a new entry negating everything the claim was paid (written by the
step), then the person's year settled again without the claim, so the deductible and cap it used go to the
later claims and an aid paid too early becomes an amount to recover — a case tracked until it is recorded as
recovered. The original entries are never edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date

from ..models import Person, Recovery, Settlement, YearAccount
from .common import ApiError, check_past_date, tree
from .resettle import resettle


@dataclass
class Reversal:
    entry: Settlement
    adjustments: list[Settlement]  # the year's other claims settled again without the reversed one


def reverse_settlement(settlement: Settlement, *, reason: str, acting_user: Any) -> Reversal:
    """Cancel a claim (a hospital's 冲销): the claim's step "冲销结算" writes the entry negating everything the
    claim was paid (its settlement and any adjustments); the rest of the person's year is then settled again
    without it (M12). Refused (nothing written) without a reason, for a reversal or an adjustment entry, for a
    claim already reversed, and — while the four-eyes switch is on — for the person who received the claim."""
    if not reason.strip():
        raise ApiError("missing_reason", "冲销须写明原因。", field="reason", status=422)
    today = clock.today()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=settlement.person_id)
        original = Settlement.objects.select_related("claim").get(pk=settlement.pk)
        if original.kind != Settlement.Kind.SETTLE:
            raise ApiError("not_reversible", "只有结算记录可以冲销；冲销、调整记录不能再冲销。", status=409)
        claim = original.claim
        engine.take(
            claim, "reverse", actor=acting_user, on=today, note=reason.strip(), data={"reason": reason}
        )
        reversal = Settlement.objects.get(reverses=original)
        params = tree()
        _, adjustments = resettle(
            person,
            original.year,
            params,
            acting_user=acting_user,
            day=today,
            reason=f"结算单{claim.claim_id}已冲销（{reason.strip()}），本年度其余结算单按结算日期顺序重新结算",
        )
        # What the year has left after the reversal, shown on the reversal entry.
        account = YearAccount.objects.get(person=person, year=original.year)
        day = claim.settle_date
        cls = original.person_class
        reversal.remaining_deductible = max(
            params.get(f"basic.deductible.class_{cls}", day) - account.self_pay, 0
        )
        reversal.remaining_cap = max(params.get(f"basic.cap.class_{cls}", day) - account.basic_paid, 0)
        reversal.save(update_fields=["remaining_deductible", "remaining_cap"])
    return Reversal(reversal, adjustments)


def recovery_out(r: Recovery) -> dict[str, Any]:
    return {
        "id": r.pk,
        "claim_id": r.adjustment.claim.claim_id,
        "year": r.year,
        "amount": r.amount,
        "reason": r.reason,
        "state": r.state,
        "state_label": r.get_state_display(),
        "created_on": r.adjustment.entry_date,
        "recovered_on": r.recovered_on,
        "evidence": r.evidence,
    }


def record_recovery(recovery: Recovery, *, day: dt.date, evidence: str, acting_user: Any) -> Recovery:
    """An amount to recover is recovered (the person or the hospital paid it back) on ``day``, with the receipt:
    the step "登记追回" of the recovery's case. The day is a past event: not after today, not before the
    adjustment that opened the recovery."""
    if not evidence.strip():
        raise ApiError(
            "missing_evidence", "请填写追回凭证（缴款凭证号或抵扣说明）。", field="evidence", status=422
        )
    recovery = Recovery.objects.select_related("adjustment").get(pk=recovery.pk)
    if recovery.state != Recovery.State.OPEN:
        raise ApiError(
            "already_recovered",
            f"该笔已于{cn_date(recovery.recovered_on)}追回。",
            field="state",
            status=409,
        )
    opened = recovery.adjustment.entry_date or recovery.created_at.date()
    check_past_date(day, "追回日期", "recovered_on", earliest=opened, earliest_label="多付调整之日")
    engine.take(
        recovery,
        "recovered",
        actor=acting_user,
        on=day,
        data={"recovered_on": day, "evidence": evidence},
    )
    return recovery
