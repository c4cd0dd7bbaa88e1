"""The supervised plan as records: tasks, their yearly items, the leading body and what could not be read.

``tasks.load_tasks`` builds these from the policy library; every other module of the engine reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .deadlines import Deadline, DeadlineKind, Deliverable
from .errors import SupervisionError
from .plans import PlanSpec
from .units import UnitRef, UnitResolver

__all__ = ["Item", "Leadership", "LoadProblem", "Member", "Task", "TaskList", "headline", "plain"]


def plain(text: str) -> str:
    """Text for comparing: no spaces, no punctuation, full-width brackets and half-width alike."""
    return re.sub(r"[\s，,。.、；;：:“”\"（）()【】《》—\-+]", "", text)


@dataclass(frozen=True)
class LoadProblem:
    code: str
    anchor: str
    field: str  # Chinese label of what could not be read
    message: str
    severity: str = "error"  # error: could not read; note: read with a stated assumption

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "anchor": self.anchor,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class Task:
    id: str  # "<slug>/<number>"
    slug: str
    document: str
    number: int  # 序号 as printed
    group: str  # the heading the task is printed under
    text: str  # 工作任务 as printed (the units clause split off)
    anchor: str
    citation: str
    units: tuple[UnitRef, ...]  # as the task's own list prints them, in order
    lead: tuple[str, ...]  # keys of the lead units (牵头)
    lead_basis: str  # main_text | clause | first_listed | none
    responsible: tuple[str, ...]  # keys of the other units (责任)
    deadline: Deadline
    main_text_anchor: str | None = None
    main_text_citation: str | None = None
    main_text_lead: tuple[UnitRef, ...] = ()  # the main text's split, kept beside the annex list
    main_text_responsible: tuple[UnitRef, ...] = ()

    @property
    def unit_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.lead, *self.responsible]))

    def role_of(self, key: str) -> str | None:
        if key in self.lead:
            return "lead"
        if key in self.responsible:
            return "responsible"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "number": self.number,
            "group": self.group,
            "text": self.text,
            "anchor": self.anchor,
            "citation": self.citation,
            "units": [u.to_dict() for u in self.units],
            "lead": list(self.lead),
            "lead_basis": self.lead_basis,
            "responsible": list(self.responsible),
            "deadline": self.deadline.to_dict(),
            "main_text": {
                "anchor": self.main_text_anchor,
                "citation": self.main_text_citation,
                "lead": [u.to_dict() for u in self.main_text_lead],
                "responsible": [u.to_dict() for u in self.main_text_responsible],
            },
        }


@dataclass(frozen=True)
class Item:
    """What is supervised: a task itself, or one yearly item of it ("<task id>@<year>")."""

    id: str
    task_id: str
    year: int | None
    label: str
    kind: DeadlineKind
    due: dt.date | None  # before any rest-day roll
    deliverable: Deliverable
    printed: str
    basis: str
    issued: dt.date
    period_end: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task_id": self.task_id,
            "year": self.year,
            "label": self.label,
            "kind": self.kind.value,
            "due": self.due.isoformat() if self.due else None,
            "deliverable": self.deliverable.value,
            "printed": self.printed,
            "basis": self.basis,
            "issued": self.issued.isoformat(),
            "period_end": self.period_end.isoformat() if self.period_end else None,
        }


@dataclass(frozen=True)
class Member:
    name: str  # as printed
    position: str  # as printed
    role: str  # 召集人 | 成员
    unit: UnitRef | None


@dataclass(frozen=True)
class Leadership:
    """The body that leads the plan (联席会议, 领导小组) and, where printed, its members."""

    name: str
    citation: str
    members: tuple[Member, ...] | None  # None: the plan does not list them
    notes: tuple[str, ...] = ()


@dataclass
class TaskList:
    slug: str
    document: str
    title: str
    issued: dt.date
    tasks: tuple[Task, ...]
    items: tuple[Item, ...]
    problems: tuple[LoadProblem, ...]
    leadership: Leadership
    spec: PlanSpec
    unit_names: Mapping[str, str] = field(default_factory=dict)
    issuer: str = ""  # the issuing office as printed (鄂州市人民政府)
    resolve_unit: UnitResolver = field(default=lambda name: None, repr=False)
    _tasks: dict[str, Task] = field(default_factory=dict, repr=False)
    _items: dict[str, Item] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._tasks = {t.id: t for t in self.tasks}
        self._items = {i.id: i for i in self.items}

    def task(self, task_id: str) -> Task:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise SupervisionError(
                "unknown_task", f"{self.document}中没有任务“{task_id}”。", field="任务编号"
            ) from None

    def item(self, item_id: str) -> Item:
        try:
            return self._items[item_id]
        except KeyError:
            raise SupervisionError(
                "unknown_task", f"{self.document}中没有督办事项“{item_id}”。", field="任务编号"
            ) from None

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def unit_name(self, key: str) -> str:
        return self.unit_names.get(key, key)

    def tasks_of(self, unit_key: str) -> list[Task]:
        return [t for t in self.tasks if unit_key in t.unit_keys]

    @property
    def errors(self) -> list[LoadProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "document": self.document,
            "title": self.title,
            "issued": self.issued.isoformat(),
            "tasks": [t.to_dict() for t in self.tasks],
            "items": [i.to_dict() for i in self.items],
            "problems": [p.to_dict() for p in self.problems],
            "leadership": {
                "name": self.leadership.name,
                "citation": self.leadership.citation,
                "members_printed": self.leadership.members is not None,
                "members": [
                    {
                        "name": m.name,
                        "position": m.position,
                        "role": m.role,
                        "unit": m.unit.key if m.unit else None,
                    }
                    for m in self.leadership.members or ()
                ],
                "notes": list(self.leadership.notes),
            },
        }


def headline(text: str, limit: int = 30) -> str:
    """The first sentence of a task (its title in 28号), cut to ``limit`` characters for a board."""
    first = re.split(r"[。；;]", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"
