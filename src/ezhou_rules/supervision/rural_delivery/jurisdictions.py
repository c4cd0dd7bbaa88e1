"""The jurisdictions a coverage is measured over: districts, townships, villages, loaded as data.

The lists are what an administrator loads from the platform's jurisdiction register (district → township →
village, dated); nothing here invents a township or a village. The register checks its own shape (unique
codes, a known parent one level up) and warns, without refusing, when the loaded lists do not hold the
numbers the plan counts on: 3 administrative districts, 21 townships, 316 villages (二（一）–（三）).

葛店经开区 and 临空经济区 are district-level jurisdictions without a GB/T 2260 code (``development_zone``):
a distribution centre there counts in the number of centres but the zone is not in the denominator of the
行政区覆盖率 (T12). A village marked ``dispersed`` (村民居住分散、进出快件量较大, 三（一）3) may have more than two
service points without a flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.params import ParameterTree

from ..errors import SupervisionError, raise_all
from . import DOCUMENT, LEVEL_LABELS, LEVELS, parameters

__all__ = ["Jurisdiction", "JurisdictionRegister"]

_FAR = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Jurisdiction:
    code: str  # the register's code (12-digit statistical code where there is one)
    name: str
    level: str  # district | township | village
    parent: str | None = None  # code one level up (None for a district)
    development_zone: bool = False  # district level: 开发区 (counted in the number, not in the denominator)
    dispersed: bool = False  # village: 村民居住分散、进出快件量较大 (may exceed two points)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # last day it exists (None: still exists)


class JurisdictionRegister:
    """The loaded jurisdictions as columns per level."""

    def __init__(self, rows: Iterable[Jurisdiction]) -> None:
        rows = list(rows)
        problems: list[SupervisionError] = []
        seen: dict[str, int] = {}
        for r, j in enumerate(rows):
            label = f"第{r + 1}条辖区（{j.name or j.code}）"
            if not j.code or not j.name:
                problems.append(
                    SupervisionError(
                        "jurisdiction_incomplete", f"{label}缺少代码或名称。", field="辖区代码", row=r
                    )
                )
            if j.level not in LEVELS:
                problems.append(
                    SupervisionError(
                        "jurisdiction_level_unknown",
                        f"{label}的层级“{j.level}”未知（district 区、township 乡镇、village 村）。",
                        field="辖区层级",
                        row=r,
                    )
                )
            if j.code in seen:
                problems.append(
                    SupervisionError(
                        "jurisdiction_duplicated", f"{label}的代码 {j.code} 重复。", field="辖区代码", row=r
                    )
                )
            seen[j.code] = r
            if j.valid_from and j.valid_until and j.valid_until < j.valid_from:
                problems.append(
                    SupervisionError(
                        "jurisdiction_dates", f"{label}的撤销日期早于设立日期。", field="有效期", row=r
                    )
                )
        by_code = {j.code: j for j in rows}
        for r, j in enumerate(rows):
            if j.level not in LEVELS:
                continue
            want = LEVELS[LEVELS.index(j.level) - 1] if j.level != "district" else None
            if want is None:
                continue
            parent = by_code.get(j.parent or "")
            if parent is None or parent.level != want:
                problems.append(
                    SupervisionError(
                        "jurisdiction_parent",
                        f"第{r + 1}条辖区（{j.name}）的上级“{j.parent}”不是已载入的{LEVEL_LABELS[want]}级辖区。",
                        field="上级辖区",
                        row=r,
                    )
                )
        raise_all(problems)
        self.rows = rows
        self.by_code = by_code
        self.codes: dict[str, list[str]] = {lv: [j.code for j in rows if j.level == lv] for lv in LEVELS}
        self.index: dict[str, dict[str, int]] = {
            lv: {c: k for k, c in enumerate(cs)} for lv, cs in self.codes.items()
        }
        self.parent_index: dict[str, npt.NDArray[np.int64]] = {}
        for lv in LEVELS[1:]:
            up = LEVELS[LEVELS.index(lv) - 1]
            self.parent_index[lv] = np.array(
                [self.index[up][by_code[c].parent or ""] for c in self.codes[lv]], dtype=np.int64
            )

    @classmethod
    def from_dicts(cls, rows: Iterable[dict[str, Any]]) -> JurisdictionRegister:
        """From plain mappings (a JSON body, a CSV import): code, name, level, parent, flags, dates."""

        def day(v: Any) -> dt.date | None:
            if v in (None, ""):
                return None
            return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))

        return cls(
            Jurisdiction(
                code=str(r["code"]),
                name=str(r.get("name", "")),
                level=str(r.get("level", "")),
                parent=r.get("parent"),
                development_zone=bool(r.get("development_zone", False)),
                dispersed=bool(r.get("dispersed", False)),
                valid_from=day(r.get("valid_from")),
                valid_until=day(r.get("valid_until")),
            )
            for r in rows
        )

    def size(self, level: str) -> int:
        return len(self.codes[level])

    def row(self, level: str, k: int) -> Jurisdiction:
        return self.by_code[self.codes[level][k]]

    def flags(self, level: str, attr: str) -> npt.NDArray[np.bool_]:
        return np.array([getattr(self.by_code[c], attr) for c in self.codes[level]], dtype=bool)

    def valid(self, level: str, dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
        """[unit, date]: the jurisdiction exists on the date."""
        rows = [self.by_code[c] for c in self.codes[level]]
        start = np.array(
            [np.datetime64(j.valid_from, "D").astype(np.int64) if j.valid_from else -_FAR for j in rows],
            dtype=np.int64,
        )
        until = np.array(
            [np.datetime64(j.valid_until, "D").astype(np.int64) if j.valid_until else _FAR for j in rows],
            dtype=np.int64,
        )
        d = dates.astype(np.int64)[None, :]
        return (start[:, None] <= d) & (d <= until[:, None])

    def in_denominator(self, level: str, dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
        """[unit, date]: counted in the level's coverage denominator (development zones left out, T12)."""
        valid = self.valid(level, dates)
        if level == "district":
            valid &= ~self.flags(level, "development_zone")[:, None]
        return valid

    def locate(self, code: str) -> Jurisdiction | None:
        return self.by_code.get(code)

    def ancestor(self, code: str, level: str) -> Jurisdiction | None:
        """The jurisdiction at ``level`` that holds ``code`` (itself if it is at that level)."""
        j = self.by_code.get(code)
        while j is not None and j.level != level:
            if LEVELS.index(j.level) < LEVELS.index(level):
                return None
            j = self.by_code.get(j.parent or "")
        return j

    def warnings(self, on: dt.date, params: ParameterTree | None = None) -> list[str]:
        """Where the loaded lists do not hold the numbers the plan counts on (never a refusal)."""
        params = params or parameters()
        days = np.array([on], dtype="datetime64[D]")
        out = []
        for level in LEVELS:
            expected = int(params.get(f"targets.{level}", on))
            have = int(self.in_denominator(level, days).sum())
            entry = params.entry(f"targets.{level}", on)
            if have != expected:
                unit = "个行政区（开发区不计）" if level == "district" else f"个{LEVEL_LABELS[level]}"
                out.append(
                    f"已载入的辖区名录在{on.isoformat()}有{have}{unit}，与{DOCUMENT} "
                    f"{entry.citation.place() if entry.citation else ''}的{expected}个不一致；"
                    f"请管理员核对辖区名录（覆盖率按已载入的名录计算）。"
                )
        return out
