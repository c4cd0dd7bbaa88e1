"""The jurisdiction file an administrator loads (CSV or Excel), checked row by row, applied all-or-nothing.

Columns (the header row names them; order is free):

  统计用区划代码  12 digits (国家统计局 统计用区划代码); empty only for 葛店经开区/临空经济区, which have none
  名称            as published
  层级            市 / 区（功能区） / 乡镇（街道） / 村（社区）  (also 区, 功能区, 乡, 镇, 街道, 村, 社区)
  上级            the parent's 统计用区划代码, or the name of a district or zone (葛店经开区)
  起始日期        first day in force (empty: in force since before the register); 2023-01-01 or 2023年1月1日
  终止日期        last day in force (empty: still in force)
  前身代码        for a rename/merger/split on 起始日期: the predecessors' codes, separated by ；
  变更类型        更名 / 合并 / 拆分 / 划转 (with 前身代码)
  来源            where the row comes from (required: nothing is invented)

Re-importing the same file changes nothing (rows are keyed by code and 起始日期); a file with any error
writes nothing, and every error names its row, the column and the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Jurisdiction, JurisdictionSuccession

from .jurisdictions import LEVEL_ORDER

CODE = "统计用区划代码"
NAME = "名称"
LEVEL = "层级"
PARENT = "上级"
FROM = "起始日期"
TO = "终止日期"
PREDECESSORS = "前身代码"
CHANGE = "变更类型"
SOURCE = "来源"
COLUMNS = (CODE, NAME, LEVEL, PARENT, FROM, TO, PREDECESSORS, CHANGE, SOURCE)
REQUIRED_COLUMNS = (CODE, NAME, LEVEL, PARENT, SOURCE)

LEVEL_WORDS = {
    "市": Jurisdiction.Level.CITY,
    "区（功能区）": Jurisdiction.Level.DISTRICT,
    "区(功能区)": Jurisdiction.Level.DISTRICT,
    "区": Jurisdiction.Level.DISTRICT,
    "功能区": Jurisdiction.Level.DISTRICT,
    "乡镇（街道）": Jurisdiction.Level.TOWNSHIP,
    "乡镇(街道)": Jurisdiction.Level.TOWNSHIP,
    "乡镇": Jurisdiction.Level.TOWNSHIP,
    "乡": Jurisdiction.Level.TOWNSHIP,
    "镇": Jurisdiction.Level.TOWNSHIP,
    "街道": Jurisdiction.Level.TOWNSHIP,
    "村（社区）": Jurisdiction.Level.VILLAGE,
    "村(社区)": Jurisdiction.Level.VILLAGE,
    "村": Jurisdiction.Level.VILLAGE,
    "社区": Jurisdiction.Level.VILLAGE,
}
CHANGE_WORDS = {label: value for value, label in JurisdictionSuccession.Kind.choices}
CITY_PREFIX = "4207"  # 鄂州市 in GB/T 2260
CLOSES_PREDECESSOR = {JurisdictionSuccession.Kind.RENAME, JurisdictionSuccession.Kind.MERGE}


class FileUnreadable(ValueError):
    """The file cannot be read as a jurisdiction table at all (format, encoding or header)."""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    value: str
    message: str
    code: str


@dataclass
class Row:
    number: int  # row number in the file (the header is row 1)
    code: str
    name: str
    level: str
    parent: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    predecessors: list[str]
    change: str
    source: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions: int = 0
    closed: int = 0
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "新增": self.created,
            "更新": self.updated,
            "未变": self.unchanged,
            "登记变更关系": self.successions,
            "因更名或合并终止": self.closed,
        }


# -- reading ---------------------------------------------------------------------------------------------
def read_table(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of a CSV or xlsx file as (row number, {column label: value}); blank rows skipped."""
    from ezhou_platform.jobs.files import TableUnreadable
    from ezhou_platform.jobs.files import read_table as read_uploaded

    try:
        header, raw = read_uploaded(path)
    except TableUnreadable as exc:
        raise FileUnreadable(str(exc)) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileUnreadable(f"第1行表头缺少列：{'、'.join(missing)}（请使用下载的模板）。")
    index = {label: header.index(label) for label in COLUMNS if label in header}
    return [
        (number, {label: (values[i] if i < len(values) else None) for label, i in index.items()})
        for number, values in raw
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _date(value: Any) -> dt.date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    m = _CN_DATE.match(text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return dt.date.fromisoformat(text.replace("/", "-"))


# -- checking one row (no database) ------------------------------------------------------------------------
def check_row(number: int, values: dict[str, Any]) -> tuple[Row | None, list[RowError]]:
    errors: list[RowError] = []

    def err(column: str, message: str, code: str) -> None:
        errors.append(RowError(number, column, _text(values.get(column)), message, code))

    code = _text(values.get(CODE))
    name = _text(values.get(NAME))
    level_text = _text(values.get(LEVEL))
    level = LEVEL_WORDS.get(level_text, "")
    if not level:
        err(LEVEL, "“层级”应为 市、区（功能区）、乡镇（街道）、村（社区）之一。", "level")
    if not name:
        err(NAME, "“名称”不能为空。", "name_required")
    elif len(name) > 50:
        err(NAME, "“名称”不超过50个字。", "name_too_long")
    if code:
        if not (code.isdigit() and len(code) == 12):
            err(CODE, "“统计用区划代码”应为12位数字。", "code_format")
        elif not code.startswith(CITY_PREFIX):
            err(CODE, "“统计用区划代码”应以4207（鄂州市）开头。", "code_outside_city")
        elif level and not _code_fits_level(code, level):
            err(
                CODE,
                f"“统计用区划代码”{code}与层级“{level_text}”不符：{_LEVEL_RULE[Jurisdiction.Level(level)]}",
                "code_level",
            )
    elif level and level != Jurisdiction.Level.DISTRICT:
        err(
            CODE,
            "“统计用区划代码”不能为空（只有葛店经开区、临空经济区这类功能区没有代码）。",
            "code_required",
        )
    parent = _text(values.get(PARENT))
    if level == Jurisdiction.Level.CITY:
        if parent:
            err(PARENT, "层级为“市”的行不填“上级”。", "parent_not_allowed")
    elif not parent:
        err(PARENT, "“上级”不能为空：填上级的统计用区划代码，或区、功能区的名称。", "parent_required")
    valid_from = valid_to = None
    try:
        valid_from = _date(values.get(FROM))
    except (ValueError, TypeError):
        err(FROM, "“起始日期”应为日期，例如 2023-01-01 或 2023年1月1日。", "date_format")
    try:
        valid_to = _date(values.get(TO))
    except (ValueError, TypeError):
        err(TO, "“终止日期”应为日期，例如 2023-12-31 或 2023年12月31日。", "date_format")
    if valid_from and valid_to and valid_to < valid_from:
        err(TO, "“终止日期”不能早于“起始日期”。", "dates_order")
    predecessors = [
        p.strip() for p in re.split(r"[；;，,、\s]+", _text(values.get(PREDECESSORS))) if p.strip()
    ]
    change_text = _text(values.get(CHANGE))
    change = CHANGE_WORDS.get(change_text, "")
    if predecessors:
        if not change:
            err(CHANGE, "填写了“前身代码”时，“变更类型”应为 更名、合并、拆分、划转 之一。", "change_kind")
        if valid_from is None:
            err(FROM, "填写了“前身代码”时，“起始日期”为变更生效之日，不能为空。", "change_date_required")
        if code and code in predecessors and change != JurisdictionSuccession.Kind.RENAME:
            err(PREDECESSORS, "“前身代码”与本行代码相同时，“变更类型”只能是“更名”。", "self_predecessor")
    elif change_text:
        err(PREDECESSORS, "填写了“变更类型”时，“前身代码”不能为空。", "predecessor_required")
    source = _text(values.get(SOURCE))
    if not source:
        err(
            SOURCE,
            "“来源”不能为空：写明数据出处（例如国家统计局2023年统计用区划代码），平台不录入无出处的区划。",
            "source_required",
        )
    elif len(source) > 300:
        err(SOURCE, "“来源”不超过300个字。", "source_too_long")
    if errors:
        return None, errors
    return Row(number, code, name, level, parent, valid_from, valid_to, predecessors, change, source), []


_LEVEL_RULE = {
    Jurisdiction.Level.CITY: "市级代码后8位为0。",
    Jurisdiction.Level.DISTRICT: "区级代码后6位为0。",
    Jurisdiction.Level.TOWNSHIP: "乡镇级代码第7至9位不全为0、后3位为0。",
    Jurisdiction.Level.VILLAGE: "村级代码后3位不全为0。",
}


def _code_fits_level(code: str, level: str) -> bool:
    if level == Jurisdiction.Level.CITY:
        return code[4:] == "0" * 8
    if level == Jurisdiction.Level.DISTRICT:
        return code[4:6] != "00" and code[6:] == "0" * 6
    if level == Jurisdiction.Level.TOWNSHIP:
        return code[6:9] != "000" and code[9:] == "000"
    return code[9:] != "000" and code[6:9] != "000"


# -- applying (one transaction) ----------------------------------------------------------------------------
class _Rejected(Exception):
    pass


def _candidates(text: str, level: str, day: dt.date | None) -> list[Jurisdiction]:
    """Rows of `level` that `text` names (a 12-digit code, a platform code, or a district/zone's name)."""
    qs = Jurisdiction.objects.filter(level=level)
    if text.isdigit() and len(text) == 12:
        rows = list(qs.filter(stat_code=text).order_by("valid_from", "id"))
    else:
        rows = list(qs.filter(code=text))
        if not rows and level in (Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT):
            rows = list(qs.filter(name=text).order_by("valid_from", "id"))
    if day is None:
        current = [r for r in rows if r.valid_to is None]
        return current or rows[-1:]
    return [r for r in rows if r.is_valid_on(day)]


def _parent_level(level: str) -> str:
    order = LEVEL_ORDER[Jurisdiction.Level(level)]
    return next(lvl for lvl, n in LEVEL_ORDER.items() if n == order - 1)


def _check_code_under_parent(row: Row, parent: Jurisdiction) -> bool:
    if not row.code or not parent.stat_code:
        return True
    keep = {Jurisdiction.Level.DISTRICT: 4, Jurisdiction.Level.TOWNSHIP: 6, Jurisdiction.Level.VILLAGE: 9}
    n = keep[Jurisdiction.Level(row.level)]
    return row.code[:n] == parent.stat_code[:n]


def _existing(row: Row) -> Jurisdiction | None:
    if row.code:
        return Jurisdiction.objects.filter(stat_code=row.code, valid_from=row.valid_from).first()
    return Jurisdiction.objects.filter(
        name=row.name, level=row.level, stat_code="", valid_from=row.valid_from
    ).first()


def _new_code(row: Row) -> str:
    base = row.code or f"{row.level}-{row.name}"
    if not Jurisdiction.objects.filter(code=base).exists():
        return base[:24]
    suffix = f"-{row.valid_from:%Y%m%d}" if row.valid_from else "-1"
    return (base[: 24 - len(suffix)] + suffix)[:24]


def apply_rows(
    rows: Sequence[Row], *, actor: Any, progress: Callable[[int], None] | None = None, file_name: str = ""
) -> ImportResult:
    """Write checked rows in one transaction; any row error rolls everything back (result.errors says why)."""
    result = ImportResult()
    ordered = sorted(rows, key=lambda r: (LEVEL_ORDER[Jurisdiction.Level(r.level)], r.number))
    seen: dict[tuple[str, str, dt.date | None], int] = {}
    try:
        with transaction.atomic():
            for i, row in enumerate(ordered, start=1):
                key = (row.code or row.name, row.level, row.valid_from)
                if key in seen:
                    result.errors.append(
                        RowError(
                            row.number,
                            CODE,
                            row.code,
                            f"与第{seen[key]}行重复（代码和起始日期相同）。",
                            "duplicate_row",
                        )
                    )
                    continue
                seen[key] = row.number
                _apply_row(row, result)
                if progress is not None:
                    progress(i)
            if result.errors:
                raise _Rejected()
            record(
                "registers.jurisdictions.import",
                actor=actor,
                object_type="common.jurisdiction",
                object_repr=file_name or "辖区名录文件",
                after={"file": file_name, **result.counts()},
                label="导入辖区名录",
            )
    except _Rejected:
        result.created = result.updated = result.unchanged = result.successions = result.closed = 0
    result.errors.sort(key=lambda e: (e.row, e.field))
    return result


def _apply_row(row: Row, result: ImportResult) -> None:
    def err(column: str, value: str, message: str, code: str) -> None:
        result.errors.append(RowError(row.number, column, value, message, code))

    parent: Jurisdiction | None = None
    if row.level != Jurisdiction.Level.CITY:
        needed = _parent_level(row.level)
        found = _candidates(row.parent, needed, row.valid_from)
        if len(found) != 1:
            what = "找不到" if not found else f"对应{len(found)}个"
            err(
                PARENT,
                row.parent,
                f"“上级”{what}{Jurisdiction.Level(needed).label}级辖区“{row.parent}”（在起始日期有效的）。",
                "parent_unknown",
            )
            return
        parent = found[0]
        if not _check_code_under_parent(row, parent):
            err(
                CODE,
                row.code,
                f"“统计用区划代码”{row.code}不在上级“{parent.name}”（{parent.stat_code}）的代码之下。",
                "code_not_under_parent",
            )
            return
    predecessors: list[Jurisdiction] = []
    for text in row.predecessors:
        before = row.valid_from - dt.timedelta(days=1) if row.valid_from else None
        found = _candidates(text, row.level, before)
        if len(found) != 1:
            err(
                PREDECESSORS,
                text,
                f"“前身代码”{text}在{before}没有（或有多个）同层级的有效辖区。",
                "predecessor_unknown",
            )
            return
        predecessors.append(found[0])
    fields = {
        "name": row.name,
        "level": row.level,
        "parent": parent,
        "valid_to": row.valid_to,
        "source": row.source,
        "division_code": row.code[:6]
        if row.code and row.level in (Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT)
        else "",
    }
    current = _existing(row)
    if (
        current is not None
        and row.valid_to is None
        and current.valid_to is not None
        and JurisdictionSuccession.objects.filter(predecessor=current, kind__in=CLOSES_PREDECESSOR).exists()
    ):
        # Closed by a recorded rename/merger: an empty 终止日期 in a re-imported file does not reopen it.
        fields["valid_to"] = current.valid_to
    if current is None:
        current = Jurisdiction.objects.create(
            code=_new_code(row), stat_code=row.code, valid_from=row.valid_from, **fields
        )
        result.created += 1
    else:
        changed = [
            k for k, v in fields.items() if getattr(current, k) != v and not (k == "division_code" and not v)
        ]
        if changed:
            for k in changed:
                setattr(current, k, fields[k])
            current.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    for old in predecessors:
        _, made = JurisdictionSuccession.objects.get_or_create(
            predecessor=old, successor=current, defaults={"kind": row.change, "source": row.source}
        )
        result.successions += int(made)
        if row.change in CLOSES_PREDECESSOR and row.valid_from is not None:
            last_day = row.valid_from - dt.timedelta(days=1)
            if old.valid_to is None:
                old.valid_to = last_day
                old.save(update_fields=["valid_to"])
                result.closed += 1
            elif old.valid_to != last_day:
                err(
                    PREDECESSORS,
                    old.stat_code or old.name,
                    f"前身“{old.name}”已于{old.valid_to}终止，与本行起始日期{row.valid_from}不衔接。",
                    "predecessor_dates",
                )


# -- the template --------------------------------------------------------------------------------------------
def template_rows() -> list[list[str]]:
    """The header and the district-level rows already in the register (鄂州市 and its five districts/zones)."""
    rows = [list(COLUMNS)]
    qs = Jurisdiction.objects.filter(
        level__in=[Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT], valid_to__isnull=True
    )
    for j in sorted(qs, key=lambda j: (LEVEL_ORDER[Jurisdiction.Level(j.level)], j.pk)):
        parent = ""
        if j.parent is not None:
            parent = j.parent.stat_code or j.parent.name
        rows.append(
            [
                j.stat_code,
                j.name,
                Jurisdiction.Level(j.level).label,
                parent,
                j.valid_from.isoformat() if j.valid_from else "",
                "",
                "",
                "",
                j.source,
            ]
        )
    return rows
