"""Boards, reminders and the leadership view from the database, through the rules' board functions.

- ``unit_board``: every item a unit carries in every plan, overdue first, reminders before each deadline;
- ``plan_board``: one plan's items, filtered (state, unit, search);
- ``leadership``: the plan's leading body (15号 联席会议, 28号 领导小组) with counts by state and unit and the
  membership check;
- ``state_matrix`` / ``state_series``: the state of every item on many dates straight from the table's
  columns (the leadership's time series; the benchmark's 10,000 items and 100,000 reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Organisation
from ezhou_rules.supervision.boards import (
    DEFAULT_LEAD_DAYS,
    BoardRow,
    LeadershipView,
    MembershipReport,
    board,
    leadership_counts,
    membership_check,
    reminders,
)
from ezhou_rules.supervision.deadlines import effective_due_array
from ezhou_rules.supervision.state import (
    STATE_CODES,
    STATE_LABELS,
    ItemState,
    State,
    StateMatrix,
    Supervision,
)

from ..models import Item, Plan, Report
from .tasklists import Snapshot, snapshot

STATE_CHOICES = [(STATE_CODES[s], STATE_LABELS[s]) for s in State]
STATE_COLOURS = {
    "overdue": "#c62828",
    "due": "#ef6c00",
    "not_due": "#1565c0",
    "done_late": "#8d6e63",
    "done_on_time": "#2e7d32",
    "continuous": "#6a1b9a",
    "not_issued": "#9e9e9e",
}


@dataclass
class Row:
    """A board row with what the page links to: the item's record and its reports awaiting confirmation."""

    board: BoardRow
    item_pk: int
    pending: list[Report] = field(default_factory=list)


def _rows(snap: Snapshot, rows: list[BoardRow]) -> list[Row]:
    pks = dict(Item.objects.filter(plan__in=snap.plans).values_list("code", "pk"))
    return [Row(r, pks[r.item_id], snap.pending.get(r.item_id, [])) for r in rows]


def loaded_plans() -> list[Plan]:
    return list(Plan.objects.select_related("department").order_by("issued", "id"))


@dataclass
class UnitBoard:
    unit: Organisation
    on: dt.date
    rows: list[Row]
    reminders: list[Row]
    counts: dict[str, int]


def unit_board(unit: Organisation, on: dt.date, *, lead_days: Sequence[int] = DEFAULT_LEAD_DAYS) -> UnitBoard:
    """The unit's items across every loaded plan, in the rules' order: overdue (most days) first, due today,
    inside the reminder window, the other open ones, then done and continuous."""
    plans = [p for p in loaded_plans() if p.tasks.filter(units__organisation=unit).exists()]
    if not plans:
        return UnitBoard(unit, on, [], [], {})
    snap = snapshot(plans)
    states = snap.states_on(on)
    rows = _rows(snap, board(snap.engine, states, unit=str(unit.pk), lead_days=lead_days))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.board.state] = counts.get(r.board.state, 0) + 1
    return UnitBoard(unit, on, rows, [r for r in rows if r.board.reminder], counts)


def plan_board(
    plan: Plan,
    on: dt.date,
    *,
    unit: str | None = None,
    state: str | None = None,
    q: str = "",
    role: str = "any",
) -> tuple[Snapshot, list[ItemState], list[Row]]:
    snap = snapshot([plan])
    states = snap.states_on(on)
    rows = board(snap.engine, states, unit=unit, document=plan.slug, role=role)
    if state:
        rows = [r for r in rows if r.state == state]
    if q:
        rows = [
            r
            for r in rows
            if q in r.label or q in r.explanation or any(q in n for n in (*r.lead, *r.responsible))
        ]
    return snap, states, _rows(snap, rows)


def reminders_on(plan: Plan, on: dt.date) -> list[Any]:
    """The reminders that fire on the date (30, 7 and 1 days before a deadline, and on it)."""
    snap = snapshot([plan])
    return reminders(snap.engine, snap.states_on(on))


@dataclass
class Leadership:
    plan: Plan
    on: dt.date
    view: LeadershipView
    membership: MembershipReport
    lead_only: LeadershipView


def leadership(plan: Plan, on: dt.date) -> Leadership:
    snap = snapshot([plan])
    states = snap.states_on(on)
    tl = snap.lists[0]
    return Leadership(
        plan,
        on,
        leadership_counts(snap.engine, states, plan.slug),
        membership_check(tl),
        leadership_counts(snap.engine, states, plan.slug, role="lead"),
    )


# -- many dates, straight from the columns --------------------------------------------------------------------


def state_matrix(plans: Sequence[Plan], dates: npt.ArrayLike) -> tuple[list[str], StateMatrix]:
    """The state of every item of the plans on every date, from the items' and reports' columns (no Python
    loop over reports): returned reports are left out, a completion counts once confirmed (T17)."""
    days = np.unique(np.atleast_1d(np.asarray(dates).astype("datetime64[D]")))
    rows = list(
        Item.objects.filter(plan__in=plans)
        .order_by("id")
        .values_list("id", "code", "due", "plan__issued", "plan__roll_rest_days")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    codes = [r[1] for r in rows]
    printed = np.array([r[2] or np.datetime64("NaT") for r in rows], dtype="datetime64[D]")
    issued = np.array([r[3] for r in rows], dtype="datetime64[D]")
    roll = np.array([r[4] for r in rows], dtype=bool)
    due = printed.copy()
    if roll.any():
        due[roll] = effective_due_array(printed[roll], roll_rest_days=True, calendar=platform_calendar())
    engine = Supervision.from_arrays(codes, due, issued)
    reports = (
        Report.objects.filter(plan__in=plans)
        .exclude(status=Report.Status.RETURNED)
        .values_list("item_id", "kind", "status", "evidence_date")
    )
    item_id, kind, status, evidence = (
        (list(c) for c in zip(*reports, strict=True)) if reports else ([], [], [], [])
    )
    index = np.searchsorted(ids, np.array(item_id, dtype=np.int64))
    completion = (np.array(kind) == Report.Kind.COMPLETION) & (np.array(status) == Report.Status.ACCEPTED)
    cols = engine.report_arrays(
        index, completion.reshape(index.shape), np.array(evidence, dtype="datetime64[D]")
    )
    return codes, engine.states(cols, days)


def state_series(plans: Sequence[Plan], dates: npt.ArrayLike) -> dict[str, list[int]]:
    """Items per state on each date (for the leadership's chart): state code → counts over the dates."""
    _, matrix = state_matrix(plans, dates)
    return {code: counts.tolist() for code, counts in matrix.counts().items()}
