"""One ledger against double subsidy, as pure functions over columns.

Every award is keyed by its subject (USCC or resident ID) and object (loan contract, VIN, store, year …)
through its component's key templates (``components``): one fiscal interest subsidy per loan across measures
1–3 (``interest|<bank>:<contract>``), one car per person and per VIN in measure 12, one award per store in
measure 5, and so on. ``check_batch`` takes the standing awards and a batch of new applications (after the
rules) and says, per application, whether it is accepted, for how much, and why not, naming the award or the
earlier application it would duplicate:

1. an application the rules found ineligible is refused (``not_eligible``);
2. a key already held by a standing award (up to its limit) refuses the application (``duplicate_award``),
   except under "highest wins" (measure 8, 就高不就低): a higher amount replaces the standing award and is
   paid the difference (``supersedes``); a lower or equal one is refused (``lower_than_existing``);
3. within the batch, applications are taken in their ``order`` (submission sequence): the first takes the
   key, a later one is refused (``duplicate_in_batch``) — a refused application takes no key;
4. caps per subject and year (measure 4's, the carrier's 200万 of measure 5, measure 9's 100万) are counted
   across the standing awards and the accepted applications in order: an application is paid what remains
   of the cap (``capped``) or refused when nothing remains (``cap_exhausted``). The total a subject receives
   is min(cap, standing + Σ amounts), whatever the order.

Rows without any duplicated key take a vectorised path; only applications that share a key (a few percent)
are resolved one by one, in order, which is exactly the sequential rule.
"""

from __future__ import annotations

import datetime as dt
import string
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from .components import COMPONENTS, KeySpec, component
from .decision import constant
from .errors import SubsidyError

Ints = npt.NDArray[np.int64]


def _objects(values: Any, n: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if n is not None and arr.shape != (n,):
        raise SubsidyError("column_length", "各列的长度不一致。", field="columns")
    return arr


@dataclass
class Awards:
    """Standing awards (the ledger): paid or decided, not clawed back."""

    award_id: np.ndarray
    component: np.ndarray
    subject: np.ndarray
    object: np.ndarray
    year: Ints
    amount: Ints

    def __post_init__(self) -> None:
        n = len(self.award_id)
        for name in ("award_id", "component", "subject", "object"):
            setattr(self, name, _objects(getattr(self, name), n))
        self.year = np.asarray(self.year, dtype=np.int64).reshape(n)
        self.amount = np.asarray(self.amount, dtype=np.int64).reshape(n)

    @classmethod
    def empty(cls) -> Awards:
        return cls(
            np.array([], dtype=object),
            np.array([], dtype=object),
            np.array([], dtype=object),
            np.array([], dtype=object),
            np.array([], dtype=np.int64),
            np.array([], dtype=np.int64),
        )

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, Any]]) -> Awards:
        """From dicts with award_id, component, subject, object, year, amount_fen (an API's prior awards)."""
        if not records:
            return cls.empty()
        return cls(
            np.array([str(r["award_id"]) for r in records], dtype=object),
            np.array([str(r["component"]) for r in records], dtype=object),
            np.array([str(r["subject"]) for r in records], dtype=object),
            np.array([str(r["object"]) for r in records], dtype=object),
            np.array([int(r["year"]) for r in records], dtype=np.int64),
            np.array([int(r["amount_fen"]) for r in records], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.award_id)


@dataclass
class Candidates:
    """New applications after the rules: what each would be awarded if nothing stood in the way."""

    application_id: np.ndarray
    component: np.ndarray
    subject: np.ndarray
    object: np.ndarray
    year: Ints
    amount: Ints  # the rules' amount (0 while a 最高 decision is pending)
    eligible: npt.NDArray[np.bool_]
    order: Ints  # submission sequence; ties keep the given order

    def __post_init__(self) -> None:
        n = len(self.application_id)
        for name in ("application_id", "component", "subject", "object"):
            setattr(self, name, _objects(getattr(self, name), n))
        self.year = np.asarray(self.year, dtype=np.int64).reshape(n)
        self.amount = np.asarray(self.amount, dtype=np.int64).reshape(n)
        self.eligible = np.asarray(self.eligible, dtype=bool).reshape(n)
        self.order = np.asarray(self.order, dtype=np.int64).reshape(n)

    def __len__(self) -> int:
        return len(self.application_id)


@dataclass
class LedgerDecision:
    accepted: npt.NDArray[np.bool_]
    amount: Ints  # to pay now: after caps; for a superseding award the difference to the award it replaces
    code: np.ndarray  # "" when accepted without remark; else the refusal or remark code
    message: np.ndarray  # Chinese sentence, empty when accepted without remark
    conflict: np.ndarray  # the award_id or application_id that blocks (or replaces) this one
    supersedes: np.ndarray  # the standing award this one replaces (就高不就低), else ""
    capped: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def row(self, i: int) -> dict[str, Any]:
        return {
            "accepted": bool(self.accepted[i]),
            "amount_fen": int(self.amount[i]),
            "code": str(self.code[i]),
            "message": str(self.message[i]),
            "conflict": str(self.conflict[i]),
            "supersedes": str(self.supersedes[i]),
            "capped": bool(self.capped[i]),
        }


def _keys(
    components: np.ndarray, subject: np.ndarray, object_: np.ndarray, year: Ints
) -> tuple[Ints, np.ndarray, np.ndarray]:
    """Flat (row, key, spec-index) of every key of every row, built per component."""
    rows: list[Ints] = []
    keys: list[np.ndarray] = []
    specs: list[np.ndarray] = []
    codes = set(components.tolist())
    for code in sorted(codes):
        comp = component(str(code))
        idx = np.flatnonzero(components == code)
        parts = {
            "subject": subject[idx],
            "object": object_[idx],
            "year": year[idx].astype(str).astype(object),
        }
        for spec in comp.keys:
            rows.append(idx)
            keys.append(key_column(spec.template, parts, len(idx)))
            specs.append(constant(f"{code}|{spec.template}", len(idx)))
    if not rows:
        return np.array([], dtype=np.int64), np.array([], dtype=object), np.array([], dtype=object)
    return np.concatenate(rows), np.concatenate(keys), np.concatenate(specs)


def key_column(template: str, parts: dict[str, np.ndarray], n: int) -> np.ndarray:
    """``template.format(**row)`` for every row, by adding object columns (much faster than a format per row)."""
    out = constant("", n)
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name:
            out = out + parts[name]
    return out


def _spec(spec_id: str) -> KeySpec:
    code, template = spec_id.split("|", 1)
    return next(k for k in component(code).keys if k.template == template)


def _limits(spec_ids: np.ndarray, params: ParameterTree, on: dt.date) -> dict[str, int]:
    return {sid: _spec(sid).limit(params, on) for sid in set(spec_ids.tolist())}


def award_keys(
    component_code: str, subject: str, object_: str, year: int, params: ParameterTree, on: dt.date
) -> list[tuple[str, int]]:
    """The keys of one award with their limits — for the platform's unique constraints (see ``key_slots``)."""
    comp = component(component_code)
    return [
        (k.template.format(subject=subject, object=object_, year=year), k.limit(params, on))
        for k in comp.keys
    ]


def cap_key(component_code: str, subject: str, year: int) -> str | None:
    """The key under which a component's cap is counted (subject and year), or None without a cap."""
    return component(component_code).cap_key(subject, year)


def check_batch(prior: Awards, new: Candidates, params: ParameterTree, on: dt.date) -> LedgerDecision:
    n = len(new)
    accepted = new.eligible.copy()
    code = np.full(n, "", dtype=object)
    message = np.full(n, "", dtype=object)
    conflict = np.full(n, "", dtype=object)
    supersedes = np.full(n, "", dtype=object)
    base = np.zeros(n, dtype=np.int64)  # amount of the standing award a superseding one replaces
    code[~accepted] = "not_eligible"
    message[~accepted] = "不符合该项措施的条件。"

    highest = np.isin(
        new.component, np.array([c.code for c in COMPONENTS.values() if c.highest_wins], dtype=object)
    )
    rows, keys, spec_ids = _keys(new.component, new.subject, new.object, new.year)
    limits = _limits(spec_ids, params, on)

    # 2. against the standing awards
    p_rows, p_keys, _ = _keys(prior.component, prior.subject, prior.object, prior.year)
    held: dict[str, list[int]] = defaultdict(list)
    for r, k in zip(p_rows.tolist(), p_keys.tolist(), strict=True):
        held[k].append(r)
    hits = np.flatnonzero(np.fromiter((k in held for k in keys.tolist()), dtype=bool, count=len(keys)))
    for r, k, sid in zip(rows[hits].tolist(), keys[hits].tolist(), spec_ids[hits].tolist(), strict=True):
        if not accepted[r]:
            continue
        holders = held[k]
        if highest[r]:
            best = max(holders, key=lambda h: int(prior.amount[h]))
            if new.amount[r] > prior.amount[best]:
                supersedes[r], base[r] = prior.award_id[best], prior.amount[best]
                code[r], conflict[r] = "supersedes_lower", prior.award_id[best]
                message[r] = (
                    f"按“就高不就低”原则，取代已获的{format_yuan(int(prior.amount[best]))}奖补"
                    f"（{prior.award_id[best]}），补足差额。"
                )
                continue
            _refuse(
                r,
                "lower_than_existing",
                prior.award_id[best],
                f"已获同一政策较高或相同的奖补{format_yuan(int(prior.amount[best]))}（{prior.award_id[best]}），"
                "按“就高不就低”原则仅享受其中一项。",
                accepted,
                code,
                message,
                conflict,
            )
        elif len(holders) >= limits[sid]:
            first = holders[0]
            title = (
                COMPONENTS[str(prior.component[first])].title
                if str(prior.component[first]) in COMPONENTS
                else ""
            )
            _refuse(
                r,
                "duplicate_award",
                prior.award_id[first],
                f"{_spec(sid).label}已获奖补（{prior.award_id[first]}，{title}，"
                f"{format_yuan(int(prior.amount[first]))}），不得重复享受。",
                accepted,
                code,
                message,
                conflict,
            )

    # 3. within the batch: only keys held by more than one candidate (or with standing holders) need order
    live = accepted[rows]
    live_keys = keys[live].tolist()
    key_spec = dict(zip(live_keys, spec_ids[live].tolist(), strict=True))
    crowded = {
        k
        for k, cnt in Counter(live_keys).items()
        if cnt > 1 and cnt + len(held.get(k, [])) > limits[key_spec[k]]
    }
    if crowded:
        in_crowd = np.fromiter((k in crowded for k in keys.tolist()), dtype=bool, count=len(keys))
        contested = np.unique(rows[live & in_crowd])
        _resolve_in_order(
            contested,
            rows,
            keys,
            spec_ids,
            limits,
            held,
            new,
            highest,
            accepted,
            code,
            message,
            conflict,
            supersedes,
            base,
        )

    amount = np.where(accepted, np.maximum(new.amount - base, 0), 0)
    capped = _apply_caps(prior, new, params, on, accepted, amount, code, message)
    return LedgerDecision(accepted, amount, code, message, conflict, supersedes, capped)


def _refuse(
    r: int,
    why: str,
    by: Any,
    text: str,
    accepted: np.ndarray,
    code: np.ndarray,
    message: np.ndarray,
    conflict: np.ndarray,
) -> None:
    accepted[r] = False
    code[r], conflict[r], message[r] = why, by, text


def _resolve_in_order(
    contested: Ints,
    rows: Ints,
    keys: np.ndarray,
    spec_ids: np.ndarray,
    limits: dict[str, int],
    held: dict[str, list[int]],
    new: Candidates,
    highest: np.ndarray,
    accepted: np.ndarray,
    code: np.ndarray,
    message: np.ndarray,
    conflict: np.ndarray,
    supersedes: np.ndarray,
    base: Ints,
) -> None:
    by_row: dict[int, list[tuple[str, str]]] = defaultdict(list)
    mine = np.isin(rows, contested)
    for r, k, sid in zip(rows[mine].tolist(), keys[mine].tolist(), spec_ids[mine].tolist(), strict=True):
        by_row[r].append((k, sid))
    taken: dict[str, list[int]] = defaultdict(list)
    for r in sorted(contested.tolist(), key=lambda i: (int(new.order[i]), i)):
        if not accepted[r]:
            continue
        if highest[r]:
            ((k, _),) = by_row[r]
            if taken[k]:
                other = taken[k][0]
                loser, winner = (other, r) if new.amount[r] > new.amount[other] else (r, other)
                _refuse(
                    loser,
                    "lower_in_batch",
                    new.application_id[winner],
                    f"同一企业另有较高或相同的申请（{new.application_id[winner]}），按“就高不就低”原则仅享受其中一项。",
                    accepted,
                    code,
                    message,
                    conflict,
                )
                if winner == r:
                    supersedes[r], base[r] = supersedes[other], base[other]
                    taken[k] = [r]
                supersedes[loser], base[loser] = "", 0
                continue
            taken[k] = [r]
            continue
        clash = next(
            ((k, sid) for k, sid in by_row[r] if len(taken[k]) + len(held.get(k, [])) >= limits[sid]), None
        )
        if clash is None:
            for k, _ in by_row[r]:
                taken[k].append(r)
            continue
        holders = taken[clash[0]] or []
        by = new.application_id[holders[0]] if holders else ""
        _refuse(
            r,
            "duplicate_in_batch",
            by,
            f"{_spec(clash[1]).label}已有在先申请（{by}），不得重复享受。",
            accepted,
            code,
            message,
            conflict,
        )


def _apply_caps(
    prior: Awards,
    new: Candidates,
    params: ParameterTree,
    on: dt.date,
    accepted: np.ndarray,
    amount: Ints,
    code: np.ndarray,
    message: np.ndarray,
) -> np.ndarray:
    capped = np.zeros(len(new), dtype=bool)
    cap_rows = [i for i in np.flatnonzero(accepted).tolist() if COMPONENTS[str(new.component[i])].cap_param]
    if not cap_rows:
        return capped
    used: dict[str, int] = defaultdict(int)
    for j in range(len(prior)):
        comp = COMPONENTS.get(str(prior.component[j]))
        if comp is not None and comp.cap_param:
            used[str(comp.cap_key(str(prior.subject[j]), int(prior.year[j])))] += int(prior.amount[j])
    idx = np.array(cap_rows, dtype=np.int64)
    comps = [COMPONENTS[str(new.component[i])] for i in cap_rows]
    ckeys = np.array(
        [c.cap_key(str(new.subject[i]), int(new.year[i])) for c, i in zip(comps, cap_rows, strict=True)],
        dtype=str,
    )
    caps = {c.code: int(params.get(str(c.cap_param), on)) for c in comps}
    room = np.array(
        [max(caps[c.code] - used[k], 0) for c, k in zip(comps, ckeys.tolist(), strict=True)], dtype=np.int64
    )
    # order within each cap key by submission order, then Σ of earlier amounts in the same key
    sort = np.lexsort((idx, new.order[idx], ckeys))
    s_idx, s_keys, s_room = idx[sort], ckeys[sort], room[sort]
    s_amount = amount[s_idx]
    total = np.cumsum(s_amount)
    starts = np.r_[True, s_keys[1:] != s_keys[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(s_idx)), 0))
    before = total - s_amount - np.where(group_start > 0, total[group_start - 1], 0)
    allowed = np.clip(s_room - before, 0, s_amount)
    for pos in np.flatnonzero(allowed < s_amount).tolist():
        i = int(s_idx[pos])
        cap = caps[COMPONENTS[str(new.component[i])].code]
        if allowed[pos] == 0:
            accepted[i] = False
            code[i] = "cap_exhausted"
            message[i] = f"该主体本年度已达奖励上限{format_yuan(cap)}，不再奖励。"
        else:
            capped[i] = True
            code[i] = "capped"
            message[i] = f"按本年度奖励上限{format_yuan(cap)}核减，本次奖励{format_yuan(int(allowed[pos]))}。"
    amount[s_idx] = allowed
    amount[~accepted] = 0
    return capped
