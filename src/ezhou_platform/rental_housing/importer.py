"""Files the housing staff import (run as background jobs, jobs.py; the CLI runs the same jobs):

1. Projects and units (`import_workbook`), an Excel workbook:
   Sheet 项目: 项目名称 | 项目认定书编号 | 认定日期 | 辖区 | 产权单位 | 运营单位统一社会信用代码 | 筹集方式 | 筹集单位 | 已开工或转化
   Sheet 房源: 项目认定书编号 | 房号 | 户型 | 建筑面积 | 月租金（元） | 市场月租金（元） | 月物业费（元） | 已装修 | 面积说明
   Every row goes through the same services as the pages (第六条 type, 第八条 area, 第十条 rent cap, 第十五条
   operator); all rows are written in one transaction, so one bad row means nothing is written, and each error
   names the sheet, row, column (its Chinese label) and rule.

2. Offline applications (`read_applications`, `application_row`), a CSV or Excel table, one application a row
   (第十四条第（一）项: 运营单位将申请资料录入): each row is submitted as the operator's offline entry, at the time the
   paper application was received (申请时间 decides the order of 第十七条), with the same checks as the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.jobs.files import TableUnreadable, cell_text, read_table
from ezhou_rules.core.money import MoneyError, parse_yuan
from ezhou_rules.rental_housing.common import label as rule_label

from . import services
from .models import MATERIALS, Operator, PlanBody, Project

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_COLUMNS = [
    "项目名称",
    "项目认定书编号",
    "认定日期",
    "辖区",
    "产权单位",
    "运营单位统一社会信用代码",
    "筹集方式",
    "筹集单位",
    "已开工或转化",
]
UNIT_COLUMNS = [
    "项目认定书编号",
    "房号",
    "户型",
    "建筑面积",
    "月租金（元）",
    "市场月租金（元）",
    "月物业费（元）",
    "已装修",
    "面积说明",
]
UNIT_FIELDS = {  # the service's field → the column of 房源
    "number": "房号",
    "area_m2": "建筑面积",
    "area_note": "面积说明",
    "rent_fen": "月租金（元）",
    "market_rent_fen": "市场月租金（元）",
}


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: Any
    message: str
    code: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第{self.row}行" if self.sheet else f"第{self.row}行"
        return f"{where}“{self.column}”：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class ImportReport:
    projects: int = 0
    units: int = 0
    warnings: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def errors(self) -> list[str]:
        return [str(e) for e in self.row_errors]

    def lines(self) -> list[str]:
        head = "校验" if self.dry_run else "导入"
        out = [f"{head}项目 {self.projects} 个、房源 {self.units} 套。"]
        out += [f"提示：{w}" for w in self.warnings]
        out += [f"错误：{e}" for e in self.errors]
        return out


def _workbook_rows(ws: Any, columns: list[str], sheet: str) -> list[tuple[int, dict[str, Any]]]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][: len(columns)]] != columns:
        raise ValueError(f"工作表“{sheet}”第1行应为表头：{' | '.join(columns)}")
    return [
        (i, dict(zip(columns, r, strict=False)))
        for i, r in enumerate(rows[1:], start=2)
        if any(c not in (None, "") for c in r)
    ]


def _yes(value: Any) -> bool:
    return str(value or "").strip() in ("是", "1", "Y", "y", "TRUE", "True", "true")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def count_workbook_rows(path: str | Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(max(ws.max_row - 1, 0) for ws in wb.worksheets if ws.title in ("项目", "房源"))
    finally:
        wb.close()


def import_workbook(path: str | Path, *, user: Any, dry_run: bool = False) -> ImportReport:
    """All rows of both sheets in one transaction, or none (any error, or a dry run)."""
    from openpyxl import load_workbook

    report = ImportReport(dry_run=dry_run)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        project_rows = _workbook_rows(wb["项目"], PROJECT_COLUMNS, "项目")
        unit_rows = _workbook_rows(wb["房源"], UNIT_COLUMNS, "房源")
    except (KeyError, ValueError, OSError) as exc:
        report.row_errors.append(RowError("", 1, "", "", f"文件无法读取：{exc}", "file_unreadable"))
        return report
    bodies = {label: value for value, label in PlanBody.choices}

    def error(sheet: str, n: int, column: str, value: Any, message: str, code: str) -> None:
        report.row_errors.append(RowError(sheet, n, column, "" if value is None else value, message, code))

    try:
        with transaction.atomic():
            for n, r in project_rows:
                try:
                    district = str(r["辖区"] or "").strip()
                    on = _date(r["认定日期"])
                    # names are not unique across levels and versions: a district in force on the certificate date
                    jurisdiction = Jurisdiction.objects.districts(on=on).filter(name=district).first()
                    if jurisdiction is None:
                        error(
                            "项目",
                            n,
                            "辖区",
                            district,
                            "不是本市的区（功能区）名称。",
                            "jurisdiction_unknown",
                        )
                        continue
                    services.register_project(
                        acting_user=user,
                        name=str(r["项目名称"]).strip(),
                        certificate_number=str(r["项目认定书编号"]).strip(),
                        certificate_date=on,
                        jurisdiction=jurisdiction,
                        owner_name=str(r["产权单位"]).strip(),
                        operator=Operator.objects.get(uscc=str(r["运营单位统一社会信用代码"]).strip()),
                        sourcing_method=int(r["筹集方式"]),
                        plan_body=bodies.get(str(r["筹集单位"] or "").strip(), PlanBody.OTHER),
                        started_or_converted=_yes(r["已开工或转化"]),
                    )
                    report.projects += 1
                except Operator.DoesNotExist:
                    error(
                        "项目",
                        n,
                        "运营单位统一社会信用代码",
                        r["运营单位统一社会信用代码"],
                        "未登记的运营单位（第十五条）。",
                        "operator_unknown",
                    )
                except ApiError as exc:
                    error("项目", n, rule_label(exc.field or ""), "", exc.message, exc.code)
                except IntegrityError:
                    error("项目", n, "项目认定书编号", r["项目认定书编号"], "该编号已登记。", "duplicate")
                except (TypeError, ValueError) as exc:
                    error("项目", n, "", "", f"数据格式不正确（{exc}）。", "invalid_format")
            for n, r in unit_rows:
                try:
                    project = Project.objects.get(certificate_number=str(r["项目认定书编号"]).strip())
                    _, warnings = services.add_unit(
                        project,
                        acting_user=user,
                        number=str(r["房号"]).strip(),
                        layout=str(r["户型"] or "").strip(),
                        area_m2=Decimal(str(r["建筑面积"]).strip()),
                        rent_fen=parse_yuan(str(r["月租金（元）"])),
                        market_rent_fen=parse_yuan(str(r["市场月租金（元）"])),
                        property_fee_fen=parse_yuan(str(r["月物业费（元）"] or "0")),
                        fitted_out=_yes(r["已装修"]),
                        area_note=str(r["面积说明"] or "").strip(),
                    )
                    report.warnings += [f"工作表“房源”第{n}行：{w}" for w in warnings]
                    report.units += 1
                except Project.DoesNotExist:
                    error(
                        "房源", n, "项目认定书编号", r["项目认定书编号"], "找不到该项目。", "project_unknown"
                    )
                except ApiError as exc:
                    column = UNIT_FIELDS.get(exc.field or "", rule_label(exc.field or ""))
                    error("房源", n, column, r.get(column, ""), exc.message, exc.code)
                except IntegrityError:
                    error(
                        "房源",
                        n,
                        "房号",
                        r["房号"],
                        "该项目已有此房号，或租金超过市场租金的70%。",
                        "duplicate",
                    )
                except (InvalidOperation, MoneyError, TypeError, ValueError) as exc:
                    error("房源", n, "", "", f"数据格式不正确（{exc}）。", "invalid_format")
            if report.row_errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.row_errors:
            report.projects = report.units = 0
    return report


# -- offline applications ------------------------------------------------------------------------------------
APPLICATION_COLUMNS = [
    "项目认定书编号",
    "申请人姓名",
    "身份证号码",
    "联系电话",
    "申请时间",
    "具有完全民事行为能力",
    "有配偶",
    "未成年子女人数",
    "辖区内住房面积",
    "已享受其他保障性住房",
    "工作单位",
    "从事基本公共服务",
    "多孩家庭",
    "三世同堂",
    "已交材料",
]
REQUIRED = ("项目认定书编号", "申请人姓名", "身份证号码", "联系电话", "申请时间")
MATERIAL_NAMES = {label: f.removeprefix("material_") for f, label, _ in MATERIALS}
APPLICATION_FIELDS = {  # the service's field → the file's column
    "name": "申请人姓名",
    "id_number": "身份证号码",
    "phone": "联系电话",
    "homes": "辖区内住房面积",
    "application_date": "申请时间",
    "materials": "已交材料",
}


class FileUnreadable(ValueError):
    pass


def read_applications(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) of a CSV (UTF-8 or GB18030) or xlsx file; blank rows left out."""
    try:
        head, rows = read_table(path)
    except TableUnreadable as exc:
        raise FileUnreadable(str(exc)) from exc
    absent = [c for c in REQUIRED if c not in head]
    if absent:
        raise FileUnreadable(f"第1行表头缺少列：{'、'.join(absent)}（请使用下载的模板）。")
    where = {c: head.index(c) for c in APPLICATION_COLUMNS if c in head}
    return [
        (n, {c: (values[i] if i < len(values) else None) for c, i in where.items()}) for n, values in rows
    ]


def _when(value: Any) -> dt.datetime:
    """申请时间: "2026-06-15 09:30", "2026-06-15" (09:00) or an Excel date-time, Beijing time."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(9, 0))
    else:
        text = cell_text(value).replace("/", "-").replace("T", " ")
        moment = dt.datetime.fromisoformat(text if " " in text else f"{text} 09:00")
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


@dataclass
class ApplicationRow:
    number: int
    certificate: str
    data: dict[str, Any]
    at: dt.datetime


def application_row(number: int, values: dict[str, Any]) -> tuple[ApplicationRow | None, list[RowError]]:
    """A row's values checked for form (the rules are checked when it is submitted)."""
    errors: list[RowError] = []

    def bad(column: str, message: str, code: str = "invalid_format") -> None:
        errors.append(RowError("", number, column, cell_text(values.get(column)), message, code))

    for column in REQUIRED:
        if not cell_text(values.get(column)):
            bad(column, "必填。", "required")
    at = None
    if cell_text(values.get("申请时间")):
        try:
            at = _when(values["申请时间"])
        except ValueError:
            bad("申请时间", "应写作“2026-06-15 09:30”或“2026-06-15”。")
    children = cell_text(values.get("未成年子女人数")) or "0"
    if not children.isdigit() or int(children) > 20:
        bad("未成年子女人数", "应为0至20的整数。")
    materials = [
        m.strip() for m in cell_text(values.get("已交材料")).replace("，", ",").replace("、", ",").split(",")
    ]
    unknown = [m for m in materials if m and m not in MATERIAL_NAMES]
    if unknown:
        bad("已交材料", f"不认识的材料：{'、'.join(unknown)}（按第十三条的名称填写，用顿号分隔）。")
    if errors or at is None:
        return None, errors
    homes = [
        a.strip() for a in cell_text(values.get("辖区内住房面积")).replace("，", ",").split(",") if a.strip()
    ]
    data = {
        "name": cell_text(values["申请人姓名"]),
        "id_number": cell_text(values["身份证号码"]).upper(),
        "phone": cell_text(values["联系电话"]),
        "full_civil_capacity": _yes(values.get("具有完全民事行为能力", "是") or "是"),
        "has_spouse": _yes(values.get("有配偶")),
        "minor_children": int(children),
        "homes": [{"area_m2": a} for a in homes],
        "other_subsidised_housing": _yes(values.get("已享受其他保障性住房")),
        "work_unit": cell_text(values.get("工作单位")),
        "priority_public_service": _yes(values.get("从事基本公共服务")),
        "priority_multi_child": _yes(values.get("多孩家庭")),
        "priority_three_generation": _yes(values.get("三世同堂")),
        "materials": tuple(MATERIAL_NAMES[m] for m in materials if m),
    }
    return ApplicationRow(number, cell_text(values["项目认定书编号"]), data, at), []


def application_template() -> list[list[str]]:
    """The header of the offline-applications file (the page says how each column is written)."""
    return [APPLICATION_COLUMNS]
