"""Settling a person's year (第十一条, 第十二条) and writing what changed as new entries (M12).

Whatever changes a year — a claim dated before claims already settled, a reversal, a tilted-aid approval,
pending claims settled on an approval, parameters corrected and the year settled again — the year is settled
again from its first surviving claim (each under the class it was first settled with, M2), and every claim whose
aid differs from the sum of its entries gets an adjustment entry with the difference, the reason and the date;
a lowered aid opens an amount to recover (多付应追回), a case of its own. The caller holds the person's lock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from typing import Any

from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet, ParameterTree
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.settlement import Claims, YearState, settle_reference

from ..cites import CITE_SETTLE, CITE_TILTED
from ..models import Application, Claim, Person, Recovery, Settlement, YearAccount
from ..models.claims import AMOUNTS, STATE_DELTAS
from .common import not_set_error
from .identities import class_on


def approved(person: Person, kind: str, year: int) -> bool:
    """An application of ``kind`` for ``year`` is approved (tilted aid, aid on application)."""
    return Application.objects.filter(
        person=person, kind=kind, year=year, state=Application.State.APPROVED
    ).exists()


@dataclass
class _Position:
    """One claim in a settlement of its person's year from the first claim: its amounts, what it added to
    the year's position, and its trace."""

    row: dict[str, int]
    added: YearState
    trace: Trace


def _settle_year(
    claims: list[Claim], classes: dict[int, int], tilted: bool, params: ParameterTree
) -> tuple[dict[int, _Position], YearState]:
    """第十一条、第十二条 over a person's surviving claims of one year, in (settle_date, claim_id) order, each
    under the class it was settled with: the law read from the first claim, as if all arrived in order."""
    state = YearState()
    out: dict[int, _Position] = {}
    for claim in claims:
        before = replace(state)
        trace = Trace()
        one = Claims.from_records(
            [
                {
                    "person": claim.person_id,
                    "settle_date": claim.settle_date,
                    "person_class": classes[claim.pk],
                    "inpatient": claim.kind == Claim.Kind.INPATIENT,
                    "hospital_level": claim.hospital_level,
                    "in_city": claim.in_city,
                    "in_province": claim.in_province,
                    "temporary_out_of_city": claim.temporary_out_of_city,
                    "tilted_approved": tilted,
                    "total_cost": claim.total_cost,
                    "out_of_policy_cost": claim.out_of_policy_cost,
                    "policy_self_pay": claim.policy_self_pay,
                }
            ]
        )
        try:
            row = settle_reference(
                one, params, trace=trace, claim_labels=[f"结算单{claim.claim_id}"], start_state=state
            ).row(0)
        except ParameterNotSet as exc:
            raise not_set_error(exc) from None
        added = YearState(**{f.name: getattr(state, f.name) - getattr(before, f.name) for f in fields(state)})
        out[claim.pk] = _Position(row, added, trace)
    return out, state


def resettle(
    person: Person,
    year: int,
    params: ParameterTree,
    *,
    acting_user: Any,
    day: dt.date,
    reason: str,
    new: tuple[Claim, int, Trace] | None = None,
) -> tuple[Settlement | None, list[Settlement]]:
    """Settle the person's year again from its first claim and write what changed as new entries: the new
    claim's settlement (``new`` = claim, class, class trace) and, for every other claim whose aid differs from
    the sum of its entries, an adjustment with ``reason``; a lowered aid becomes an amount to recover. The
    accumulator is set to the year's position. The caller holds the person's lock (interpretation M12)."""
    entries = list(Settlement.objects.filter(person=person, year=year).select_related("claim").order_by("id"))
    by_claim: dict[int, list[Settlement]] = defaultdict(list)
    for e in entries:
        by_claim[e.claim_id].append(e)
    reversed_ids = {e.claim_id for e in entries if e.kind == Settlement.Kind.REVERSE}
    classes = {
        cid: next(e.person_class for e in es if e.kind == Settlement.Kind.SETTLE)
        for cid, es in by_claim.items()
        if cid not in reversed_ids
    }
    claims = [es[0].claim for cid, es in by_claim.items() if cid not in reversed_ids]
    if new is not None:
        claims.append(new[0])
        classes[new[0].pk] = new[1]
    claims.sort(key=lambda c: (c.settle_date, c.pk))  # within a day, in the order received (M1)
    tilted = approved(person, Application.Kind.TILTED, year)
    positions, state = _settle_year(claims, classes, tilted, params)
    created_by = acting_user if getattr(acting_user, "pk", None) else None

    settlement = None
    if new is not None:
        claim, cls, class_trace = new
        pos = positions[claim.pk]
        settlement = Settlement.objects.create(
            claim=claim,
            person=person,
            jurisdiction_id=person.jurisdiction_id,
            year=year,
            person_class=cls,
            tilted_approved=tilted,
            **{k: pos.row[k] for k in (*AMOUNTS, "remaining_deductible", "remaining_cap")},
            **{d: getattr(pos.added, s) for s, d in STATE_DELTAS.items()},
            trace=class_trace.to_list() + pos.trace.to_list(),
            entry_date=day,
            created_by=created_by,
        )
        record(
            "medical_assistance.claim.settle",
            actor=acting_user,
            obj=settlement,
            after={
                "claim_id": claim.claim_id,
                "class": cls,
                "basic_aid": pos.row["basic_aid"],
                "tilted_aid": pos.row["tilted_aid"],
                "hospital_borne": pos.row["hospital_borne"],
            },
            label="医疗救助结算",
            citation=CITE_SETTLE,
        )

    adjustments = []
    for claim in claims:
        if new is not None and claim.pk == new[0].pk:
            continue
        pos = positions[claim.pk]
        had = {k: sum(getattr(e, k) for e in by_claim[claim.pk]) for k in (*AMOUNTS, *STATE_DELTAS.values())}
        change = {k: pos.row[k] - had[k] for k in AMOUNTS}
        if not any(change.values()):
            continue
        district = next(e.jurisdiction_id for e in by_claim[claim.pk] if e.kind == Settlement.Kind.SETTLE)
        adjustments.append(
            _adjust(claim, classes[claim.pk], tilted, district, pos, had, change, reason, day, acting_user)
        )

    account, _ = YearAccount.objects.select_for_update().get_or_create(person=person, year=year)
    for f in fields(state):
        setattr(account, f.name, getattr(state, f.name))
    account.hospital_borne = sum(p.row["hospital_borne"] for p in positions.values())
    account.save()
    return settlement, adjustments


def _adjust(
    claim: Claim,
    cls: int,
    tilted: bool,
    district: int,
    pos: _Position,
    had: dict[str, int],
    change: dict[str, int],
    reason: str,
    day: dt.date,
    acting_user: Any,
) -> Settlement:
    """One adjustment entry (and, when it lowers the aid, the amount to recover)."""
    was = had["basic_aid"] + had["tilted_aid"]
    now = pos.row["basic_aid"] + pos.row["tilted_aid"]
    diff = now - was
    outcome = (
        f"多付{format_yuan(-diff)}，应追回"
        if diff < 0
        else (f"应补发{format_yuan(diff)}" if diff > 0 else "救助合计不变")
    )
    summary = (
        f"结算单{claim.claim_id}：原救助合计{format_yuan(was)}，重新结算为{format_yuan(now)}，{outcome}"
        + (f"；医疗机构承担调整{format_yuan(change['hospital_borne'])}" if change["hospital_borne"] else "")
        + "。"
    )
    entry = Settlement.objects.create(
        claim=claim,
        person_id=claim.person_id,
        jurisdiction_id=district,
        kind=Settlement.Kind.ADJUST,
        year=claim.settle_date.year,
        person_class=cls,
        tilted_approved=tilted,
        **change,
        remaining_deductible=pos.row["remaining_deductible"],
        remaining_cap=pos.row["remaining_cap"],
        **{d: getattr(pos.added, s) - had[d] for s, d in STATE_DELTAS.items()},
        trace=[
            {"rule": "medical_assistance.resettle", "citation": CITE_SETTLE, "explanation": reason},
            *pos.trace.to_list(),
            {"rule": "medical_assistance.adjust", "citation": None, "explanation": summary},
        ],
        reason=f"{reason}：{summary}",
        entry_date=day,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        "medical_assistance.settlement.adjust",
        actor=acting_user,
        obj=entry,
        before={"basic_aid": had["basic_aid"], "tilted_aid": had["tilted_aid"]},
        after={
            "basic_aid": pos.row["basic_aid"],
            "tilted_aid": pos.row["tilted_aid"],
            "reason": entry.reason,
        },
        label="重新结算调整",
        citation=CITE_TILTED if change["tilted_aid"] else CITE_SETTLE,
    )
    if diff < 0:
        recovery = Recovery.objects.create(
            adjustment=entry, person_id=claim.person_id, year=entry.year, amount=-diff, reason=entry.reason
        )
        # Tracked as a case of its own until it is recorded as recovered (M12).
        engine.start(recovery, actor=acting_user, on=day, label="多付救助应追回", cites=CITE_SETTLE)
        record(
            "medical_assistance.recovery.open",
            actor=acting_user,
            obj=recovery,
            after={"amount": -diff, "reason": entry.reason},
            label="多付救助应追回",
            citation=CITE_SETTLE,
        )
    return entry


def settle_new(
    claim: Claim, params: ParameterTree, acting_user: Any, *, class_day: dt.date, day: dt.date
) -> tuple[Settlement, list[Settlement]]:
    """Settle ``claim`` within its person's year; the caller holds the person's lock. When the claim is dated
    before claims already settled, those are settled again after it (adjustments)."""
    trace = Trace()
    cls = class_on(claim.person, class_day, trace)
    assert cls is not None
    settlement, adjustments = resettle(
        claim.person,
        claim.settle_date.year,
        params,
        acting_user=acting_user,
        day=day,
        reason=(
            f"结算单{claim.claim_id}的结算日期{cn_date(claim.settle_date)}早于本年度已结算的结算单，"
            "按结算日期顺序重新结算本年度（第十一条：年起付标准和年度限额按年度累计）"
        ),
        new=(claim, cls, trace),
    )
    assert settlement is not None
    return settlement, adjustments
