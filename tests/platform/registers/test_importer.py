"""The jurisdiction file: every rule of a row named by its column, all-or-nothing per file, idempotent on
re-import, CSV (UTF-8 or GB18030) and Excel, and a template holding the district-level rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from registers_test_data import BASE_ROWS, CHANGE_ROWS, HEADER, SRC, write_csv

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.registers import importer
from ezhou_platform.registers.jobs import IMPORT_JOB

pytestmark = pytest.mark.django_db


def _row(**values: Any) -> dict[str, Any]:
    base = {
        "统计用区划代码": "420704001000",
        "名称": "测试街道",
        "层级": "乡镇（街道）",
        "上级": "420704000000",
        "起始日期": "",
        "终止日期": "",
        "前身代码": "",
        "变更类型": "",
        "来源": SRC,
    }
    base.update(values)
    return base


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"统计用区划代码": "42070400100"}, "统计用区划代码", "code_format"),
        ({"统计用区划代码": "420804001000"}, "统计用区划代码", "code_outside_city"),
        (
            {"统计用区划代码": "420704001001"},
            "统计用区划代码",
            "code_level",
        ),  # a village's code on a township
        ({"统计用区划代码": "", "层级": "村"}, "统计用区划代码", "code_required"),
        ({"名称": ""}, "名称", "name_required"),
        ({"名称": "长" * 51}, "名称", "name_too_long"),
        ({"层级": "县"}, "层级", "level"),
        ({"上级": ""}, "上级", "parent_required"),
        ({"统计用区划代码": "420700000000", "层级": "市", "上级": "湖北省"}, "上级", "parent_not_allowed"),
        ({"起始日期": "2023-02-30"}, "起始日期", "date_format"),
        ({"终止日期": "明年"}, "终止日期", "date_format"),
        ({"起始日期": "2023-01-02", "终止日期": "2023-01-01"}, "终止日期", "dates_order"),
        ({"前身代码": "420704002000", "起始日期": "2023-01-01"}, "变更类型", "change_kind"),
        ({"前身代码": "420704002000", "变更类型": "合并"}, "起始日期", "change_date_required"),
        ({"变更类型": "更名"}, "前身代码", "predecessor_required"),
        (
            {"前身代码": "420704001000", "变更类型": "合并", "起始日期": "2023-01-01"},
            "前身代码",
            "self_predecessor",
        ),
        ({"来源": ""}, "来源", "source_required"),
    ],
)
def test_each_rule_of_a_row_names_its_column(values: dict[str, Any], column: str, code: str) -> None:
    row, errors = importer.check_row(7, _row(**values))
    assert row is None
    assert [(e.row, e.field, e.code) for e in errors] == [(7, column, code)]
    assert f"“{column}”" in errors[0].message or column in errors[0].message


def test_a_good_row_and_its_date_forms() -> None:
    row, errors = importer.check_row(
        2, _row(起始日期="2023年1月1日", 终止日期=dt.datetime(2023, 12, 31, 0, 0))
    )
    assert errors == [] and row is not None
    assert (row.valid_from, row.valid_to, row.level) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        "township",
    )
    # Zones have no code: a district-level row may leave it empty.
    zone, errors = importer.check_row(
        3, _row(统计用区划代码="", 名称="葛店经开区", 层级="区（功能区）", 上级="420700000000")
    )
    assert errors == [] and zone is not None and zone.code == ""


def _import(user: Any, path: Path) -> JobRun:
    return start_job(IMPORT_JOB, user=user, input_path=path, inline=True)


def test_reimporting_the_same_file_changes_nothing(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    path = write_csv(job_files / "j.csv", BASE_ROWS + CHANGE_ROWS)
    first = _import(demo_users["admin"], path)
    assert first.counts == {"新增": 9, "更新": 0, "未变": 0, "登记变更关系": 3, "因更名或合并终止": 3}
    count = Jurisdiction.objects.count()
    second = _import(demo_users["admin"], path)
    assert second.state == JobRun.State.SUCCEEDED
    assert second.counts == {"新增": 0, "更新": 0, "未变": 9, "登记变更关系": 0, "因更名或合并终止": 0}
    assert Jurisdiction.objects.count() == count
    assert Jurisdiction.objects.get(name="测试一街道").valid_to == dt.date(2022, 12, 31)  # not reopened
    assert AuditRecord.objects.filter(action="registers.jurisdictions.import").count() == 2


def test_one_bad_row_writes_nothing(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    before = Jurisdiction.objects.count()
    rows = [*BASE_ROWS, f"420704009001,孤村,村,420704009000,,,,,{SRC}"]  # its township is nowhere
    run = _import(demo_users["admin"], write_csv(job_files / "bad.csv", rows))
    assert run.state == JobRun.State.FAILED and "全部未导入" in run.message
    assert Jurisdiction.objects.count() == before
    (error,) = run.errors.all()
    assert (error.row, error.field, error.code) == (9, "上级", "parent_unknown")
    assert "找不到乡镇（街道）级辖区“420704009000”" in error.message
    assert run.errors_file and run.counts == {}


def test_row_checks_are_reported_together_before_anything_is_written(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    rows = [
        *BASE_ROWS,
        f"12345,坏代码,村,420704001000,,,,,{SRC}",
        "420704001003,无来源,社区,420704001000,,,,,",
    ]
    run = _import(demo_users["admin"], write_csv(job_files / "bad.csv", rows))
    assert [(e.row, e.field) for e in run.errors.all()] == [(9, "统计用区划代码"), (10, "来源")]
    assert not Jurisdiction.objects.filter(level="township").exists()


def test_codes_must_sit_under_their_parent_and_appear_once(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    rows = [
        f"420703001000,错区街道,街道,鄂城区,,,,,{SRC}",
        f"420704001000,测试一街道,街道,鄂城区,,,,,{SRC}",
        f"420704001000,测试一街道,街道,鄂城区,,,,,{SRC}",
    ]
    run = _import(demo_users["admin"], write_csv(job_files / "bad.csv", rows))
    assert [(e.row, e.code) for e in run.errors.all()] == [(2, "code_not_under_parent"), (4, "duplicate_row")]


def test_gb18030_csv_and_excel_with_numbers_and_dates(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    run = _import(demo_users["admin"], write_csv(job_files / "gbk.csv", BASE_ROWS[:1], encoding="gb18030"))
    assert run.state == JobRun.State.SUCCEEDED and run.counts["新增"] == 1
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    # Excel keeps a long code as a number and a date as a date.
    ws.append(
        [420704001001, "测试一社区", "社区", 420704001000, dt.datetime(2022, 1, 1), None, None, None, SRC]
    )
    xlsx = job_files / "j.xlsx"
    wb.save(xlsx)
    run = _import(demo_users["admin"], xlsx)
    assert run.state == JobRun.State.SUCCEEDED, run.message
    village = Jurisdiction.objects.get(stat_code="420704001001")
    assert village.valid_from == dt.date(2022, 1, 1) and village.parent.name == "测试一街道"


def test_unreadable_files_say_why(reference_data: None, demo_users: dict[str, Any], job_files: Path) -> None:
    no_header = job_files / "x.csv"
    no_header.write_text("名称,层级\n测试,村\n", encoding="utf-8")
    run = _import(demo_users["admin"], no_header)
    assert run.state == JobRun.State.FAILED and "缺少列：统计用区划代码、上级、来源" in run.message
    fake = job_files / "y.xlsx"
    fake.write_bytes(b"not a workbook")
    assert "无法作为Excel工作簿读取" in _import(demo_users["admin"], fake).message


def test_the_template_holds_the_district_level_rows_and_imports_unchanged(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    rows = importer.template_rows()
    assert rows[0] == list(importer.COLUMNS)
    assert [r[1] for r in rows[1:]] == ["鄂州市", "鄂城区", "华容区", "梁子湖区", "葛店经开区", "临空经济区"]
    assert rows[2][:4] == ["420704000000", "鄂城区", "区（功能区）", "420700000000"]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = job_files / "template.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    run = _import(demo_users["admin"], path)
    assert run.counts["未变"] == 6 and run.counts["新增"] == 0 and run.counts["更新"] == 0


def test_only_the_administrator_imports(
    reference_data: None, demo_users: dict[str, Any], job_files: Path
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import(demo_users["shuiwu_clerk"], write_csv(job_files / "j.csv", BASE_ROWS))
