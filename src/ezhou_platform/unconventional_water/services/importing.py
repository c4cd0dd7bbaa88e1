"""Importing lab reports from a file (第二十三条 报市水行政主管部门备案, many at once), one row per report:

    设施登记编号, 检测报告编号, 采样日期, 检测机构, 资质认定证书编号, 采样点, 采样点类型, 浊度（NTU）, 铁（mg/L）, pH, …

Every column after the seven fixed ones is an indicator, its unit in brackets as the lab wrote it (none for a
dimensionless one); an empty cell is an indicator not measured. Rows are checked here (the columns they name);
the values are checked by the rules' vectorised quality check in ``reports.check_batch``. A report already filed
(the same facility and report number) is skipped, so a file can be imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ezhou_rules.unconventional_water.standards import SAMPLE_POINTS

FIXED = ("设施登记编号", "检测报告编号", "采样日期", "检测机构", "资质认定证书编号", "采样点", "采样点类型")
POINT_WORDS = {v: k for k, v in SAMPLE_POINTS.items() if k} | {
    "出厂": "plant_outlet",
    "管网末端": "network_end",
    "其他": "other",
}
HEADER_UNIT = re.compile(r"^(?P<name>[^（(\[]+?)\s*(?:[（(\[](?P<unit>[^）)\]]*)[）)\]])?$")
FACILITY_CODE = re.compile(r"^(?:UW)?0*(\d+)$", re.IGNORECASE)


class FileUnreadable(ValueError):
    pass


@dataclass
class RowError:
    row: int
    field: str
    value: str
    message: str
    code: str


@dataclass
class ParsedRow:
    row: int
    facility_id: int
    report_no: str
    sampled_on: dt.date
    lab: str
    lab_qualification: str
    sample_point: str
    sample_point_kind: str
    measurements: dict[str, list[str]] = field(default_factory=dict)


def _cells(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.reader(fh)
        return
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise FileUnreadable("不是可读取的Excel文件。") from exc
        for values in wb.worksheets[0].iter_rows(values_only=True):
            yield [
                "" if v is None else (v.isoformat()[:10] if isinstance(v, dt.date) else str(v))
                for v in values
            ]
        return
    raise FileUnreadable("只接受CSV或Excel（.xlsx）文件。")


def read_rows(path: Path) -> tuple[list[tuple[str, str]], list[tuple[int, list[str]]]]:
    """The indicator columns (name, unit) and the data rows (row number, cells); the header is checked."""
    rows = _cells(path)
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise FileUnreadable("文件是空的。") from None
    if tuple(header[: len(FIXED)]) != FIXED:
        raise FileUnreadable(f"前{len(FIXED)}列应依次为：{'、'.join(FIXED)}。")
    indicators = []
    for h in header[len(FIXED) :]:
        m = HEADER_UNIT.match(h)
        if not h or m is None:
            raise FileUnreadable(f"指标列“{h}”应写成“指标名称（单位）”，如“浊度（NTU）”。")
        indicators.append((m.group("name").strip(), (m.group("unit") or "").strip()))
    data = [(n, cells) for n, cells in enumerate(rows, start=2) if any(str(c).strip() for c in cells)]
    return indicators, data


def parse_row(
    number: int, cells: list[str], indicators: list[tuple[str, str]]
) -> tuple[ParsedRow | None, list[RowError]]:
    cells = [str(c).strip() for c in cells] + [""] * (len(FIXED) + len(indicators) - len(cells))
    errors: list[RowError] = []

    def bad(col: str, value: str, message: str, code: str) -> None:
        errors.append(RowError(number, col, value, message, code))

    fac, report_no, sampled, lab, qual, point, kind = cells[: len(FIXED)]
    m = FACILITY_CODE.match(fac)
    if m is None:
        bad("设施登记编号", fac, "应为设施登记编号，如 UW00012。", "facility_code")
    for col, value in (
        ("检测报告编号", report_no),
        ("检测机构", lab),
        ("资质认定证书编号", qual),
        ("采样点", point),
    ):
        if not value:
            bad(col, value, f"{col}不能为空（第二十三条）。", "required")
        elif len(value) > 100:
            bad(col, value[:50], f"{col}过长。", "too_long")
    try:
        day = dt.date.fromisoformat(sampled[:10])
    except ValueError:
        bad("采样日期", sampled, "应为日期（YYYY-MM-DD）。", "date_format")
        day = None
    point_kind = POINT_WORDS.get(kind, kind if kind in SAMPLE_POINTS and kind else "")
    if not point_kind:
        bad("采样点类型", kind, "应为出厂、管网末端或其他。", "sample_point_kind")
    measured: dict[str, list[str]] = {"indicator": [], "value": [], "unit": []}
    for (name, unit), value in zip(indicators, cells[len(FIXED) :], strict=False):
        if value:
            measured["indicator"].append(name)
            measured["value"].append(value[:30])
            measured["unit"].append(unit)
    if not measured["indicator"]:
        bad("检测指标", "", "该行没有任何检测值。", "measurements_required")
    if errors or m is None or day is None:
        return None, errors
    return ParsedRow(
        number, int(m.group(1)), report_no[:60], day, lab, qual[:60], point, point_kind, measured
    ), []


def template_csv() -> bytes:
    """The header of the import file, with the indicators of GB/T 18920-2020 and one example row."""
    header = [
        *FIXED,
        "pH",
        "色度（铂钴色度单位）",
        "浊度（NTU）",
        "五日生化需氧量（mg/L）",
        "氨氮（mg/L）",
        "阴离子表面活性剂（mg/L）",
        "铁（mg/L）",
        "锰（mg/L）",
        "溶解性总固体（mg/L）",
        "溶解氧（mg/L）",
        "总氯（mg/L）",
        "大肠埃希氏菌（MPN/100mL）",
    ]
    example = [
        "UW00001",
        "JC-2026-001",
        "2026-05-20",
        "某环境检测有限公司",
        "CMA 201912345678",
        "1号出水口",
        "出厂",
        "7.2",
        "10",
        "3",
        "6",
        "2",
        "0.2",
        "0.1",
        "0.05",
        "600",
        "3",
        "1.5",
        "未检出",
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, example])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@dataclass
class ChunkResult:
    counts: dict[str, int]
    errors: list[RowError]
    facilities: set[int]


def store_chunk(rows: list[ParsedRow], *, actor: Any, run: Any = None) -> ChunkResult:
    """Check and store one chunk of parsed rows in the caller's transaction (a job's unit): reports already
    filed are skipped; a report whose values cannot be read is not stored (its row error says why); the others
    are stored with their check, one audit record for the chunk."""
    from ezhou_platform.common import clock
    from ezhou_platform.common.audit.services import record

    from ..models import Facility, LabReport, QualityCheck
    from .common import DOC, facilities_for, may_operate
    from .library import library_at
    from .reports import check_batch

    counts: dict[str, int] = {}
    errors: list[RowError] = []

    def count(key: str) -> None:
        counts[key] = counts.get(key, 0) + 1

    visible = (
        {f.pk: f for f in facilities_for(actor).filter(pk__in={r.facility_id for r in rows})}
        if actor
        else {f.pk: f for f in Facility.objects.filter(pk__in={r.facility_id for r in rows})}
    )
    today = clock.today()
    ok: list[ParsedRow] = []
    for r in rows:
        f = visible.get(r.facility_id)
        if f is None or (actor is not None and not may_operate(actor, f)):
            errors.append(
                RowError(
                    r.row,
                    "设施登记编号",
                    f"UW{r.facility_id:05d}",
                    "没有这个设施，或您不是它的运行管理单位。",
                    "facility_unknown",
                )
            )
        elif f.status != "in_service":
            errors.append(RowError(r.row, "设施登记编号", f.code, "设施已注销。", "facility_closed"))
        elif r.sampled_on > today or r.sampled_on < dt.date(2022, 7, 11):
            errors.append(
                RowError(
                    r.row,
                    "采样日期",
                    r.sampled_on.isoformat(),
                    "应在本办法施行（2022年7月11日）之后、今天之前。",
                    "date_range",
                )
            )
        else:
            ok.append(r)
    seen: set[tuple[int, str]] = set()
    existing: set[tuple[int, str]] = set()
    if ok:
        # two IN lists, not an OR per row (SQLite refuses an expression tree deeper than 1,000)
        wanted = {(r.facility_id, r.report_no) for r in ok}
        existing = wanted & set(
            LabReport.objects.filter(
                facility_id__in={r.facility_id for r in ok}, report_no__in={r.report_no for r in ok}
            ).values_list("facility_id", "report_no")
        )
    fresh = []
    for r in ok:
        key = (r.facility_id, r.report_no)
        if key in existing:
            count("已备案，跳过")
        elif key in seen:
            errors.append(
                RowError(
                    r.row, "检测报告编号", r.report_no, "同一文件中该设施的报告编号重复。", "report_duplicate"
                )
            )
        else:
            seen.add(key)
            fresh.append(r)
    if not fresh:
        return ChunkResult(counts, errors, set())
    now = clock.now()
    library, composition = library_at(now)
    facilities = {
        f: (visible[f].facility_type, list(visible[f].uses)) for f in {r.facility_id for r in fresh}
    }
    checked = check_batch(
        [(i, r.facility_id, r.sample_point_kind, r.sampled_on, r.measurements) for i, r in enumerate(fresh)],
        facilities,
        library=library,
        composition=composition,
        at=now,
    )
    keep: list[tuple[ParsedRow, Any]] = []
    for r, c in zip(fresh, checked.checks, strict=True):
        if c.verdict == "refused" and c.refusal_code not in ("standard_not_entered", "standard_not_in_force"):
            errors.append(RowError(r.row, "检测指标", "", c.refusal_message, c.refusal_code))
        else:
            keep.append((r, c))
    reports = LabReport.objects.bulk_create(
        [
            LabReport(
                facility_id=r.facility_id,
                report_no=r.report_no,
                sampled_on=r.sampled_on,
                lab=r.lab,
                lab_qualification=r.lab_qualification,
                sample_point=r.sample_point,
                sample_point_kind=r.sample_point_kind,
                measurements=r.measurements,
                filed_on=today,
                filed_at=now,
                filed_by=actor,
                via=LabReport.Via.IMPORT,
                import_run=run,
            )
            for r, _ in keep
        ]
    )
    for report, (_, c) in zip(reports, keep, strict=True):
        c.report_id = report.pk
        count(f"已备案（{c.get_verdict_display()}）")
    QualityCheck.objects.bulk_create([c for _, c in keep])
    record(
        "unconventional_water.report.import",
        actor=actor,
        object_type="unconventional_water.labreport",
        object_repr=f"{len(reports)}份检测报告",
        after={"reports": [r.pk for r in reports][:1000], "run": getattr(run, "pk", None)},
        label="批量导入水质检测报告",
        citation=f"{DOC} 第二十三条",
    )
    return ChunkResult(counts, errors, {r.facility_id for r, _ in keep})
