"""Count targets of a plan ("十四五"期间建设2个国家级高水平专业群 …) against dated evidence.

A target is data: a category, the levels that count (国家级; 省级以上 = provincial and national), an optional
holder (鄂州职业大学), the figure (a dated parameter citing its article), the period it runs in and a quote
of the printed words. When targets are loaded the quote must occur in the cited place and the figure in the
quote must equal the parameter; a mismatch is refused, so a figure cannot drift from the gazette.

Evidence is one recognition (认定) each: category, name, level, date, document number. An object recognised
twice (provincial, later national) counts once, at the highest level it holds on the date. Recognitions
dated before the period starts do not count (T7). ``以上`` includes the figure: 3 of 3 is met.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import Citation
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.library import Library, default_library

from .deadlines import Period, cn_date
from .errors import SupervisionError, raise_all
from .model import plain

__all__ = ["LEVELS", "CountTarget", "Evidence", "TargetStatus", "count_targets", "load_count_targets"]

LEVELS = {"national": ("国家级", 3), "provincial": ("省级", 2), "city": ("市级", 1)}


@dataclass(frozen=True)
class CountTarget:
    key: str
    label: str
    category: str
    levels: tuple[str, ...]
    figure: int
    holder: str | None
    period: Period
    citation: str
    quote: str

    @property
    def due(self) -> dt.date:
        return self.period.end


@dataclass(frozen=True)
class Evidence:
    category: str
    name: str
    level: str  # national | provincial | city
    recognised_on: dt.date
    document_number: str  # 文号 of the recognition
    holder: str = ""  # the school or unit recognised


@dataclass
class TargetStatus:
    target: CountTarget
    date: dt.date
    count: int
    state: str  # met | in_progress | missed
    shortfall: int
    counted: list[Evidence] = field(default_factory=list)
    not_counted: list[tuple[Evidence, str]] = field(default_factory=list)  # with the reason
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        def ev(e: Evidence) -> dict[str, Any]:
            return {
                "category": e.category,
                "name": e.name,
                "level": e.level,
                "recognised_on": e.recognised_on.isoformat(),
                "document_number": e.document_number,
                "holder": e.holder,
            }

        return {
            "key": self.target.key,
            "label": self.target.label,
            "figure": self.target.figure,
            "due": self.target.due.isoformat(),
            "citation": self.target.citation,
            "date": self.date.isoformat(),
            "count": self.count,
            "state": self.state,
            "shortfall": self.shortfall,
            "counted": [ev(e) for e in self.counted],
            "not_counted": [{**ev(e), "reason": why} for e, why in self.not_counted],
            "explanation": self.explanation,
        }


def load_count_targets(
    specs: Sequence[Mapping[str, Any]],
    params: ParameterTree,
    periods: Mapping[str, Period],
    document: str,
    *,
    library: Library | None = None,
) -> tuple[CountTarget, ...]:
    """Targets from a plan's ``targets`` list, each checked against the gazette text it cites."""
    library = library or default_library()
    out = []
    for raw in specs:
        key = str(raw["key"])
        where = f"目标“{raw.get('label', key)}”"
        entry = params.entry(str(raw["parameter"]), periods[str(raw["period"])].end)
        # the place the printed words are quoted from; the parameter's own value must equal their figure
        citation = Citation.parse(f"{document} {raw['cite']}")
        unit = library.resolve(citation)
        text = plain(library.document_by_number(citation.document).full_text(unit.anchor))
        quote = str(raw["quote"])
        if plain(quote) not in text:
            raise SupervisionError(
                "target_quote_missing",
                f"{where}：{citation}中找不到“{quote}”。",
                field="目标原文",
                rule=str(citation),
            )
        # a milestone printed without a number ("建成国家级高水平职业学校") is one recognition
        numbers = [int(n) for n in re.findall(r"\d+", quote)] or [1]
        if entry.value not in numbers:
            raise SupervisionError(
                "target_figure_mismatch",
                f"{where}：参数值 {entry.value} 与原文“{quote}”中的数字不符。",
                field="目标数值",
                rule=str(citation),
            )
        levels = tuple(raw["levels"])
        unknown = [lv for lv in levels if lv not in LEVELS]
        if unknown:
            raise SupervisionError("level_unknown", f"{where}：级别 {unknown} 未知。", field="级别")
        out.append(
            CountTarget(
                key=key,
                label=str(raw["label"]),
                category=str(raw["category"]),
                levels=levels,
                figure=int(entry.value),
                holder=raw.get("holder"),
                period=periods[str(raw["period"])],
                citation=str(citation),
                quote=quote,
            )
        )
    return tuple(out)


def _validate(evidence: Sequence[Evidence], categories: set[str]) -> None:
    problems = []
    for r, e in enumerate(evidence):
        if e.level not in LEVELS:
            problems.append(
                SupervisionError(
                    "level_unknown",
                    f"第{r + 1}条认定材料：级别“{e.level}”未知（national 国家级、provincial 省级、city 市级）。",
                    field="认定级别",
                    row=r,
                )
            )
        if e.category not in categories:
            problems.append(
                SupervisionError(
                    "category_unknown",
                    f"第{r + 1}条认定材料：类别“{e.category}”不是本方案的目标类别（{'、'.join(sorted(categories))}）。",
                    field="目标类别",
                    row=r,
                )
            )
        if not e.document_number.strip():
            problems.append(
                SupervisionError(
                    "evidence_missing",
                    f"第{r + 1}条认定材料“{e.name}”缺少认定文件文号。",
                    field="认定文件文号",
                    row=r,
                )
            )
        if not isinstance(e.recognised_on, dt.date):
            problems.append(
                SupervisionError(
                    "invalid_date", f"第{r + 1}条认定材料缺少认定日期。", field="认定日期", row=r
                )
            )
    raise_all(problems)


def count_targets(
    targets: Sequence[CountTarget], evidence: Iterable[Evidence], on: dt.date
) -> list[TargetStatus]:
    """Each target's count on a date, with the evidence counted and the evidence left out (and why)."""
    evidence = list(evidence)
    _validate(evidence, {t.category for t in targets})
    out = []
    for t in targets:
        mine = [e for e in evidence if e.category == t.category]
        status = TargetStatus(t, on, 0, "in_progress", t.figure)
        best: dict[str, Evidence] = {}
        for e in sorted(mine, key=lambda e: (e.recognised_on, -LEVELS[e.level][1])):
            if e.recognised_on > on:
                status.not_counted.append((e, f"认定日期{cn_date(e.recognised_on)}晚于统计日"))
            elif e.recognised_on < t.period.start:
                status.not_counted.append(
                    (e, f"认定日期早于“{t.period.name}”期间（{cn_date(t.period.start)}起）")
                )
            elif t.holder and e.holder != t.holder:
                status.not_counted.append((e, f"目标限于{t.holder}"))
            else:
                held = best.get(e.name)
                if held is None or LEVELS[e.level][1] > LEVELS[held.level][1]:
                    best[e.name] = e
        for e in best.values():
            if e.level in t.levels:
                status.counted.append(e)
            else:
                status.not_counted.append(
                    (e, f"级别为{LEVELS[e.level][0]}，目标要求{'或'.join(LEVELS[lv][0] for lv in t.levels)}")
                )
        status.count = len(status.counted)
        status.shortfall = max(t.figure - status.count, 0)
        if status.count >= t.figure:
            status.state = "met"
        elif on > t.due:
            status.state = "missed"
        want = f"目标{t.figure}个（{t.citation}，以上含本数）"
        if status.state == "met":
            status.explanation = f"截至{cn_date(on)}，{t.label}已认定{status.count}个，{want}，已达到。"
        elif status.state == "missed":
            status.explanation = f"截至{cn_date(on)}，{t.label}已认定{status.count}个，{want}，期限{cn_date(t.due)}已过，差{status.shortfall}个未完成。"
        else:
            status.explanation = f"截至{cn_date(on)}，{t.label}已认定{status.count}个，{want}，还差{status.shortfall}个，期限{cn_date(t.due)}。"
        out.append(status)
    return out
