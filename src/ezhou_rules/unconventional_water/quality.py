"""A lab report checked against every use its facility serves, by the strictest limit (第十一条, 第十八条, 第二十三条).

第十八条第二款: 再生水用于多种用途时，其水质标准应当按最高要求确定。第十一条第三款: 有多用途的，其水质应当按
最高水质标准要求确定。Per indicator the limits of every (standard, use) pair the facility must meet are
intersected: the highest minimum, the lowest maximum, "不得检出" over any maximum; each bound remembers the
standard and uses it came from, and each result is explained with them.

A result is 合格 (pass), 不合格 (fail), 无法判定 (undetermined: a detection limit above the limit, or
"未检出" with no detection limit against a maximum) or 不受限 (the indicator is not governed for these uses).
A report is 合格 only if every governed indicator that is required is present and passes (U8); a standard
not entered refuses the report (errors.MissingStandardError), it is never passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule

from . import cite
from .common import cn_date
from .errors import MissingStandardError, UnconventionalWaterError, fail
from .standards import SAMPLE_POINTS, LimitRow, StandardsLibrary, shipped_library
from .units import (
    BELOW_LIMIT,
    DIMENSIONS,
    EXACT,
    NOT_DETECTED,
    PARSE_ERRORS,
    format_value,
    parse_error_text,
    parse_values,
)
from .uses import USES, Requirement, check_uses, required_standards

PASS, FAIL, UNDETERMINED, NOT_GOVERNED, REFUSED = range(5)
STATUS_CODES = ("pass", "fail", "undetermined", "not_governed", "refused")
STATUS_LABELS = {
    "pass": "合格",
    "fail": "不合格",
    "undetermined": "无法判定",
    "not_governed": "不受限",
    "refused": "不予受理",
}
VERDICT_LABELS = {
    "pass": "合格",
    "fail": "不合格",
    "incomplete": "不完整（缺项或无法判定）",
    "refused": "不予判定",
}
MULTI_USE = cite("第十八条第二款")
MULTI_USE_RAIN = cite("第十一条第三款")


# -- combined limits -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    value: int  # 10⁻⁹ canonical units
    origins: tuple[tuple[str, str], ...]  # (standard, use label) pairs that set this value


@dataclass(frozen=True)
class CombinedLimit:
    indicator: str
    name: str
    canonical: str
    low: Bound | None
    high: Bound | None
    not_detected: Bound | None  # value unused (0)
    required: bool  # at least one non-selective row
    rows: tuple[LimitRow, ...]

    def text(self) -> str:
        unit = "" if self.canonical == "无量纲" else f" {self.canonical}"
        parts = []
        if self.not_detected:
            parts.append("不得检出")
        if self.low and self.high:
            parts.append(f"{format_value(self.low.value)}～{format_value(self.high.value)}{unit}")
        elif self.low:
            parts.append(f"≥{format_value(self.low.value)}{unit}")
        elif self.high and not self.not_detected:
            parts.append(f"≤{format_value(self.high.value)}{unit}")
        return "，".join(parts)

    def origin_text(self) -> str:
        """'取自《GB/T 18920-2020》（厕所冲洗、道路清洁）', or per side when the sides come from different uses."""
        sides = [
            (name, b)
            for name, b in (("不得检出", self.not_detected), ("下限", self.low), ("上限", self.high))
            if b
        ]
        texts = [(name, _origins(b.origins)) for name, b in sides]
        if len({t for _, t in texts}) == 1:
            return f"取自{texts[0][1]}"
        return "；".join(f"{name}取自{t}" for name, t in texts)


def _origins(origins: tuple[tuple[str, str], ...]) -> str:
    by_standard: dict[str, list[str]] = {}
    for standard, use in origins:
        if use not in by_standard.setdefault(standard, []):
            by_standard[standard].append(use)
    return "、".join(f"《{s}》（{'、'.join(u)}）" for s, u in by_standard.items())


def _merge(current: Bound | None, value: int, origins: tuple[tuple[str, str], ...], stricter: Any) -> Bound:
    if current is None or stricter(value, current.value):
        return Bound(value, origins)
    if value == current.value:
        return Bound(value, tuple(dict.fromkeys((*current.origins, *origins))))
    return current


def combined_limits(
    facility_type: str,
    uses: Sequence[str],
    sample_point_kind: str,
    sampled_on: dt.date | None,
    library: StandardsLibrary | None = None,
) -> dict[str, CombinedLimit]:
    """The strictest limit per indicator over every (standard, use) the facility's water must meet.

    Refused with MissingStandardError naming each standard (and use) with no limits in the library, and when
    a standard was not yet in force on the sampling day (`sampled_on` None: not checked here)."""
    library = library or shipped_library()
    if sample_point_kind not in SAMPLE_POINTS or sample_point_kind == "":
        raise fail(
            "sample_point_kind",
            "sample_point_kind",
            "应为 plant_outlet（出厂）、network_end（管网末端）或 other（其他）。",
        )
    reqs = required_standards(facility_type, uses)
    missing = [(r.standard, r.use_label, r.citation) for r in reqs if not library.has(r.standard, r.use)]
    if missing:
        raise MissingStandardError(missing)
    for code in dict.fromkeys(r.standard for r in reqs):
        s = library.standards[code]
        if s.in_force and sampled_on is not None and sampled_on < s.in_force:
            raise UnconventionalWaterError(
                "standard_not_in_force",
                f"采样日期（sampled_on）{cn_date(sampled_on)}早于《{code}》实施日期{cn_date(s.in_force)}，不能按该标准判定。",
                field="sampled_on",
            )
    # each row with the facility uses that bring it in
    brought: dict[int, tuple[LimitRow, list[str]]] = {}
    for r in reqs:
        for row in library.rows_for(r.standard, r.use):
            if row.sample_point and row.sample_point != sample_point_kind:
                continue
            brought.setdefault(id(row), (row, []))[1].append(USES[r.use].label)
    out: dict[str, CombinedLimit] = {}
    catalogue = library.catalogue
    for row, labels in brought.values():
        origin = tuple((row.standard, label) for label in dict.fromkeys(labels))
        ind = catalogue.by_code[row.indicator]
        c = out.get(row.indicator) or CombinedLimit(
            ind.code, ind.name, DIMENSIONS[ind.dimension].canonical, None, None, None, False, ()
        )
        low, high, nd = c.low, c.high, c.not_detected
        if row.low is not None:
            low = _merge(low, row.low, origin, lambda a, b: a > b)
        if row.high is not None:
            high = _merge(high, row.high, origin, lambda a, b: a < b)
        if row.kind == "not_detected":
            nd = _merge(nd, 0, origin, lambda a, b: False)
        out[row.indicator] = CombinedLimit(
            c.indicator, c.name, c.canonical, low, high, nd, c.required or not row.selective, (*c.rows, row)
        )
    return out


def missing_standards(
    facility_type: str, uses: Sequence[str], library: StandardsLibrary | None = None
) -> list[Requirement]:
    """The (standard, use) pairs a facility's checks need that the library does not hold yet — for a page that
    tells an operator, before a report is filed, which standards an administrator must enter first."""
    library = library or shipped_library()
    return [r for r in required_standards(facility_type, uses) if not library.has(r.standard, r.use)]


# -- judging columns -----------------------------------------------------------------------------------------


def judge(
    value: npt.NDArray[np.int64],
    qualifier: npt.NDArray[np.int8],
    has_low: npt.NDArray[np.bool_],
    low: npt.NDArray[np.int64],
    has_high: npt.NDArray[np.bool_],
    high: npt.NDArray[np.int64],
    not_detected: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int8]:
    """PASS / FAIL / UNDETERMINED per row; limits include their figure (≤, ≥, ranges both ends).

    A value "<DL" (qualifier BELOW_LIMIT, value = DL) is below DL: it meets a maximum when DL ≤ max, fails a
    minimum when DL ≤ min, and is undetermined otherwise; "未检出" without DL meets "不得检出" only. Where
    "不得检出" applies, a not-detected result meets the upper side whatever the detection limit."""
    exact, below, nd_value = qualifier == EXACT, qualifier == BELOW_LIMIT, qualifier == NOT_DETECTED
    upper_fail = (has_high & exact & (value > high)) | (not_detected & exact & (value > 0))
    upper_undetermined = has_high & ~not_detected & ((below & (value > high)) | nd_value)
    lower_fail = has_low & ((exact & (value < low)) | (below & (value <= low)))
    lower_undetermined = has_low & ((below & (value > low)) | nd_value)
    failed = upper_fail | lower_fail
    undetermined = ~failed & (upper_undetermined | lower_undetermined)
    return np.where(failed, FAIL, np.where(undetermined, UNDETERMINED, PASS)).astype(np.int8)


@dataclass
class _ComboTable:
    """Combined limits of one (facility, sample point) as rows over the catalogue's indicators."""

    limits: dict[str, CombinedLimit] | None
    refusal: UnconventionalWaterError | None
    in_force: np.datetime64  # the latest implementation date of the standards used (NaT: none stated)
    has_low: np.ndarray
    low: np.ndarray
    has_high: np.ndarray
    high: np.ndarray
    nd: np.ndarray
    governed: np.ndarray
    required: np.ndarray


def _combo_table(
    library: StandardsLibrary, facility_type: str, uses: Sequence[str], point: str
) -> _ComboTable:
    k = len(library.catalogue.indicators)
    arrays = {name: np.zeros(k, dtype=bool) for name in ("has_low", "has_high", "nd", "governed", "required")}
    low, high = np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64)
    try:
        limits = combined_limits(facility_type, uses, point, None, library)
    except UnconventionalWaterError as exc:
        return _ComboTable(None, exc, np.datetime64("NaT"), low=low, high=high, **arrays)
    index = {ind.code: i for i, ind in enumerate(library.catalogue.indicators)}
    for code, c in limits.items():
        i = index[code]
        arrays["governed"][i] = True
        arrays["required"][i] = c.required
        arrays["nd"][i] = c.not_detected is not None
        if c.low:
            arrays["has_low"][i], low[i] = True, c.low.value
        if c.high:
            arrays["has_high"][i], high[i] = True, c.high.value
    starts = [library.standards[r.standard].in_force for r in required_standards(facility_type, uses)]
    latest = max((d for d in starts if d), default=None)
    in_force = np.datetime64(latest) if latest else np.datetime64("NaT")
    return _ComboTable(limits, None, in_force, low=low, high=high, **arrays)


@dataclass
class BatchResult:
    """Per row: `status` (index into STATUS_CODES), `error` (parse error code, 0 = fine), `indicator` index;
    per report: `verdict` (pass / fail / incomplete / refused), counts, and the refusal message if refused."""

    status: npt.NDArray[np.int8]
    error: npt.NDArray[np.int8]
    indicator: npt.NDArray[np.int64]
    value: npt.NDArray[np.int64]
    qualifier: npt.NDArray[np.int8]
    verdict: np.ndarray
    failed: npt.NDArray[np.int64]
    undetermined: npt.NDArray[np.int64]
    missing: npt.NDArray[np.int64]
    refusals: dict[int, tuple[str, str]] = field(default_factory=dict)  # report → (code, message)
    combos: list[_ComboTable] = field(default_factory=list)
    report_combo: npt.NDArray[np.int64] | None = None


@rule(
    cites=[cite("第十八条"), MULTI_USE, cite("第十一条第二款"), MULTI_USE_RAIN, cite("第二十三条")],
    summary="水质检测结果按设施全部用途中最严的限值逐项判定",
)
def check_reports(
    facilities: Sequence[tuple[str, Sequence[str]]],
    report_facility: npt.ArrayLike,
    report_sample_point: npt.ArrayLike,
    report_sampled_on: npt.ArrayLike,
    row_report: npt.ArrayLike,
    row_indicator: npt.ArrayLike,
    row_value: npt.ArrayLike,
    row_unit: npt.ArrayLike,
    library: StandardsLibrary | None = None,
) -> BatchResult:
    """Many lab reports at once. `facilities`: (facility type, uses) per facility; reports point at them.
    Rows: one measured indicator of one report (value as the lab wrote it, unit as written).

    A report with an unreadable row (unknown unit, bad value, duplicate indicator) or whose standards are not
    all entered is `refused` with the reason; the other reports are judged."""
    library = library or shipped_library()
    facility_idx = np.atleast_1d(np.asarray(report_facility, dtype=np.int64))
    n_reports = len(facility_idx)
    if n_reports and (facility_idx.min() < 0 or facility_idx.max() >= len(facilities)):
        raise fail("report_facility", "facility_type", "检测报告指向的设施不存在。")
    points = np.broadcast_to(np.atleast_1d(np.asarray(report_sample_point)).astype(str), (n_reports,))
    sampled = np.broadcast_to(
        np.atleast_1d(np.asarray(report_sampled_on)).astype("datetime64[D]"), (n_reports,)
    )
    if np.isnat(sampled).any():
        raise fail("sampled_on_missing", "sampled_on", "检测报告须有采样日期。")
    rep = np.atleast_1d(np.asarray(row_report, dtype=np.int64))
    if len(rep) and (rep.min() < 0 or rep.max() >= n_reports):
        raise fail("row_report", "measurements", "检测指标指向的检测报告不存在。")
    # facilities with the same type and uses share their limits: one table per (use set, sample point)
    use_sets: dict[tuple[str, tuple[str, ...]], int] = {}
    facility_set = np.empty(len(facilities), dtype=np.int64)
    for i, (ftype, uses) in enumerate(facilities):
        key = (ftype, tuple(sorted(check_uses(ftype, uses))))
        facility_set[i] = use_sets.setdefault(key, len(use_sets))
    set_keys = list(use_sets)
    point_names = sorted(SAMPLE_POINTS)
    point_idx = np.searchsorted(np.array(point_names), points)
    if n_reports and not np.isin(points, [p for p in point_names if p]).all():
        raise fail(
            "sample_point_kind",
            "sample_point_kind",
            "应为 plant_outlet（出厂）、network_end（管网末端）或 other（其他）。",
        )
    combo_keys = facility_set[facility_idx] * len(point_names) + point_idx
    unique_keys, report_combo = np.unique(combo_keys, return_inverse=True)
    combos: list[_ComboTable] = []
    for key in unique_keys:
        s_idx, p = divmod(int(key), len(point_names))
        ftype, uses = set_keys[s_idx]
        combos.append(_combo_table(library, ftype, uses, point_names[p]))
    stack = {
        name: np.stack([getattr(c, name) for c in combos]) if combos else np.zeros((0, 0))
        for name in ("has_low", "low", "has_high", "high", "nd", "governed", "required")
    }

    parsed = parse_values(row_indicator, row_value, row_unit, library.catalogue)
    ind = np.maximum(parsed.indicator, 0)
    rc = report_combo[rep] if len(rep) else np.zeros(0, dtype=np.int64)
    status = (
        judge(
            parsed.value,
            parsed.qualifier,
            stack["has_low"][rc, ind],
            stack["low"][rc, ind],
            stack["has_high"][rc, ind],
            stack["high"][rc, ind],
            stack["nd"][rc, ind],
        )
        if len(rep)
        else np.zeros(0, dtype=np.int8)
    )
    governed = stack["governed"][rc, ind] if len(rep) else np.zeros(0, dtype=bool)
    status = np.where(governed, status, NOT_GOVERNED).astype(np.int8)

    # duplicate indicators in one report are refused (which value would count?)
    k = len(library.catalogue.indicators)
    pair = np.where(parsed.indicator >= 0, rep * k + ind, -1 - np.arange(len(rep)))  # unknown rows never pair
    order = np.argsort(pair, kind="stable")
    dup_sorted = np.zeros(len(pair), dtype=bool)
    if len(pair) > 1:
        same = pair[order][1:] == pair[order][:-1]
        dup_sorted[1:] = same
    duplicate = np.zeros(len(pair), dtype=bool)
    duplicate[order] = dup_sorted
    row_bad = (parsed.error != 0) | duplicate
    bad_report = np.bincount(rep[row_bad], minlength=n_reports) > 0

    combo_refused = np.array([c.refusal is not None for c in combos], dtype=bool)
    combo_start = np.array([c.in_force for c in combos], dtype="datetime64[D]")
    too_early = np.zeros(n_reports, dtype=bool)
    if n_reports:
        start = combo_start[report_combo]
        too_early = ~np.isnat(start) & (sampled < start)
    refused = bad_report | too_early | (combo_refused[report_combo] if n_reports else np.zeros(0, dtype=bool))
    status = np.where(refused[rep], REFUSED, status).astype(np.int8) if len(rep) else status

    counted = ~refused[rep] if len(rep) else np.zeros(0, dtype=bool)
    failed = np.bincount(rep[counted & (status == FAIL)], minlength=n_reports)
    undetermined = np.bincount(rep[counted & (status == UNDETERMINED)], minlength=n_reports)
    present_required = (
        np.bincount(rep[counted & stack["required"][rc, ind]], minlength=n_reports)
        if len(rep)
        else np.zeros(n_reports, dtype=np.int64)
    )
    n_required = stack["required"].sum(axis=1) if combos else np.zeros(0, dtype=np.int64)
    missing = (
        np.where(refused, 0, n_required[report_combo] - present_required)
        if n_reports
        else np.zeros(0, dtype=np.int64)
    )
    verdict = np.select(
        [refused, failed > 0, (undetermined > 0) | (missing > 0)],
        ["refused", "fail", "incomplete"],
        default="pass",
    )

    refusals: dict[int, tuple[str, str]] = {}
    # the first bad row of each report with one (rows of a report need not be contiguous)
    bad_rows = np.flatnonzero(row_bad)
    first_bad = np.full(n_reports, len(rep), dtype=np.int64)
    np.minimum.at(first_bad, rep[bad_rows], bad_rows)
    texts = [np.atleast_1d(np.asarray(col)) for col in (row_indicator, row_value, row_unit)]
    for r in np.flatnonzero(refused):
        c = combos[report_combo[r]]
        if c.refusal is not None:
            refusals[int(r)] = (c.refusal.code, c.refusal.message)
            continue
        if too_early[r]:
            refusals[int(r)] = ("standard_not_in_force", _too_early_text(library, c, sampled[r]))
            continue
        i = int(first_bad[r])
        ind_text, value_text, unit_text = (str(col[i]) for col in texts)
        if parsed.error[i]:
            code = PARSE_ERRORS[int(parsed.error[i])][0]
            text = parse_error_text(int(parsed.error[i]), ind_text, value_text, unit_text, library.catalogue)
        else:
            code, text = "indicator_duplicate", f"指标“{ind_text}”在同一份检测报告中出现多次"
        refusals[int(r)] = (code, f"检测指标第{i + 1}行：{text}。")
    return BatchResult(
        status,
        parsed.error,
        parsed.indicator,
        parsed.value,
        parsed.qualifier,
        verdict,
        failed,
        undetermined,
        missing,
        refusals,
        combos,
        report_combo,
    )


def _too_early_text(library: StandardsLibrary, combo: _ComboTable, sampled: np.datetime64) -> str:
    day = sampled.astype(object)
    late = sorted(
        {
            row.standard
            for lim in (combo.limits or {}).values()
            for row in lim.rows
            if (library.standards[row.standard].in_force or dt.date.min) > day
        }
    )
    names = "、".join(f"《{s}》（{cn_date(library.standards[s].in_force or day)}实施）" for s in late)
    return f"采样日期{cn_date(day)}早于{names}的实施日期，不能按该标准判定。"
