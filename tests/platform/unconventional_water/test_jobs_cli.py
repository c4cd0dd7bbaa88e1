"""The jobs shared by the pages and `ezhou unconventional-water …`: importing lab reports from a file (each row's
refusal in the errors file, reports already filed skipped), re-checking after a standard is entered, and the
year's interlock with the water plan."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.unconventional_water.models import LabReport, QualityCheck, WaterPlanLink
from ezhou_platform.unconventional_water.services import facilities, interlock, library, reports
from ezhou_platform.unconventional_water.services.importing import template_csv

from .conftest import facility_data

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "设施登记编号,检测报告编号,采样日期,检测机构,资质认定证书编号,采样点,采样点类型,pH,浊度（NTU）,铁（μg/L）,总氯（mg/L）,大肠埃希氏菌（MPN/100mL）"


def _file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "reports.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def jobs_dir(settings: Any, tmp_path: Path) -> Path:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    return tmp_path


def test_import_checks_each_report_and_skips_what_is_filed(
    jobs_dir: Path, facility: Any, operator: Any
) -> None:
    code = facility.code
    path = _file(
        jobs_dir,
        [
            f"{code},A-1,2026-05-20,某检测公司,CMA 1,出水口,出厂,7.2,3,120,1.5,未检出",  # incomplete (required ones missing)
            f"{code},A-2,2026-05-21,某检测公司,CMA 1,出水口,出厂,7.2,6,120,1.5,未检出",  # 6 NTU > 5: 不合格
            f"{code},A-3,2026-05-22,某检测公司,CMA 1,出水口,出厂,7.2,3,0.12,1.5,未检出",  # 0.12 μg/L: fine
            f"{code},A-4,2026-05-23,某检测公司,CMA 1,出水口,出厂,7.2,3,1,2,1x",  # unreadable value: refused
            "UW99999,A-5,2026-05-23,某检测公司,CMA 1,出水口,出厂,7.2,3,1,2,0",  # no such facility
            f"{code},A-6,2026/05/23,某检测公司,CMA 1,出水口,出厂,7.2,3,1,2,0",  # bad date
        ],
    )
    run = start_job("unconventional_water.reports.import", user=operator, input_path=path, inline=True)
    assert run.state == JobRun.State.SUCCEEDED, run.message
    assert set(LabReport.objects.values_list("report_no", flat=True)) == {"A-1", "A-2", "A-3"}
    verdicts = {c.report.report_no: c.verdict for c in QualityCheck.objects.select_related("report")}
    assert verdicts["A-2"] == "fail" and verdicts["A-1"] == "incomplete"
    errors = {e.row: (e.field, e.code) for e in run.errors.all()}
    assert errors == {
        5: ("检测指标", "value_format"),
        6: ("设施登记编号", "facility_unknown"),
        7: ("采样日期", "date_format"),
    }
    assert run.counts["未导入"] == 3
    # again: the three filed are skipped, nothing doubles
    again = start_job("unconventional_water.reports.import", user=operator, input_path=path, inline=True)
    assert again.counts["已备案，跳过"] == 3 and LabReport.objects.count() == 3
    facility.refresh_from_db()
    # the latest stored sample (A-3, 2026-05-22) + 3 months
    assert facility.next_test_due == dt.date(2026, 8, 22)


def test_template_is_importable(jobs_dir: Path, facility: Any, clerk: Any) -> None:
    text = template_csv().decode("utf-8-sig").replace("UW00001", facility.code)
    path = jobs_dir / "template.csv"
    path.write_text(text, encoding="utf-8")
    run = start_job("unconventional_water.reports.import", user=clerk, input_path=path, inline=True)
    assert run.state == JobRun.State.SUCCEEDED and LabReport.objects.count() == 1
    assert QualityCheck.objects.get().verdict == "pass"


def test_another_operator_cannot_import_into_a_facility(
    jobs_dir: Path, facility: Any, developer: Any
) -> None:
    path = _file(
        jobs_dir, [f"{facility.code},B-1,2026-05-20,某检测公司,CMA 1,出水口,出厂,7.2,3,120,1.5,未检出"]
    )
    run = start_job("unconventional_water.reports.import", user=developer, input_path=path, inline=True)
    assert not LabReport.objects.exists() and run.errors.get().code == "facility_unknown"


def test_recheck_after_the_standard_is_entered(jobs_dir: Path, clerk: Any, head: Any, operator: Any) -> None:
    f = facilities.register_facility(facility_data(uses=["green_space_irrigation"]), actor=clerk)
    filed = reports.file_report(
        f,
        {
            "report_no": "G-1",
            "sampled_on": dt.date(2026, 5, 20),
            "lab": "x",
            "lab_qualification": "CMA 1",
            "sample_point": "p",
            "sample_point_kind": "other",
        },
        [("浊度", "4", "NTU")],
        actor=operator,
    )
    assert filed.check.verdict == "refused"
    library.enter_standard(
        "GB/T 25499-2010",
        "",
        None,
        "测试摘录",
        [
            {
                "indicator": "浊度",
                "uses": ["green_space_irrigation"],
                "kind": "max",
                "high": "5",
                "unit": "NTU",
            }
        ],
        actor=head,
    )
    out = StringIO()
    call_command("unconventional_water", "recheck", "--user", "shuiwu_clerk", stdout=out)
    assert "重新判定" in out.getvalue()
    assert reports.latest_check(filed.report).verdict == "pass"
    assert QualityCheck.objects.filter(report=filed.report).count() == 2


def test_interlock_job_records_used_and_leaves_not_used_for_a_second_person(
    jobs_dir: Path, clerk: Any, operator: Any, water_unit: Any
) -> None:
    f = facilities.register_facility(
        facility_data(water_unit=water_unit.pk, in_service_from=dt.date(2024, 1, 1)), actor=clerk
    )
    # 2025: in service, nothing used → able but not using (decided now that 2025 is over)
    out = StringIO()
    call_command("unconventional_water", "interlock", "2025", "--user", "shuiwu_clerk", stdout=out)
    link = WaterPlanLink.objects.get()
    assert (link.kind, link.status, link.event_on) == (
        "unconventional_not_used",
        "proposed",
        dt.date(2025, 12, 31),
    )
    assert interlock.units_with_records(2025) == [water_unit] and f.water_unit_id == water_unit.pk
    out = StringIO()
    call_command("unconventional_water", "reminders", stdout=out)
    assert f.code in out.getvalue()
    out = StringIO()
    call_command("unconventional_water", "standards", stdout=out)
    assert "GB/T 25499-2010" in out.getvalue() and "尚未录入" in out.getvalue()
