"""三同时 of a project's unconventional-water facility (第六条, 第九条, 第十七条) as pure checks on dated events.

第六条: 同时设计、同时施工、同时投入使用。项目建设前，应当到市水行政主管部门备案；竣工前，由市水行政主管部门
参加建设单位组织的相关分部分项工程验收工作，并将相关设施纳入日常监管。
第十七条: 再生水利用系统的设计单位应当具备相应的资质和设计能力。

"前" is read strictly on calendar days (interpretation U2): a filing on the day construction starts, or an
acceptance on the day of completion, is not shown to come before it. The events reduce to columns (the
earliest date of each kind) and `three_simultaneous_batch` decides every project at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite
from .common import cn_date, day_column
from .errors import fail

RAINWATER = "rainwater"
RECLAIMED = "reclaimed"
FACILITY_TYPES = {RAINWATER: "雨水收集利用设施", RECLAIMED: "再生水利用设施"}

EVENT_KINDS: dict[str, str] = {
    "filed": "到市水行政主管部门备案",
    "designed": "确定设计单位",
    "construction_started": "开工建设",
    "acceptance": "相关分部分项工程验收",
    "completed": "竣工",
}
_ONCE = ("filed", "designed", "construction_started", "completed")

# states, in the order a project passes them
STATES: dict[str, str] = {
    "not_filed": "待备案",
    "filed": "已备案，待开工",
    "under_construction": "施工中",
    "accepted": "已验收，待竣工",
    "completed_unaccepted": "已竣工，未经市水行政主管部门参加验收",
    "supervised": "已纳入日常监管",
}
_STATE_CODES = list(STATES)


@dataclass(frozen=True)
class Violation:
    code: str
    label: str
    citation: str


VIOLATIONS: dict[str, Violation] = {
    v.code: v
    for v in (
        Violation(
            "construction_before_filing",
            "项目建设前未到市水行政主管部门备案（先开工后备案或未备案）",
            cite("第六条"),
        ),
        Violation("designer_missing", "开工时未记录设计单位（未同时设计）", cite("第六条")),
        Violation("designer_unqualified", "再生水利用系统的设计单位未记录资质", cite("第十七条")),
        Violation("acceptance_without_department", "分部分项工程验收无市水行政主管部门参加", cite("第六条")),
        Violation("completed_without_acceptance", "竣工前未经市水行政主管部门参加验收", cite("第六条")),
    )
}
_VIOLATION_BITS = {code: 1 << i for i, code in enumerate(VIOLATIONS)}


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")


def _col(values: npt.ArrayLike | None, n: int) -> np.ndarray:
    if values is None:
        return _nat(n)
    return np.broadcast_to(np.asarray(values).astype("datetime64[D]"), (n,))


@rule(
    cites=[cite("第六条"), cite("第十七条")],
    summary="三同时：建设前备案、同时设计、竣工前部门参加验收、纳入日常监管",
)
def three_simultaneous_batch(
    facility_type: npt.ArrayLike,
    filed_on: npt.ArrayLike | None,
    designed_on: npt.ArrayLike | None,
    designer_qualified: npt.ArrayLike,
    construction_started_on: npt.ArrayLike | None,
    accepted_on: npt.ArrayLike | None,
    acceptance_without_department: npt.ArrayLike,
    completed_on: npt.ArrayLike | None,
) -> dict[str, np.ndarray]:
    """Columns of projects (missing dates NaT) → `state` code and `violations` bit mask (see VIOLATIONS order),
    and `supervised_from` (the completion date once accepted with the department before it).

    `accepted_on`: the earliest acceptance the department took part in; `acceptance_without_department`: any
    acceptance recorded without it. Dates must be in order where the facts force it (checked by the caller
    for one project, see `project_status`)."""
    ftype = np.atleast_1d(np.asarray(facility_type)).astype(str)
    n = len(ftype)
    if not np.isin(ftype, list(FACILITY_TYPES)).all():
        raise fail(
            "facility_type_unknown",
            "facility_type",
            "应为 rainwater（雨水收集利用设施）或 reclaimed（再生水利用设施）。",
        )
    filed, designed = _col(filed_on, n), _col(designed_on, n)
    started, accepted, completed = (
        _col(construction_started_on, n),
        _col(accepted_on, n),
        _col(completed_on, n),
    )
    qualified = np.broadcast_to(np.asarray(designer_qualified, dtype=bool), (n,))
    without_dept = np.broadcast_to(np.asarray(acceptance_without_department, dtype=bool), (n,))
    has = {
        name: ~np.isnat(col)
        for name, col in (("f", filed), ("d", designed), ("s", started), ("a", accepted), ("c", completed))
    }

    bits = np.zeros(n, dtype=np.int64)
    # 项目建设前备案: a start with no filing, or a filing not on an earlier day
    late_filing = has["s"] & (~has["f"] | (filed >= started))
    bits |= np.where(late_filing, _VIOLATION_BITS["construction_before_filing"], 0)
    # 同时设计: the designer recorded by the day construction starts
    no_designer = has["s"] & (~has["d"] | (designed > started))
    bits |= np.where(no_designer, _VIOLATION_BITS["designer_missing"], 0)
    # 第十七条: a reclaimed-water system's designer must hold the qualification (recorded)
    bits |= np.where(has["d"] & (ftype == RECLAIMED) & ~qualified, _VIOLATION_BITS["designer_unqualified"], 0)
    bits |= np.where(without_dept, _VIOLATION_BITS["acceptance_without_department"], 0)
    accepted_in_time = has["a"] & (~has["c"] | (accepted < completed))
    bits |= np.where(has["c"] & ~accepted_in_time, _VIOLATION_BITS["completed_without_acceptance"], 0)

    state = np.select(
        [has["c"] & accepted_in_time, has["c"], has["a"], has["s"], has["f"]],
        ["supervised", "completed_unaccepted", "accepted", "under_construction", "filed"],
        default="not_filed",
    )
    supervised_from = np.where(has["c"] & accepted_in_time, completed, np.datetime64("NaT"))
    return {"state": state, "violations": bits, "supervised_from": supervised_from}


def violation_codes(bits: int) -> list[str]:
    return [code for code, bit in _VIOLATION_BITS.items() if bits & bit]


@dataclass(frozen=True)
class ProjectEvent:
    """One dated fact of a project's facility. `designer`/`designer_qualification` for "designed";
    `department_present` for "acceptance" (市水行政主管部门参加)."""

    kind: str
    on: dt.date
    designer: str = ""
    designer_qualification: str = ""
    department_present: bool = False
    note: str = ""


@dataclass(frozen=True)
class FoundViolation:
    code: str
    label: str
    citation: str
    explanation: str
    on: dt.date | None  # the date of the event that shows it


@dataclass(frozen=True)
class ProjectStatus:
    state: str
    state_label: str
    violations: tuple[FoundViolation, ...]
    supervised_from: dt.date | None
    explanation: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "state_label": self.state_label,
            "supervised_from": self.supervised_from.isoformat() if self.supervised_from else None,
            "violations": [
                {
                    "code": v.code,
                    "label": v.label,
                    "citation": v.citation,
                    "explanation": v.explanation,
                    "on": v.on.isoformat() if v.on else None,
                }
                for v in self.violations
            ],
            "explanation": list(self.explanation),
        }


def _validate(events: Sequence[ProjectEvent]) -> dict[str, ProjectEvent]:
    first: dict[str, ProjectEvent] = {}
    for i, ev in enumerate(events):
        where = f"events[{i}]"
        if ev.kind not in EVENT_KINDS:
            raise fail(
                "event_kind_unknown",
                f"{where}.kind",
                f"未知事项“{ev.kind}”；应为{'、'.join(f'{k}（{v}）' for k, v in EVENT_KINDS.items())}之一。",
            )
        if isinstance(ev.on, dt.datetime) or not isinstance(ev.on, dt.date):
            raise fail("event_date", f"{where}.on", "应为日期（YYYY-MM-DD）。")
        if ev.kind in _ONCE and ev.kind in first:
            raise fail(
                "event_duplicate",
                f"{where}.kind",
                f"“{EVENT_KINDS[ev.kind]}”只能记录一次（第六条）；更正请修改原记录。",
            )
        if ev.kind == "designed" and not ev.designer.strip():
            raise fail(
                "designer_required", "designer", "记录设计时须填写设计单位（第六条 同时设计，第十七条）。"
            )
        first.setdefault(ev.kind, ev)
    started = first.get("construction_started")
    for kind in ("acceptance", "completed"):
        if first.get(kind) is not None and started is None:
            raise fail("event_order", "events", f"尚未记录开工，不能记录{EVENT_KINDS[kind]}。")
    if started is not None:
        for i, ev in enumerate(events):
            if ev.kind in ("acceptance", "completed") and ev.on < started.on:
                raise fail(
                    "event_order",
                    f"events[{i}].on",
                    f"{EVENT_KINDS[ev.kind]}日期{cn_date(ev.on)}早于开工日期{cn_date(started.on)}。",
                )
    return first


def project_status(
    facility_type: str, events: Sequence[ProjectEvent], trace: Trace = NO_TRACE
) -> ProjectStatus:
    """The state of one project's facility and the 三同时 violations its dated events show, explained."""
    first = _validate(events)
    acceptances = sorted((e for e in events if e.kind == "acceptance"), key=lambda e: e.on)
    with_dept = [e for e in acceptances if e.department_present]
    without_dept = [e for e in acceptances if not e.department_present]

    def on(kind: str) -> Any:
        ev = first.get(kind)
        return ev.on if ev else None

    designed = first.get("designed")
    out = three_simultaneous_batch(
        [facility_type],
        day_column(on("filed")),
        day_column(on("designed")),
        [bool(designed and designed.designer_qualification.strip())],
        day_column(on("construction_started")),
        day_column(with_dept[0].on if with_dept else None),
        [bool(without_dept)],
        day_column(on("completed")),
    )
    state = str(out["state"][0])
    bits = int(out["violations"][0])
    sup = out["supervised_from"][0]
    supervised_from = None if np.isnat(sup) else sup.astype(object)
    found: list[FoundViolation] = []
    for code in violation_codes(bits):
        v = VIOLATIONS[code]
        text, day = _explain(code, first, without_dept)
        found.append(FoundViolation(code, v.label, v.citation, text, day))
        trace.step("three_simultaneous", v.citation, {"code": code}, False, text)
    lines = [f"{FACILITY_TYPES[facility_type]}：{STATES[state]}。"]
    if supervised_from:
        lines.append(
            f"竣工前经市水行政主管部门参加验收，自{cn_date(supervised_from)}竣工起纳入日常监管（第六条）。"
        )
    lines += [v.explanation for v in found]
    trace.step("project_state", cite("第六条"), {"events": len(events)}, state, lines[0])
    return ProjectStatus(state, STATES[state], tuple(found), supervised_from, tuple(lines))


def _explain(
    code: str, first: dict[str, ProjectEvent], without_dept: list[ProjectEvent]
) -> tuple[str, dt.date | None]:
    started = first.get("construction_started")
    filed = first.get("filed")
    if code == "construction_before_filing":
        assert started is not None
        if filed is None:
            return (
                f"{cn_date(started.on)}开工，未到市水行政主管部门备案；第六条要求项目建设前备案。",
                started.on,
            )
        return (
            f"{cn_date(started.on)}开工，{cn_date(filed.on)}才备案，备案不在开工之前；第六条要求项目建设前备案。",
            started.on,
        )
    if code == "designer_missing":
        assert started is not None
        return f"{cn_date(started.on)}开工时没有设计单位的记录，不符合“同时设计”（第六条）。", started.on
    if code == "designer_unqualified":
        d = first["designed"]
        return f"再生水利用系统设计单位“{d.designer}”未记录资质证书，第十七条要求其具备相应资质。", d.on
    if code == "acceptance_without_department":
        e = without_dept[0]
        return f"{cn_date(e.on)}的分部分项工程验收没有市水行政主管部门参加（第六条）。", e.on
    c = first["completed"]
    return f"{cn_date(c.on)}竣工，竣工前没有市水行政主管部门参加的验收（第六条）。", c.on
