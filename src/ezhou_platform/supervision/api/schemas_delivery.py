"""Schemas of the rural-delivery endpoints of the supervision API (鄂州政办发〔2022〕28号: coverage of the
township and village delivery network, the phase on a date); titles and bounds as in ``schemas``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field

from .schemas import Day, Name, SupervisionSchema

# -- POST /rural-delivery/coverage ------------------------------------------------------------------------------
Code = Annotated[str, Field(min_length=1, max_length=24)]


class JurisdictionIn(SupervisionSchema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=50)]
    level: Literal["district", "township", "village"] = Field(
        title="辖区层级", description="district 区，township 乡镇，village 建制村"
    )
    parent: Annotated[str | None, Field(max_length=24)] = None
    development_zone: bool = False
    dispersed: bool = False
    valid_from: Day | None = None
    valid_until: Day | None = None


class SiteStateIn(SupervisionSchema):
    since: Day
    state: Literal["planned", "building", "operating", "suspended", "closed"] = Field(
        title="状态", description="planned 规划，building 在建，operating 运营，suspended 暂停，closed 撤销"
    )


class SiteIn(SupervisionSchema):
    id: Annotated[str, Field(min_length=1, max_length=40)]
    name: Name = ""
    level: Literal["district", "township", "village"] = Field(
        title="站点层级", description="district 区级配送中心，township 乡镇服务站，village 村级网点"
    )
    jurisdiction: Code
    operators: Annotated[list[Name], Field(max_length=20)] = []
    functions: Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=20)] = []
    history: Annotated[list[SiteStateIn], Field(max_length=50)] = []


class SeriesIn(SupervisionSchema):
    start: Day
    end: Day | None = None
    step: Literal["month", "day"] = Field("month", title="步长", description="month 每月末，day 每日")


class SupervisionCoverageIn(SupervisionSchema):
    date: Day = Field(title="统计日期")
    jurisdictions: Annotated[
        list[JurisdictionIn] | None,
        Field(max_length=20000, title="辖区名录", description="不填则用平台辖区名录"),
    ] = None
    sites: Annotated[
        list[SiteIn] | None, Field(max_length=50000, title="站点", description="不填则用平台登记的站点")
    ] = None
    series: SeriesIn | None = None


class UncoveredOut(SupervisionSchema):
    code: str
    name: str
    parent: str


class ExceededOut(SupervisionSchema):
    code: str
    name: str
    count: int
    limit: int
    allowed: bool
    reason: str


class LevelOut(SupervisionSchema):
    level: str
    label: str
    citation: str
    count: int
    target: int
    covered: int
    denominator: int
    coverage: str
    count_met: bool
    coverage_met: bool
    state: str
    uncovered: list[UncoveredOut]
    exceeded: list[ExceededOut]
    explanation: str
    met: bool


class LevelsOut(SupervisionSchema):
    district: LevelOut
    township: LevelOut
    village: LevelOut


class GapOut(SupervisionSchema):
    site: str
    name: str
    missing: list[str]
    message: str


class LevelSeriesOut(SupervisionSchema):
    label: str
    citation: str
    count: list[int]
    target: list[int]
    covered: list[int]
    denominator: list[int]
    exceeded: list[int]
    met: list[bool]


class SeriesLevelsOut(SupervisionSchema):
    district: LevelSeriesOut
    township: LevelSeriesOut
    village: LevelSeriesOut


class SeriesOut(SupervisionSchema):
    dates: list[dt.date]
    target_date: dt.date
    levels: SeriesLevelsOut


class SupervisionCoverageOut(SupervisionSchema):
    date: dt.date
    source: str
    levels: LevelsOut
    warnings: list[str]
    tree: dict[str, Any] = Field(
        title="区乡村树", description="区 → 乡镇 → 建制村，各节点含站点数、是否覆盖、所辖建制村数"
    )
    function_gaps: list[GapOut]
    series: SeriesOut | None = None


# -- GET /rural-delivery/phase ----------------------------------------------------------------------------------
class PhaseOut(SupervisionSchema):
    number: int
    name: str
    start: dt.date
    end: dt.date
    printed: str
    anchor: str
    citation: str


class PhaseAnswerOut(SupervisionSchema):
    date: dt.date
    phases: list[PhaseOut]
    current: PhaseOut | None
    explanation: str
