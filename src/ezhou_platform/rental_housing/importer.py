"""Excel import of projects and units (`ezhou rental-housing import FILE.xlsx`).

Sheet 项目: 项目名称 | 项目认定书编号 | 认定日期 | 辖区 | 产权单位 | 运营单位统一社会信用代码 | 筹集方式 | 筹集单位 | 已开工或转化
Sheet 房源: 项目认定书编号 | 房号 | 户型 | 建筑面积 | 月租金（元） | 市场月租金（元） | 月物业费（元） | 已装修 | 面积说明

Every row goes through the same services as the admin (第六条 type, 第八条 area, 第十条 rent cap, 第十五条
operator); all rows are written in one transaction, so one bad row means nothing is written and the report
names the sheet, row, column and rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.models import Jurisdiction, User
from ezhou_rules.core.money import MoneyError, parse_yuan

from . import services
from .models import Operator, PlanBody, Project

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


class _Rollback(Exception):
    pass


@dataclass
class ImportReport:
    projects: int = 0
    units: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        head = "校验" if self.dry_run else "导入"
        out = [f"{head}项目 {self.projects} 个、房源 {self.units} 套。"]
        out += [f"提示：{w}" for w in self.warnings]
        out += [f"错误：{e}" for e in self.errors]
        return out


def _rows(ws: Any, columns: list[str], sheet: str) -> list[tuple[int, dict[str, Any]]]:
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


def import_workbook(path: str, *, username: str, dry_run: bool = False) -> ImportReport:
    from openpyxl import load_workbook

    report = ImportReport(dry_run=dry_run)
    user = User.objects.filter(username=username).first()
    if user is None:
        report.errors.append(f"用户 {username} 不存在。")
        return report
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        project_rows = _rows(wb["项目"], PROJECT_COLUMNS, "项目")
        unit_rows = _rows(wb["房源"], UNIT_COLUMNS, "房源")
    except (KeyError, ValueError, OSError) as exc:
        report.errors.append(f"文件无法读取：{exc}")
        return report
    bodies = {label: value for value, label in PlanBody.choices}
    try:
        with transaction.atomic():
            for n, r in project_rows:
                where = f"工作表“项目”第{n}行"
                try:
                    jurisdiction = Jurisdiction.objects.get(name=str(r["辖区"]).strip())
                    operator = Operator.objects.get(uscc=str(r["运营单位统一社会信用代码"]).strip())
                    services.register_project(
                        acting_user=user,
                        name=str(r["项目名称"]).strip(),
                        certificate_number=str(r["项目认定书编号"]).strip(),
                        certificate_date=_date(r["认定日期"]),
                        jurisdiction=jurisdiction,
                        owner_name=str(r["产权单位"]).strip(),
                        operator=operator,
                        sourcing_method=int(r["筹集方式"]),
                        plan_body=bodies.get(str(r["筹集单位"] or "").strip(), PlanBody.OTHER),
                        started_or_converted=_yes(r["已开工或转化"]),
                    )
                    report.projects += 1
                except Jurisdiction.DoesNotExist:
                    report.errors.append(f"{where}“辖区”：{r['辖区']} 不是本市辖区名称。")
                except Operator.DoesNotExist:
                    report.errors.append(f"{where}“运营单位统一社会信用代码”：未登记的运营单位（第十五条）。")
                except ApiError as exc:
                    report.errors.append(f"{where}：{exc.message}")
                except IntegrityError:
                    report.errors.append(f"{where}“项目认定书编号”：该编号已登记。")
                except (TypeError, ValueError) as exc:
                    report.errors.append(f"{where}：数据格式不正确（{exc}）。")
            for n, r in unit_rows:
                where = f"工作表“房源”第{n}行"
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
                    report.warnings += [f"{where}：{w}" for w in warnings]
                    report.units += 1
                except Project.DoesNotExist:
                    report.errors.append(f"{where}“项目认定书编号”：找不到该项目。")
                except ApiError as exc:
                    report.errors.append(f"{where}“{exc.field}”：{exc.message}")
                except IntegrityError:
                    report.errors.append(f"{where}“房号”：该项目已有此房号，或租金超过市场租金的70%。")
                except (InvalidOperation, MoneyError, TypeError, ValueError) as exc:
                    report.errors.append(f"{where}：数据格式不正确（{exc}）。")
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if report.errors:
            report.projects = report.units = 0
    return report
