"""Batch intake: many applications of one component at once — a dealer's file of car trade-ins (批量申报), the
interest subsidies generated from the banks' loan reports (银行报送) — through the same rules and the same
ledger as an online application, in columns.

For a chunk of rows:
1. the fields are parsed and checked (every bad cell named), the measure's rules run over the columns;
2. the keys of each eligible row are built, checked against the keys the ledger holds (``Snapshot``) and
   against the earlier rows of the batch, in file order: the first takes the key, a later one is refused
   naming the row or the application that holds it;
3. the accepted rows are written in bulk — applications, their ledger keys (under the same unique index as
   online applications, so a concurrent online application cannot slip in between: the chunk then fails with
   an IntegrityError and is taken again on a fresh snapshot), their cases and first events.
Refused rows are returned as row errors (for the job's errors file); nothing of them is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from django.utils import timezone

from ezhou_platform.common import bulk, clock
from ezhou_platform.common.models import Department
from ezhou_platform.procedures import engine
from ezhou_rules.core import ids
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.components import Component, component, key_slots
from ezhou_rules.subsidies.errors import RowError, SubsidyError
from ezhou_rules.subsidies.fields import Field, parse_rows
from ezhou_rules.subsidies.ledger import key_column

from ..models import Application, LedgerKey
from ..models.ledger import subject_token
from ..procedures import department_for_measure
from . import params
from .apply import DECISION_FIELDS
from .ledger import key_prefix

# What a batch row carries besides the measure's facts: who receives the award, and where it is paid.
EXTRA_FIELDS = (
    Field("subject_name", "享受主体名称"),
    Field("payee_name", "收款户名"),
    Field("payee_bank", "开户银行"),
    Field("payee_account", "收款账号"),
)


def batch_fields(code: str) -> list[Field]:
    return [*(f for f in component(code).fields if f.name not in DECISION_FIELDS), *EXTRA_FIELDS]


@dataclass
class Snapshot:
    """The keys the ledger holds, for the components a batch may collide with: key → holder application id."""

    held: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, comp: Component) -> Snapshot:
        prefixes = {key_prefix(k.template) for k in comp.keys}
        held: dict[str, int] = {}
        for prefix in prefixes:
            held.update(
                LedgerKey.objects.filter(released_on__isnull=True, key__startswith=prefix).values_list(
                    "key", "application_id"
                )
            )
        return cls(held)


@dataclass
class IntakeResult:
    application_ids: list[int] = field(default_factory=list)  # the accepted rows' applications, in file order
    errors: list[RowError] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # keys taken by this chunk (for the snapshot)
    refused_duplicates: int = 0
    refused_ineligible: int = 0


def _row_error(number: int, code: str, message: str, value: str = "") -> RowError:
    return RowError(number, "application", "申请", code, message, value)


@dataclass
class Prepared:
    """A batch's rows parsed and checked once (the whole file): typed columns, which rows are clean, and an
    error for every bad cell (row numbers as in the file)."""

    code: str
    rows: Sequence[Mapping[str, Any]]
    numbers: Sequence[int]
    columns: dict[str, np.ndarray]
    extra: dict[str, np.ndarray]
    valid: np.ndarray
    errors: list[RowError]

    def __len__(self) -> int:
        return len(self.rows)

    def chunk(self, start: int, stop: int) -> Prepared:
        return Prepared(
            self.code,
            self.rows[start:stop],
            self.numbers[start:stop],
            {k: v[start:stop] for k, v in self.columns.items()},
            {k: v[start:stop] for k, v in self.extra.items()},
            self.valid[start:stop],
            [],
        )


def prepare(code: str, rows: Sequence[Mapping[str, Any]], numbers: Sequence[int], *, on: dt.date) -> Prepared:
    comp = component(code)
    if comp.highest_wins:
        raise SubsidyError(
            "no_batch", f"“{code}”（就高不就低）不能批量申报，请逐户在线申请。", field="component"
        )
    facts_fields = [f for f in comp.fields if f.name not in DECISION_FIELDS]
    parsed = parse_rows(facts_fields, rows, first_row=0, on=on)
    extra = parse_rows(EXTRA_FIELDS, rows, first_row=0)
    valid = parsed.valid & extra.valid
    errors = [RowError(numbers[e.row], e.field, e.label, e.code, e.message, e.value) for e in parsed.errors]
    errors += [RowError(numbers[e.row], e.field, e.label, e.code, e.message, e.value) for e in extra.errors]
    accounts = extra.columns["payee_account"]
    for i in np.flatnonzero(valid).tolist():
        text = str(accounts[i]).replace(" ", "").replace("-", "")
        if not (text.isdigit() and 6 <= len(text) <= 34):
            valid[i] = False
            errors.append(
                RowError(
                    numbers[i],
                    "payee_account",
                    "收款账号",
                    "account_invalid",
                    "“收款账号”应为6至34位数字。",
                    text,
                )
            )
        accounts[i] = text
    errors.sort(key=lambda e: (e.row, e.field))
    return Prepared(code, rows, numbers, parsed.columns, extra.columns, valid, errors)


def intake(
    prepared: Prepared,
    *,
    source: str,
    actor: Any,
    on: dt.date,
    snapshot: Snapshot,
    tree: ParameterTree | None = None,
    context: Mapping[str, Any] | None = None,
) -> IntakeResult:
    """Take the clean rows of a prepared chunk; see the module docstring."""
    code, numbers = prepared.code, prepared.numbers
    comp = component(code)
    tree = tree or params.tree()
    context = params.context_for(code) if context is None else context
    out = IntakeResult()
    idx = np.flatnonzero(prepared.valid)
    if not len(idx):
        return out
    columns = {k: v[idx] for k, v in prepared.columns.items()}
    decision = comp.compute(columns, tree, on, context)
    eligible = decision.eligible
    for j in np.flatnonzero(~eligible).tolist():
        reasons = "；".join(r.text.rstrip("。") for r in decision.reasons(j))
        out.errors.append(
            _row_error(
                numbers[int(idx[j])], "not_eligible", f"不符合{measure_name(comp.measure)}的条件：{reasons}。"
            )
        )
        out.refused_ineligible += 1
    # keys, in file order against the ledger and the earlier rows
    # the subjects as keys hold them (C20): a keyed token, never the ID itself
    subjects = decision.subject.astype(object)
    parts = {
        "subject": np.array([subject_token(str(v)) for v in subjects], dtype=object),
        "object": decision.object.astype(object),
        "year": decision.year.astype(str).astype(object),
    }
    specs = [(k, k.limit(tree, on), key_column(k.template, dict(parts), len(idx))) for k in comp.keys]
    objects = decision.object.astype(object)
    taken: dict[str, int] = {}  # key slot → batch position that took it
    accepted: list[tuple[int, list[tuple[str, str]]]] = []
    for j in np.flatnonzero(eligible).tolist():
        slots: list[tuple[str, str]] = []
        clash = None
        for spec, limit, keys in specs:
            base = str(keys[j])
            free = [s for s in key_slots(base, limit) if s not in snapshot.held and s not in taken]
            if not free:
                # the errors file shows what the row gave (its object, or its subject masked), not the key
                shown = str(objects[j]) if "{object}" in spec.template else _masked(str(subjects[j]))
                clash = (spec.label, base, limit, shown)
                break
            slots.append((free[0], spec.label))
        number = numbers[int(idx[j])]
        if clash is not None:
            label, base, limit, shown = clash
            holder = next((s for s in key_slots(base, limit) if s in snapshot.held), None)
            if holder is not None:
                text = f"{label}已有在先申请或奖补（SQ{snapshot.held[holder]:08d}），不得重复享受（{cite(comp.measure)}）。"
            else:
                first = next(taken[s] for s in key_slots(base, limit) if s in taken)
                text = f"{label}与本文件第{numbers[int(idx[first])]}行重复，不得重复享受（{cite(comp.measure)}）。"
            out.errors.append(_row_error(number, "duplicate_award", text, shown))
            out.refused_duplicates += 1
            continue
        for slot, _label in slots:
            taken[slot] = j
        accepted.append((j, slots))
    if not accepted:
        return out
    _write(prepared, comp, decision, idx, accepted, source=source, actor=actor, on=on, out=out)
    return out


class _Row(NamedTuple):
    """What the procedure reads of a new application to open its case (``engine.open_cases``)."""

    pk: int
    component: str
    measure: int
    subject_name: str
    status: str
    applicant_user_id: int | None
    applicant_uscc: str


def _write(
    prepared: Prepared,
    comp: Component,
    decision: Any,
    idx: np.ndarray,
    accepted: list[tuple[int, list[tuple[str, str]]]],
    *,
    source: str,
    actor: Any,
    on: dt.date,
    out: IntakeResult,
) -> None:
    """The accepted rows as columns, one ``executemany`` per table: applications (ids taken first), their
    ledger keys (the unique index still decides: a key taken meanwhile fails the chunk with an
    IntegrityError), their cases and first events."""
    code, rows, extra = prepared.code, prepared.rows, prepared.extra
    facts_names = {f.name for f in comp.fields if f.name not in DECISION_FIELDS}
    n = len(accepted)
    js = np.array([j for j, _slots in accepted], dtype=np.int64)
    rows_at = idx[js]
    ids = bulk.reserve_ids(Application, n)
    names = [str(v)[:100] for v in extra["subject_name"][rows_at]]
    columns: dict[str, Sequence[Any]] = {
        "id": ids,
        "subject": [str(v) for v in decision.subject[js]],
        "subject_name": names,
        "object": [str(v) for v in decision.object[js]],
        "year": [int(v) for v in decision.year[js]],
        "payer": [str(v) for v in decision.payer[js]],
        "facts": bulk.db_values(
            Application,
            "facts",
            [{k: _plain(v) for k, v in rows[i].items() if k in facts_names} for i in rows_at.tolist()],
        ),
        "amount_fen": [int(v) for v in decision.amount[js]],
        "ceiling_fen": [int(v) for v in decision.ceiling[js]],
        "pending_decision": [bool(v) for v in decision.pending[js]],
        "payee_name": [str(v)[:100] for v in extra["payee_name"][rows_at]],
        "payee_bank": [str(v)[:100] for v in extra["payee_bank"][rows_at]],
        "payee_account": [str(v) for v in extra["payee_account"][rows_at]],
    }
    department = Department.objects.get(code=department_for_measure(comp.measure))
    bulk.insert(
        Application,
        n,
        columns,
        same={
            "component": code,
            "measure": comp.measure,
            "department_id": department.pk,
            "source": source,
            "applicant_user_id": None,
            "applicant_uscc": "",
            "status": Application.Status.SUBMITTED,
            "received_on": on,
            "received_at": clock.now(),
        },
    )
    keys, holders, labels = [], [], []
    for app_id, (_j, slots) in zip(ids, accepted, strict=True):
        for slot, label in slots:
            keys.append(slot)
            holders.append(app_id)
            labels.append(label)
            out.keys[slot] = app_id
    bulk.insert(
        LedgerKey,
        len(keys),
        {"key": keys, "application_id": holders, "label": labels},
        same={"taken_on": on},
    )
    status = str(Application.Status.SUBMITTED)
    engine.open_cases(
        Application,
        [_Row(pk, code, comp.measure, name, status, None, "") for pk, name in zip(ids, names, strict=True)],
        actor=actor,
        on=on,
        label="银行报送受理" if source == Application.Source.BANK else "批量申报受理",
        cites=cite(comp.measure),
    )
    out.application_ids = ids


def _masked(subject: str) -> str:
    return ids.mask_uscc(subject) if ids.is_valid_uscc(subject) else ids.mask_resident_id(subject)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).date().isoformat()
            if timezone.is_aware(value)
            else value.date().isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)
