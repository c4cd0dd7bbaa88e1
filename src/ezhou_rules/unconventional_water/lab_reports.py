"""One lab report (第二十三条) checked and explained line by line: the single-case face of `quality`.

第二十三条: 运行管理单位应当按照国家规定的水质检测规范，委托具有相应资质的检测机构，定期对水质进行检测，并将监测
结果报市水行政主管部门备案。A report therefore names its lab and the lab's qualification (资质认定证书编号),
its number, sampling day and sample point; it is judged with `quality.check_reports` as a batch of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite
from .common import cn_date, day_column
from .errors import UnconventionalWaterError, fail
from .projects import RAINWATER
from .quality import (
    MULTI_USE,
    MULTI_USE_RAIN,
    STATUS_CODES,
    STATUS_LABELS,
    VERDICT_LABELS,
    CombinedLimit,
    check_reports,
    combined_limits,
)
from .standards import SAMPLE_POINTS, StandardsLibrary, shipped_library
from .units import NOT_DETECTED, format_value
from .uses import USES, check_uses


@dataclass(frozen=True)
class Measurement:
    indicator: str  # code, Chinese name or alias ("turbidity", "浊度")
    value: str  # as the lab wrote it: "3.2", "<0.05", "0.05L", "未检出"
    unit: str  # as the lab wrote it: "NTU", "μg/L"


@dataclass(frozen=True)
class LabReport:
    report_no: str  # 检测报告编号
    sampled_on: dt.date  # 采样日期
    lab: str  # 检测机构
    lab_qualification: str  # 检测机构资质认定证书编号 (第二十三条 具有相应资质)
    sample_point: str  # 采样点, as written
    sample_point_kind: str  # plant_outlet / network_end / other
    measurements: tuple[Measurement, ...]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: str
    name: str
    value: str
    unit: str
    status: str  # pass / fail / undetermined / not_governed
    status_label: str
    limit: str  # the governing (strictest) limit, "" if not governed
    origin: str  # 《standard》（uses） that set it
    explanation: str


@dataclass(frozen=True)
class QualityResult:
    report_no: str
    verdict: str  # pass / fail / incomplete
    verdict_label: str
    results: tuple[IndicatorResult, ...]
    missing: tuple[
        tuple[str, str, str], ...
    ]  # (indicator, name, "limit（origin）") required but not reported
    explanation: tuple[str, ...]
    citations: tuple[str, ...]
    trace: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_no": self.report_no,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "results": [r.__dict__ for r in self.results],
            "missing": [{"indicator": c, "name": n, "limit": t} for c, n, t in self.missing],
            "explanation": list(self.explanation),
            "citations": list(self.citations),
            "trace": self.trace,
        }


def validate_report(report: LabReport) -> None:
    """The fields 第二十三条 needs, each refused by its Chinese label when missing."""
    for name in ("report_no", "lab", "lab_qualification", "sample_point"):
        if not str(getattr(report, name) or "").strip():
            extra = "；第二十三条要求委托具有相应资质的检测机构" if name == "lab_qualification" else ""
            raise fail(f"{name}_required", name, f"不能为空{extra}。")
    if isinstance(report.sampled_on, dt.datetime) or not isinstance(report.sampled_on, dt.date):
        raise fail("sampled_on_format", "sampled_on", "应为日期（YYYY-MM-DD）。")
    if report.sample_point_kind not in SAMPLE_POINTS or not report.sample_point_kind:
        raise fail(
            "sample_point_kind",
            "sample_point_kind",
            "应为 plant_outlet（出厂）、network_end（管网末端）或 other（其他）。",
        )
    if not report.measurements:
        raise fail("measurements_required", "measurements", "检测报告至少包含一项指标。")
    for i, m in enumerate(report.measurements):
        if not isinstance(m.value, str):
            raise fail(
                "value_not_text",
                f"measurements[{i}].value",
                f'请按检测报告原样以文本填写（如 "0.35"），收到 {m.value!r}。',
            )


def _multi_use_citation(facility_type: str, uses: Sequence[str]) -> str:
    if len(uses) > 1:
        return MULTI_USE_RAIN if facility_type == RAINWATER else MULTI_USE
    return cite("第十一条第二款") if facility_type == RAINWATER else USES[uses[0]].citation


def _line(m: Measurement, status: str, limit: CombinedLimit | None, canonical: str, converted: bool) -> str:
    shown = f"{m.value}{' ' + m.unit if m.unit else ''}"
    if converted:
        shown += f"（折合{canonical}）"
    if limit is None:
        return f"{m.indicator} {shown}：本设施用途适用的水质标准对此项未规定限值，仅作记录。"
    where = f"适用限值{limit.text()}，{limit.origin_text()}"
    if status == "pass":
        return f"{limit.name} {shown}：{where}，合格。"
    if status == "fail":
        return f"{limit.name} {shown}：不符合{where}，不合格。"
    return (
        f"{limit.name} 报告为“{shown}”：检出限高于限值或未注明检出限，无法判定是否符合{where}；"
        "请检测机构注明检出限或采用检出限更低的方法。"
    )


def check_report(
    report: LabReport,
    facility_type: str,
    uses: Sequence[str],
    library: StandardsLibrary | None = None,
    trace: Trace = NO_TRACE,
) -> QualityResult:
    """One report against every use of its facility: each indicator by the strictest limit, explained.

    Refused (UnconventionalWaterError) for bad input — an unknown unit or indicator, an unreadable value, the
    same indicator twice — and (MissingStandardError) when a standard it needs has not been entered."""
    library = library or shipped_library()
    validate_report(report)
    uses = check_uses(facility_type, uses)
    limits = combined_limits(facility_type, uses, report.sample_point_kind, report.sampled_on, library)
    ms = report.measurements
    out = check_reports(
        [(facility_type, uses)],
        [0],
        [report.sample_point_kind],
        day_column(report.sampled_on),
        [0] * len(ms),
        [m.indicator for m in ms],
        [m.value for m in ms],
        [m.unit for m in ms],
        library,
    )
    if out.verdict[0] == "refused":
        code, message = out.refusals[0]
        raise UnconventionalWaterError(code, message, field="measurements")
    citation = _multi_use_citation(facility_type, uses)
    results: list[IndicatorResult] = []
    for i, m in enumerate(ms):
        ind = library.catalogue.indicators[int(out.indicator[i])]
        status = STATUS_CODES[int(out.status[i])]
        limit = limits.get(ind.code)
        canonical_unit = library.catalogue.dimension(int(out.indicator[i])).canonical
        value_text = "未检出" if out.qualifier[i] == NOT_DETECTED else format_value(int(out.value[i]))
        canonical = f"{'<' if out.qualifier[i] else ''}{value_text} {canonical_unit}".strip()
        converted = m.unit.strip() not in ("", canonical_unit) and out.qualifier[i] != NOT_DETECTED
        text = _line(m, status, limit, canonical, converted)
        results.append(
            IndicatorResult(
                ind.code,
                ind.name,
                m.value,
                m.unit,
                status,
                STATUS_LABELS[status],
                limit.text() if limit else "",
                limit.origin_text() if limit else "",
                text,
            )
        )
        trace.step(
            "quality_indicator",
            citation,
            {
                "indicator": ind.code,
                "value": m.value,
                "unit": m.unit,
                "limit": limit.text() if limit else None,
            },
            status,
            text,
        )
    reported = {r.indicator for r in results}
    missing = tuple(
        (code, lim.name, f"{lim.text()}（{lim.origin_text()}）")
        for code, lim in limits.items()
        if lim.required and code not in reported
    )
    verdict = str(out.verdict[0])
    uses_text = "、".join(USES[u].label for u in uses)
    head = (
        f"检测报告{report.report_no}（{report.lab}，{cn_date(report.sampled_on)}于{report.sample_point}采样）"
        f"按本设施全部用途（{uses_text}）逐项取最严限值判定"
        + ("（多用途按最高要求确定）" if len(uses) > 1 else "")
        + f"：{VERDICT_LABELS[verdict]}。"
    )
    lines = [head, *(r.explanation for r in results)]
    if missing:
        lines.append("未检测的必检指标：" + "；".join(f"{name} {t}" for _, name, t in missing) + "。")
    trace.step("quality_report", citation, {"report_no": report.report_no, "uses": list(uses)}, verdict, head)
    per_use = [cite("第十一条第二款")] if facility_type == RAINWATER else [USES[u].citation for u in uses]
    citations = tuple(dict.fromkeys([citation, *per_use, cite("第二十三条")]))
    return QualityResult(
        report.report_no,
        verdict,
        VERDICT_LABELS[verdict],
        tuple(results),
        missing,
        tuple(lines),
        citations,
        trace.to_list() if trace else [],
    )
