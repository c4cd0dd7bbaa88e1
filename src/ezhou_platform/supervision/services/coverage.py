"""鄂州政办发〔2022〕28号's coverage from the registers: jurisdictions as the administrator loaded them, sites
with their dated states, through the rules' coverage engine (二（一）–（三）, T11–T14).

The jurisdiction lists are the platform's register (districts seeded; townships and villages imported by the
administrator) — nothing is invented: when the lists do not hold 3 districts, 21 townships and 316 villages
on a date the answer carries the rules' warning. 葛店经开区 and 临空经济区 (district level, no GB/T 2260 code)
are the development zones of T12. A village is dispersed (三（一）3) on the days a designation holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ezhou_platform.common.charts import Series, TreeNode, line_chart, treemap_chart
from ezhou_platform.common.models import Jurisdiction
from ezhou_rules.supervision.rural_delivery import LEVELS, current_phase, phases
from ezhou_rules.supervision.rural_delivery.coverage import (
    CoverageReport,
    CoverageSeries,
    coverage_on,
    coverage_series,
    coverage_tree,
    series_dates,
)
from ezhou_rules.supervision.rural_delivery.jurisdictions import Jurisdiction as RulesJurisdiction
from ezhou_rules.supervision.rural_delivery.jurisdictions import JurisdictionRegister
from ezhou_rules.supervision.rural_delivery.sites import Site as RulesSite
from ezhou_rules.supervision.rural_delivery.sites import SiteState as RulesState
from ezhou_rules.supervision.rural_delivery.sites import SiteTable, function_gaps, site_table

from ..models import DispersedVillage, Site, SiteState

__all__ = [
    "Coverage",
    "all_phases",
    "coverage",
    "phase_answer",
    "register",
    "rules_sites",
    "series",
    "series_chart",
    "tree_chart",
]


def register(on: dt.date | None = None) -> JurisdictionRegister:
    """Every district, township and village row of the register (all versions, each with its dates)."""
    rows = list(
        Jurisdiction.objects.filter(level__in=LEVELS)
        .select_related("parent")
        .order_by("level", "stat_code", "id")
        .values_list(
            "code",
            "name",
            "level",
            "parent__code",
            "parent__level",
            "division_code",
            "valid_from",
            "valid_to",
        )
    )
    dispersed: set[str] = set()
    for d in DispersedVillage.objects.select_related("jurisdiction"):
        if on is None or d.holds_on(on):
            dispersed.add(d.jurisdiction.code)
    return JurisdictionRegister(
        RulesJurisdiction(
            code=code,
            name=name,
            level=level,
            parent=parent if level != "district" and parent_level in LEVELS else None,
            development_zone=level == "district" and not division,
            dispersed=code in dispersed,
            valid_from=valid_from,
            valid_until=valid_to,
        )
        for code, name, level, parent, parent_level, division, valid_from, valid_to in rows
    )


def rules_sites(sites: Any = None) -> list[RulesSite]:
    """Sites with their operators, functions and state history, as the rules read them (value rows, no model
    instances: the coverage of 20,000 sites reads them in one query per table)."""
    from ..models import SiteOperator

    qs = sites if sites is not None else Site.objects.all()
    rows = list(
        qs.order_by("id").values_list("id", "code", "name", "level", "jurisdiction__code", "functions")
    )
    ids: Any = qs.values("id")  # a subquery, not a list: any number of sites
    history: dict[int, list[RulesState]] = defaultdict(list)
    for site_id, state, since in (
        SiteState.objects.filter(site_id__in=ids)
        .order_by("since", "id")
        .values_list("site_id", "state", "since")
    ):
        history[site_id].append(RulesState(since, state))
    operators: dict[int, list[str]] = defaultdict(list)
    for site_id, name in (
        SiteOperator.objects.filter(site_id__in=ids)
        .order_by("position", "id")
        .values_list("site_id", "organisation__name")
    ):
        operators[site_id].append(name)
    return [
        RulesSite(
            id=code,
            name=name,
            level=level,
            jurisdiction=jurisdiction,
            operators=tuple(operators[pk]),
            functions=tuple(functions or ()),
            history=tuple(history[pk]),
        )
        for pk, code, name, level, jurisdiction, functions in rows
    ]


@dataclass
class Coverage:
    on: dt.date
    report: CoverageReport
    tree: dict[str, Any]
    gaps: list[dict[str, Any]]
    register: JurisdictionRegister
    table: SiteTable


def coverage(on: dt.date) -> Coverage:
    """Each level on a date: count and coverage (both required), uncovered townships and villages, the
    per-unit norm, warnings about the loaded lists; the district → township → village tree."""
    reg = register(on)
    sites = rules_sites()
    table = site_table(sites, reg)
    return Coverage(
        on, coverage_on(reg, table, on), coverage_tree(reg, table, on), function_gaps(sites), reg, table
    )


def series(start: dt.date, end: dt.date | None = None, *, step: str = "month") -> CoverageSeries:
    """Counts and coverage of every level at each month end (or day) up to 2025-12-31 by default."""
    reg = register(end or start)
    table = site_table(rules_sites(), reg)
    return coverage_series(reg, table, series_dates(start, end, step=step))


def series_chart(s: CoverageSeries) -> dict[str, Any]:
    labels = [f"{d.astype(object).year}年{d.astype(object).month}月" for d in s.dates]
    out = []
    for lv in LEVELS:
        level = s.levels[lv]
        pct = [
            round(float(c) * 100 / float(d), 2) if d else None
            for c, d in zip(level.covered.tolist(), level.denominator.tolist(), strict=True)
        ]
        out.append(Series(f"{level.label}覆盖率", pct, type="line"))
    return line_chart(
        title=f"三级站点覆盖率（至{s.target_date.year}年{s.target_date.month}月{s.target_date.day}日）",
        categories=labels,
        series=out,
        unit="%",
        description="区、乡镇、建制村三级寄递物流站点覆盖率的月末时间序列",
    )


STATUSES = [("covered", "有运营站点", "#2e7d32"), ("uncovered", "尚无运营站点", "#c62828")]


def tree_chart(tree: dict[str, Any]) -> dict[str, Any] | None:
    """District → township → village as tiles sized by villages, coloured by whether a site operates there."""

    def node(n: dict[str, Any]) -> TreeNode:
        children = [node(c) for c in n.get("children") or ()]
        label = n["name"] + ("（开发区）" if n.get("development_zone") else "")
        return TreeNode(label, max(int(n["value"]), 1), "covered" if n["covered"] else "uncovered", children)

    if not tree["children"]:
        return None
    return treemap_chart(
        title="区 → 乡镇 → 建制村覆盖情况",
        nodes=[node(c) for c in tree["children"]],
        statuses=STATUSES,
        unit="个建制村",
        description="方块大小为所辖建制村数，颜色表示该辖区是否有本层级的运营站点",
    )


def phase_answer(on: dt.date) -> Any:
    return current_phase(on)


def all_phases() -> Any:
    return phases()
