"""Delivery sites (寄递物流站点) of the three levels, with operators, functions and a dated state.

A site is a district distribution centre (区级寄递公共配送中心), a township service station (乡镇寄递物流综合
服务站) or a village service point (村级寄递物流综合服务网点). It names its operators — several for a shared
one (共同配送, 三（一）1) — the services it provides, the jurisdiction it stands in, and its state history
(规划 planned, 在建 building, 运营 operating, 暂停 suspended, 撤销 closed), each state from a date. A site counts
as built ("建成") on the days it is operating (T11).

A site's jurisdiction must be a loaded one at its level or below (a village point may be recorded at its
village; a township station at its township or at the village it stands in, which is read up to the
township). A site outside every loaded jurisdiction is refused (``site_outside_jurisdictions``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import SupervisionError, raise_all
from . import LEVEL_LABELS, LEVELS, level_specs
from .jurisdictions import JurisdictionRegister

__all__ = ["SITE_STATES", "Site", "SiteState", "SiteTable", "function_gaps", "site_table", "sites_from_dicts"]

SITE_STATES = {
    "planned": "规划",
    "building": "在建",
    "operating": "运营",
    "suspended": "暂停",
    "closed": "撤销",
}
COUNTED = "operating"
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class SiteState:
    since: dt.date
    state: str  # a key of SITE_STATES


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    level: str  # district | township | village
    jurisdiction: str  # code in the jurisdiction register
    operators: tuple[str, ...]  # 运营主体; several for 共同配送
    functions: tuple[str, ...] = ()
    history: tuple[SiteState, ...] = ()


@dataclass(frozen=True)
class SiteTable:
    """Validated sites as columns: for each level, the operating intervals [start, end) of its sites."""

    sites: tuple[Site, ...]
    level: npt.NDArray[np.int8]  # index into LEVELS, per site
    unit: npt.NDArray[np.int64]  # index of the covered jurisdiction within its level, per site
    interval_site: npt.NDArray[np.int64]  # per operating interval: the site's row
    interval_start: npt.NDArray[np.int64]  # day number (datetime64[D] as int64), inclusive
    interval_end: npt.NDArray[np.int64]  # day number, exclusive (_NEVER: still operating)

    @classmethod
    def from_arrays(
        cls,
        level: npt.ArrayLike,
        unit: npt.ArrayLike,
        start: npt.ArrayLike,
        end: npt.ArrayLike,
    ) -> SiteTable:
        """One operating interval per site from bare columns (a bulk import, the benchmark); NaT end = open."""
        start_d = np.asarray(start).astype("datetime64[D]")
        end_d = np.asarray(end).astype("datetime64[D]")
        n = start_d.shape[0]
        return cls(
            (),
            np.asarray(level, dtype=np.int8),
            np.asarray(unit, dtype=np.int64),
            np.arange(n, dtype=np.int64),
            start_d.astype(np.int64),
            np.where(np.isnat(end_d), _NEVER, end_d.astype(np.int64)),
        )


def _collector(problems: list[SupervisionError], row: int, label: str) -> Callable[..., None]:
    def err(code: str, message: str, field: str, cite: str | None = None) -> None:
        problems.append(SupervisionError(code, f"{label}：{message}", field=field, rule=cite, row=row))

    return err


def site_table(sites: Iterable[Site], register: JurisdictionRegister) -> SiteTable:
    """Check every site against the register; any problem refuses the whole list (``problems`` lists all)."""
    sites = tuple(sites)
    problems: list[SupervisionError] = []
    levels = np.zeros(len(sites), dtype=np.int8)
    units = np.zeros(len(sites), dtype=np.int64)
    iv_site: list[int] = []
    iv_start: list[int] = []
    iv_end: list[int] = []
    specs = level_specs()
    for r, s in enumerate(sites):
        err = _collector(problems, r, f"第{r + 1}个站点（{s.name or s.id}）")

        if s.level not in LEVELS:
            err(
                "site_level_unknown",
                f"层级“{s.level}”未知（district 区级配送中心、township 乡镇服务站、village 村级网点）。",
                "站点层级",
            )
            continue
        cite = specs[s.level].citation
        place = register.locate(s.jurisdiction)
        if place is None:
            err(
                "site_outside_jurisdictions",
                f"所在辖区代码“{s.jurisdiction}”不在已载入的辖区名录中，无法计入{specs[s.level].label}的覆盖（{cite}）。",
                "所在辖区",
                cite,
            )
            continue
        covered = register.ancestor(s.jurisdiction, s.level)
        if covered is None:
            err(
                "site_level_mismatch",
                f"{specs[s.level].label}应位于{LEVEL_LABELS[s.level]}或其下级辖区，"
                f"所填辖区“{place.name}”是{LEVEL_LABELS[place.level]}级。",
                "所在辖区",
                cite,
            )
            continue
        if not any(op.strip() for op in s.operators):
            err(
                "site_operators_missing",
                "未填写运营主体（共同配送的站点填写各家运营主体）。",
                "运营主体",
                cite,
            )
        if not s.history:
            err("site_history_missing", "没有状态记录（规划、在建、运营、暂停、撤销及其日期）。", "站点状态")
            continue
        days = [h.since for h in s.history]
        if any(b <= a for a, b in pairwise(days)):
            err("site_history_order", "状态记录的日期应逐条递增且不重复。", "站点状态")
            continue
        unknown = [h.state for h in s.history if h.state not in SITE_STATES]
        if unknown:
            err(
                "site_state_unknown",
                f"状态“{unknown[0]}”未知（{'、'.join(f'{k} {v}' for k, v in SITE_STATES.items())}）。",
                "站点状态",
            )
            continue
        levels[r] = LEVELS.index(s.level)
        units[r] = register.index[s.level][covered.code]
        for k, h in enumerate(s.history):
            if h.state == COUNTED:
                iv_site.append(r)
                iv_start.append(int(np.datetime64(h.since, "D").astype(np.int64)))
                nxt = s.history[k + 1].since if k + 1 < len(s.history) else None
                iv_end.append(int(np.datetime64(nxt, "D").astype(np.int64)) if nxt else _NEVER)
    raise_all(problems)
    return SiteTable(
        sites,
        levels,
        units,
        np.array(iv_site, dtype=np.int64),
        np.array(iv_start, dtype=np.int64),
        np.array(iv_end, dtype=np.int64),
    )


def function_gaps(sites: Sequence[Site]) -> list[dict[str, Any]]:
    """Sites that do not declare every service the gazette gives their level (information, not a refusal)."""
    specs = level_specs()
    out = []
    for s in sites:
        spec = specs.get(s.level)
        if spec is None:
            continue
        missing = [f for f in spec.functions if f not in s.functions]
        if missing:
            out.append(
                {
                    "site": s.id,
                    "name": s.name,
                    "missing": missing,
                    "message": f"{s.name}未登记{'、'.join(missing)}职能（{spec.citation}：{spec.label}负责"
                    f"{'、'.join(spec.functions)}等服务）。",
                }
            )
    return out


def sites_from_dicts(rows: Iterable[dict[str, Any]]) -> list[Site]:
    """Sites from plain mappings (a JSON body): history as [{"since": "2023-05-01", "state": "operating"}]."""
    out = []
    for r in rows:
        history = tuple(
            SiteState(
                h["since"] if isinstance(h["since"], dt.date) else dt.date.fromisoformat(str(h["since"])),
                str(h["state"]),
            )
            for h in r.get("history") or ()
        )
        out.append(
            Site(
                id=str(r["id"]),
                name=str(r.get("name", "")),
                level=str(r.get("level", "")),
                jurisdiction=str(r.get("jurisdiction", "")),
                operators=tuple(str(o) for o in r.get("operators") or ()),
                functions=tuple(str(f) for f in r.get("functions") or ()),
                history=history,
            )
        )
    return out
