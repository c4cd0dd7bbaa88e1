"""Projects, units and rents: 第六条/第七条 (type from the sourcing method), 第八条 (unit area), 第十条 (rent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import parameters, validity_warning
from .common import DOC, anniversary, as_days, fail, format_m2, in_force, param_centi_m2

RENT_THEN_SELL = "rent_then_sell"  # 允许先租后售
RENT_ONLY = "rent_only"  # 只租不售
TYPE_LABELS = {RENT_THEN_SELL: "允许先租后售", RENT_ONLY: "只租不售"}

SOURCING_METHODS = {
    1: "购买商品住房",
    2: "收购符合条件且手续完备、债务清晰的在建住宅项目",
    3: "利用新供应国有建设用地建设",
    4: "商品住房项目配建并移交政府持有或开发商自持",
    5: "房地产开发企业未售商品住房申请纳入",
    6: "企事业单位在依法取得使用权的土地上经审批建设",
    7: "利用集体经营性建设用地和产业园区配套用地经审批建设",
    8: "闲置和低效利用的非居住存量房屋改建、改造",
}

AREA_OK = "ok"
AREA_WARNING = "warning"  # allowed, but above the 原则上 guide: the reason must be recorded
AREA_REFUSED = "refused"


@rule(
    cites=[f"{DOC} 第六条第二款", f"{DOC} 第六条第三款", f"{DOC} 第七条"],
    summary="第一项至第五项方式筹集的允许先租后售，第六项至第八项只租不售；项目认定书载明",
)
def project_type(sourcing_method: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """The type a recognition certificate states, from the sourcing method of 第六条 (1–8)."""
    method = np.asarray(sourcing_method, dtype=np.int64)
    if ((method < 1) | (method > 8)).any():
        raise fail("sourcing_method", "应为第六条第（一）项至第（八）项之一（1–8）。")
    return np.where(method <= 5, RENT_THEN_SELL, RENT_ONLY)


def project_type_one(sourcing_method: int, trace: Trace = NO_TRACE) -> str:
    kind = str(project_type([sourcing_method])[0])
    trace.step(
        "project_type",
        f"{DOC} 第六条第二款" if kind == RENT_THEN_SELL else f"{DOC} 第六条第三款",
        {"sourcing_method": sourcing_method},
        kind,
        f"以第六条第（{sourcing_method}）项方式（{SOURCING_METHODS[sourcing_method]}）筹集的房源"
        f"{TYPE_LABELS[kind]}。",
    )
    return kind


@rule(cites=[f"{DOC} 第八条第一款", f"{DOC} 第八条第二款"], summary="单套建筑面积标准")
def unit_area_check(
    housing_type: npt.ArrayLike,
    area_centi_m2: npt.ArrayLike,
    started_or_converted: npt.ArrayLike,
    on: npt.ArrayLike,
    *,
    params: ParameterTree | None = None,
) -> dict[str, np.ndarray]:
    """Each unit's area against 第八条: `status` ok / warning / refused and the limit that decided it.

    Rent-then-sell: above 90 m² (原则上控制在90平方米左右) is a warning, above 140 m² refused. Rent-only: up to
    70 m²; above 70 m² refused unless building had started or existing housing was converted, then up to
    90 m². A limit itself is allowed (不超过 = at most).
    """
    tree = params or parameters()
    kind = np.asarray(housing_type)
    area = np.asarray(area_centi_m2, dtype=np.int64)
    started = np.asarray(started_or_converted, dtype=bool)
    days = as_days(on, field="on")
    if days.size:
        in_force(tree, "area.rent_then_sell.max", days.min().astype(object), field="on")
    if not np.isin(kind, [RENT_THEN_SELL, RENT_ONLY]).all():
        raise fail("housing_type", "应为允许先租后售（rent_then_sell）或只租不售（rent_only）。")
    if (area <= 0).any():
        raise fail("area_m2", "建筑面积必须大于零。")
    sell_guide = param_centi_m2(tree, "area.rent_then_sell.guide", days)
    sell_max = param_centi_m2(tree, "area.rent_then_sell.max", days)
    only_max = param_centi_m2(tree, "area.rent_only.max", days)
    only_max_started = param_centi_m2(tree, "area.rent_only.max_started_or_converted", days)
    sell = kind == RENT_THEN_SELL
    limit = np.where(sell, sell_max, np.where(started, only_max_started, only_max))
    status = np.where(area > limit, AREA_REFUSED, AREA_OK).astype("<U8")
    status[sell & (area > sell_guide) & (area <= sell_max)] = AREA_WARNING
    return {"status": status, "limit_centi_m2": limit}


def unit_area_message(
    kind: str, area: int, started: bool, status: str, limit: int, guide: int | None = 9000
) -> str:
    if kind == RENT_THEN_SELL:
        if status == AREA_REFUSED:
            return f"允许先租后售房源单套建筑面积{format_m2(area)}平方米，超过最大建筑面积{format_m2(limit)}平方米。"
        if status == AREA_WARNING:
            return (
                f"允许先租后售房源单套建筑面积{format_m2(area)}平方米，超过原则上控制的"
                f"{format_m2(guide or 0)}平方米左右（最大{format_m2(limit)}平方米以内），请记录理由。"
            )
        return (
            f"允许先租后售房源单套建筑面积{format_m2(area)}平方米，不超过原则上控制的"
            f"{format_m2(guide or 0)}平方米，符合第八条第一款。"
        )
    what = "已开工建设或由现有建成住房转化的只租不售房源" if started else "只租不售房源"
    if status == AREA_REFUSED:
        return f"{what}单套建筑面积{format_m2(area)}平方米，超过{format_m2(limit)}平方米。"
    return f"{what}单套建筑面积{format_m2(area)}平方米，不超过{format_m2(limit)}平方米，符合第八条第二款。"


@rule(cites=f"{DOC} 第十条", summary="租金原则上不高于同地段、同品质租赁住房市场租金的70%")
def rent_cap(
    market_rent_fen: npt.ArrayLike, on: npt.ArrayLike, *, params: ParameterTree | None = None
) -> np.ndarray:
    """The highest rent allowed (fen): 70% of the market rent, rounded **down** to the fen — a cap is
    'not higher than', so the allowed rent may never exceed 70% even by half a fen."""
    tree = params or parameters()
    market = np.asarray(market_rent_fen, dtype=np.int64)
    if (market <= 0).any():
        raise fail("market_rent_fen", "市场租金必须大于零。")
    nums, dens = tree.get_ratio_arrays("rent.cap_ratio", as_days(on, field="on"))
    return (market * nums) // dens


def rent_within_cap(
    rent_fen: npt.ArrayLike,
    market_rent_fen: npt.ArrayLike,
    on: npt.ArrayLike,
    *,
    params: ParameterTree | None = None,
) -> np.ndarray:
    rent = np.asarray(rent_fen, dtype=np.int64)
    if (rent <= 0).any():
        raise fail("rent_fen", "租金必须大于零。")
    return rent <= rent_cap(market_rent_fen, on, params=params)


def rent_cap_ratio_bound(params: ParameterTree | None = None) -> Fraction:
    """The highest cap ratio any dated value of `rent.cap_ratio` sets (70% today). The database constraint on
    units is built from it, so the figure lives in the parameter file only; the services check each unit
    against the value in force on its date, which can only be lower or equal."""
    tree = params or parameters()
    return max(Fraction(v.value) for v in tree.parameter("rent.cap_ratio").values)


@rule(cites=f"{DOC} 第十条", summary="租金标准原则上3年评估一次")
def reappraisal_due(appraised_on: dt.date, *, params: ParameterTree | None = None) -> dt.date:
    """The date the rent must be appraised again: 3 years counted from the appraisal (the appraisal day not
    counted, 民法典 第二百零一条), ending on the corresponding day or, without one, the month's last day
    (第二百零二条): 2023-05-10 → 2026-05-10, 2024-02-29 → 2027-02-28."""
    tree = params or parameters()
    years = in_force(tree, "rent.reappraisal_years", appraised_on, field="appraised_on")
    return anniversary(appraised_on, years=years)


@dataclass(frozen=True)
class AreaCheck:
    """One unit's area against 第八条, with the reason and the paragraph that decided it."""

    housing_type: str
    started_or_converted: bool
    area_centi_m2: int
    status: str  # ok / warning / refused
    limit_centi_m2: int
    guide_centi_m2: int | None  # 允许先租后售: 原则上控制在90平方米左右
    message: str
    citation: str
    warning: str  # validity of the document on the date checked

    @property
    def within(self) -> bool:
        return self.status != AREA_REFUSED


def check_unit_area(
    housing_type: str,
    area_centi_m2: int,
    started_or_converted: bool,
    on: dt.date,
    *,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> AreaCheck:
    """`unit_area_check` for one unit with the Chinese reason (for the API's area check and the admin)."""
    tree = params or parameters()
    day = np.array([on], dtype="datetime64[D]")
    out = unit_area_check([housing_type], [area_centi_m2], [started_or_converted], day, params=tree)
    status, limit = str(out["status"][0]), int(out["limit_centi_m2"][0])
    # started/converted only matters for rent-only units (第八条第二款)
    started = bool(started_or_converted) and housing_type == RENT_ONLY
    citation = f"{DOC} 第八条第一款" if housing_type == RENT_THEN_SELL else f"{DOC} 第八条第二款"
    guide = (
        int(param_centi_m2(tree, "area.rent_then_sell.guide", day)[0])
        if housing_type == RENT_THEN_SELL
        else None
    )
    message = unit_area_message(housing_type, area_centi_m2, started, status, limit, guide)
    trace.step(
        "unit_area",
        citation,
        {
            "housing_type": housing_type,
            "area_m2": format_m2(area_centi_m2),
            "started_or_converted": started,
            "limit_m2": format_m2(limit),
        },
        status,
        message,
    )
    return AreaCheck(
        housing_type, started, area_centi_m2, status, limit, guide, message, citation, validity_warning(on)
    )
