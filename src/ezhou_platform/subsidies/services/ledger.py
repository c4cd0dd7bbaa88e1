"""The ledger in the database: taking an application's keys under the unique index, releasing them, the
就高不就低 replacement of measure 8, and the cap rows locked while an amount is decided.

Every function here runs inside the caller's transaction (the one that creates or decides the application),
so an application and its keys exist together or not at all.

The keys are built here, at the platform's boundary: the rules' templates get ``subject_token(subject)`` in
place of the subject (C20, ``models.ledger``), so no ID number is stored inside a key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.components import COMPONENTS, Component, component, key_slots
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application, CapUsage, LedgerKey
from ..models.ledger import subject_token

ENDED = (
    Application.Status.REFUSED,
    Application.Status.WITHDRAWN,
    Application.Status.CLAWED_BACK,
)


@dataclass(frozen=True)
class KeyNeed:
    key: str  # the key itself; its slots are key_slots(key, limit)
    label: str  # 同一车辆（车辆识别代号）…
    limit: int


class DuplicateAward(SubsidyError):
    """The object (or subject) already holds an award or an earlier application: refused naming it."""

    def __init__(self, message: str, holder: Application | None) -> None:
        super().__init__("duplicate_award", message, field="object")
        self.holder = holder


def needs(
    code: str, subject: str, object_: str, year: int, tree: ParameterTree, on: dt.date
) -> list[KeyNeed]:
    comp = component(code)
    token = subject_token(subject)
    return [
        KeyNeed(k.template.format(subject=token, object=object_, year=year), k.label, k.limit(tree, on))
        for k in comp.keys
    ]


def key_prefix(template: str) -> str:
    """The literal start of a key template ("m12.vin|" of "m12.vin|{object}"): keys sharing it may collide."""
    return template.split("{", 1)[0]


def holders(key: str, limit: int) -> list[LedgerKey]:
    return list(
        LedgerKey.objects.filter(key__in=key_slots(key, limit), released_on__isnull=True)
        .select_related("application")
        .order_by("id")
    )


def describe(app: Application) -> str:
    """How a refusal names the award or application standing in the way."""
    comp = COMPONENTS.get(app.component)
    title = comp.title if comp else app.component
    return f"{app.number}，{title}，{app.amount_text}，{app.get_status_display()}"


def duplicate_message(need: KeyNeed, holder: Application, measure: int) -> str:
    word = "已获奖补" if holder.standing else "已有在先申请"
    return f"{need.label}{word}（{describe(holder)}），不得重复享受（{cite(measure)}）。"


def claim(app: Application, key_needs: list[KeyNeed], on: dt.date) -> list[LedgerKey]:
    """Take a free slot of every key for ``app`` or raise DuplicateAward naming the holder. Each insert runs in
    a savepoint: under concurrency the unique index decides, and the loser is refused like any duplicate."""
    taken = []
    for need in key_needs:
        for slot in key_slots(need.key, need.limit):
            try:
                with transaction.atomic():
                    taken.append(
                        LedgerKey.objects.create(key=slot, application=app, label=need.label, taken_on=on)
                    )
                break
            except IntegrityError:
                continue
        else:
            held = holders(need.key, need.limit)
            holder = held[0].application if held else None
            if holder is None:  # released between our insert and this look-up: ask again
                raise SubsidyError("ledger_busy", "台账正在更新，请稍后重新提交。", field="object")
            raise DuplicateAward(duplicate_message(need, holder, app.measure), holder)
    return taken


def release(app: Application, on: dt.date, reason: str) -> int:
    """Free every key ``app`` holds (its application ended without an award, or its award was clawed back)."""
    return LedgerKey.objects.filter(application=app, released_on__isnull=True).update(
        released_on=on, release_reason=reason[:200]
    )


def standing_amount(app: Application) -> int:
    """What an application counts for in a 就高不就低 comparison: its decided amount, else what it may reach."""
    if app.payable_fen is not None:
        before = app.supersedes
        return app.payable_fen + (standing_amount(before) if before is not None else 0)
    return app.ceiling_fen if app.pending_decision else app.amount_fen


@dataclass
class Replacement:
    holder: Application
    withdraw: bool  # the holder is still in procedure: it is withdrawn (the enterprise keeps the higher one)


def highest_wins(comp: Component, key_needs: list[KeyNeed], amount: int, measure: int) -> Replacement | None:
    """第八条 就高不就低: the enterprise's standing award or application under the shared key. A higher new
    one replaces it (the key moves to the new one); a lower or equal one is refused naming it."""
    if not comp.highest_wins:
        return None
    (need,) = key_needs
    rows = list(
        LedgerKey.objects.select_for_update(of=("self",))
        .filter(key=need.key, released_on__isnull=True)
        .select_related("application", "application__supersedes")
    )
    if not rows:
        return None
    holder = rows[0].application
    held = standing_amount(holder)
    if amount <= held:
        raise DuplicateAward(
            f"{need.label}已有较高或相同的奖补（{describe(holder)}），按“就高不就低”原则仅享受其中一项"
            f"（{cite(measure)}）。",
            holder,
        )
    return Replacement(holder, withdraw=not holder.standing)


def lock_cap(app: Application, tree: ParameterTree, on: dt.date) -> CapUsage | None:
    """The cap row of ``app``'s subject and year, locked for the rest of the transaction (None: no cap)."""
    comp = component(app.component)
    key = comp.cap_key(subject_token(app.subject), app.year)
    if key is None:
        return None
    cap = int(tree.get(str(comp.cap_param), on))
    for _ in range(3):
        row = CapUsage.objects.select_for_update().filter(key=key).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                CapUsage.objects.create(key=key, cap_fen=cap)
        except IntegrityError:
            pass  # created by another transaction: lock it on the next pass
    raise SubsidyError("ledger_busy", "奖励上限台账正在更新，请稍后重试。")


def cap_room(app: Application, tree: ParameterTree, on: dt.date) -> tuple[int, int] | None:
    """(cap, already decided) for ``app``'s subject and year, without locking (for review pages)."""
    comp = component(app.component)
    key = comp.cap_key(subject_token(app.subject), app.year)
    if key is None:
        return None
    row = CapUsage.objects.filter(key=key).first()
    cap = int(tree.get(str(comp.cap_param), on))
    return cap, (row.used_fen if row else 0)


def cap_text(cap: int, used: int) -> str:
    return f"本年度上限{format_yuan(cap)}，已决定{format_yuan(used)}，尚余{format_yuan(max(cap - used, 0))}"
