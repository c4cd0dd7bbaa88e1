"""The facility register (第三条, 第十条 – 第十五条, 第二十一条 – 第二十三条): what a record must hold, the on-site
inspection checklist (第二十二条 separation and 非饮用水 labels, as data), and testing reminders (第二十三条).

第二十三条 says "定期" and no period: the interval is the facility's own (set when registering) or the dated
default `testing.interval_months` an administrator enters; with neither, the reminder is refused naming it.
The first test of a facility never tested falls one interval after it entered service (interpretation U10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from ezhou_rules.core.citations import REGISTRY, Citation, rule
from ezhou_rules.core.params import ParameterNotSet, ParameterTree

from . import DOCUMENT, PACKAGE_DIR, cite, parameters
from .common import add_months, as_days, cn_date, day_column, parse_hundredths
from .errors import UnconventionalWaterError, fail
from .projects import FACILITY_TYPES
from .sources import REFUSED, REVIEW, SourceDecision, check_source
from .uses import check_uses
from .violations import ACTS

CHECKLIST_FILE = PACKAGE_DIR / "checklists" / "inspection.yaml"


# -- the register record ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    kind: str  # sources.SOURCE_KINDS
    meets_standard: bool = False
    industry: str = ""


@dataclass(frozen=True)
class Facility:
    facility_id: str
    facility_type: str  # rainwater / reclaimed
    name: str
    operator: str  # 运行或经营管理单位；自建设施为所有权人或管理人（第二十一条）
    self_built: bool
    uses: tuple[str, ...]
    sources: tuple[SourceEntry, ...]
    capacity_m3_per_day: str  # decimal text, > 0
    location: str
    jurisdiction: str  # code in the platform's jurisdiction register
    testing_interval_months: int | None = None


@dataclass(frozen=True)
class FacilityCheck:
    capacity_m3x100_per_day: int
    uses: tuple[str, ...]
    sources: tuple[SourceDecision, ...]
    needs_review: tuple[SourceDecision, ...]  # sources the department must judge ("主要有")
    notes: tuple[str, ...]


def check_facility(facility: Facility, on: dt.date, params: ParameterTree | None = None) -> FacilityCheck:
    """Refuses (naming the field) a record the register cannot hold; a refused source cites 第十三条."""
    if facility.facility_type not in FACILITY_TYPES:
        raise fail(
            "facility_type_unknown",
            "facility_type",
            "应为 rainwater（雨水收集利用设施）或 reclaimed（再生水利用设施）。",
        )
    for name in ("name", "operator", "location", "jurisdiction"):
        if not str(getattr(facility, name) or "").strip():
            extra = "（第二十一条：运行管理单位，自建设施为所有权人或管理人）" if name == "operator" else ""
            raise fail(f"{name}_required", name, f"不能为空{extra}。")
    capacity = parse_hundredths(facility.capacity_m3_per_day, field="capacity_m3_per_day", unit="立方米/日")
    if capacity == 0:
        raise fail("capacity_zero", "capacity_m3_per_day", "设计规模应大于零。")
    uses = check_uses(facility.facility_type, facility.uses)
    if not facility.sources:
        raise fail("sources_required", "source_kind", "至少登记一种水源（第十三条、第十条）。")
    interval = facility.testing_interval_months
    if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int) or interval < 1):
        raise fail("interval_range", "interval_months", "检测周期应为不少于1的整月数。")
    decisions = []
    for s in facility.sources:
        d = check_source(
            facility.facility_type,
            s.kind,
            on=on,
            meets_standard=s.meets_standard,
            industry=s.industry,
            params=params,
        )
        if d.status == REFUSED:
            raise UnconventionalWaterError(
                "source_refused", f"水源（source_kind）：{d.explanation}", field="source_kind"
            )
        decisions.append(d)
    responsible = "所有权人或管理人" if facility.self_built else "运行或经营管理单位"
    notes = (
        f"{facility.operator}作为{responsible}负责设施的正常运行、管理和维护，并接受市水行政主管部门的监督管理（第二十一条）。",
    )
    return FacilityCheck(
        capacity, uses, tuple(decisions), tuple(d for d in decisions if d.status == REVIEW), notes
    )


# -- the inspection checklist (第二十二条 and others) ------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    question: str
    citation: str
    applies_to: tuple[str, ...]
    act: str = ""  # 第二十四条 act a "no" points to


@cache
def checklist() -> tuple[ChecklistItem, ...]:
    """The items of `checklists/inspection.yaml`, each citation registered (kind "check")."""
    data = yaml.safe_load(CHECKLIST_FILE.read_text(encoding="utf-8"))
    items = []
    for raw in data["items"]:
        citation = f"{data.get('document', DOCUMENT)} {raw['cite']}"
        Citation.parse(citation)
        act = str(raw.get("act") or "")
        if act and act not in ACTS:
            raise ValueError(f"{CHECKLIST_FILE}: {raw['key']} names an unknown act {act}")
        item = ChecklistItem(raw["key"], raw["question"], citation, tuple(raw["applies_to"]), act)
        REGISTRY.register(citation, f"{__name__}.checklist.{item.key}", "check", item.question)
        items.append(item)
    return tuple(items)


checklist()  # register the citations when the rules are imported


@dataclass(frozen=True)
class InspectionResult:
    passed: bool
    findings: tuple[tuple[str, str, str], ...]  # (item key, citation, Chinese finding) of every "no"
    suggested_acts: tuple[str, ...]  # 第二十四条 acts the "no" answers point to
    explanation: tuple[str, ...]
    items: list[dict[str, Any]] = field(default_factory=list)


def inspect(facility_type: str, answers: Mapping[str, bool], inspected_on: dt.date) -> InspectionResult:
    """An on-site inspection: every applicable item must be answered yes/no (refused naming the first missing
    one); each "no" is a finding with its article."""
    if facility_type not in FACILITY_TYPES:
        raise fail("facility_type_unknown", "facility_type", "应为 rainwater 或 reclaimed。")
    applicable = [i for i in checklist() if facility_type in i.applies_to]
    known = {i.key for i in checklist()}
    for key in answers:
        if key not in known:
            raise fail("checklist_unknown", "checklist", f"检查项目“{key}”不在检查表中。")
    findings: list[tuple[str, str, str]] = []
    acts: list[str] = []
    items = []
    for item in applicable:
        answer = answers.get(item.key)
        if not isinstance(answer, bool):
            raise fail(
                "checklist_unanswered",
                "checklist",
                f"“{item.question}”未作答（{item.citation}），检查记录不完整。",
            )
        if not answer:
            findings.append(
                (item.key, item.citation, f"不符合：{item.question}（{item.citation.split(' ', 1)[1]}）。")
            )
            if item.act and item.act not in acts:
                acts.append(item.act)
        items.append(
            {"key": item.key, "question": item.question, "citation": item.citation, "answer": answer}
        )
    head = f"{cn_date(inspected_on)}检查{FACILITY_TYPES[facility_type]}，共{len(applicable)}项，"
    head += "全部符合。" if not findings else f"{len(findings)}项不符合。"
    lines = [head, *(f[2] for f in findings)]
    if acts:
        lines.append(
            "可能涉及第二十四条："
            + "、".join(f"第（{ACTS[a].item}）项{ACTS[a].label}" for a in acts)
            + "，由经办人员核实后记录。"
        )
    return InspectionResult(not findings, tuple(findings), tuple(acts), tuple(lines), items)


# -- testing reminders (第二十三条) ---------------------------------------------------------------------------------


@rule(cites=cite("第二十三条"), summary="定期检测水质：按检测周期计算下次应检测日期")
def water_testing_due(
    last_sampled_on: npt.ArrayLike,
    in_service_from: npt.ArrayLike,
    interval_months: npt.ArrayLike,
    on: dt.date,
    *,
    params: ParameterTree | None = None,
) -> dict[str, np.ndarray]:
    """Columns of facilities → `due_on` (last sample + interval; never tested: service start + interval),
    `overdue` (due before `on`) and `days_left` (negative when overdue). `interval_months` 0 = the default."""
    last = as_days(last_sampled_on, field="last_sampled_on")
    n = len(last)
    start = np.broadcast_to(as_days(in_service_from, field="in_service_from"), (n,))
    months = np.broadcast_to(np.asarray(interval_months, dtype=np.int64), (n,))
    if (months < 0).any():
        raise fail("interval_range", "interval_months", "检测周期不能为负数。")
    if (months == 0).any():
        tree = params or parameters()
        try:
            default = int(tree.get("testing.interval_months", on))
        except ParameterNotSet:
            raise UnconventionalWaterError(
                "testing_interval_not_set",
                f"检测周期（interval_months）：第二十三条只规定“定期”检测，本设施未登记检测周期，"
                f"默认周期（参数 testing.interval_months）也未录入{on.year}年的取值；请管理员录入后再计算提醒。",
                field="interval_months",
            ) from None
        months = np.where(months == 0, default, months)
    base = np.where(np.isnat(last), start, last)
    if np.isnat(base).any():
        raise fail("service_start_missing", "last_sampled_on", "从未检测的设施须有投入运行（纳入监管）日期。")
    due = add_months(base, months)
    today = np.datetime64(on, "D")
    days_left = (due - today).astype(np.int64)
    return {"due_on": due, "overdue": days_left < 0, "days_left": days_left}


def water_testing_reminder(
    facility: Facility,
    last_sampled_on: dt.date | None,
    in_service_from: dt.date,
    on: dt.date,
    params: ParameterTree | None = None,
) -> dict[str, Any]:
    """One facility's next test, explained."""
    out = water_testing_due(
        day_column(last_sampled_on),
        day_column(in_service_from),
        [facility.testing_interval_months or 0],
        on,
        params=params,
    )
    due = out["due_on"][0].astype(object)
    days = int(out["days_left"][0])
    basis = (
        f"上次采样{cn_date(last_sampled_on)}"
        if last_sampled_on
        else f"自{cn_date(in_service_from)}投入运行起尚未检测"
    )
    state = f"已逾期{-days}天" if days < 0 else f"还有{days}天"
    return {
        "facility_id": facility.facility_id,
        "due_on": due,
        "overdue": days < 0,
        "days_left": days,
        "citation": cite("第二十三条"),
        "explanation": f"{facility.name}：{basis}，下次应于{cn_date(due)}前委托有资质的检测机构检测并报备（第二十三条），{state}。",
    }
