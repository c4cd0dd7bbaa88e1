"""What may feed an unconventional-water facility: 第十三条 (reclaimed water), 第三条 and 第十条 (rainwater).

第十三条: 再生水水源主要有：（一）生活污水；（二）城市污水处理厂出水（达到再生水的用途标准）；（三）符合再生水
标准的工业排水。电镀、化工、印染等有毒有害的工业废水，医疗机构废水和放射性废水等严禁作为再生水水源。

The industries of "电镀、化工、印染等" are the dated list `sources.prohibited_industries` (an administrator adds
to "等"); drainage of a listed industry is refused even when declared treated (interpretation U3). "主要有" is
not a closed list: another source of a reclaimed facility goes to the department for review, never passes by
itself. A rainwater facility (第三条第三款, 第十条) takes rainwater only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import REGISTRY, rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite, parameters
from .common import as_days, check_codes, day_column
from .errors import fail
from .projects import FACILITY_TYPES, RECLAIMED

SOURCE_KINDS: dict[str, str] = {
    "domestic_sewage": "生活污水",
    "wwtp_effluent": "城市污水处理厂出水",
    "industrial_drainage": "工业排水",
    "toxic_industrial_wastewater": "有毒有害的工业废水",
    "medical_wastewater": "医疗机构废水",
    "radioactive_wastewater": "放射性废水",
    "rainwater_roof": "建筑物屋顶雨水",
    "rainwater_ground": "庭院、广场、公园、人行道等地面雨水",
    "rainwater_road": "城市道路及高架桥梁雨水",
    "other": "其他水源",
}
RAINWATER_SOURCES = ("rainwater_roof", "rainwater_ground", "rainwater_road")

ALLOWED, REFUSED, REVIEW = "allowed", "refused", "review"
STATUS_LABELS = {ALLOWED: "可以作为水源", REFUSED: "不得作为水源", REVIEW: "由市水行政主管部门审核"}


@dataclass(frozen=True)
class Reason:
    code: str
    status: str
    citation: str
    text: str  # Chinese, with {source} and {industry} filled in


REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason(
            "domestic_sewage",
            ALLOWED,
            cite("第十三条第（一）项"),
            "生活污水是再生水水源（第十三条第（一）项）。",
        ),
        Reason(
            "wwtp_effluent",
            ALLOWED,
            cite("第十三条第（二）项"),
            "城市污水处理厂出水达到再生水的用途标准，可作为再生水水源（第十三条第（二）项）。",
        ),
        Reason(
            "wwtp_below_standard",
            REFUSED,
            cite("第十三条第（二）项"),
            "城市污水处理厂出水须达到再生水的用途标准方可作为再生水水源（第十三条第（二）项），申报未达到。",
        ),
        Reason(
            "industrial_drainage",
            ALLOWED,
            cite("第十三条第（三）项"),
            "工业排水（{industry}）符合再生水标准，可作为再生水水源（第十三条第（三）项）。",
        ),
        Reason(
            "industrial_below_standard",
            REFUSED,
            cite("第十三条第（三）项"),
            "工业排水须符合再生水标准方可作为再生水水源（第十三条第（三）项），申报未符合。",
        ),
        Reason(
            "prohibited_industry",
            REFUSED,
            cite("第十三条第二款"),
            "{industry}行业的工业废水属于电镀、化工、印染等有毒有害的工业废水，严禁作为再生水水源（第十三条第二款）。",
        ),
        Reason(
            "toxic_wastewater",
            REFUSED,
            cite("第十三条第二款"),
            "有毒有害的工业废水严禁作为再生水水源（第十三条第二款）。",
        ),
        Reason(
            "medical_wastewater",
            REFUSED,
            cite("第十三条第二款"),
            "医疗机构废水严禁作为再生水水源（第十三条第二款）。",
        ),
        Reason(
            "radioactive_wastewater",
            REFUSED,
            cite("第十三条第二款"),
            "放射性废水严禁作为再生水水源（第十三条第二款）。",
        ),
        Reason(
            "rainwater_for_reclaimed",
            REVIEW,
            cite("第十三条第一款"),
            "{source}不在第十三条所列再生水水源之中（条文为“主要有”），由市水行政主管部门审核。",
        ),
        Reason(
            "other_for_reclaimed",
            REVIEW,
            cite("第十三条第一款"),
            "{source}不在第十三条所列再生水水源之中（条文为“主要有”），由市水行政主管部门审核。",
        ),
        Reason(
            "rainwater", ALLOWED, cite("第十条"), "{source}是雨水收集利用设施的水源（第三条第三款、第十条）。"
        ),
        Reason(
            "not_rainwater",
            REFUSED,
            cite("第三条第三款"),
            "雨水收集利用设施只收集雨水，{source}不能接入；利用污水、废水的设施应按再生水利用设施登记（第三条第二款、第三款）。",
        ),
    )
}
for _r in REASONS.values():
    REGISTRY.register(_r.citation, f"{__name__}.REASONS.{_r.code}", "check", STATUS_LABELS[_r.status])


@rule(
    cites=[
        cite("第十三条第（一）项"),
        cite("第十三条第（二）项"),
        cite("第十三条第（三）项"),
        cite("第十三条第二款"),
        cite("第十条"),
    ],
    summary="再生水水源：生活污水、达标的污水处理厂出水和工业排水；有毒有害工业废水、医疗机构废水、放射性废水严禁",
)
def check_sources(
    facility_type: npt.ArrayLike,
    source_kind: npt.ArrayLike,
    meets_standard: npt.ArrayLike,
    industry: npt.ArrayLike,
    on: npt.ArrayLike,
    *,
    params: ParameterTree | None = None,
) -> dict[str, np.ndarray]:
    """Columns of (facility, source) pairs → `status` (allowed / refused / review) and `reason` (a key of
    REASONS, whose citation and sentence explain it). `meets_standard`: the declarant's statement that effluent
    or drainage meets the reclaimed-water standard for its use; `industry`: the discharger's industry ("" if
    none); `on`: the date the prohibited list is read for."""
    tree = params or parameters()
    kind = check_codes(source_kind, SOURCE_KINDS, "source_kind", "水源类型")
    n = len(kind)
    ftype = check_codes(facility_type, FACILITY_TYPES, "facility_type", "设施类型", n)
    meets = np.broadcast_to(np.asarray(meets_standard, dtype=bool), (n,))
    ind = np.broadcast_to(np.atleast_1d(np.asarray(industry)).astype(str), (n,))
    days = np.broadcast_to(as_days(on, field="on"), (n,))
    prohibited = np.zeros(n, dtype=bool)
    for day in np.unique(days):
        listed = tree.get("sources.prohibited_industries", day.astype(object))
        rows = days == day
        prohibited[rows] = np.isin(np.char.strip(ind[rows]), list(listed))
    rain = np.isin(kind, RAINWATER_SOURCES)
    reclaimed = ftype == RECLAIMED
    reason = np.select(
        [
            ~reclaimed & rain,
            ~reclaimed,
            kind == "medical_wastewater",
            kind == "radioactive_wastewater",
            kind == "toxic_industrial_wastewater",
            prohibited & np.isin(kind, ["industrial_drainage", "other"]),
            kind == "domestic_sewage",
            (kind == "wwtp_effluent") & meets,
            kind == "wwtp_effluent",
            (kind == "industrial_drainage") & meets,
            kind == "industrial_drainage",
            rain,
        ],
        [
            "rainwater",
            "not_rainwater",
            "medical_wastewater",
            "radioactive_wastewater",
            "toxic_wastewater",
            "prohibited_industry",
            "domestic_sewage",
            "wwtp_effluent",
            "wwtp_below_standard",
            "industrial_drainage",
            "industrial_below_standard",
            "rainwater_for_reclaimed",
        ],
        default="other_for_reclaimed",
    )
    status = np.full(n, REVIEW, dtype="<U8")
    for code, r in REASONS.items():
        status[reason == code] = r.status
    return {"status": status, "reason": reason}


@dataclass(frozen=True)
class SourceDecision:
    source_kind: str
    status: str
    status_label: str
    reason: str
    citation: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def check_source(
    facility_type: str,
    source_kind: str,
    *,
    on: dt.date,
    meets_standard: bool = False,
    industry: str = "",
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> SourceDecision:
    """One source of one facility, explained with its article."""
    if source_kind == "industrial_drainage" and not industry.strip():
        raise fail(
            "industry_required", "industry", "工业排水须填写排水单位所属行业（第十三条第（三）项、第二款）。"
        )
    out = check_sources(
        [facility_type], [source_kind], [meets_standard], [industry], day_column(on), params=params
    )
    code = str(out["reason"][0])
    r = REASONS[code]
    text = r.text.format(source=SOURCE_KINDS[source_kind], industry=industry.strip())
    trace.step(
        "check_source",
        r.citation,
        {
            "facility_type": facility_type,
            "source_kind": source_kind,
            "meets_standard": meets_standard,
            "industry": industry,
        },
        r.status,
        text,
    )
    return SourceDecision(source_kind, r.status, STATUS_LABELS[r.status], code, r.citation, text)
