"""A file of hospital claims received at the window (第十八条 "一站式服务、一窗口办理"): each row a claim, read,
checked and then settled exactly as one entered on the page or sent to the API (``settle_claim``).

Columns (the header row names them, by the Chinese label or the API's field name; order is free):

  结算单号 claim_id · 公民身份号码 resident_id · 结算日期 settle_date (2024-03-01 or 2024年3月1日) ·
  就医类别 kind (住院 / 门诊慢特病) · 医疗机构名称 hospital_name · 医疗机构级别 hospital_level (1—3 or 一级—三级) ·
  市域内 in_city · 省域内 in_province · 临时外出就医 temporary_out_of_city · 经基层首诊转诊 referred_from_primary_care
  (是/否) · 医疗总费用（元） total_cost · 政策范围外费用（元） out_of_policy_cost · 政策范围内个人自付（元）
  policy_self_pay (yuan, at most two decimals)

A row that cannot be read is reported with its row number, the column's label and the rule; the other rows are
settled (each claim on its own, idempotent on 结算单号, so a row sent again is not paid twice).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ezhou_platform.jobs.files import cell_text, read_table
from ezhou_rules.core.money import MoneyError, parse_yuan

from .settlements import ClaimInput

COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "结算单号"),
    ("resident_id", "公民身份号码"),
    ("settle_date", "结算日期"),
    ("kind", "就医类别"),
    ("hospital_name", "医疗机构名称"),
    ("hospital_level", "医疗机构级别"),
    ("in_city", "市域内"),
    ("in_province", "省域内"),
    ("temporary_out_of_city", "临时外出就医"),
    ("referred_from_primary_care", "经基层首诊转诊"),
    ("total_cost", "医疗总费用（元）"),
    ("out_of_policy_cost", "政策范围外费用（元）"),
    ("policy_self_pay", "政策范围内个人自付（元）"),
)
LABELS = dict(COLUMNS)
REQUIRED = tuple(f for f, _ in COLUMNS if f not in ("temporary_out_of_city", "referred_from_primary_care"))
KINDS = {
    "住院": "inpatient",
    "inpatient": "inpatient",
    "门诊慢特病": "chronic_outpatient",
    "chronic_outpatient": "chronic_outpatient",
}
LEVELS = {"1": 1, "2": 2, "3": 3, "一级": 1, "二级": 2, "三级": 3}
FLAGS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "": False}
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


class ClaimsFileError(ValueError):
    """The file as a whole cannot be used (unreadable, a required column missing)."""

    code = "claims_file_invalid"


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the column's Chinese label
    value: str
    message: str
    code: str


@dataclass(frozen=True)
class Row:
    row: int
    claim: ClaimInput


def read_claims(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The data rows as (row number, {field: cell}); the header may use the labels or the field names."""
    try:
        header, raw = read_table(path)
    except ValueError as exc:
        raise ClaimsFileError(str(exc)) from exc
    by_name = {label: field for field, label in COLUMNS} | {field: field for field, _ in COLUMNS}
    index = {by_name[h]: i for i, h in enumerate(header) if h in by_name}
    missing = [LABELS[f] for f in REQUIRED if f not in index]
    if missing:
        raise ClaimsFileError(f"第1行表头缺少列：{'、'.join(missing)}（请使用下载的模板）。")
    return [
        (number, {f: (values[i] if i < len(values) else None) for f, i in index.items()})
        for number, values in raw
    ]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    m = _CN_DATE.match(text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    return dt.date.fromisoformat(text)


def parse_row(number: int, cells: dict[str, Any]) -> tuple[Row | None, list[RowError]]:
    """One row as a claim, or every error of the row (each naming its column and the rule)."""
    errors: list[RowError] = []
    out: dict[str, Any] = {}

    def fail(field: str, message: str, code: str) -> None:
        errors.append(RowError(number, LABELS[field], cell_text(cells.get(field)), message, code))

    for field in ("claim_id", "resident_id", "hospital_name"):
        out[field] = cell_text(cells.get(field))
        if not out[field]:
            fail(field, f"“{LABELS[field]}”不能为空。", "required")
    try:
        out["settle_date"] = _date(cells.get("settle_date"))
    except ValueError:
        fail("settle_date", "“结算日期”应为日期，如 2024-03-01 或 2024年3月1日。", "invalid_date")
    kind = KINDS.get(cell_text(cells.get("kind")))
    if kind is None:
        fail("kind", "“就医类别”应为“住院”或“门诊慢特病”（第十一条）。", "invalid_kind")
    out["kind"] = kind
    level = LEVELS.get(cell_text(cells.get("hospital_level")))
    if level is None:
        fail("hospital_level", "“医疗机构级别”应为 1、2、3（或一级、二级、三级）。", "invalid_hospital_level")
    out["hospital_level"] = level
    for field in ("in_city", "in_province", "temporary_out_of_city", "referred_from_primary_care"):
        text = cell_text(cells.get(field)).lower()
        if field in ("in_city", "in_province") and text == "":
            fail(field, f"“{LABELS[field]}”应填“是”或“否”。", "invalid_flag")
            continue
        if text not in FLAGS:
            fail(field, f"“{LABELS[field]}”应填“是”或“否”。", "invalid_flag")
            continue
        out[field] = FLAGS[text]
    for field in ("total_cost", "out_of_policy_cost", "policy_self_pay"):
        try:
            out[field] = parse_yuan(cell_text(cells.get(field)))
        except MoneyError as exc:
            fail(field, f"“{LABELS[field]}”：{exc}", "invalid_amount")
    if errors:
        return None, errors
    return Row(number, ClaimInput(**out)), []


def template_rows() -> list[list[str]]:
    """The template's sheet: the header, no data (nothing invented)."""
    return [[label for _, label in COLUMNS]]
