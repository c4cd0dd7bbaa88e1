"""Boards as pure functions of item states: per unit and per document, reminders, the leadership's counts,
and the leading body's membership against the units that carry tasks.

Order of a board: overdue first (most days first), then due today, then items inside the reminder window
(fewest days left first), then the other open items, then done late, done on time, continuous, not issued.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import rule

from .model import Task, TaskList
from .state import STATE_CODES, ItemState, State, Supervision

__all__ = [
    "BoardRow",
    "LeadershipView",
    "MembershipReport",
    "Reminder",
    "board",
    "leadership_counts",
    "membership_check",
    "reminders",
]

DEFAULT_LEAD_DAYS = (30, 7, 1)


@dataclass(frozen=True)
class BoardRow:
    item_id: str
    task_id: str
    document: str
    citation: str
    label: str
    state: str
    state_label: str
    days: int
    due: dt.date | None
    completed_on: dt.date | None
    last_report: dt.date | None
    lead: tuple[str, ...]  # names
    responsible: tuple[str, ...]  # names
    role: str | None  # the board's unit: lead | responsible (None on a document board)
    reminder: bool  # inside the reminder window
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("due", "completed_on", "last_report"):
            out[key] = out[key].isoformat() if out[key] else None
        out["lead"], out["responsible"] = list(self.lead), list(self.responsible)
        return out


def _rank(s: ItemState, window: int) -> tuple[int, int]:
    if s.state is State.OVERDUE:
        return (0, -s.days)
    if s.state is State.DUE:
        return (1, 0)
    if s.state is State.NOT_DUE:
        return (2, s.days) if s.days <= window else (3, s.days)
    order = {State.DONE_LATE: 4, State.DONE_ON_TIME: 5, State.CONTINUOUS: 6, State.NOT_ISSUED: 7}
    return (order[s.state], 0)


def _task_of(engine: Supervision, s: ItemState) -> tuple[TaskList, Task]:
    plan = engine.plan_of[s.item_id]
    return plan, plan.task(s.task_id)


@rule(
    cites=["鄂州政发〔2022〕15号 附件2", "鄂州政办发〔2022〕28号 三"], summary="督办看板：逾期在前，临期提醒"
)
def board(
    engine: Supervision,
    states: Sequence[ItemState],
    *,
    unit: str | None = None,
    document: str | None = None,
    role: str = "any",
    lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
) -> list[BoardRow]:
    """The board of one unit (``unit`` = its key; ``role`` any | lead | responsible) or one document (slug)."""
    window = max(lead_days, default=0)
    rows = []
    for s in sorted(states, key=lambda s: (_rank(s, window), engine.index[s.item_id])):
        plan, task = _task_of(engine, s)
        if document is not None and plan.slug != document:
            continue
        unit_role = task.role_of(unit) if unit is not None else None
        if unit is not None and (unit_role is None or (role != "any" and unit_role != role)):
            continue
        rows.append(
            BoardRow(
                s.item_id,
                s.task_id,
                plan.document,
                task.citation,
                engine.items[engine.index[s.item_id]].label,
                s.code,
                s.label,
                s.days,
                s.due,
                s.completed_on,
                s.last_report,
                tuple(plan.unit_name(k) for k in task.lead),
                tuple(plan.unit_name(k) for k in task.responsible),
                unit_role,
                (s.state is State.NOT_DUE and s.days <= window) or s.state is State.DUE,
                s.explanation,
            )
        )
    return rows


@dataclass(frozen=True)
class Reminder:
    item_id: str
    due: dt.date
    days_left: int
    units: tuple[str, ...]  # keys, lead units first
    message: str


def reminders(
    engine: Supervision, states: Sequence[ItemState], *, lead_days: Iterable[int] = DEFAULT_LEAD_DAYS
) -> list[Reminder]:
    """The reminders that fire on the states' date: an open item whose deadline is exactly N days away for
    one of the lead days (0 = the deadline itself)."""
    fire = set(lead_days)
    out = []
    for s in states:
        if s.state not in (State.NOT_DUE, State.DUE) or s.days not in fire or s.due is None:
            continue
        plan, task = _task_of(engine, s)
        label = engine.items[engine.index[s.item_id]].label
        when = "今天到期" if s.days == 0 else f"还有{s.days}天到期"
        out.append(
            Reminder(
                s.item_id,
                s.due,
                s.days,
                task.unit_keys,
                f"{plan.document}任务“{label}”{when}（完成时限{s.due.year}年{s.due.month}月{s.due.day}日），"
                f"请牵头单位{'、'.join(plan.unit_name(k) for k in task.lead)}按时报送完成情况。",
            )
        )
    return sorted(out, key=lambda r: (r.days_left, engine.index[r.item_id]))


@dataclass
class LeadershipView:
    body: str  # 联席会议 / 领导小组
    citation: str
    date: dt.date | None
    by_state: dict[str, int]
    by_unit: dict[str, dict[str, int]]  # unit key → state code → count
    unit_names: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "citation": self.citation,
            "date": self.date.isoformat() if self.date else None,
            "by_state": self.by_state,
            "by_unit": [
                {"unit": k, "name": self.unit_names.get(k, k), "counts": v} for k, v in self.by_unit.items()
            ],
        }


@rule(
    cites=["鄂州政发〔2022〕15号 四16", "鄂州政办发〔2022〕28号 五（一）"],
    summary="领导视图：联席会议、领导小组按状态和单位统计",
)
def leadership_counts(
    engine: Supervision, states: Sequence[ItemState], document: str, *, role: str = "any"
) -> LeadershipView:
    """Counts by state and by unit for the plan's leading body; ``role`` lead counts lead units only."""
    plan = engine.task_lists[document]
    by_state: Counter[str] = Counter({code: 0 for code in STATE_CODES.values()})
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    day = None
    for s in states:
        if engine.plan_of[s.item_id] is not plan:
            continue
        day = s.date
        by_state[s.code] += 1
        task = plan.task(s.task_id)
        for key in task.lead if role == "lead" else task.unit_keys:
            by_unit[key][s.code] += 1
    ordered = dict(sorted(by_unit.items(), key=lambda kv: (-kv[1]["overdue"], -sum(kv[1].values()), kv[0])))
    return LeadershipView(
        plan.leadership.name,
        plan.leadership.citation,
        day,
        dict(by_state),
        {k: dict(v) for k, v in ordered.items()},
        {k: plan.unit_name(k) for k in ordered},
    )


@dataclass
class MembershipReport:
    body: str
    citation: str
    printed: bool  # False: the plan does not list the members
    seats: dict[str, list[str]]  # unit key → members' positions as printed
    tasks_without_seat: dict[str, list[int]]  # unit key → task numbers
    seats_without_tasks: dict[str, list[str]]  # unit key → positions
    unresolved: list[str]  # positions whose unit could not be read
    unit_names: dict[str, str]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        def named(d: dict[str, Any]) -> list[dict[str, Any]]:
            return [{"unit": k, "name": self.unit_names.get(k, k), "detail": v} for k, v in d.items()]

        return {
            "body": self.body,
            "citation": self.citation,
            "printed": self.printed,
            "seats": named(self.seats),
            "tasks_without_seat": named(self.tasks_without_seat),
            "seats_without_tasks": named(self.seats_without_tasks),
            "unresolved": self.unresolved,
            "notes": self.notes,
        }


@rule(
    cites=["鄂州政发〔2022〕15号 附件1", "鄂州政发〔2022〕15号 四16"],
    summary="联席会议成员单位与承担任务单位的比对",
)
def membership_check(plan: TaskList) -> MembershipReport:
    """Units that carry tasks but have no seat in the leading body, and seats of units without a task."""
    lead = plan.leadership
    carrying: dict[str, list[int]] = defaultdict(list)
    for t in plan.tasks:
        for key in t.unit_keys:
            carrying[key].append(t.number)
    names = {k: plan.unit_name(k) for k in carrying}
    if lead.members is None:
        return MembershipReport(
            lead.name,
            lead.citation,
            False,
            {},
            {},
            {},
            [],
            names,
            [*lead.notes, "成员未列明，无法比对；承担任务的单位均视为应参加的单位。"],
        )
    seats: dict[str, list[str]] = defaultdict(list)
    unresolved = []
    for m in lead.members:
        if m.unit is None or m.unit.key is None:
            unresolved.append(m.position)
        else:
            seats[m.unit.key].append(f"{m.position}（{m.role}）" if m.role != "成员" else m.position)
    names.update({k: plan.unit_name(k) for k in seats})
    without_seat = {k: v for k, v in carrying.items() if k not in seats}
    notes = list(lead.notes)
    # the government that issued the plan convenes the body; its seat is not a unit without a task
    issuer = plan.resolve_unit(plan.issuer) if plan.issuer else None
    if issuer in seats and issuer not in carrying:
        notes.append(
            f"{plan.unit_name(issuer)}为方案印发机关，任召集人，不承担具体任务，不列入“有席位无任务”。"
        )
    without_task = {k: v for k, v in seats.items() if k not in carrying and k != issuer}
    return MembershipReport(
        lead.name, lead.citation, True, dict(seats), without_seat, without_task, unresolved, names, notes
    )
