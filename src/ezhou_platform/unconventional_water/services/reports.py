"""Lab reports filed with the department and their quality checks (第十一条, 第十八条, 第二十三条), and the
unconventional water a facility supplied (for the water plan).

    file_report(facility, fields, rows, actor=…)    one report: filed, checked against every use, explained
    check_batch(reports, at=…)                      many reports at once (columns; the import and re-check jobs)
    explain(check)                                  a stored check explained again, with the library of its day
    record_usage(facility, start, end, volume, …)   metered supply in a period (15号 附件1 三（四）)

A report whose rows cannot be read (an unknown unit or indicator, an unreadable value, an indicator twice) is
refused and nothing is stored. A report whose check needs a standard nobody has entered is filed, and its
check is stored as refused naming the standard — never passed; entering the standard and re-checking judges it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.core.dates import cn_date
from ezhou_rules.unconventional_water.common import parse_hundredths
from ezhou_rules.unconventional_water.errors import MissingStandardError, UnconventionalWaterError
from ezhou_rules.unconventional_water.lab_reports import LabReport as ReportRecord
from ezhou_rules.unconventional_water.lab_reports import Measurement, QualityResult, check_report
from ezhou_rules.unconventional_water.quality import STATUS_CODES, check_reports
from ezhou_rules.unconventional_water.standards import StandardsLibrary

from ..models import Facility, LabReport, QualityCheck, UsageRecord
from .common import DOC, check_day, refuse, require_text
from .library import library_at

ART23 = f"{DOC} 第二十三条"
MAX_ROWS = 100  # indicators in one report
STATUS_CHARS = "PFUNR"  # pass, fail, undetermined, not governed, refused — one per measurement
# refusals of the check (the report is kept): a standard not entered, or not yet in force on the sampling day
CHECK_REFUSALS = ("standard_not_entered", "standard_not_in_force")


@dataclass(frozen=True)
class Filed:
    report: LabReport
    check: QualityCheck
    result: QualityResult | None  # None when the check was refused
    refusal: str = ""


def _fields(facility: Facility, fields: dict[str, Any]) -> dict[str, Any]:
    out = {
        "report_no": require_text(
            fields.get("report_no"), field="report_no", label="检测报告编号", rule=ART23, max_length=60
        ),
        "lab": require_text(fields.get("lab"), field="lab", label="检测机构", rule=ART23, max_length=100),
        "lab_qualification": require_text(
            fields.get("lab_qualification"),
            field="lab_qualification",
            label="检测机构资质认定证书编号",
            rule="第二十三条 委托具有相应资质的检测机构",
            max_length=60,
        ),
        "sample_point": require_text(
            fields.get("sample_point"), field="sample_point", label="采样点", rule=ART23, max_length=100
        ),
        "sample_point_kind": fields.get("sample_point_kind", ""),
    }
    out["sampled_on"] = check_day(fields.get("sampled_on"), field="sampled_on", label="采样日期")
    if facility.closed_on is not None and out["sampled_on"] > facility.closed_on:
        raise refuse(
            "facility_closed", "sampled_on", "采样日期", f"设施已于{cn_date(facility.closed_on)}注销。"
        )
    return out


def _rows(rows: Iterable[Sequence[str]]) -> list[tuple[str, str, str]]:
    out = []
    for i, row in enumerate(rows):
        if len(row) != 3:
            raise refuse(
                "measurement_shape", f"measurements[{i}]", "检测指标", "每项应包含指标、检测值、计量单位。"
            )
        indicator, value, unit = (str(x if x is not None else "").strip() for x in row)
        if not indicator and not value and not unit:
            continue
        if not indicator:
            raise refuse(
                "indicator_required", f"measurements[{i}].indicator", "检测指标", f"第{i + 1}行缺少指标名称。"
            )
        if not value:
            raise refuse(
                "value_required",
                f"measurements[{i}].value",
                "检测值",
                f"第{i + 1}行（{indicator}）缺少检测值。",
            )
        out.append((indicator[:60], value[:30], unit[:30]))
    if not out:
        raise refuse("measurements_required", "measurements", "检测指标", "检测报告至少包含一项指标。")
    if len(out) > MAX_ROWS:
        raise refuse("measurements_too_many", "measurements", "检测指标", f"一份报告不超过{MAX_ROWS}项指标。")
    return out


def _record(fields: dict[str, Any], rows: list[tuple[str, str, str]]) -> ReportRecord:
    return ReportRecord(
        report_no=fields["report_no"],
        sampled_on=fields["sampled_on"],
        lab=fields["lab"],
        lab_qualification=fields["lab_qualification"],
        sample_point=fields["sample_point"],
        sample_point_kind=fields["sample_point_kind"],
        measurements=tuple(Measurement(i, v, u) for i, v, u in rows),
    )


def _statuses(result: QualityResult) -> str:
    return "".join(STATUS_CHARS[STATUS_CODES.index(r.status)] for r in result.results)


def file_report(
    facility: Facility,
    fields: dict[str, Any],
    rows: Iterable[Sequence[str]],
    *,
    actor: Any,
    via: str = LabReport.Via.WEB,
) -> Filed:
    """报市水行政主管部门备案 (第二十三条): store the report as written and its check against every use the
    facility serves (per indicator the strictest limit, 第十一条第三款, 第十八条第二款)."""
    if facility.status != "in_service":
        raise refuse("facility_closed", "facility", "设施", "设施已注销，不再报送检测报告。")
    clean = _fields(facility, fields)
    measured = _rows(rows)
    if LabReport.objects.filter(facility=facility, report_no=clean["report_no"]).exists():
        raise refuse(
            "report_duplicate",
            "report_no",
            "检测报告编号",
            f"本设施已报送过编号为{clean['report_no']}的检测报告。",
        )
    rec = _record(clean, measured)
    library, composition = library_at()
    result: QualityResult | None = None
    refusal_code = refusal = ""
    try:
        result = check_report(rec, facility.facility_type, facility.uses, library)
    except MissingStandardError as exc:
        refusal_code, refusal = exc.code, exc.message
    except UnconventionalWaterError as exc:
        if exc.code not in CHECK_REFUSALS:
            raise refuse(exc.code, exc.field or "measurements", "检测指标", exc.message) from None
        refusal_code, refusal = exc.code, exc.message
    now = clock.now()
    with transaction.atomic():
        report = LabReport.objects.create(
            facility=facility,
            **clean,
            measurements={
                "indicator": [r[0] for r in measured],
                "value": [r[1] for r in measured],
                "unit": [r[2] for r in measured],
            },
            filed_on=clock.today(),
            filed_at=now,
            filed_by=actor,
            via=via,
        )
        check = QualityCheck.objects.create(
            report=report,
            checked_at=now,
            facility_type=facility.facility_type,
            uses=list(facility.uses),
            verdict=result.verdict if result else "refused",
            failed=sum(1 for r in result.results if r.status == "fail") if result else 0,
            undetermined=sum(1 for r in result.results if r.status == "undetermined") if result else 0,
            missing=len(result.missing) if result else 0,
            statuses=_statuses(result) if result else "R" * len(measured),
            refusal_code=refusal_code,
            refusal_message=refusal,
            library=composition,
        )
        record(
            "unconventional_water.report.file",
            actor=actor,
            obj=report,
            after={
                "facility": facility.pk,
                "report_no": report.report_no,
                "sampled_on": report.sampled_on.isoformat(),
                "verdict": check.verdict,
            },
            label="水质检测报告备案",
            citation=ART23,
        )
        from .facilities import track_testing
        from .interlock import propose_for_facility

        track_testing(facility)
        propose_for_facility(facility, report.sampled_on.year, actor=actor)
    return Filed(report, check, result, refusal)


def latest_check(report: LabReport) -> QualityCheck | None:
    return report.checks.order_by("-checked_at", "-id").first()


def explain(check: QualityCheck) -> QualityResult | None:
    """The check explained line by line with the library as it stood when it was made (None when refused)."""
    if check.verdict == "refused":
        return None
    report = check.report
    library, _ = library_at(check.checked_at)
    rec = ReportRecord(
        report.report_no,
        report.sampled_on,
        report.lab,
        report.lab_qualification,
        report.sample_point,
        report.sample_point_kind,
        tuple(Measurement(i, v, u) for i, v, u in report.rows()),
    )
    return check_report(rec, check.facility_type, check.uses, library)


# -- many reports at once ----------------------------------------------------------------------------------------


@dataclass
class BatchChecked:
    checks: list[QualityCheck]
    counts: dict[str, int]


def check_batch(
    reports: Sequence[tuple[int, int, str, dt.date, dict[str, list[str]]]],
    facilities: dict[int, tuple[str, list[str]]],
    *,
    library: StandardsLibrary,
    composition: list[Any],
    at: dt.datetime,
) -> BatchChecked:
    """Check many reports with the rules' vectorised check (one combined-limit table per use set and sample
    point). ``reports``: (report id, facility id, sample point kind, sampled_on, measurements) — the columns
    as stored; ``facilities``: id → (type, uses). Returns unsaved QualityCheck rows (bulk-insert them)."""
    fac_ids = list(facilities)
    fac_index = {f: i for i, f in enumerate(fac_ids)}
    n = len(reports)
    lengths = np.fromiter((len(r[4]["indicator"]) for r in reports), dtype=np.int64, count=n)
    indicators: list[str] = []
    values: list[str] = []
    units: list[str] = []
    for r in reports:
        m = r[4]
        indicators += m["indicator"]
        values += m["value"]
        units += m["unit"]
    out = check_reports(
        [facilities[f] for f in fac_ids],
        np.fromiter((fac_index[r[1]] for r in reports), dtype=np.int64, count=n),
        np.array([r[2] for r in reports]),
        np.array([r[3] for r in reports], dtype="datetime64[D]"),
        np.repeat(np.arange(n, dtype=np.int64), lengths),
        np.array(indicators),
        np.array(values),
        np.array(units),
        library,
    )
    chars = np.frombuffer(STATUS_CHARS.encode(), dtype="S1")[out.status.astype(np.int64)]
    flat = chars.tobytes().decode()
    ends = np.cumsum(lengths)
    starts = ends - lengths
    checks = []
    counts: dict[str, int] = {}
    verdicts = out.verdict.tolist()
    failed, undetermined, missing = out.failed.tolist(), out.undetermined.tolist(), out.missing.tolist()
    for i, r in enumerate(reports):
        verdict = verdicts[i]
        counts[verdict] = counts.get(verdict, 0) + 1
        code, message = out.refusals.get(i, ("", ""))
        ftype, uses = facilities[r[1]]
        checks.append(
            QualityCheck(
                report_id=r[0],
                checked_at=at,
                facility_type=ftype,
                uses=uses,
                verdict=verdict,
                failed=failed[i],
                undetermined=undetermined[i],
                missing=max(missing[i], 0),
                statuses=flat[starts[i] : ends[i]],
                refusal_code=code,
                refusal_message=message,
                library=composition,
            )
        )
    return BatchChecked(checks, counts)


def check_stored(report_ids: Sequence[int], *, at: dt.datetime | None = None) -> BatchChecked:
    """Re-check stored reports (e.g. after a standard was entered): reads them as columns, checks them against
    the uses their facilities serve now, returns the new (unsaved) checks; the old checks stay."""
    at = at or clock.now()
    library, composition = library_at(at)
    rows = list(
        LabReport.objects.filter(pk__in=report_ids)
        .order_by("pk")
        .values_list("pk", "facility_id", "sample_point_kind", "sampled_on", "measurements")
    )
    fac = {
        f: (t, list(u))
        for f, t, u in Facility.objects.filter(pk__in={r[1] for r in rows}).values_list(
            "pk", "facility_type", "uses"
        )
    }
    return check_batch(rows, fac, library=library, composition=composition, at=at)


# -- usage --------------------------------------------------------------------------------------------------------


def record_usage(
    facility: Facility,
    period_start: Any,
    period_end: Any,
    volume_m3: Any,
    *,
    note: str = "",
    actor: Any,
    supersedes: UsageRecord | None = None,
) -> UsageRecord:
    """非常规水利用量 for a metering period (the water plan counts it for the year the period ends in, U11). A
    correction supersedes the record it corrects; periods of one facility do not overlap."""
    start = check_day(period_start, field="period_start", label="计量起始日期")
    end = check_day(
        period_end, field="period_end", label="计量截止日期", not_before=start, not_before_why="计量起始日期"
    )
    if end - start > dt.timedelta(days=366):
        raise refuse("period_too_long", "period_end", "计量截止日期", "一条记录的计量期间不超过一年。")
    volume = parse_hundredths(volume_m3, field="volume_m3", unit="立方米")
    live = UsageRecord.objects.filter(facility=facility, superseded_by__isnull=True)
    if supersedes is not None:
        if supersedes.facility_id != facility.pk or hasattr(supersedes, "superseded_by"):
            raise refuse("supersedes_invalid", "supersedes", "更正前记录", "只能更正本设施现行有效的记录。")
        live = live.exclude(pk=supersedes.pk)
    clash = live.filter(period_start__lte=end, period_end__gte=start).first()
    if clash is not None:
        raise refuse(
            "period_overlap",
            "period_start",
            "计量起始日期",
            f"与已填报的{cn_date(clash.period_start)}至{cn_date(clash.period_end)}的记录重叠；更正请选择该记录。",
        )
    with transaction.atomic():
        row = UsageRecord.objects.create(
            facility=facility,
            period_start=start,
            period_end=end,
            volume_m3x100=volume,
            note=str(note or "")[:200],
            filed_by=actor,
            filed_on=clock.today(),
            supersedes=supersedes,
        )
        record(
            "unconventional_water.usage.record",
            actor=actor,
            obj=row,
            after={
                "facility": facility.pk,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "volume_m3x100": volume,
            },
            label="填报非常规水利用量" if supersedes is None else "更正非常规水利用量",
            citation="鄂州政办发〔2022〕15号 附件1 三（四）",
        )
        from .interlock import propose_for_facility

        propose_for_facility(facility, end.year, actor=actor)
    return row
