"""The 18 measures as a catalogue (``GET /api/v1/subsidies/measures``): for each, its title, whether the
system computes it or only tracks it, who pays, the responsible units, its parts, and every parameter with
its value on a date and where that value comes from. Measures the text gives no computation for (六, 十, 十一,
十三, 十四, 十七, 十八, and 七's aviation reward) carry their tracked actions and no numbers.

Tracking records (what was done, by whom, when) are checked here: the unit must be one of the measure's
responsible units, so progress reports to the 发改委 (closing paragraph) stay tied to the text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ezhou_rules.core.params import ParameterNotSet, ParameterTree

from . import DOCUMENT, MEASURES, cite, measure_key, measure_name, parameters
from .components import COMPONENTS
from .errors import SubsidyError


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class ParameterInfo:
    name: str
    description: str
    unit: str
    value: Any  # None while a configurable value has not been entered
    reference: str
    configurable: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "unit": self.unit,
            "value": _plain(self.value),
            "reference": self.reference,
            "configurable": self.configurable,
        }


@dataclass
class MeasureInfo:
    number: int
    name: str  # 第五条
    title: str
    kind: str  # computed | tracking
    payer: str | None  # city | territory | none; None for tracked measures
    responsible_units: list[str]
    citation: str
    anchor: str
    components: list[dict[str, str]] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    parameters: list[ParameterInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "payer": self.payer,
            "responsible_units": self.responsible_units,
            "citation": self.citation,
            "anchor": self.anchor,
            "components": self.components,
            "tracking": self.tracking,
            "parameters": [p.to_dict() for p in self.parameters],
        }


def _parameters(tree: ParameterTree, prefix: str, on: dt.date) -> list[ParameterInfo]:
    out = []
    skip = {"title", "kind", "payer", "responsible_units", "tracking"}
    for name in tree.names():
        if not name.startswith(prefix) or name[len(prefix) :] in skip:
            continue
        param = tree.parameter(name)
        try:
            entry = tree.entry(name, on)
            value, reference = entry.value, entry.reference
        except ParameterNotSet:
            value, reference = None, "尚未录入"
        out.append(ParameterInfo(name, param.description, param.unit, value, reference, param.configurable))
    return out


def measure_info(number: int, on: dt.date, params: ParameterTree | None = None) -> MeasureInfo:
    if number not in MEASURES:
        raise SubsidyError(
            "unknown_measure", f"{DOCUMENT}只有第一至第十八条措施，没有第{number}条。", field="measure"
        )
    tree = params or parameters()
    group = measure_key(number)
    kind = tree.get(f"{group}.kind", on)
    tracking = list(tree.get(f"{group}.tracking", on)) if f"{group}.tracking" in tree else []
    budget = f"budget.{group}"
    params_list = _parameters(tree, f"{group}.", on)
    if budget in tree:
        params_list += _parameters(tree, budget, on)
    return MeasureInfo(
        number=number,
        name=measure_name(number),
        title=tree.get(f"{group}.title", on),
        kind=kind,
        payer=tree.get(f"{group}.payer", on) if f"{group}.payer" in tree else None,
        responsible_units=list(tree.get(f"{group}.responsible_units", on)),
        citation=cite(number),
        anchor=f"sec{number}",
        components=[{"code": c.code, "title": c.title} for c in COMPONENTS.values() if c.measure == number],
        tracking=tracking,
        parameters=params_list,
    )


def catalogue(on: dt.date, params: ParameterTree | None = None) -> list[MeasureInfo]:
    """All 18 measures as in force on ``on``."""
    return [measure_info(n, on, params) for n in MEASURES]


@dataclass(frozen=True)
class TrackingRecord:
    measure: int
    unit: str  # a responsible unit of the measure
    done_on: dt.date
    action: str  # what was done
    item: str = ""  # which tracked item of the measure, if it has a list


def check_tracking_record(
    record: TrackingRecord, on: dt.date, params: ParameterTree | None = None
) -> TrackingRecord:
    """A progress record for a measure: the unit must be responsible for it, the action said, the date not after
    ``on`` (the day it is recorded), and a named item must be one of the measure's tracked items."""
    info = measure_info(record.measure, on, params)
    if record.unit not in info.responsible_units:
        raise SubsidyError(
            "unit_not_responsible",
            f"“{record.unit}”不是{info.name}的责任单位（{'、'.join(info.responsible_units)}）。",
            field="unit",
            label="责任单位",
        )
    if not record.action.strip():
        raise SubsidyError(
            "action_required", "请填写落实情况（做了什么）。", field="action", label="落实情况"
        )
    if record.done_on > on:
        raise SubsidyError("done_in_future", "落实日期不能晚于登记日期。", field="done_on", label="落实日期")
    if record.item and record.item not in info.tracking:
        raise SubsidyError(
            "unknown_item", f"“{record.item}”不是{info.name}的跟踪事项。", field="item", label="跟踪事项"
        )
    return record
