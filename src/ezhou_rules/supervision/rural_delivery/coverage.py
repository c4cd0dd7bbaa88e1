"""The coverage engine of 二（一）–（三): for each level on any date, the count AND the coverage, both required.

"到 2025 年底，全市建成区级寄递公共配送中心 3 个以上，行政区覆盖率达 100%" — and the same shape for 21 township
stations and 316 village points. On a date a level is ``met`` when the operating sites number at least the
target (以上 includes the figure) and every jurisdiction of the level in the denominator holds one. Before the
target date an unmet level is ``in_progress``; after it, ``missed``. The 1–2 per unit norm (一区一中心 for
districts) is flagged where a unit holds more, except a village marked dispersed (三（一）3).

Vectorised: operating intervals are turned into per-unit counts over all dates at once (a +1/−1 difference
array and a cumulative sum), so 20,000 sites over 5,000 villages on 365 dates is a few array passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from ..deadlines import cn_date, month_end
from ..errors import SupervisionError
from . import DOCUMENT, LEVEL_LABELS, LEVELS, level_specs, parameters
from .jurisdictions import JurisdictionRegister
from .sites import Site, SiteTable, site_table

__all__ = [
    "CoverageReport",
    "CoverageSeries",
    "LevelCoverage",
    "LevelSeries",
    "coverage_on",
    "coverage_series",
    "coverage_tree",
    "series_dates",
]


def series_dates(
    start: dt.date, end: dt.date | None = None, *, step: str = "month"
) -> npt.NDArray[np.datetime64]:
    """Dates of a time series up to ``end`` (default: the target date, 2025-12-31): every day, or month ends."""
    end = end or parameters().get("target_date", start)
    if end < start:
        raise SupervisionError("series_dates", "时间序列的结束日早于开始日。", field="结束日期")
    if step == "day":
        return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    if step != "month":
        raise SupervisionError("series_step", f"时间序列的步长“{step}”未知（day 或 month）。", field="步长")
    out = []
    year, month = start.year, start.month
    while (last := month_end(year, month)) <= end:
        out.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not out or out[-1] != end:
        out.append(end)
    return np.array(out, dtype="datetime64[D]")


def _unit_counts(
    register: JurisdictionRegister, table: SiteTable, level: str, days: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """[unit, date]: operating sites of the level in each unit on each (sorted) date."""
    n_units, nd = register.size(level), days.shape[0]
    lv = LEVELS.index(level)
    sel = table.level[table.interval_site] == lv
    unit = table.unit[table.interval_site[sel]]
    first = np.searchsorted(days, table.interval_start[sel], side="left")
    stop = np.searchsorted(days, table.interval_end[sel], side="left")
    width = nd + 1
    size = n_units * width
    diff = np.bincount(unit * width + first, minlength=size) - np.bincount(
        unit * width + stop, minlength=size
    )
    return np.cumsum(diff.reshape(n_units, width), axis=1)[:, :nd]


@dataclass(frozen=True)
class LevelSeries:
    level: str
    label: str
    citation: str
    count: npt.NDArray[np.int64]  # operating sites of the level (development-zone centres included)
    target: npt.NDArray[np.int64]
    covered: npt.NDArray[np.int64]  # units in the denominator holding at least one site
    denominator: npt.NDArray[np.int64]
    exceeded: npt.NDArray[np.int64]  # units over the per-unit norm (exempt villages not counted)
    count_met: npt.NDArray[np.bool_]
    coverage_met: npt.NDArray[np.bool_]

    @property
    def met(self) -> npt.NDArray[np.bool_]:
        return self.count_met & self.coverage_met


@dataclass(frozen=True)
class CoverageSeries:
    dates: npt.NDArray[np.datetime64]  # sorted, distinct
    levels: dict[str, LevelSeries]
    target_date: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "dates": [str(d) for d in self.dates],
            "target_date": self.target_date.isoformat(),
            "levels": {
                lv: {
                    "label": s.label,
                    "citation": s.citation,
                    "count": s.count.tolist(),
                    "target": s.target.tolist(),
                    "covered": s.covered.tolist(),
                    "denominator": s.denominator.tolist(),
                    "exceeded": s.exceeded.tolist(),
                    "met": s.met.tolist(),
                }
                for lv, s in self.levels.items()
            },
        }


def _table(register: JurisdictionRegister, sites: Sequence[Site] | SiteTable) -> SiteTable:
    return sites if isinstance(sites, SiteTable) else site_table(sites, register)


def _level_arrays(
    register: JurisdictionRegister,
    table: SiteTable,
    level: str,
    dates: npt.NDArray[np.datetime64],
    params: ParameterTree,
) -> tuple[LevelSeries, npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    spec = level_specs()[level]
    counts = _unit_counts(register, table, level, dates.astype(np.int64))
    denominator = register.in_denominator(level, dates)
    has = counts > 0
    covered = (has & denominator).sum(axis=0)
    den = denominator.sum(axis=0)
    number = counts.sum(axis=0)
    target = params.get_array(f"targets.{level}", dates)
    num, dnm = params.get_ratio_arrays(f"coverage.{level}", dates)
    limit = params.get_array(f"per_unit_max.{level}", dates)
    exempt = (
        register.flags(level, "dispersed") if level == "village" else np.zeros(register.size(level), bool)
    )
    over = (counts > limit[None, :]) & ~exempt[:, None]
    series = LevelSeries(
        level,
        spec.label,
        spec.citation,
        number,
        target,
        covered,
        den,
        over.sum(axis=0),
        number >= target,
        (den > 0) & (covered * dnm >= num * den),
    )
    return series, counts, denominator, over


@rule(
    cites=[f"{DOCUMENT} 二（一）", f"{DOCUMENT} 二（二）", f"{DOCUMENT} 二（三）"],
    summary="区、乡、村三级站点：数量3/21/316个以上且覆盖率100%，两项同时满足",
)
def coverage_series(
    register: JurisdictionRegister,
    sites: Sequence[Site] | SiteTable,
    dates: npt.ArrayLike,
    *,
    params: ParameterTree | None = None,
) -> CoverageSeries:
    """Counts, coverage and the per-unit norm of each level on every date (sorted, duplicates dropped)."""
    params = params or parameters()
    days = np.unique(np.atleast_1d(np.asarray(dates).astype("datetime64[D]")))
    if np.isnat(days).any():
        raise SupervisionError("invalid_date", "日期中含有空值。", field="日期")
    table = _table(register, sites)
    levels = {lv: _level_arrays(register, table, lv, days, params)[0] for lv in LEVELS}
    return CoverageSeries(days, levels, params.get("target_date", days[0].astype(object)))


@dataclass
class LevelCoverage:
    level: str
    label: str
    citation: str
    count: int
    target: int
    covered: int
    denominator: int
    coverage: str  # "95.24%"
    count_met: bool
    coverage_met: bool
    state: str  # met | in_progress | missed
    uncovered: list[dict[str, str]] = field(default_factory=list)
    exceeded: list[dict[str, Any]] = field(default_factory=list)  # over the norm, with allowed=True if exempt
    explanation: str = ""

    @property
    def met(self) -> bool:
        return self.count_met and self.coverage_met


@dataclass
class CoverageReport:
    date: dt.date
    levels: dict[str, LevelCoverage]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "levels": {lv: {**c.__dict__, "met": c.met} for lv, c in self.levels.items()},
            "warnings": self.warnings,
        }


def coverage_on(
    register: JurisdictionRegister,
    sites: Sequence[Site] | SiteTable,
    on: dt.date,
    *,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> CoverageReport:
    """Each level on one date with the uncovered units listed (``POST /rural-delivery/coverage``)."""
    params = params or parameters()
    table = _table(register, sites)
    days = np.array([on], dtype="datetime64[D]")
    due = params.get("target_date", on)
    warnings = register.warnings(on, params)
    out = {}
    for lv in LEVELS:
        s, counts, denominator, _ = _level_arrays(register, table, lv, days, params)
        count, target, covered, den = (
            int(s.count[0]),
            int(s.target[0]),
            int(s.covered[0]),
            int(s.denominator[0]),
        )
        met = bool(s.met[0])
        state = "met" if met else ("missed" if on > due else "in_progress")
        # cut (not rounded) to 0.01%, so 20 of 21 shows 95.23% and nothing short of all shows 100.00%
        ratio = f"{covered * 10000 // den // 100}.{covered * 10000 // den % 100:02d}%" if den else "—"
        uncovered = []
        for k in np.flatnonzero(denominator[:, 0] & (counts[:, 0] == 0)).tolist():
            j = register.row(lv, k)
            parent = register.locate(j.parent or "")
            uncovered.append({"code": j.code, "name": j.name, "parent": parent.name if parent else ""})
        exempt = register.flags(lv, "dispersed") if lv == "village" else np.zeros(register.size(lv), bool)
        limit = int(params.get(f"per_unit_max.{lv}", on))
        exceeded = []
        for k in np.flatnonzero(counts[:, 0] > limit).tolist():
            j = register.row(lv, k)
            exceeded.append(
                {
                    "code": j.code,
                    "name": j.name,
                    "count": int(counts[k, 0]),
                    "limit": limit,
                    "allowed": bool(exempt[k]),
                    "reason": level_specs()[lv].exemption if exempt[k] else "",
                }
            )
        if den == 0:
            warnings.append(f"辖区名录中没有可计入覆盖率的{LEVEL_LABELS[lv]}，{s.label}的覆盖率无法计算。")
        spec = level_specs()[lv]
        verdict = {
            "met": "两项均已达到",
            "in_progress": f"尚未全部达到，目标时间{cn_date(due)}",
            "missed": f"目标时间{cn_date(due)}已过，未达到",
        }[state]
        explanation = (
            f"截至{cn_date(on)}，{s.label}运营{count}个（目标{target}个以上，{'已达到' if s.count_met[0] else f'差{target - count}个'}）；"
            f"{spec.denominator}{den}个中有站点的{covered}个，覆盖率{ratio}（目标100%"
            f"{'，已达到' if s.coverage_met[0] else f'，未覆盖{len(uncovered)}个'}）；{verdict}（{spec.citation}）。"
        )
        out[lv] = LevelCoverage(
            lv,
            s.label,
            s.citation,
            count,
            target,
            covered,
            den,
            ratio,
            bool(s.count_met[0]),
            bool(s.coverage_met[0]),
            state,
            uncovered,
            exceeded,
            explanation,
        )
    for lv, c in out.items():
        trace.step(
            "coverage_on",
            c.citation,
            {"level": lv, "date": on, "denominator": c.denominator},
            {"count": c.count, "covered": c.covered, "met": c.met},
            c.explanation,
        )
    return CoverageReport(on, out, warnings)


def coverage_tree(
    register: JurisdictionRegister, sites: Sequence[Site] | SiteTable, on: dt.date
) -> dict[str, Any]:
    """District → township → village on a date, for a tree-map: sites of each node's own level, covered,
    and ``value`` (villages under a node, 1 for a village) to size the tiles."""
    table = _table(register, sites)
    days = np.array([on], dtype="datetime64[D]")
    counts = {lv: _unit_counts(register, table, lv, days.astype(np.int64))[:, 0] for lv in LEVELS}
    valid = {lv: register.valid(lv, days)[:, 0] for lv in LEVELS}
    children: dict[str, dict[int, list[int]]] = {lv: {} for lv in LEVELS[1:]}
    for lv in LEVELS[1:]:
        for k, p in enumerate(register.parent_index[lv].tolist()):
            if valid[lv][k]:
                children[lv].setdefault(p, []).append(k)

    def node(lv: str, k: int) -> dict[str, Any]:
        j = register.row(lv, k)
        out: dict[str, Any] = {
            "code": j.code,
            "name": j.name,
            "level": lv,
            "sites": int(counts[lv][k]),
            "covered": bool(counts[lv][k] > 0),
        }
        if lv == "district":
            out["development_zone"] = j.development_zone
        if lv == "village":
            out["dispersed"] = j.dispersed
            out["value"] = 1
            return out
        below = LEVELS[LEVELS.index(lv) + 1]
        out["children"] = [node(below, c) for c in children[below].get(k, [])]
        out["value"] = sum(c["value"] for c in out["children"])
        return out

    tops = [node("district", k) for k in range(register.size("district")) if valid["district"][k]]
    return {
        "name": "鄂州市",
        "date": on.isoformat(),
        "value": sum(t["value"] for t in tops),
        "children": tops,
    }
