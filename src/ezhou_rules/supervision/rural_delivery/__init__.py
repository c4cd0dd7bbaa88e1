"""鄂州政办发〔2022〕28号 (加快推进农村寄递物流体系建设实施方案): the rules beside its tasks.

The 15 tasks of 三 are data in ``plan.yaml``, read by the generic engine
(``ezhou_rules.supervision.tasks.load_tasks("rural_delivery")``). This package adds the three-level network of
二: jurisdictions (``jurisdictions``), sites with their operators, functions and dated states (``sites``), the
coverage engine, its time series and tree (``coverage``), and the phases of 四 (``phase_on``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ezhou_rules.core.citations import REGISTRY, cite, rule
from ezhou_rules.core.params import ParameterTree, load_parameters
from ezhou_rules.library import Library, default_library

from ..errors import SupervisionError
from ..model import plain
from ..phases import Phase, PhaseAnswer, phase_on, read_phases
from ..plans import plan_spec

DOCUMENT = "鄂州政办发〔2022〕28号"
SLUG = "rural_delivery"
PARAMETER_FILE = Path(__file__).parent / "parameters" / "rural_delivery.yaml"
LEVELS = ("district", "township", "village")
LEVEL_LABELS = {"district": "区", "township": "乡镇", "village": "村"}

__all__ = [
    "DOCUMENT",
    "LEVELS",
    "LEVEL_LABELS",
    "SLUG",
    "LevelSpec",
    "current_phase",
    "level_specs",
    "parameters",
    "phases",
]

# 一、指导思想 states the plan's direction and sets no task, unit, date or figure: declaratory. The policy
# library's coverage page lists it with this reason instead of leaving it "未实现".
REGISTRY.register(
    cite(f"{DOCUMENT} 一"),
    f"{__name__}.DECLARATORY.guiding_thought",
    "declaratory",
    "说明性内容：指导思想不设任务、单位、时限或数值；目标（二）、任务（三）和阶段（四）逐项督办",
)


@cache
def parameters() -> ParameterTree:
    return load_parameters(PARAMETER_FILE, name=SLUG)


@dataclass(frozen=True)
class LevelSpec:
    level: str
    label: str  # 乡镇寄递物流综合服务站
    unit_label: str  # 乡镇
    denominator: str  # 行政区（开发区不计）
    citation: str
    functions: tuple[str, ...]  # the services the gazette gives a site of this level
    exemption: str = ""  # where the gazette allows more than the per-unit norm


def _quoted(library: Library, place: str, quote: str) -> str:
    citation = f"{DOCUMENT} {place}"
    unit = library.resolve(citation)
    if plain(quote) not in plain(unit.plain_text):
        raise SupervisionError(
            "plan_quote_missing",
            f"{citation}中找不到“{quote}”，请核对 rural_delivery/plan.yaml。",
            field="原文",
        )
    return citation


@cache
def _default_level_specs() -> dict[str, LevelSpec]:
    return _read_levels(plan_spec(SLUG).data["levels"], default_library())


def _read_levels(raw: Mapping[str, Any], library: Library) -> dict[str, LevelSpec]:
    out = {}
    for level in LEVELS:
        spec = raw[level]
        citation = _quoted(library, spec["cite"], spec["quote"])
        functions = tuple(spec.get("functions") or ())
        if functions:
            _quoted(library, spec["cite"], spec["functions_quote"])
            missing = [f for f in functions if f not in spec["functions_quote"]]
            if missing:
                raise SupervisionError(
                    "plan_quote_missing",
                    f"{citation}：职能 {missing} 不在原文“{spec['functions_quote']}”中。",
                    field="职能",
                )
        exemption = ""
        if spec.get("exemption_cite"):
            exemption = _quoted(library, spec["exemption_cite"], spec["exemption_quote"])
        out[level] = LevelSpec(
            level, spec["label"], spec["unit_label"], spec["denominator"], citation, functions, exemption
        )
    return out


def level_specs(library: Library | None = None) -> dict[str, LevelSpec]:
    """The three levels of 二, each quote checked against the gazette."""
    if library is None:
        return _default_level_specs()
    return _read_levels(plan_spec(SLUG).data["levels"], library)


def phases(library: Library | None = None) -> tuple[Phase, ...]:
    doc = (library or default_library()).document(SLUG)
    return read_phases(doc, plan_spec(SLUG).data.get("phases", "sec4"))


@rule(
    cites=[f"{DOCUMENT} 四（一）", f"{DOCUMENT} 四（二）", f"{DOCUMENT} 四（三）"],
    summary="实施步骤三个阶段；2022年9月同属两个阶段",
)
def current_phase(on: dt.date, library: Library | None = None) -> PhaseAnswer:
    """The phase(s) of 四 on a date (``GET /rural-delivery/phase?date=``)."""
    doc = (library or default_library()).document(SLUG)
    return phase_on(on, phases(library), doc.issued)
