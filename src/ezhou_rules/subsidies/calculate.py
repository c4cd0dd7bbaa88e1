"""One case end to end, for ``POST /api/v1/subsidies/calculate`` and the public self-check: the facts are
validated (every bad field named in Chinese, with a code), the measure's rules decide eligibility and the
amount, and the standing awards the caller passes are checked through the ledger, so the answer says whether
it would be paid, how much, why not, and the whole trace with the sections it applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import Trace

from . import cite, measure_key, measure_name, parameters
from .components import COMPONENTS, Component, component
from .decision import Decision, Reason
from .errors import SubsidyError
from .fields import parse_facts
from .ledger import Awards, Candidates, award_keys, cap_key, check_batch


@dataclass
class Calculation:
    component: str
    measure: int
    eligible: bool  # the measure's conditions are met
    awardable: bool  # eligible and not blocked by a standing award or an exhausted cap
    pending_decision: bool  # a 最高 / 一事一议 amount still to be decided and recorded
    amount_fen: int  # what would be paid now
    ceiling_fen: int
    payer: str
    reasons: list[Reason]
    trace: Trace
    keys: list[tuple[str, int]]  # the ledger keys with their limits (unique constraints)
    cap_key: str | None
    ledger: dict[str, Any]
    decision: Decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "measure": self.measure,
            "eligible": self.eligible,
            "awardable": self.awardable,
            "pending_decision": self.pending_decision,
            "amount_fen": self.amount_fen,
            "ceiling_fen": self.ceiling_fen,
            "payer": self.payer,
            "reasons": [r.to_dict() for r in self.reasons],
            "trace": self.trace.to_list(),
            "keys": [{"key": k, "limit": n} for k, n in self.keys],
            "cap_key": self.cap_key,
            "ledger": self.ledger,
        }


def resolve_component(measure_or_component: str | int, params: ParameterTree, on: dt.date) -> Component:
    """ "m05.store" → that component; 12 or "12" or "m12" → the measure's only component. A measure with several
    parts, or a measure the text gives no computation for, is refused with the list of what can be asked."""
    text = str(measure_or_component).strip()
    if text in COMPONENTS:
        return COMPONENTS[text]
    number = (
        int(text[1:]) if text.startswith("m") and text[1:].isdigit() else int(text) if text.isdigit() else 0
    )
    if not 1 <= number <= 18:
        return component(text)  # raises unknown_component with the list
    parts = [c for c in COMPONENTS.values() if c.measure == number]
    if len(parts) == 1:
        return parts[0]
    if parts:
        listed = "、".join(f"{c.code}（{c.title}）" for c in parts)
        raise SubsidyError(
            "component_required",
            f"{measure_name(number)}有多项奖补，请指明其中一项：{listed}。",
            field="component",
        )
    units = "、".join(params.get(f"{measure_key(number)}.responsible_units", on))
    raise SubsidyError(
        "measure_not_computed",
        f"{measure_name(number)}（{cite(number)}）没有规定奖补金额的计算方法，由{units}跟踪落实，不能在线测算。",
        field="measure",
    )


def calculate(
    measure_or_component: str | int,
    facts: Mapping[str, Any],
    *,
    on: dt.date,
    prior_awards: Sequence[Mapping[str, Any]] = (),
    params: ParameterTree | None = None,
    context: Mapping[str, Any] | None = None,
) -> Calculation:
    """Eligibility, amount, reasons and trace of one case on ``on``, checked against ``prior_awards`` (dicts with
    award_id, component, subject, object, year, amount_fen). Bad facts raise ``InvalidRows`` (every error)."""
    tree = params or parameters()
    comp = resolve_component(measure_or_component, tree, on)
    columns = parse_facts(comp.fields, facts, on=on)
    decision = comp.compute(columns, tree, on, context or {})
    eligible = bool(decision.eligible[0])
    subject, obj, year = str(decision.subject[0]), str(decision.object[0]), int(decision.year[0])
    candidates = Candidates(
        np.array(["本次申请"], dtype=object),
        np.array([comp.code], dtype=object),
        np.array([subject], dtype=object),
        np.array([obj], dtype=object),
        np.array([year]),
        decision.amount[:1],
        decision.eligible[:1],
        np.array([0]),
    )
    verdict = check_batch(Awards.from_records(prior_awards), candidates, tree, on)
    ledger = verdict.row(0)
    reasons = decision.reasons(0)
    trace = decision.trace(0)
    if eligible:
        code = ledger["code"]
        if code and code != "capped" and code != "supersedes_lower":
            reasons.append(Reason(code, ledger["message"], cite(comp.measure)))
        text = ledger["message"] or "经核对台账，同一对象没有已享受的奖补，不构成重复享受。"
        trace.step(
            f"{comp.code}.ledger",
            cite(comp.measure),
            {"prior_awards": len(prior_awards)},
            ledger["amount_fen"],
            text,
        )
    return Calculation(
        component=comp.code,
        measure=comp.measure,
        eligible=eligible,
        awardable=eligible and ledger["accepted"],
        pending_decision=bool(decision.pending[0]),
        amount_fen=int(ledger["amount_fen"]),
        ceiling_fen=int(decision.ceiling[0]),
        payer=str(decision.payer[0]),
        reasons=reasons,
        trace=trace,
        keys=award_keys(comp.code, subject, obj, year, tree, on),
        cap_key=cap_key(comp.code, subject, year),
        ledger=ledger,
        decision=decision,
    )


def self_check(
    measure_or_component: str | int,
    facts: Mapping[str, Any],
    *,
    on: dt.date,
    params: ParameterTree | None = None,
    context: Mapping[str, Any] | None = None,
) -> Calculation:
    """The public self-check: the same rules on the applicant's own facts, without the ledger's standing
    awards (the public cannot see them); the answer says eligible or not, why, with the section."""
    return calculate(measure_or_component, facts, on=on, params=params, context=context)
