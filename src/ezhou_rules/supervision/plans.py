"""Plan specifications: where a plan's tasks are in the policy library and how its places relate.

A supervised plan is a folder ``ezhou_rules/supervision/<slug>/`` with a ``plan.yaml`` (the same slug as
``gazette/<slug>.md``). The specification names anchors only; every printed word (task, unit, deadline,
member) is read from the library when the tasks are loaded. The next plan the city issues is a new
``plan.yaml`` (or the same mapping handed in by the platform), not new code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .deadlines import Period
from .errors import SupervisionError

__all__ = ["PERIODS_FILE", "PlanSpec", "RecurringSpec", "load_periods", "plan_slugs", "plan_spec"]

HERE = Path(__file__).parent
PERIODS_FILE = HERE / "data" / "periods.yaml"


@dataclass(frozen=True)
class RecurringSpec:
    """A yearly item inside a task (每年…需求目录, 质量年度报告): one item per year, due at a month's end."""

    task: int
    key: str
    label: str
    quote: str  # must occur in the task's printed text (checked when loading)
    first_year: int
    last_year: int
    due_month: int
    year_offset: int = 0  # the item of year Y is due at the end of due_month of year Y + offset


@dataclass(frozen=True)
class PlanSpec:
    slug: str
    document: str
    source: str  # "table" | "items"
    table: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    items_under: str | None = None
    main_text_under: tuple[str, ...] = ()
    main_text_map: Mapping[int, str] = field(default_factory=dict)
    target_sections: tuple[str, ...] = ()
    lead_when_silent: str = "first_listed"  # or "none"
    undated_phase: str | None = None  # anchor of the phase whose end is the deadline of undated tasks
    recurring: tuple[RecurringSpec, ...] = ()
    leadership_name: str = ""
    leadership_cite: str = ""
    members_table: str | None = None
    members_cite: str = ""
    mentions: tuple[str, ...] = ()
    mentions_ignore: tuple[str, ...] = ()  # names a mention does not count (the government reported to)
    targets: tuple[Mapping[str, Any], ...] = ()  # count targets (ezhou_rules.supervision.targets)
    data: Mapping[str, Any] = field(default_factory=dict)  # the whole mapping, for a document's own rules

    @classmethod
    def from_data(cls, data: Mapping[str, Any], where: str = "plan.yaml") -> PlanSpec:
        def fail(what: str) -> SupervisionError:
            return SupervisionError(
                "plan_spec_invalid", f"督办方案配置 {where}：{what}", field=what.split("：")[0]
            )

        for key in ("slug", "document", "tasks"):
            if not data.get(key):
                raise fail(f"缺少 {key}")
        tasks = data["tasks"]
        source = tasks.get("from")
        if source not in ("table", "items"):
            raise fail("tasks.from 应为 table（附件表格）或 items（正文条目）")
        if source == "table":
            columns = dict(tasks.get("columns") or {})
            missing = [c for c in ("number", "text", "units", "deadline") if c not in columns]
            if not tasks.get("table") or missing:
                raise fail(f"tasks 需要 table 和 columns（缺少 {'、'.join(missing) or 'table'}）")
        elif not tasks.get("under"):
            raise fail("tasks.under 缺少条目所在章节的锚点")
        main = data.get("main_text") or {}
        recurring = []
        for raw in data.get("recurring") or ():
            try:
                due = raw["due"]
                recurring.append(
                    RecurringSpec(
                        task=int(raw["task"]),
                        key=str(raw["key"]),
                        label=str(raw["label"]),
                        quote=str(raw["quote"]),
                        first_year=int(raw["first_year"]),
                        last_year=int(raw["last_year"]),
                        due_month=int(due["month"]),
                        year_offset=int(due.get("year_offset", 0)),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise fail(f"recurring 条目不完整（{exc}）") from None
        leadership = data.get("leadership") or {}
        members = leadership.get("members") or {}
        undated = data.get("undated_tasks") or {}
        lead_rule = str(data.get("lead_when_main_text_silent", "first_listed"))
        if lead_rule not in ("first_listed", "none"):
            raise fail("lead_when_main_text_silent 应为 first_listed 或 none")
        return cls(
            slug=str(data["slug"]),
            document=str(data["document"]),
            source=source,
            table=tasks.get("table"),
            columns=dict(tasks.get("columns") or {}),
            items_under=tasks.get("under"),
            main_text_under=tuple(main.get("under") or ()),
            main_text_map={int(k): str(v) for k, v in (main.get("map") or {}).items()},
            target_sections=tuple(main.get("target_sections") or ()),
            lead_when_silent=lead_rule,
            undated_phase=undated.get("phase"),
            recurring=tuple(recurring),
            leadership_name=str(leadership.get("name") or ""),
            leadership_cite=str(leadership.get("cite") or ""),
            members_table=members.get("table"),
            members_cite=str(members.get("cite") or ""),
            mentions=tuple(data.get("mentions") or ()),
            mentions_ignore=tuple(data.get("mentions_ignore") or ()),
            targets=tuple(data.get("targets") or ()),
            data=dict(data),
        )


def plan_slugs() -> list[str]:
    """The plans shipped with the rules: every sub-folder holding a plan.yaml."""
    return sorted(p.parent.name for p in HERE.glob("*/plan.yaml"))


@cache
def plan_spec(slug: str) -> PlanSpec:
    path = HERE / slug / "plan.yaml"
    if not path.is_file():
        known = "、".join(plan_slugs())
        raise SupervisionError(
            "unknown_plan",
            f"没有名为“{slug}”的督办方案（已有：{known}）。",
            field="文件",
        )
    return PlanSpec.from_data(
        yaml.safe_load(path.read_text(encoding="utf-8")) or {}, where=f"{slug}/plan.yaml"
    )


def periods_from_data(data: Mapping[str, Any]) -> dict[str, Period]:
    out = {}
    for name, raw in (data.get("periods") or {}).items():
        start, end = raw["start"], raw["end"]
        out[str(name)] = Period(
            name=str(name),
            start=start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)),
            end=end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end)),
            source=str(raw.get("source") or ""),
        )
    return out


@cache
def load_periods() -> dict[str, Period]:
    return periods_from_data(yaml.safe_load(PERIODS_FILE.read_text(encoding="utf-8")) or {})
