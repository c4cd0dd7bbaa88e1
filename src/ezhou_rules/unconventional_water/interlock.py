"""What the water plan (鄂州政办发〔2022〕15号) takes from this system: per unit and year, used or able-but-not-using.

15号 附件1 三（四）: 使用再生水、雨水等非常规水资源的，实施当年增减系数+0.1。具备利用雨水、再生水等非常规水源条件而
不利用的，增减系数-0.1。15号 第八条第（四）项: 具备利用雨水、再生水等非常规水源条件而不利用的，定额（计划）用水量
将予以核减。The water plan records both as coefficient events (`water_plan.plan.COEFFICIENT_CASES`:
`unconventional_used`, counted for the year of the event; `unconventional_not_used`, counted for the next year;
docs/interpretations.md W3, W13); this module builds those events from this system's records, with the ids of
the records as links, so nothing is typed twice.

Interpretation U11:
- "used" in a year = metered unconventional water > 0 in periods ending in that year, from a facility of the
  unit, proven by at least one lab report sampled that year, filed with the department (第二十三条) and judged
  合格 — 第三条 defines unconventional water as water treated to the standard, so unproven use earns nothing
  (status `used_unproven`, no event). The event is dated the day use was proven (the later of the first such
  report and the first period end).
- "able" (具备条件) = a facility of the unit in service during the year (accepted and supervised, 第六条), or a
  finding of the department dated in that year (e.g. a reclaimed-water main at the gate, 第十五条; a 第八条
  obligation). "Able but not using" is decided only once the year is over (`as_of` after 31 December); the
  event is dated the finding's day, else 31 December of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.trace import NO_TRACE, Trace
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES, CoefficientEvent

from . import WATER_PLAN_DOCUMENT, cite
from .common import cn_date, format_hundredths
from .errors import fail

USED = "used"
USED_UNPROVEN = "used_unproven"
ABLE_NOT_USED = "able_not_used"
NOT_ABLE = "not_able"
YEAR_OPEN = "year_open"  # not used so far, but the year is not over: nothing decided yet
STATUS_LABELS = {
    USED: "使用非常规水资源（实施当年增减系数+0.1）",
    USED_UNPROVEN: "有非常规水用量，但当年没有已备案的合格水质检测报告，不计加分",
    ABLE_NOT_USED: "具备利用非常规水源条件而不利用（增减系数-0.1，计划用水量核减）",
    NOT_ABLE: "不具备利用条件，也未使用",
    YEAR_OPEN: "年度未结束，尚不能认定未利用",
}
EVENT_USED = "unconventional_used"
EVENT_NOT_USED = "unconventional_not_used"
WATER_PLAN_COEFFICIENT = f"{WATER_PLAN_DOCUMENT} 附件1 三（四）"
WATER_PLAN_REDUCTION = f"{WATER_PLAN_DOCUMENT} 第八条第（四）项"
EVIDENCE_MAX = 200  # the water plan's CoefficientEvent.evidence is a CharField(200)
assert EVENT_USED in COEFFICIENT_CASES and EVENT_NOT_USED in COEFFICIENT_CASES


@rule(
    cites=[
        WATER_PLAN_COEFFICIENT,
        WATER_PLAN_REDUCTION,
        cite("第三条第一款"),
        cite("第二十三条"),
        cite("第五条第三款"),
    ],
    summary="非常规水资源利用情况供计划用水增减系数使用：使用+0.1，具备条件而不利用-0.1并核减",
)
def year_status(
    volume_m3x100: npt.ArrayLike,
    first_use_end: npt.ArrayLike,
    first_proof: npt.ArrayLike,
    in_service: npt.ArrayLike,
    finding_on: npt.ArrayLike,
    year: int,
    as_of: dt.date,
) -> dict[str, np.ndarray]:
    """Columns of units for one year → `status` and `event_on` (NaT when no event).

    volume_m3x100: metered use in periods ending in the year; first_use_end: the first such period end;
    first_proof: the first 合格, filed report sampled in the year (NaT none); in_service: a facility of the
    unit in service during the year; finding_on: the department's capability finding in the year (NaT none)."""
    volume = np.atleast_1d(np.asarray(volume_m3x100, dtype=np.int64))
    n = len(volume)
    if (volume < 0).any():
        raise fail("volume_negative", "volume_m3", "利用水量不能为负数。")
    use_end = np.broadcast_to(np.asarray(first_use_end).astype("datetime64[D]"), (n,))
    proof = np.broadcast_to(np.asarray(first_proof).astype("datetime64[D]"), (n,))
    facility = np.broadcast_to(np.asarray(in_service, dtype=bool), (n,))
    finding = np.broadcast_to(np.asarray(finding_on).astype("datetime64[D]"), (n,))
    year_end = np.datetime64(dt.date(year, 12, 31), "D")
    closed = np.datetime64(as_of, "D") > year_end
    used = volume > 0
    proven = used & ~np.isnat(proof)
    able = facility | ~np.isnat(finding)
    status = np.select(
        [proven, used, able & closed, ~closed],
        [USED, USED_UNPROVEN, ABLE_NOT_USED, YEAR_OPEN],
        default=NOT_ABLE,
    )
    proven_on = np.where(np.isnat(use_end) | (use_end < proof), proof, use_end)
    event_on = np.where(
        status == USED,
        proven_on,
        np.where(
            status == ABLE_NOT_USED, np.where(np.isnat(finding), year_end, finding), np.datetime64("NaT")
        ),
    )
    return {"status": status, "event_on": event_on.astype("datetime64[D]")}


# -- records, as the platform keeps them --------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityRecord:
    facility_id: str
    unit_id: str  # the water-plan unit (用水单位) the facility serves
    facility_type: str
    in_service_from: dt.date | None  # from 纳入日常监管 (第六条) or the register
    in_service_until: dt.date | None = None  # closed, decommissioned


@dataclass(frozen=True)
class UsageRecord:
    record_id: str
    unit_id: str
    facility_id: str
    period_end: dt.date  # the metering period's last day; the record counts for that year
    volume_m3x100: int


@dataclass(frozen=True)
class ReportRecord:
    report_id: str
    facility_id: str
    sampled_on: dt.date
    filed_on: dt.date | None  # 报市水行政主管部门备案 (第二十三条)
    verdict: str  # quality verdict: pass / fail / incomplete / refused


@dataclass(frozen=True)
class CapabilityFinding:
    finding_id: str
    unit_id: str
    found_on: dt.date
    reason: str  # why the unit is able (a reclaimed main at its gate, a 第八条 facility …)


@dataclass(frozen=True)
class Records:
    """What this system holds about units, as the platform reads it for one year's decision."""

    facilities: Sequence[FacilityRecord] = ()
    usage: Sequence[UsageRecord] = ()
    reports: Sequence[ReportRecord] = ()
    findings: Sequence[CapabilityFinding] = ()


@dataclass(frozen=True)
class UnitYear:
    unit_id: str
    year: int
    status: str
    status_label: str
    event: CoefficientEvent | None  # pass to water_plan services.record_coefficient_event
    citations: tuple[str, ...]
    links: dict[str, tuple[str, ...]]  # facilities / usage / reports / findings that decided it
    explanation: str
    trace: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        ev = self.event
        return {
            "unit_id": self.unit_id,
            "year": self.year,
            "status": self.status,
            "status_label": self.status_label,
            "event": None
            if ev is None
            else {"kind": ev.kind, "on": ev.on.isoformat(), "evidence": ev.evidence},
            "citations": list(self.citations),
            "links": {k: list(v) for k, v in self.links.items()},
            "explanation": self.explanation,
            "trace": self.trace,
        }


def _in_year(day: dt.date | None, year: int) -> bool:
    return day is not None and day.year == year


def _serves(f: FacilityRecord, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        f.in_service_from is not None
        and f.in_service_from <= end
        and (f.in_service_until is None or f.in_service_until >= start)
    )


def _evidence(text: str) -> str:
    return text if len(text) <= EVIDENCE_MAX else text[: EVIDENCE_MAX - 1] + "…"


def units_year(
    unit_ids: Sequence[str], year: int, records: Records, *, as_of: dt.date, trace: Trace = NO_TRACE
) -> list[UnitYear]:
    """Each unit's standing for the year, with the water-plan event to record and links to the records.

    `as_of` is the day of the decision (not read from a clock): not-using is decided only after 31 December."""
    facilities, usage, reports, findings = (
        records.facilities,
        records.usage,
        records.reports,
        records.findings,
    )
    index = {u: i for i, u in enumerate(unit_ids)}
    n = len(unit_ids)
    fac_unit = {f.facility_id: f.unit_id for f in facilities}
    volume = np.zeros(n, dtype=np.int64)
    first_end = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    proof = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    finding_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    in_service = np.zeros(n, dtype=bool)
    links: list[dict[str, list[str]]] = [
        {"facilities": [], "usage": [], "reports": [], "findings": []} for _ in range(n)
    ]
    for f in facilities:
        i = index.get(f.unit_id)
        if i is not None and _serves(f, year):
            in_service[i] = True
            links[i]["facilities"].append(f.facility_id)
    for u in usage:
        i = index.get(u.unit_id)
        if u.volume_m3x100 < 0:
            raise fail("volume_negative", "volume_m3", f"用量记录{u.record_id}的水量为负数。")
        if i is None or not _in_year(u.period_end, year) or u.volume_m3x100 == 0:
            continue
        volume[i] += u.volume_m3x100
        day = np.datetime64(u.period_end, "D")
        first_end[i] = day if np.isnat(first_end[i]) else min(first_end[i], day)
        links[i]["usage"].append(u.record_id)
    for r in reports:
        owner = fac_unit.get(r.facility_id)
        i = index.get(owner) if owner is not None else None
        if i is None or r.verdict != "pass" or r.filed_on is None or not _in_year(r.sampled_on, year):
            continue
        day = np.datetime64(r.sampled_on, "D")
        proof[i] = day if np.isnat(proof[i]) else min(proof[i], day)
        links[i]["reports"].append(r.report_id)
    for fd in findings:
        i = index.get(fd.unit_id)
        if i is None or not _in_year(fd.found_on, year):
            continue
        day = np.datetime64(fd.found_on, "D")
        finding_on[i] = day if np.isnat(finding_on[i]) else min(finding_on[i], day)
        links[i]["findings"].append(fd.finding_id)
    out = year_status(volume, first_end, proof, in_service, finding_on, year, as_of)
    results = []
    for i, unit in enumerate(unit_ids):
        status = str(out["status"][i])
        ev_on = out["event_on"][i]
        lk = {k: tuple(v) for k, v in links[i].items()}
        text, event, citations = _explain(
            status, year, int(volume[i]), lk, None if np.isnat(ev_on) else ev_on.astype(object)
        )
        trace.step(
            "unconventional_year",
            citations[0],
            {"unit": unit, "year": year, "volume_m3x100": int(volume[i])},
            status,
            text,
        )
        results.append(
            UnitYear(
                unit,
                year,
                status,
                STATUS_LABELS[status],
                event,
                citations,
                lk,
                text,
                trace.to_list() if trace and len(unit_ids) == 1 else [],
            )
        )
    return results


def unit_year(
    unit_id: str, year: int, records: Records, *, as_of: dt.date, trace: Trace = NO_TRACE
) -> UnitYear:
    """One unit's standing for the year (see units_year)."""
    return units_year([unit_id], year, records, as_of=as_of, trace=trace)[0]


def _explain(
    status: str, year: int, volume: int, links: dict[str, tuple[str, ...]], on: dt.date | None
) -> tuple[str, CoefficientEvent | None, tuple[str, ...]]:
    used_text = f"{year}年使用非常规水{format_hundredths(volume)}立方米"
    if status == USED:
        assert on is not None
        evidence = f"{used_text}（用量记录{'、'.join(links['usage'])}）；已备案合格水质检测报告{'、'.join(links['reports'])}"
        text = f"{used_text}，{cn_date(on)}前已有备案的合格水质检测报告，属于使用非常规水资源，实施当年增减系数+0.1（15号附件1 三（四））。"
        return (
            text,
            CoefficientEvent(EVENT_USED, on, None, _evidence(evidence)),
            (WATER_PLAN_COEFFICIENT, cite("第二十三条")),
        )
    if status == USED_UNPROVEN:
        text = (
            f"{used_text}，但当年没有报市水行政主管部门备案且判定合格的水质检测报告（第二十三条）；非常规水资源指"
            "处理后达到规定水质标准的水（第三条），故不计增减系数。"
        )
        return text, None, (cite("第三条第一款"), cite("第二十三条"))
    if status == ABLE_NOT_USED:
        assert on is not None
        why = []
        if links["facilities"]:
            why.append(f"设施{'、'.join(links['facilities'])}在{year}年处于运行监管中")
        if links["findings"]:
            why.append(f"市水行政主管部门认定具备利用条件（{'、'.join(links['findings'])}）")
        evidence = f"{year}年具备利用非常规水源条件而未利用：{'；'.join(why)}；当年非常规水用量为0"
        text = (
            f"{'；'.join(why)}，{year}年未使用非常规水，属于具备利用非常规水源条件而不利用：增减系数-0.1"
            "（15号附件1 三（四）），计划用水量予以核减（15号第八条第（四）项）；有条件的单位应当优先使用（第五条第三款）。"
        )
        return (
            text,
            CoefficientEvent(EVENT_NOT_USED, on, None, _evidence(evidence)),
            (WATER_PLAN_COEFFICIENT, WATER_PLAN_REDUCTION, cite("第五条第三款")),
        )
    if status == YEAR_OPEN:
        return f"{year}年尚未结束，未利用的情形待年度结束后认定。", None, (WATER_PLAN_COEFFICIENT,)
    return (
        f"{year}年没有非常规水用量，也没有设施或具备条件的认定记录，不计增减系数。",
        None,
        (WATER_PLAN_COEFFICIENT,),
    )
