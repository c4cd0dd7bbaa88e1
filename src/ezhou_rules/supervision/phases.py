"""Implementation phases (实施步骤) of a plan, read from its text: "(二)推动落实阶段(2022年9月至2025年6月)".

A phase runs from the first day of its first month to the last day of its last month. Printed phases may
share a month (28号: 动员部署 to 2022年9月, 推动落实 from 2022年9月); such a date belongs to both, and the
*current* phase is the earlier one up to and including the plan's issue date and the later one after it
(interpretation T9). Vectorised over dates for the time series.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import parse_chinese_number
from ezhou_rules.library import Document

from .deadlines import cn_date, month_end
from .errors import SupervisionError

__all__ = ["Phase", "PhaseAnswer", "phase_on", "phases_on_array", "read_phase", "read_phases"]


@dataclass(frozen=True)
class Phase:
    number: int
    name: str  # 动员部署阶段
    start: dt.date
    end: dt.date
    printed: str  # "2022年1月至2022年9月"
    anchor: str
    citation: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "printed": self.printed,
            "anchor": self.anchor,
            "citation": self.citation,
        }


_PHASE_RE = re.compile(
    r"^[（(](?P<n>[一二三四五六七八九十]+)[）)]\s*(?P<name>[^（(]+?阶段)\s*[（(]"
    r"(?P<printed>(?P<y1>\d{4})年(?P<m1>\d{1,2})月至(?P<y2>\d{4})年(?P<m2>\d{1,2})月)[）)]"
)


def read_phase(document: Document, anchor: str) -> Phase:
    """One phase from the unit at ``anchor``; a unit that does not read as a phase raises phase_unreadable."""
    unit = document.unit(anchor)
    text = unit.plain_text
    m = _PHASE_RE.match(text)
    if not m:
        raise SupervisionError(
            "phase_unreadable",
            f"{document.number} #{anchor} 不是“(一)…阶段(YYYY年M月至YYYY年M月)”的写法，无法读出阶段起止。",
            field="实施步骤",
            rule=f"{document.number} {unit.label}",
        )
    start = dt.date(int(m.group("y1")), int(m.group("m1")), 1)
    end = month_end(int(m.group("y2")), int(m.group("m2")))
    if end < start:
        raise SupervisionError(
            "phase_unreadable", f"{document.number} {unit.label}：阶段的结束早于开始。", field="实施步骤"
        )
    return Phase(
        number=parse_chinese_number(m.group("n")),
        name=m.group("name").strip(),
        start=start,
        end=end,
        printed=m.group("printed"),
        anchor=anchor,
        citation=str(unit.citation) if unit.citation else f"{document.number} {unit.label}",
        text=text,
    )


def read_phases(document: Document, under: str) -> tuple[Phase, ...]:
    """Every phase printed as an item of the section ``under`` (28号: sec4)."""
    items = [u for u in document.children(under) if u.kind == "item"]
    if not items:
        raise SupervisionError(
            "phase_unreadable", f"{document.number} #{under} 下没有实施步骤条目。", field="实施步骤"
        )
    return tuple(read_phase(document, u.anchor) for u in items)


@dataclass(frozen=True)
class PhaseAnswer:
    date: dt.date
    phases: tuple[Phase, ...]  # every phase whose months hold the date (two in a shared month)
    current: Phase | None
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "phases": [p.to_dict() for p in self.phases],
            "current": self.current.to_dict() if self.current else None,
            "explanation": self.explanation,
        }


def phase_on(on: dt.date, phases: tuple[Phase, ...], issued: dt.date) -> PhaseAnswer:
    """The phases a date falls in and the current one (T9: a shared month switches on the day after issue)."""
    holding = tuple(p for p in phases if p.start <= on <= p.end)
    if not holding:
        if on < min(p.start for p in phases):
            why = f"{cn_date(on)}早于实施步骤的开始（{cn_date(phases[0].start)}）。"
        else:
            why = (
                f"{cn_date(on)}晚于实施步骤的结束（{cn_date(max(p.end for p in phases))}），实施步骤已结束。"
            )
        return PhaseAnswer(on, (), None, why)
    if len(holding) == 1:
        p = holding[0]
        return PhaseAnswer(on, holding, p, f"{cn_date(on)}属于{p.name}（{p.printed}，{p.citation}）。")
    earlier, later = holding[0], holding[-1]
    current = earlier if on <= issued else later
    why = (
        f"{cn_date(on)}同时属于{'、'.join(p.name for p in holding)}（两阶段共用该月）；"
        f"方案于{cn_date(issued)}印发，印发之日及以前为{earlier.name}，其后为{later.name}，"
        f"故当前阶段为{current.name}。"
    )
    return PhaseAnswer(on, holding, current, why)


def phases_on_array(
    dates: npt.ArrayLike, phases: tuple[Phase, ...], issued: dt.date
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int8]]:
    """For a datetime64[D] column: membership [phase, date] and the current phase number (0 = none)."""
    days = np.asarray(dates).astype("datetime64[D]")
    starts = np.array([p.start for p in phases], dtype="datetime64[D]")[:, None]
    ends = np.array([p.end for p in phases], dtype="datetime64[D]")[:, None]
    member = (days[None, :] >= starts) & (days[None, :] <= ends)
    numbers = np.array([p.number for p in phases], dtype=np.int8)
    current = np.zeros(days.shape, dtype=np.int8)
    after_issue = days > np.datetime64(issued, "D")
    # phases are in printed order; the earliest holding phase wins up to the issue date, the latest after it
    for k in range(len(phases) - 1, -1, -1):
        current = np.where(member[k] & ~after_issue, numbers[k], current)
    for k in range(len(phases)):
        current = np.where(member[k] & after_issue, numbers[k], current)
    return member, current
