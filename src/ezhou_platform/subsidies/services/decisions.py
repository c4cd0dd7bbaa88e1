"""奖补决定 (four eyes): after the notice period, another person than the reviewer decides the awards, in one
numbered decision document.

The amount decided is, per application:
- the rules' amount where the text fixes it (8,000 for a scrapped car and a new-energy one …);
- where the text gives a ceiling (最高 / 不高于, 一事一议), the amount the decider records with its reason,
  checked by the rules against the ceiling (最高 includes the figure);
- 就高不就低 (八): less what the enterprise's lower standing award already holds;
- within the cap of the subject and year (四, 五, 九), counted under a lock on the cap row: an award is cut to
  what remains of the cap, and refused when nothing remains.
A decision over several applications is all or nothing: the first one that cannot be decided is named and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.procedures import documents, engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.components import component
from ezhou_rules.subsidies.errors import InvalidRows, SubsidyError
from ezhou_rules.subsidies.fields import parse_facts

from ..models import Application, AwardDecision
from . import ledger, notices, params

REMEDY = (
    "申请人对本决定不服的，可以自收到本决定之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
)


@dataclass(frozen=True)
class Item:
    application: Application
    decided_amount: int | None = None  # fen, for a ceiling (最高) or 一事一议 award
    reason: str = ""
    reference: str = ""  # 一事一议: the decision's 文号 or 会议纪要


@dataclass(frozen=True)
class Amount:
    decided: int | None
    payable: int
    capped: bool
    reason: str


def yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _decided_by_rules(app: Application, item: Item, tree: ParameterTree, on: dt.date) -> int:
    """The recorded decision checked by the measure's own rules (ceiling, reason, 文号)."""
    comp = component(app.component)
    if item.decided_amount is None:
        raise SubsidyError(
            "decision_required",
            f"{app.number}：请填写决定金额和理由（最高{format_yuan(app.ceiling_fen)}，{cite(app.measure)}）。",
            field="decided_amount",
            label="决定奖励金额",
        )
    names = {f.name for f in comp.fields}
    facts = {**app.facts, "decided_amount": yuan_text(item.decided_amount), "decision_reason": item.reason}
    if "decision_ref" in names:
        facts["decision_ref"] = item.reference
    try:
        columns = parse_facts(comp.fields, facts, on=on)
        result = comp.compute(columns, tree, on, params.context_for(app.component, required=False))
    except InvalidRows as exc:
        raise SubsidyError(
            exc.code, f"{app.number}：{exc.message}", field=exc.field, label=exc.label
        ) from exc
    except SubsidyError as exc:
        message = exc.message.removeprefix("第1行：")
        raise SubsidyError(exc.code, f"{app.number}：{message}", field=exc.field, label=exc.label) from exc
    if not bool(result.eligible[0]):
        why = "；".join(r.text for r in result.reasons(0))
        raise SubsidyError(
            "not_eligible", f"{app.number}：按决定日的规定已不符合条件：{why}", field="applications"
        )
    return int(result.amount[0])


def amount_for(app: Application, item: Item, tree: ParameterTree, on: dt.date) -> Amount:
    """What ``app`` is awarded now (call inside the decision's transaction: it locks the cap row)."""
    decided: int | None = None
    if app.pending_decision:
        decided = _decided_by_rules(app, item, tree, on)
        base = decided
        reason = item.reason.strip()
    else:
        base = app.amount_fen
        reason = item.reason.strip() or "按规定标准"
    replaced = app.supersedes
    if replaced is not None and replaced.standing:
        base = max(base - (replaced.payable_fen or 0), 0)
        reason += f"；按“就高不就低”原则扣除已决定的{replaced.number}"
    cap = ledger.lock_cap(app, tree, on)
    if cap is None:
        return Amount(decided, base, False, reason)
    room = cap.cap_fen - cap.used_fen
    if room <= 0:
        raise SubsidyError(
            "cap_exhausted",
            f"{app.number}：{app.subject_name}本年度已达奖励上限{format_yuan(cap.cap_fen)}（{cite(app.measure)}），"
            "请作不予奖补处理。",
            field="applications",
        )
    payable = min(base, room)
    if payable < base:
        reason += f"；{ledger.cap_text(cap.cap_fen, cap.used_fen)}，按上限核减为{format_yuan(payable)}"
    cap.used_fen += payable
    cap.save(update_fields=["used_fen"])
    return Amount(decided, payable, payable < base, reason)


def decide(items: Sequence[Item], *, actor: Any, on: dt.date, title: str = "") -> AwardDecision:
    if not items:
        raise SubsidyError("nothing_selected", "请选择要作出决定的申请。", field="applications")
    departments = {i.application.department_id for i in items}
    if len(departments) != 1:
        raise SubsidyError(
            "mixed_departments", "一份奖补决定只能包含同一审核部门的申请。", field="applications"
        )
    tree = params.tree()
    dept = items[0].application.department
    with transaction.atomic():
        decision = AwardDecision.objects.create(
            department=dept,
            created_by=actor,
            decided_on=on,
            title=(title.strip() or f"惠企政策奖补决定（{cn_date(on)}）")[:200],
        )
        decided: list[Application] = []
        for item in items:
            app = (
                Application.objects.select_for_update(of=("self",))
                .select_related("supersedes")
                .get(pk=item.application.pk)
            )
            if app.status != Application.Status.NOTICED:
                raise SubsidyError(
                    "bad_state",
                    f"{app.number}当前状态为“{app.get_status_display()}”，不能作出奖补决定。",
                    field="applications",
                )
            amount = amount_for(app, item, tree, on)
            try:
                engine.take(
                    app,
                    "decide",
                    actor=actor,
                    on=on,
                    data={
                        "decision": decision,
                        "decided_amount": amount.decided,
                        "reason": amount.reason,
                        "payable": amount.payable,
                        "capped": amount.capped,
                    },
                )
            except engine.ProcedureError as exc:
                raise SubsidyError(exc.code, f"{app.number}：{exc.message}", field="applications") from exc
            decided.append(app)
        for notice in {a.notice_id: a.notice for a in decided}.values():
            notices.close_if_done(notice, on)
        decision.document = documents.issue(
            f"subsidies.decision.{dept.code}",
            template="subsidies/documents/decision.html",
            title=decision.title,
            on=on,
            actor=actor,
            recipient="各申请人",
            citation="鄂州政办发〔2022〕32号",
            remedy=REMEDY,
            context={"decision": decision, "applications": decided},
        )
        decision.save(update_fields=["document"])
    return decision
