"""Uses of unconventional water and the water-quality standards each must meet (第十一条, 第十八条).

第十八条: （一）道路清洁、消防、城市绿化、建筑施工、车辆清洗、厕所冲洗等城市杂用水 → GB/T18920-2020，其中城市绿化
中的绿地用水 → GB/T25499-2010；（二）娱乐性、观赏性景观环境用水 → GB/T18921-2019；（三）农业灌溉用水 →
GB5084-2021、GB20922-2007；（四）工业领域的冷却洗涤、锅炉工业用水 → SL368-2006、GB/T19923-2005。
再生水用于多种用途时，其水质标准应当按最高要求确定。

第十一条 (rainwater): 水质应当根据用途决定，除达到GB50400-2016规定水质标准外，还应当符合国家现行相关标准；有多
用途的，按最高水质标准要求确定. "国家现行相关标准" are read as the standards 第十八条 names for the same use
(interpretation U5), so a rainwater use needs GB 50400-2016 and those.

Where an item lists two standards with "、", both apply. 绿地用水 is under GB/T 25499-2010 only: the article
names it as the exception ("其中") to GB/T 18920 (interpretation U4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ezhou_rules.core.citations import REGISTRY

from . import cite
from .errors import fail
from .projects import FACILITY_TYPES, RAINWATER

GB_T_18920 = "GB/T 18920-2020"
GB_T_25499 = "GB/T 25499-2010"
GB_T_18921 = "GB/T 18921-2019"
GB_5084 = "GB 5084-2021"
GB_20922 = "GB 20922-2007"
SL_368 = "SL 368-2006"
GB_T_19923 = "GB/T 19923-2005"
GB_50400 = "GB 50400-2016"

STANDARD_TITLES: dict[str, str] = {
    GB_T_18920: "城市污水再生利用 城市杂用水水质",
    GB_T_25499: "城市污水再生利用 绿地灌溉水质",
    GB_T_18921: "城市污水再生利用 景观环境用水水质",
    GB_5084: "农田灌溉水质标准",
    GB_20922: "城市污水再生利用 农田灌溉用水水质",
    SL_368: "再生水水质标准",
    GB_T_19923: "城市污水再生利用 工业用水水质",
    GB_50400: "建筑与小区雨水控制及利用工程技术规范",
}


@dataclass(frozen=True)
class Use:
    key: str
    label: str
    category: str  # the item of 第十八条 it belongs to
    standards: tuple[str, ...]
    citation: str
    rainwater_category: str  # 第十一条第一款: 农业灌溉、工业用水、生活杂用水、城市景观生态用水


USES: dict[str, Use] = {
    u.key: u
    for u in (
        Use(
            "toilet_flushing",
            "厕所冲洗",
            "城市杂用水",
            (GB_T_18920,),
            cite("第十八条第（一）项"),
            "生活杂用水",
        ),
        Use(
            "vehicle_washing",
            "车辆清洗",
            "城市杂用水",
            (GB_T_18920,),
            cite("第十八条第（一）项"),
            "生活杂用水",
        ),
        Use(
            "road_cleaning", "道路清洁", "城市杂用水", (GB_T_18920,), cite("第十八条第（一）项"), "生活杂用水"
        ),
        Use("fire_fighting", "消防", "城市杂用水", (GB_T_18920,), cite("第十八条第（一）项"), "生活杂用水"),
        Use(
            "construction", "建筑施工", "城市杂用水", (GB_T_18920,), cite("第十八条第（一）项"), "生活杂用水"
        ),
        Use(
            "urban_greening",
            "城市绿化（绿地用水以外）",
            "城市杂用水",
            (GB_T_18920,),
            cite("第十八条第（一）项"),
            "城市景观生态用水",
        ),
        Use(
            "green_space_irrigation",
            "绿地用水",
            "城市杂用水",
            (GB_T_25499,),
            cite("第十八条第（一）项"),
            "城市景观生态用水",
        ),
        Use(
            "landscape_recreational",
            "娱乐性景观环境用水",
            "景观环境用水",
            (GB_T_18921,),
            cite("第十八条第（二）项"),
            "城市景观生态用水",
        ),
        Use(
            "landscape_ornamental",
            "观赏性景观环境用水",
            "景观环境用水",
            (GB_T_18921,),
            cite("第十八条第（二）项"),
            "城市景观生态用水",
        ),
        Use(
            "agricultural_irrigation",
            "农业灌溉用水",
            "农业灌溉用水",
            (GB_5084, GB_20922),
            cite("第十八条第（三）项"),
            "农业灌溉",
        ),
        Use(
            "industrial_cooling",
            "工业冷却用水",
            "工业用水",
            (SL_368, GB_T_19923),
            cite("第十八条第（四）项"),
            "工业用水",
        ),
        Use(
            "industrial_washing",
            "工业洗涤用水",
            "工业用水",
            (SL_368, GB_T_19923),
            cite("第十八条第（四）项"),
            "工业用水",
        ),
        Use(
            "industrial_boiler",
            "锅炉工业用水",
            "工业用水",
            (SL_368, GB_T_19923),
            cite("第十八条第（四）项"),
            "工业用水",
        ),
    )
}

for _u in USES.values():
    REGISTRY.register(
        _u.citation, f"{__name__}.USES.{_u.key}", "rule", f"{_u.label}须符合{'、'.join(_u.standards)}"
    )
REGISTRY.register(
    cite("第十一条第二款"),
    f"{__name__}.required_standards",
    "rule",
    "雨水水质除达到GB50400-2016外还应符合国家现行相关标准",
)
REGISTRY.register(
    cite("第十一条第三款"), f"{__name__}.required_standards", "rule", "雨水多用途的按最高水质标准要求确定"
)
REGISTRY.register(
    cite("第十八条第二款"), f"{__name__}.required_standards", "rule", "再生水多用途的按最高要求确定"
)


@dataclass(frozen=True)
class Requirement:
    """One standard one use must meet, with the article that says so."""

    standard: str
    use: str
    citation: str

    @property
    def use_label(self) -> str:
        return USES[self.use].label


def check_uses(facility_type: str, uses: Iterable[str]) -> tuple[str, ...]:
    """The uses, validated and without repeats (order kept); refused naming the unknown one."""
    if facility_type not in FACILITY_TYPES:
        raise fail(
            "facility_type_unknown",
            "facility_type",
            "应为 rainwater（雨水收集利用设施）或 reclaimed（再生水利用设施）。",
        )
    out: list[str] = []
    for i, use in enumerate(uses):
        if use not in USES:
            raise fail(
                "use_unknown",
                f"uses[{i}]",
                f"“{use}”不是第十一条、第十八条所列用途；应为{'、'.join(f'{k}（{u.label}）' for k, u in USES.items())}之一。",
            )
        if use not in out:
            out.append(use)
    if not out:
        raise fail("uses_required", "uses", "至少填写一种供水用途（第十一条、第十八条按用途确定水质标准）。")
    return tuple(out)


def required_standards(facility_type: str, uses: Iterable[str]) -> list[Requirement]:
    """Every (standard, use) pair the water of a facility must meet: 第十八条 per use, and for rainwater
    GB 50400-2016 for every use in addition (第十一条第二款)."""
    out: list[Requirement] = []
    for use in check_uses(facility_type, uses):
        u = USES[use]
        if facility_type == RAINWATER:
            out.append(Requirement(GB_50400, use, cite("第十一条第二款")))
            out += [Requirement(s, use, cite("第十一条第二款")) for s in u.standards]
        else:
            out += [Requirement(s, use, u.citation) for s in u.standards]
    return out
