"""The acts forbidden by 第二十四条 and how they are handled (第二十五条).

第二十四条: 任何单位和个人不得进行下列行为：（一）擅自占压、拆卸、移动、穿凿、堵塞非常规水资源利用设施；（二）互相
连接非常规水资源与自来水管道；（三）改变非常规水资源用途；（四）擅自接入公共非常规水资源利用管网；（五）提取公共
河道中由非常规水资源利用经营单位提供的景观用水；（六）其他损坏非常规水资源利用设施的行为。
第二十五条: 违反本办法规定的，按有关法律法规规章进行处理。

Which laws apply to each act the text does not say: they are configuration (`violations.handled_under.<act>`,
a dated list an administrator enters with its source). A finding of an act is recorded without them; the
step that hands it over for handling (`handling_basis`) refuses until they are entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ezhou_rules.core.citations import REGISTRY
from ezhou_rules.core.params import ParameterNotSet, ParameterTree

from . import cite, parameters
from .common import cn_date
from .errors import UnconventionalWaterError, fail


@dataclass(frozen=True)
class Act:
    code: str
    item: int  # 第二十四条第（item）项
    label: str

    @property
    def citation(self) -> str:
        return cite(f"第二十四条第（{'一二三四五六'[self.item - 1]}）项")

    @property
    def parameter(self) -> str:
        return f"violations.handled_under.{self.code}"


ACTS: dict[str, Act] = {
    a.code: a
    for a in (
        Act("occupy_dismantle", 1, "擅自占压、拆卸、移动、穿凿、堵塞非常规水资源利用设施"),
        Act("cross_connection", 2, "互相连接非常规水资源与自来水管道"),
        Act("change_of_use", 3, "改变非常规水资源用途"),
        Act("unauthorised_connection", 4, "擅自接入公共非常规水资源利用管网"),
        Act("landscape_water_extraction", 5, "提取公共河道中由非常规水资源利用经营单位提供的景观用水"),
        Act("other_damage", 6, "其他损坏非常规水资源利用设施的行为"),
    )
}
for _a in ACTS.values():
    REGISTRY.register(_a.citation, f"{__name__}.ACTS.{_a.code}", "check", f"禁止{_a.label}")
REGISTRY.register(
    cite("第二十五条"), f"{__name__}.handling_basis", "check", "违反本办法的按有关法律法规规章处理"
)


def act(code: str) -> Act:
    if code not in ACTS:
        raise fail(
            "act_unknown",
            "act",
            f"“{code}”不是第二十四条所列行为；应为{'、'.join(f'{k}（第（{a.item}）项）' for k, a in ACTS.items())}之一。",
        )
    return ACTS[code]


def handling_basis(code: str, on: dt.date, params: ParameterTree | None = None) -> tuple[str, ...]:
    """The laws, regulations and rules an act found on `on` is handled under (第二十五条); refused until an
    administrator has entered them for that date."""
    a = act(code)
    tree = params or parameters()
    try:
        laws = tree.get(a.parameter, on)
    except ParameterNotSet:
        raise UnconventionalWaterError(
            "handling_law_not_entered",
            f"第二十四条第（{'一二三四五六'[a.item - 1]}）项“{a.label}”据以处理的法律法规规章尚未录入"
            f"（第二十五条只写“按有关法律法规规章进行处理”）；请管理员录入{on.year}年适用的条款及其来源"
            f"（参数 {a.parameter}）后再移交处理。",
            field="act",
        ) from None
    return tuple(laws)


@dataclass(frozen=True)
class ViolationRecord:
    act: str
    label: str
    citation: str
    found_on: dt.date
    party: str  # 单位或个人
    facility_id: str
    description: str
    evidence: str
    handled_under: tuple[str, ...]  # empty until the laws are entered (see handling_basis)
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["found_on"] = self.found_on.isoformat()
        d["handled_under"] = list(self.handled_under)
        return d


def record_violation(
    code: str,
    found_on: dt.date,
    party: str,
    description: str,
    evidence: str,
    *,
    facility_id: str = "",
    params: ParameterTree | None = None,
) -> ViolationRecord:
    """A finding of one act of 第二十四条, checked: the act, the day, who, what was seen and the evidence."""
    a = act(code)
    if isinstance(found_on, dt.datetime) or not isinstance(found_on, dt.date):
        raise fail("found_on_format", "found_on", "发现日期应为日期（YYYY-MM-DD）。")
    for name, value in (("party", party), ("description", description), ("evidence", evidence)):
        if not value.strip():
            what = {"party": "当事单位或个人", "description": "违法事实", "evidence": "证据材料"}[name]
            raise UnconventionalWaterError(
                f"{name}_required", f"{what}（{name}）：不能为空（第二十四条）。", field=name
            )
    try:
        laws = handling_basis(code, found_on, params)
    except UnconventionalWaterError:
        laws = ()
    basis = "、".join(laws) if laws else "据以处理的法律法规规章尚待录入（第二十五条）"
    text = f"{cn_date(found_on)}发现{party.strip()}{a.label}，违反第二十四条第（{'一二三四五六'[a.item - 1]}）项；处理依据：{basis}。"
    return ViolationRecord(
        code,
        a.label,
        a.citation,
        found_on,
        party.strip(),
        facility_id,
        description.strip(),
        evidence.strip(),
        laws,
        text,
    )
