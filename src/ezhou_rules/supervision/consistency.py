"""Where a plan's main text and its task annex differ, each difference with both anchors.

For every main-text task and the annex rows mapped to it (``main_text.map`` of the plan), the report lists:

- ``unit_only_in_main``: a unit the main text names that an annex row does not list (``in_sibling_rows``
  says whether another row of the same main-text task lists it, so a split of one task into two rows is told
  apart from a unit the annex drops altogether);
- ``unit_only_in_annex``: a unit an annex row lists that the main text does not name;
- ``units_only_in_annex``: the main text names no unit at all for the task (四16–18 of 15号);
- ``figure_only_in_main`` / ``figure_only_in_annex``: a figure (70%, 2 个, 8000元, 3年以上) printed on one side
  only; the plan's target section (二、主要目标) is compared with the whole annex;
- ``mention_without_task``: a unit named in another part of the plan (28号 五（三）) that carries no task.

Beside the differences, ``rows`` keeps for every task the annex list and the main text's split of 牵头/责任.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.library import Library, default_library

from .model import Task, TaskList
from .units import AliasTable, default_alias_table

__all__ = ["ConsistencyReport", "Difference", "consistency_report", "figures"]

_FIGURE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|个|元|年以上)([^，。、；,;）)和及与]{0,12})")


def figures(text: str) -> dict[str, str]:
    """Figures printed in a text, keyed by the figure and the first words after it (spaces ignored), so
    "3 个省级校企合作共同体" and "3个省级校企合作共同体" match and "3 个职业教育本科专业" does not."""
    out: dict[str, str] = {}
    for m in _FIGURE_RE.finditer(text):
        words = re.sub(r"\s+", "", m.group(3))
        shown = f"{m.group(1)}{m.group(2)}{words}"
        out.setdefault(shown[: len(m.group(1)) + len(m.group(2)) + 6], shown)
    return out


@dataclass(frozen=True)
class Difference:
    kind: str
    subject: str  # the unit as printed or the figure with its words
    message: str
    task_id: str | None = None
    main_anchor: str | None = None
    main_citation: str | None = None
    annex_anchor: str | None = None
    annex_citation: str | None = None
    unit_key: str | None = None
    in_sibling_rows: tuple[str, ...] = ()  # citations of other rows of the same main-text task that list it

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "message": self.message,
            "task_id": self.task_id,
            "main": {"anchor": self.main_anchor, "citation": self.main_citation},
            "annex": {"anchor": self.annex_anchor, "citation": self.annex_citation},
            "unit_key": self.unit_key,
            "in_sibling_rows": list(self.in_sibling_rows),
        }


@dataclass(frozen=True)
class SplitRow:
    """One task: the annex's list beside the main text's split of 牵头 and 责任."""

    task_id: str
    citation: str
    annex_units: tuple[str, ...]
    main_citation: str | None
    main_lead: tuple[str, ...]
    main_responsible: tuple[str, ...]
    lead: tuple[str, ...]
    lead_basis: str


@dataclass
class ConsistencyReport:
    document: str
    differences: list[Difference] = field(default_factory=list)
    rows: list[SplitRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Difference]:
        return [d for d in self.differences if d.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "differences": [d.to_dict() for d in self.differences],
            "rows": [r.__dict__ for r in self.rows],
            "notes": list(self.notes),
        }


def _row_diff(
    kind: str,
    subject: str,
    message: str,
    t: Task,
    main_anchor: str,
    main_cite: str | None,
    key: str | None = None,
    siblings: tuple[str, ...] = (),
) -> Difference:
    """A difference between the main-text task at ``main_anchor`` and the annex row of task ``t``."""
    return Difference(
        kind, subject, message, t.id, main_anchor, main_cite, t.anchor, t.citation, key, siblings
    )


def _keys(task: Task) -> dict[str, str]:
    return {u.key: u.printed for u in task.units if u.key}


@rule(
    cites=["鄂州政发〔2022〕15号 附件2", "鄂州政发〔2022〕15号 二"],
    summary="正文与附件重点任务分工的差异：单位、目标数字，各附两处出处",
)
def consistency_report(
    tasks: TaskList, *, library: Library | None = None, alias_table: AliasTable | None = None
) -> ConsistencyReport:
    library = library or default_library()
    doc = library.document(tasks.slug)
    table = alias_table or default_alias_table()
    report = ConsistencyReport(tasks.document)
    for t in tasks.tasks:
        report.rows.append(
            SplitRow(
                t.id,
                t.citation,
                tuple(u.printed for u in t.units),
                t.main_text_citation,
                tuple(u.printed for u in t.main_text_lead),
                tuple(u.printed for u in t.main_text_responsible),
                tuple(tasks.unit_name(k) for k in t.lead),
                t.lead_basis,
            )
        )
    if tasks.spec.source == "table":
        _compare_annex(tasks, doc, report)
    else:
        report.notes.append("本文件的任务即正文条目，没有另列分工附件，无需比对正文与附件。")
    for anchor in tasks.spec.mentions:
        unit = doc.unit(anchor)
        carrying = {k for t in tasks.tasks for k in t.unit_keys}
        citation = str(unit.citation) if unit.citation else unit.label
        ignored = {table.resolve(name) for name in tasks.spec.mentions_ignore}
        for _, printed, key in table.find_mentions(unit.plain_text):
            if key not in carrying and key not in ignored:
                report.differences.append(
                    Difference(
                        "mention_without_task",
                        printed,
                        f"{citation}提到{printed}，但{printed}不承担本方案任何一项任务。",
                        main_anchor=anchor,
                        main_citation=citation,
                        unit_key=key,
                    )
                )
    return report


def _compare_annex(tasks: TaskList, doc: Any, report: ConsistencyReport) -> None:
    groups: dict[str, list[Task]] = defaultdict(list)
    for t in tasks.tasks:
        if t.main_text_anchor:
            groups[t.main_text_anchor].append(t)
    for anchor, rows in groups.items():
        main = doc.unit(anchor)
        main_cite = rows[0].main_text_citation
        main_units = {
            u.key: u.printed for u in rows[0].main_text_lead + rows[0].main_text_responsible if u.key
        }
        if not main_units:
            for t in rows:
                listed = "、".join(u.printed for u in t.units)
                report.differences.append(
                    _row_diff(
                        "units_only_in_annex",
                        listed,
                        f"正文{main_cite}未写明牵头或责任单位；附件{t.citation}列有{listed}。",
                        t,
                        anchor,
                        main_cite,
                    )
                )
        else:
            for t in rows:
                row_units = _keys(t)
                for key, printed in main_units.items():
                    if key in row_units:
                        continue
                    siblings = tuple(s.citation for s in rows if s is not t and key in _keys(s))
                    where = (
                        f"（同一正文任务的{'、'.join(siblings)}列有）"
                        if siblings
                        else "（该正文任务的附件各行均未列）"
                    )
                    message = f"正文{main_cite}列有{printed}，附件{t.citation}未列{where}。"
                    report.differences.append(
                        _row_diff("unit_only_in_main", printed, message, t, anchor, main_cite, key, siblings)
                    )
                for key, printed in row_units.items():
                    if key not in main_units:
                        message = f"附件{t.citation}列有{printed}，正文{main_cite}未列。"
                        report.differences.append(
                            _row_diff("unit_only_in_annex", printed, message, t, anchor, main_cite, key)
                        )
        _compare_figures(main.plain_text, rows, anchor, main_cite or anchor, report)
    # the target section against the whole annex
    annex_text = " ".join(t.text for t in tasks.tasks)
    annex_figures = figures(annex_text)
    table_unit = doc.unit(tasks.spec.table) if tasks.spec.table else None
    annex_anchor = table_unit.parent if table_unit is not None else None
    annex_cite = f"{tasks.document} {doc.unit(annex_anchor).label}" if annex_anchor else None
    for anchor in tasks.spec.target_sections:
        unit = doc.unit(anchor)
        cite = str(unit.citation) if unit.citation else unit.label
        for key, shown in figures(doc.full_text(anchor)).items():
            if key not in annex_figures:
                report.differences.append(
                    Difference(
                        "figure_only_in_main",
                        shown,
                        f"正文{cite}的目标“{shown}”在附件任务中没有出现。",
                        None,
                        anchor,
                        cite,
                        annex_anchor,
                        annex_cite,
                    )
                )


def _compare_figures(
    main_text: str, rows: list[Task], anchor: str, main_cite: str, report: ConsistencyReport
) -> None:
    in_main = figures(main_text)
    in_rows = {t.id: figures(t.text) for t in rows}
    all_rows: set[str] = set().union(*in_rows.values()) if in_rows else set()
    for key, shown in in_main.items():
        if key not in all_rows:
            where = "、".join(r.citation for r in rows)
            message = f"正文{main_cite}的“{shown}”在附件{where}中没有出现。"
            report.differences.append(
                _row_diff("figure_only_in_main", shown, message, rows[0], anchor, main_cite)
            )
    for t in rows:
        for key, shown in in_rows[t.id].items():
            if key not in in_main:
                message = f"附件{t.citation}的“{shown}”在正文{main_cite}中没有出现。"
                report.differences.append(
                    _row_diff("figure_only_in_annex", shown, message, t, anchor, main_cite)
                )
