"""Loading a plan from the policy library: tasks never retyped, units through the organisation register (the
rules' aliases loaded into it with their sources), deadlines as printed and as dates, the load report, the
consistency report with both anchors, the leading body's membership, and a second load that changes
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from ezhou_platform.common.models import Organisation, OrganisationAlias
from ezhou_platform.procedures.models import Period
from ezhou_platform.supervision.models import Assignment, Item, LoadRun, Task

pytestmark = pytest.mark.django_db
D = dt.date


def _units(task: Task) -> list[tuple[str, str, str]]:
    return [(u.printed, u.organisation.name if u.organisation else "", u.role) for u in task.units.all()]


def test_vocational_education_is_loaded_from_the_library(ve: Any) -> None:
    run = LoadRun.objects.get(plan=ve)
    # 附件2 has 25 rows; 7 yearly items: the talent catalogue 2023–2025 (row 9), the quality report
    # 2022–2025 (row 21) — 25 + 3 + 4 = 32 items.
    assert ve.tasks.count() == 25 and ve.items.count() == 32
    assert run.counts["新增任务"] == 25 and run.counts["无法读取"] == 0
    t1 = ve.tasks.get(number=1)
    # Row 1 as printed; 市教育局 leads (三（一）1's 牵头单位), the register's record of the department.
    assert t1.deadline_printed == "2022 年 8 月底前出台具体方案。" and t1.due == D(2022, 8, 31)
    assert t1.deliverable == "plan" and t1.citation == "鄂州政发〔2022〕15号 附件2 （一）"
    assert _units(t1) == [
        ("市教育局", "鄂州市教育局", "lead"),
        ("市人社局", "鄂州市人力资源和社会保障局", "responsible"),
        ("鄂州职业大学", "鄂州职业大学", "responsible"),
    ]
    # Row 9: the main text's two lead units (三（二）8: 市发改委、市教育局).
    t9 = ve.tasks.get(number=9)
    assert {u.organisation.name for u in t9.units.filter(role="lead")} == {
        "鄂州市发展和改革委员会",
        "鄂州市教育局",
    }
    # 十四五期间完成 = 2025-12-31; 持续实施 = no deadline; 十四五期间持续实施 = none, runs to 2025-12-31 (T1).
    assert ve.tasks.get(number=6).due == D(2025, 12, 31)
    assert ve.tasks.get(number=5).due is None and ve.tasks.get(number=5).deadline_kind == "continuous"
    t13 = ve.tasks.get(number=13)
    assert t13.due is None and t13.period_end == D(2025, 12, 31)
    # Yearly items (T5): the 2023 quality report is due at the end of February 2024, a leap year.
    assert Item.objects.get(code="vocational_education/21@2023").due == D(2024, 2, 29)
    assert Item.objects.get(code="vocational_education/9@2025").due == D(2025, 12, 31)
    # Where the main text names no lead the first listed unit leads, reported as a note (T2).
    notes = [p for p in run.problems if p["code"] == "lead_from_order"]
    assert len(notes) == 7 and all(p["severity"] == "note" for p in notes)


def test_units_resolve_through_the_register_with_the_rules_aliases_and_sources(ve: Any) -> None:
    # The department's record (鄂州市人力资源和社会保障局) now answers to 市人社局, with the rules' source.
    alias = OrganisationAlias.objects.get(alias="市人社局")
    assert alias.organisation.name == "鄂州市人力资源和社会保障局"
    assert alias.source.startswith("督办规则单位表（src/ezhou_rules/supervision/data/units.yaml）")
    # Units without a department are created once, with where they come from.
    school = Organisation.objects.get(name="鄂州职业大学")
    assert school.kind == Organisation.Kind.SCHOOL and "units.yaml" in school.source
    # A second load creates nothing and changes nothing.
    before = (Organisation.objects.count(), OrganisationAlias.objects.count(), Assignment.objects.count())
    from ezhou_platform.supervision.services.loading import load_plan

    again = load_plan("vocational_education")
    assert again.counts["未变任务"] == 25 and again.counts["新增任务"] == again.counts["更新任务"] == 0
    assert (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        Assignment.objects.count(),
    ) == before
    assert LoadRun.objects.filter(plan=ve).count() == 2


def test_a_unit_already_in_the_register_is_used_not_duplicated(demo_users: dict[str, Any]) -> None:
    # 市交通运输局 is in the register in full before the plan is loaded (a platform department since the subsidies
    # system: its organisation record is created with the departments): 28号's 市交通运输局 is that record, and
    # 市交通局 (鄂州政办发〔2022〕32号 uses both forms) finds it too.
    org, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.DEPARTMENT, name="鄂州市交通运输局", defaults={"source": "测试"}
    )
    from ezhou_platform.registers.organisations import load_sourced_aliases, resolve_organisation
    from ezhou_platform.supervision.services.loading import load_plan

    load_sourced_aliases()
    load_plan("rural_delivery")
    t1 = Task.objects.get(plan__slug="rural_delivery", number=1)
    assert t1.units.get(printed="市交通运输局").organisation == org
    assert resolve_organisation("市交通局") == org
    assert Organisation.objects.filter(name__contains="交通运输局").count() == 1


def test_rural_delivery_tasks_units_and_deadlines(rd: Any) -> None:
    run = LoadRun.objects.get(plan=rd)
    assert rd.tasks.count() == 15 and rd.items.count() == 15
    # 三 prints no time: every task is due at the end of 四（二）, 2025-06-30 (T8), said in the load report.
    assert set(rd.tasks.values_list("due", flat=True)) == {D(2025, 6, 30)}
    assert [p["code"] for p in run.problems] == ["deadline_from_phase"]
    t1 = rd.tasks.get(number=1)
    units = _units(t1)
    # The collective name and the shared suffix ("葛店经开区、临空经济区管委会") resolve to their records.
    assert ("各区人民政府", "各区人民政府", "responsible") in units
    assert ("葛店经开区", "葛店经开区管委会", "responsible") in units
    assert [u for u in units if u[2] == "lead"] == [
        ("市交通运输局", "鄂州市交通运输局", "lead"),  # the platform's 交通运输局 department (32号's payer)
        ("市邮政管理局", "鄂州市邮政管理局", "lead"),
        ("中国邮政集团鄂州分公司", "中国邮政集团鄂州分公司", "lead"),
    ]
    # The leading group is printed only as "相关责任单位负责同志为成员": nothing to compare.
    assert not rd.members_printed and run.membership["printed"] is False
    # 五（三） names 市委农办, which carries no task (T15).
    kinds = [(d["kind"], d["subject"]) for d in run.consistency["differences"]]
    assert kinds == [("mention_without_task", "市委农办")]


def test_lead_units_deadlines_reach_their_departments_workspaces(ve: Any) -> None:
    # Row 1 is led by 市教育局 (a platform department): its period is on the education clerks' 待办.
    a = Assignment.objects.get(item__code="vocational_education/1", organisation__name="鄂州市教育局")
    p = Period.objects.get(object_id=a.pk, field="due", content_type__model="assignment")
    assert (p.due, p.department.code, p.label, p.closed_on) == (
        D(2022, 8, 31),
        "education",
        "督办事项完成时限",
        None,
    )
    assert p.citation == "鄂州政发〔2022〕15号 附件2 （一）"
    # A responsible unit's assignment carries no period; a continuous item has none either.
    hr = Assignment.objects.get(
        item__code="vocational_education/1", organisation__name="鄂州市人力资源和社会保障局"
    )
    assert not Period.objects.filter(object_id=hr.pk, content_type__model="assignment").exists()
    cont = Assignment.objects.get(item__code="vocational_education/5", organisation__name="鄂州市教育局")
    assert (
        cont.due is None
        and not Period.objects.filter(object_id=cont.pk, content_type__model="assignment").exists()
    )


def test_the_membership_of_the_joint_meeting(ve: Any) -> None:
    m = LoadRun.objects.get(plan=ve).membership
    # T16: 市农业农村局 (rows 4, 9) and 市政府国资委 (rows 9, 13) carry tasks without a seat; 市民政局, 市住建局,
    # 市市场监管局 have seats and no task; 市人民政府 convenes and is not listed.
    assert {(u["name"], tuple(u["detail"])) for u in m["tasks_without_seat"]} == {
        ("市农业农村局", (4, 9)),
        ("市政府国资委", (9, 13)),
    }
    names = {u["name"] for u in m["seats_without_tasks"]}
    assert {"鄂州市民政局", "鄂州市住房和城乡建设局"} <= names and len(names) == 3
    assert any("市人民政府为方案印发机关" in n for n in m["notes"])


def test_the_consistency_report_page_shows_both_anchors(ve: Any, login_client: Any) -> None:
    page = (
        login_client("jiaoyu_clerk")
        .get("/supervision/plans/vocational_education/consistency/")
        .content.decode()
    )
    # Row 9 lacks 市科技局 that 三（二）8 names; row 10 lists it: both places linked.
    assert "正文鄂州政发〔2022〕15号 三（二）8列有市科技局，附件鄂州政发〔2022〕15号 附件2 （十）未列" in page
    assert 'href="/policies/vocational_education/#sec3-item2-sub8"' in page
    assert 'href="/policies/vocational_education/#annex2-item10"' in page
    # The targets printed only in the main text (70%, 10%, the specialty groups) are listed.
    assert "只在正文出现的目标数字" in page and "70%以上" in page


def test_the_command_loads_through_the_job_and_prints_the_report(
    demo_users: dict[str, Any], capsys: Any
) -> None:
    call_command("supervision", "load-tasks", "rural_delivery")
    out = capsys.readouterr().out
    assert "鄂州政办发〔2022〕28号载入完成：任务15项" in out and "#sec4-item2" in out
    assert Task.objects.filter(plan__slug="rural_delivery").count() == 15
    with pytest.raises(Exception, match="督办方案"):
        call_command("supervision", "load-tasks", "no_such_plan")
    call_command("supervision", "plans")
    assert "rural_delivery" in capsys.readouterr().out


def test_the_load_page_starts_the_job_for_the_supervision_office_only(
    demo_users: dict[str, Any], login_client: Any
) -> None:
    from ezhou_platform.jobs.models import JobRun

    assert login_client("jiaoyu_clerk").post("/supervision/plans/rural_delivery/load/").status_code == 403
    r = login_client("ducha_clerk").post("/supervision/plans/rural_delivery/load/")
    run = JobRun.objects.get(name="supervision.tasks.load")
    assert (
        r.status_code == 302
        and r["Location"] == f"/jobs/{run.pk}/"
        and run.params == {"plan": "rural_delivery"}
    )
    page = login_client("ducha_clerk").get("/supervision/plans/rural_delivery/load/").content.decode()
    assert "尚未载入" not in page and "载入任务" in page
