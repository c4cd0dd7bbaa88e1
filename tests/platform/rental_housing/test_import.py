"""Excel import of projects and units: all rows or none, errors naming sheet, row, field and rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from ezhou_platform.rental_housing.importer import PROJECT_COLUMNS, UNIT_COLUMNS, import_workbook
from ezhou_platform.rental_housing.models import Project, Unit

pytestmark = pytest.mark.django_db(transaction=True)


def workbook(path: Path, projects: list[list[Any]], units: list[list[Any]]) -> str:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_COLUMNS)
    for r in projects:
        ws.append(r)
    ws2 = wb.create_sheet("房源")
    ws2.append(UNIT_COLUMNS)
    for r in units:
        ws2.append(r)
    wb.save(path)
    return str(path)


PROJECT = [
    "梁子湖区人才公寓",
    "IMP-001",
    "2023-02-01",
    "梁子湖区",
    "梁子湖区城投",
    "91420700MA4F000015",
    6,
    "梁子湖区",
    "否",
]


def test_import_projects_and_units(tmp_path: Path, housing: dict[str, Any]) -> None:
    path = workbook(
        tmp_path / "a.xlsx",
        [PROJECT],
        [
            ["IMP-001", "101", "一室一厅", "45.50", "700.00", "1000.00", "50", "是", ""],
            ["IMP-001", "102", "一室一厅", "70.00", "700", "1000", "", "是", ""],
        ],
    )
    report = import_workbook(path, user=housing["clerk"])
    assert report.errors == [] and (report.projects, report.units) == (1, 2)
    p = Project.objects.get(certificate_number="IMP-001")
    assert p.housing_type == "rent_only"  # 第六条第（六）项
    assert Unit.objects.get(project=p, number="101").rent_fen == 70000


def test_one_bad_row_writes_nothing(tmp_path: Path, housing: dict[str, Any]) -> None:
    path = workbook(
        tmp_path / "b.xlsx",
        [PROJECT],
        [
            ["IMP-001", "101", "一室一厅", "45.50", "700.00", "1000.00", "50", "是", ""],
            ["IMP-001", "102", "两室一厅", "70.01", "700", "1000", "", "是", ""],  # rent-only above 70 m²
            [
                "IMP-001",
                "103",
                "一室一厅",
                "50",
                "700.01",
                "1000",
                "",
                "是",
                "",
            ],  # above 70% of the market rent
        ],
    )
    report = import_workbook(path, user=housing["clerk"])
    assert len(report.errors) == 2
    # the column is named by its header in the sheet, not by an internal field name
    assert report.errors[0].startswith("工作表“房源”第3行“建筑面积”") and "第八条" in report.errors[0]
    assert "第十条" in report.errors[1]
    assert not Project.objects.filter(certificate_number="IMP-001").exists()
    with pytest.raises(CommandError):  # the CLI runs the import job: it fails and writes nothing
        call_command("rental_housing", "import", path, "--user", "zhujian_clerk")
    assert not Project.objects.filter(certificate_number="IMP-001").exists()


def test_dry_run_writes_nothing(tmp_path: Path, housing: dict[str, Any]) -> None:
    path = workbook(tmp_path / "c.xlsx", [PROJECT], [])
    report = import_workbook(path, user=housing["clerk"], dry_run=True)
    assert report.errors == [] and report.projects == 1
    assert not Project.objects.filter(certificate_number="IMP-001").exists()


def test_the_templates_are_the_importers_headers(login_client: Any) -> None:
    """The downloadable templates hold exactly the columns the importers read (no example rows)."""
    import io

    from openpyxl import load_workbook

    from ezhou_platform.rental_housing.importer import APPLICATION_COLUMNS

    clerk = login_client("zhujian_clerk")
    wb = load_workbook(io.BytesIO(clerk.get("/rental-housing/imports/template/projects.xlsx").content))
    assert [ws.title for ws in wb.worksheets] == ["项目", "房源"]
    assert [list(r) for r in wb["项目"].iter_rows(values_only=True)] == [list(PROJECT_COLUMNS)]
    assert [list(r) for r in wb["房源"].iter_rows(values_only=True)] == [list(UNIT_COLUMNS)]
    wb = load_workbook(io.BytesIO(clerk.get("/rental-housing/imports/template/applications.xlsx").content))
    assert [list(r) for r in wb.active.iter_rows(values_only=True)] == [list(APPLICATION_COLUMNS)]


def test_the_applications_table_is_read_by_the_platforms_reader(tmp_path: Path) -> None:
    """CSV as Excel saves it (GB18030) or xlsx, through jobs.files.read_table; a missing column and a file that
    is not a workbook are refused in words."""
    from ezhou_platform.rental_housing.importer import FileUnreadable, read_applications

    csv_file = tmp_path / "a.csv"
    csv_file.write_bytes(
        "项目认定书编号,申请人姓名,身份证号码,联系电话,申请时间,具有完全民事行为能力\n"
        "IMPORT-1,张三,420704199001010011,13800000000,2026-06-01,是\n\n".encode("gb18030")
    )
    ((number, values),) = read_applications(csv_file)
    assert number == 2 and values["申请人姓名"] == "张三" and values["身份证号码"] == "420704199001010011"
    csv_file.write_text("申请人姓名,身份证号码\n张三,1\n", encoding="utf-8")
    with pytest.raises(FileUnreadable, match="第1行表头缺少列：项目认定书编号"):
        read_applications(csv_file)
    bad = tmp_path / "b.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(FileUnreadable, match="文件无法作为Excel工作簿读取"):
        read_applications(bad)
