"""三同时 of a project (第六条, 第八条, 第十七条) on the procedure layer: filing with the 第八条 screening as filed,
the receipt, the steps in the order the law allows, and the violations the dated facts show (U1, U2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.engine import ProcedureError, case_of
from ezhou_platform.procedures.models import Document, Period
from ezhou_platform.unconventional_water.models import Facility, Project, ProjectViolation
from ezhou_platform.unconventional_water.services import projects as svc
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

from .conftest import DEVELOPER_USCC, OPERATOR_USCC, facility_data

pytestmark = pytest.mark.django_db


def project_data(**kw: Any) -> dict[str, Any]:
    data = {
        "name": "华容区滨湖花园二期",
        "developer_name": "鄂州示范置业有限公司",
        "developer_uscc": DEVELOPER_USCC,
        "jurisdiction": "huarong",
        "location": "华容区滨湖大道18号",
        "project_kind": "building",
        "works": "new",
        "footprint_m2": "18000",
        "hardened_m2": "12000",
        "facility_type": "rainwater",
    }
    data.update(kw)
    return data


def test_filing_at_exactly_30000_is_required_and_issues_a_receipt(developer: Any) -> None:
    # 18,000.00 + 12,000.00 = 30,000.00 m² ≥ 30,000 ("以上" includes the figure) → 第八条 requires the facility
    p = svc.file_project(project_data(), actor=developer)
    assert p.facility_required is True
    assert "30,000.00平方米" in p.screening_reason and "（第八条）" in p.screening_reason
    assert p.filed_on == dt.date(2026, 6, 15) and p.status == "filed"
    doc = Document.objects.get(kind="unconventional_water.filing_receipt")
    assert doc.number == "鄂水非备〔2026〕1号" == p.receipt_number
    assert case_of(p).applicant_uscc == DEVELOPER_USCC  # the developer sees its case on its workspace


def test_one_hundredth_below_is_not_required_but_may_still_file(developer: Any) -> None:
    # 18,000.00 + 11,999.99 = 29,999.99 < 30,000 → not required; a voluntary facility is still 三同时 (第六条)
    p = svc.file_project(project_data(hardened_m2="11999.99"), actor=developer)
    assert p.facility_required is False and "不要求" in p.screening_reason


def test_expansion_counts_only_what_it_builds(developer: Any) -> None:
    # U1: 10,000 + 5,000 = 15,000 m² < 30,000 on a site with 40,000 m² built: not required; the note shows 40,000
    p = svc.file_project(
        project_data(
            works="expansion", footprint_m2="10000", hardened_m2="5000", existing_footprint_m2="40000"
        ),
        actor=developer,
    )
    assert p.facility_required is False
    assert any("40,000.00平方米" in n for n in p.screening_notes)
    assert p.existing_m2x100 == 4_000_000


def test_bad_input_is_refused_and_writes_nothing(developer: Any) -> None:
    with pytest.raises(UnconventionalWaterError, match=r"总用地面积.*不能为负数"):
        svc.file_project(project_data(project_kind="park", land_m2="-1"), actor=developer)
    with pytest.raises(UnconventionalWaterError, match="统一社会信用代码"):
        svc.file_project(project_data(developer_uscc="91420700MA4D3K0010"), actor=developer)
    assert not Project.objects.exists() and not Document.objects.exists()


def _facility() -> dict[str, Any]:
    return facility_data(
        facility_type="rainwater", sources=[{"kind": "rainwater_roof"}], uses=["urban_greening"]
    )


def test_full_course_with_the_department_at_the_acceptance(developer: Any, clerk: Any, clock_at: Any) -> None:
    clock_at(dt.date(2026, 3, 2))
    p = svc.file_project(project_data(), actor=developer)  # filed 2026-03-02
    svc.record_designer(p, "湖北某建筑设计院", "A142000001", dt.date(2026, 3, 1), actor=developer)
    clock_at(dt.date(2026, 3, 10))
    svc.start_construction(p, dt.date(2026, 3, 9), dt.date(2026, 9, 30), actor=developer)
    p.refresh_from_db()
    assert p.status == "under_construction"
    # 竣工前 the department attends: the period is due the day before the planned completion, on its side
    period = Period.objects.get(field="acceptance_due")
    assert period.due == dt.date(2026, 9, 29) and period.party == "department"
    clock_at(dt.date(2026, 8, 20))
    svc.record_acceptance(
        p, dt.date(2026, 8, 20), department_present=True, parts="雨水收集池主体结构", actor=clerk
    )
    p.refresh_from_db()
    assert p.status == "accepted" and p.accepted_on == dt.date(2026, 8, 20)
    assert Period.objects.get(field="acceptance_due").closed_on == dt.date(2026, 8, 20)
    clock_at(dt.date(2026, 9, 28))
    svc.complete_project(p, dt.date(2026, 9, 28), _facility(), actor=developer)
    p.refresh_from_db()
    assert p.status == "supervised" and p.supervised_from == dt.date(2026, 9, 28)
    f = Facility.objects.get(project=p)
    assert f.in_service_from == dt.date(2026, 9, 28) and f.operator_uscc == OPERATOR_USCC
    assert Document.objects.filter(kind="unconventional_water.supervision_notice").count() == 1
    assert not ProjectViolation.objects.exists()
    assert svc.status_of(p).state == "supervised"  # the rules agree with the procedure's state


def test_construction_before_filing_is_recorded(developer: Any, clerk: Any) -> None:
    # U2: filed 2026-06-15, construction began 2026-06-15 (the same day is not "建设前") → violation dated the start
    p = svc.file_project(project_data(), actor=clerk)
    svc.start_construction(p, dt.date(2026, 6, 15), None, actor=clerk)
    v = ProjectViolation.objects.get(project=p, code="construction_before_filing")
    assert v.on == dt.date(2026, 6, 15) and "第六条" in v.citation
    # no designer recorded by the start day either: 同时设计 (第六条)
    assert set(ProjectViolation.objects.values_list("code", flat=True)) == {
        "construction_before_filing",
        "designer_missing",
    }
    # idempotent: another step does not record it twice
    svc.record_acceptance(p, dt.date(2026, 6, 15), department_present=False, parts="基础", actor=developer)
    assert ProjectViolation.objects.filter(project=p, code="construction_before_filing").count() == 1
    assert ProjectViolation.objects.filter(project=p, code="acceptance_without_department").exists()


def test_completion_without_the_department_then_supervision(
    developer: Any, clerk: Any, clock_at: Any
) -> None:
    clock_at(dt.date(2026, 1, 5))
    p = svc.file_project(project_data(), actor=developer)
    svc.record_designer(p, "湖北某建筑设计院", "", dt.date(2026, 1, 4), actor=developer)
    clock_at(dt.date(2026, 2, 2))
    svc.start_construction(p, dt.date(2026, 2, 2), None, actor=developer)
    clock_at(dt.date(2026, 5, 6))
    svc.complete_project(p, dt.date(2026, 5, 6), _facility(), actor=developer)
    p.refresh_from_db()
    assert p.status == "completed_unaccepted" and not Facility.objects.exists()
    assert ProjectViolation.objects.get(project=p).code == "completed_without_acceptance"
    with pytest.raises(ProcedureError, match="您没有权限"):
        svc.supervise_project(p, dt.date(2026, 5, 6), _facility(), actor=developer)
    clock_at(dt.date(2026, 5, 8))
    svc.supervise_project(p, dt.date(2026, 5, 8), _facility(), actor=clerk)
    p.refresh_from_db()
    assert p.status == "supervised" and Facility.objects.get(project=p).in_service_from == dt.date(2026, 5, 8)


def test_acceptance_on_the_completion_day_is_not_before_it(developer: Any, clerk: Any, clock_at: Any) -> None:
    # U2: "竣工前" is an earlier calendar day; an acceptance on the completion day does not count
    clock_at(dt.date(2026, 4, 1))
    p = svc.file_project(project_data(), actor=developer)
    svc.record_designer(p, "某设计院", "", dt.date(2026, 3, 30), actor=developer)
    clock_at(dt.date(2026, 4, 2))
    svc.start_construction(p, dt.date(2026, 4, 2), None, actor=developer)
    clock_at(dt.date(2026, 6, 1))
    svc.record_acceptance(p, dt.date(2026, 6, 1), department_present=True, parts="管网", actor=clerk)
    svc.complete_project(p, dt.date(2026, 6, 1), _facility(), actor=developer)
    p.refresh_from_db()
    assert p.status == "completed_unaccepted"


def test_reclaimed_designer_needs_its_qualification(developer: Any) -> None:
    p = svc.file_project(project_data(facility_type="reclaimed"), actor=developer)
    with pytest.raises(UnconventionalWaterError, match="第十七条"):
        svc.record_designer(p, "某设计院", "", dt.date(2026, 6, 1), actor=developer)
    p.refresh_from_db()
    assert p.designer == ""


def test_designer_recorded_after_the_start_is_dated_after_it(developer: Any) -> None:
    # U2: filed 2026-01-05; the start is recorded for 2026-03-01 with no designer → 未同时设计 on record, dated
    # 2026年3月1日. A designer dated 2026-02-20 would contradict it (refused, nothing written); dated 2026-03-10 it
    # is accepted and the violation stays.
    p = svc.file_project(project_data(), actor=developer, on=dt.date(2026, 1, 5))
    svc.start_construction(p, dt.date(2026, 3, 1), None, actor=developer)
    p.refresh_from_db()
    missing = ProjectViolation.objects.get(project=p, code="designer_missing")
    assert missing.on == dt.date(2026, 3, 1)
    with pytest.raises(UnconventionalWaterError, match="2026年3月1日开工时没有设计单位记录") as refused:
        svc.record_designer(p, "某设计院", "", dt.date(2026, 2, 20), actor=developer)
    assert refused.value.field == "designed_on"
    p.refresh_from_db()
    assert p.designer == "" and p.designed_on is None
    svc.record_designer(p, "某设计院", "", dt.date(2026, 3, 10), actor=developer)
    p.refresh_from_db()
    assert p.designed_on == dt.date(2026, 3, 10)
    assert set(ProjectViolation.objects.filter(project=p).values_list("code", flat=True)) == {
        "designer_missing"
    }
    assert {v.code for v in svc.status_of(p).violations} == {"designer_missing"}


def test_steps_out_of_order_are_refused_naming_the_state(developer: Any, clerk: Any) -> None:
    p = svc.file_project(project_data(), actor=developer)
    with pytest.raises(UnconventionalWaterError, match="尚未记录开工"):
        svc.complete_project(p, dt.date(2026, 6, 15), _facility(), actor=developer)
    with pytest.raises(UnconventionalWaterError, match="验收日期：尚未记录开工"):
        svc.record_acceptance(p, dt.date(2026, 6, 15), department_present=False, parts="x", actor=developer)
    svc.start_construction(p, dt.date(2026, 6, 15), None, actor=developer)
    # the department's presence is attested by the department, not by the developer
    with pytest.raises(UnconventionalWaterError, match="部门参加验收由市水利和湖泊局经办人员记录"):
        svc.record_acceptance(p, dt.date(2026, 6, 15), department_present=True, parts="x", actor=developer)
    # the procedure layer refuses a step the state does not allow, naming the state and the article
    with pytest.raises(
        ProcedureError, match="当前状态为“施工中”，不能竣工并纳入日常监管（鄂州政办发〔2022〕14号 第六条）"
    ):
        svc.engine.take(p, "complete", actor=clerk, data={"completed_on": dt.date(2026, 6, 15)})
