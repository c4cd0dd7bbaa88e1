"""Which projects must build a rainwater collection and use facility (第八条), and what follows (第六条, 第十六条).

第八条: 新建、改建、扩建工程项目，规划建设（构）筑物占地与路面硬化面积之和在3万平方米以上的工程建设项目，
总用地面积在2万平方米以上的公园、广场、绿地、城市道路及高架桥等市政工程项目，应当配套建设雨水收集利用设施。

"以上" includes the figure (民法典 第一千二百五十九条): 30,000.00 m² is in, 29,999.99 m² is out. For an
expansion (扩建) the areas that count are those the expansion plans to build (interpretation U1 in
docs/interpretations.md); the areas already there are shown as a note, never added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite, parameters
from .common import (
    I64,
    as_days,
    check_codes,
    check_hundredths,
    day_column,
    format_hundredths,
    parse_hundredths,
)
from .errors import fail

# 项目类型: the building project of 第八条's first half, the municipal works of its second half ("等" → other)
BUILDING = "building"
PROJECT_KINDS: dict[str, str] = {
    BUILDING: "工程建设项目",
    "park": "公园",
    "square": "广场",
    "green_space": "绿地",
    "urban_road": "城市道路",
    "viaduct": "高架桥",
    "other_municipal": "其他市政工程项目",
}
MUNICIPAL_KINDS = tuple(k for k in PROJECT_KINDS if k != BUILDING)

WORKS: dict[str, str] = {"new": "新建", "rebuild": "改建", "expansion": "扩建"}

# 第十六条: 新建、改建 (not 扩建) 工业集聚区、市政基础设施和大型公共建筑 — 应当因地制宜建设 (no threshold)
ART16_CLASSES: dict[str, str] = {
    "none": "",
    "industrial_cluster": "工业集聚区",
    "municipal_infrastructure": "市政基础设施",
    "large_public_building": "大型公共建筑",
}

MEASURE_BUILDING = "building_area"  # 规划建（构）筑物占地与路面硬化面积之和
MEASURE_LAND = "land_area"  # 总用地面积


@rule(
    cites=[cite("第八条"), cite("第十六条")],
    summary="3万平方米以上的工程建设项目、2万平方米以上的公园广场绿地道路高架桥等应配套建设雨水收集利用设施",
)
def screen_projects(
    kinds: npt.ArrayLike,
    works: npt.ArrayLike,
    footprint_m2x100: npt.ArrayLike,
    hardened_m2x100: npt.ArrayLike,
    land_m2x100: npt.ArrayLike,
    on: npt.ArrayLike,
    *,
    art16_class: npt.ArrayLike = "none",
    params: ParameterTree | None = None,
) -> dict[str, np.ndarray]:
    """Columns of projects → `required` (第八条), the `area_m2x100` compared and its `threshold_m2x100`,
    the `measure` (building_area / land_area) and `art16` (第十六条 applies: build 因地制宜, no threshold).

    Areas are the project's own planned areas in hundredths of m² (for an expansion, what it adds: U1). A
    building project is measured by footprint + hardened area, a municipal one by its total land area; the
    other columns are ignored for that row (pass 0). `on` is the date the thresholds are read for (filing)."""
    tree = params or parameters()
    kind = check_codes(kinds, PROJECT_KINDS, "project_kind", "项目类型")
    n = len(kind)
    work = check_codes(works, WORKS, "works", "建设性质", n)
    art16 = check_codes(art16_class, ART16_CLASSES, "art16_class", "第十六条所列类别", n)
    footprint = check_hundredths(footprint_m2x100, field="footprint_m2", n=n)
    hardened = check_hundredths(hardened_m2x100, field="hardened_m2", n=n)
    land = check_hundredths(land_m2x100, field="land_m2", n=n)
    days = np.broadcast_to(as_days(on, field="on"), (n,))
    building = kind == BUILDING
    building_threshold = tree.get_array("screening.building_area_threshold", days).astype(np.int64) * 100
    land_threshold = tree.get_array("screening.municipal_land_threshold", days).astype(np.int64) * 100
    area: I64 = np.where(building, footprint + hardened, land)
    threshold: I64 = np.where(building, building_threshold, land_threshold)
    return {
        "required": area >= threshold,  # 以上：含本数
        "area_m2x100": area,
        "threshold_m2x100": threshold,
        "measure": np.where(building, MEASURE_BUILDING, MEASURE_LAND),
        # municipal works are 市政基础设施 by nature; 第十六条 names 新建、改建 only
        "art16": (work != "expansion") & ((art16 != "none") | ~building),
    }


@dataclass(frozen=True)
class ScreeningResult:
    """One project's screening, as the API returns it."""

    required: bool  # 应当配套建设雨水收集利用设施（第八条）
    measure: str
    area_m2x100: int
    threshold_m2x100: int
    reason: str  # one Chinese sentence with the article
    citations: tuple[str, ...]
    notes: tuple[str, ...] = ()  # 第十六条, the expansion's existing areas, 三同时 next steps
    trace: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "measure": self.measure,
            "area_m2": format_hundredths(self.area_m2x100),
            "threshold_m2": format_hundredths(self.threshold_m2x100),
            "reason": self.reason,
            "citations": list(self.citations),
            "notes": list(self.notes),
            "trace": self.trace,
        }


def screen_project(
    kind: str,
    works: str,
    *,
    on: dt.date,
    footprint_m2: Any = 0,
    hardened_m2: Any = 0,
    land_m2: Any = 0,
    existing_footprint_m2: Any = None,
    existing_hardened_m2: Any = None,
    existing_land_m2: Any = None,
    art16_class: str = "none",
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> ScreeningResult:
    """One project from typed values (m² as decimal text or int): the obligation and its reason.

    The `existing_*` areas (an expansion's site before the works) are only reported in a note (U1)."""
    values = {
        "footprint_m2": parse_hundredths(footprint_m2, field="footprint_m2"),
        "hardened_m2": parse_hundredths(hardened_m2, field="hardened_m2"),
        "land_m2": parse_hundredths(land_m2, field="land_m2"),
    }
    existing = {
        name: parse_hundredths(raw, field=name)
        for name, raw in (
            ("existing_footprint_m2", existing_footprint_m2),
            ("existing_hardened_m2", existing_hardened_m2),
            ("existing_land_m2", existing_land_m2),
        )
        if raw is not None
    }
    if existing and works != "expansion":
        raise fail(
            "existing_only_for_expansion",
            next(iter(existing)),
            "原有面积只在扩建项目中填写（第八条按本项目规划建设的面积计算）。",
        )
    out = screen_projects(
        [kind],
        [works],
        [values["footprint_m2"]],
        [values["hardened_m2"]],
        [values["land_m2"]],
        day_column(on),
        art16_class=[art16_class],
        params=params,
    )
    required = bool(out["required"][0])
    area, threshold = int(out["area_m2x100"][0]), int(out["threshold_m2x100"][0])
    kind_label, works_label = PROJECT_KINDS[kind], WORKS[works]
    if kind == BUILDING:
        what = (
            f"规划建（构）筑物占地面积{format_hundredths(values['footprint_m2'])}平方米与路面硬化面积"
            f"{format_hundredths(values['hardened_m2'])}平方米之和为{format_hundredths(area)}平方米"
        )
    else:
        what = f"{kind_label}项目总用地面积{format_hundredths(area)}平方米"
    verdict = "在" if required else "不足"
    reason = (
        f"{works_label}{kind_label}：{what}，{verdict}{format_hundredths(threshold)}平方米以上（含本数），"
        + (
            "应当配套建设雨水收集利用设施（第八条）。"
            if required
            else "第八条不要求配套建设雨水收集利用设施。"
        )
    )
    trace.step(
        "screen_project",
        cite("第八条"),
        {"kind": kind, "works": works, **values, "threshold_m2x100": threshold},
        required,
        reason,
    )
    notes: list[str] = []
    citations = [cite("第八条")]
    if works == "expansion":
        before = sum(existing.values())
        note = "扩建项目按本次扩建规划建设的面积计算（解释U1），原有面积不计入"
        if existing:
            note += f"；原有面积合计{format_hundredths(before)}平方米，仅供参考"
        notes.append(note + "。")
    if bool(out["art16"][0]):
        klass = ART16_CLASSES.get(art16_class) or "市政基础设施"
        notes.append(f"{works_label}{klass}应当因地制宜建设雨水集蓄利用或者再生水处理利用设施（第十六条）。")
        citations.append(cite("第十六条"))
        trace.step("art16", cite("第十六条"), {"class": art16_class, "works": works}, True, notes[-1])
    if required:
        notes.append(
            "雨水收集利用设施纳入“三同时”管理：项目建设前到市水行政主管部门备案，竣工前由市水行政主管部门"
            "参加相关分部分项工程验收，并纳入日常监管（第六条）；设计、施工按GB50400-2016（第九条）。"
        )
        citations += [cite("第六条"), cite("第九条")]
    return ScreeningResult(
        required=required,
        measure=str(out["measure"][0]),
        area_m2x100=area,
        threshold_m2x100=threshold,
        reason=reason,
        citations=tuple(citations),
        notes=tuple(notes),
        trace=trace.to_list() if trace else [],
    )
