"""Fixtures of the supervision tests: plans loaded from the policy library, evidence files in a tmp folder,
and jurisdiction lists imported through the registers' job (townships and villages invented for the tests,
marked 测试)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

PDF = b"%PDF-1.4\n% test\n%%EOF\n"
SRC = "测试数据（非真实区划）"
HEADER = "统计用区划代码,名称,层级,上级,起始日期,终止日期,前身代码,变更类型,来源"


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Path) -> None:
    settings.SUPERVISION_FILES_ROOT = str(tmp_path / "evidence")
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"


@pytest.fixture
def ve(demo_users: dict[str, Any]) -> Any:
    """鄂州政发〔2022〕15号 loaded (the reference data and demo accounts first)."""
    from ezhou_platform.supervision.services.loading import load_plan

    return load_plan("vocational_education").plan


@pytest.fixture
def rd(demo_users: dict[str, Any]) -> Any:
    """鄂州政办发〔2022〕28号 loaded."""
    from ezhou_platform.supervision.services.loading import load_plan

    return load_plan("rural_delivery").plan


def import_jurisdictions(rows: list[str], admin: Any, folder: Path) -> Any:
    """Townships and villages through the administrator's import job (as the platform requires)."""
    from ezhou_platform.jobs.runner import start_job
    from ezhou_platform.registers.jobs import IMPORT_JOB

    path = folder / "jurisdictions.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    run = start_job(IMPORT_JOB, user=admin, input_path=path, inline=True)
    assert run.state == "succeeded", (run.message, list(run.errors.values_list("row", "field", "message")))
    return run


def township_rows(district: str, district_code: str, townships: int, villages: int) -> list[str]:
    """``townships`` townships under a district, each with ``villages`` villages (codes 12 digits)."""
    rows = []
    for t in range(1, townships + 1):
        t_code = f"{district_code[:6]}{t:03d}000"
        rows.append(f"{t_code},{district}测试{t}镇,乡镇（街道）,{district_code},,,,,{SRC}")
        for v in range(1, villages + 1):
            rows.append(f"{t_code[:9]}{v:03d},{district}测试{t}镇{v}村,村（社区）,{t_code},,,,,{SRC}")
    return rows


def file_and_decide(
    item: Any,
    unit_name: str,
    actor: Any,
    *,
    day: dt.date,
    number: str = "测试〔2022〕1号",
    kind: str = "completion",
    decide: str = "accept",
    reviewer: Any = None,
) -> Any:
    from ezhou_platform.registers.organisations import resolve_organisation
    from ezhou_platform.supervision.services import reports

    unit = resolve_organisation(unit_name, item.plan.issued)
    report = reports.file_report(
        item,
        unit=unit,
        kind=kind,
        evidence_date=day,
        document_number=number,
        summary="测试报送",
        attachment=reports.Attachment("证明.pdf", PDF) if kind == "completion" else None,
        actor=actor,
    )
    if decide == "accept":
        reports.accept(report, actor=reviewer or actor)
    elif decide == "return":
        reports.return_report(report, actor=reviewer or actor, reason="材料不全")
    return report
