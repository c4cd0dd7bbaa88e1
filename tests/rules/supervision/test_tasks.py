"""The task loader: both plans read from gazette/, units and aliases, leads, deadlines, the load report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ezhou_rules.library import load_library
from ezhou_rules.supervision.deadlines import DeadlineKind, Deliverable
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.plans import PlanSpec, plan_slugs, plan_spec
from ezhou_rules.supervision.tasks import load_tasks
from ezhou_rules.supervision.units import AliasTable, default_alias_table, parse_units_clause, read_unit_list

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"


@pytest.fixture(scope="module")
def library():
    return load_library(GAZETTE)


@pytest.fixture(scope="module")
def voc(library):
    return load_tasks("vocational_education", library=library)


@pytest.fixture(scope="module")
def rural(library):
    return load_tasks("rural_delivery", library=library)


def test_both_plans_are_shipped_as_data():
    assert plan_slugs() == ["rural_delivery", "vocational_education"]


def test_25_annex_tasks_of_15_hao_are_the_library_rows(voc, library):
    doc = library.document("vocational_education")
    assert voc.document == "鄂州政发〔2022〕15号" and voc.issued == dt.date(2022, 8, 9)
    assert [t.number for t in voc.tasks] == list(range(1, 26))
    for t in voc.tasks:
        row = doc.unit(f"annex2-item{t.number}")
        # never retyped: the text is the library's cell, the anchor and citation are the row's
        assert t.text == row.cells[1]
        assert t.anchor == row.anchor and t.citation == str(row.citation)
        assert t.deadline.printed == row.cells[3]
    assert voc.tasks[0].group == "一、完善现代职业教育体系"
    assert voc.tasks[24].group == "五、组织实施"
    assert voc.task("vocational_education/24").citation == "鄂州政发〔2022〕15号 附件2 （二十四）"


def test_15_tasks_of_28_hao_section_three(rural, library):
    doc = library.document("rural_delivery")
    assert [t.number for t in rural.tasks] == list(range(1, 16))
    t1 = rural.task("rural_delivery/1")
    assert t1.anchor == "sec3-item1-sub1" and t1.citation == "鄂州政办发〔2022〕28号 三（一）1"
    assert t1.text.startswith("整合末端配送资源实现共建共享。") and "牵头单位" not in t1.text
    assert t1.text in doc.unit("sec3-item1-sub1").plain_text
    assert t1.group == "（一）加快实施“快递进村”工程，健全农村快递服务网络"
    # 4 and 13: the clause the extraction put on its own line was joined in gazette/ (README)
    assert rural.task("rural_delivery/4").lead == ("development_reform", "agriculture")
    assert rural.task("rural_delivery/13").lead == ("human_resources", "postal")


# Deadlines of 附件2 as printed (column 时间安排), read by hand:
#  1 2022年8月底前 具体方案 → 2022-08-31 | 2 10月底前 实施方案 → 2022-10-31 | 3, 4 11月底前 具体措施 → 2022-11-30
#  5, 7, 10, 17, 19, 22, 23, 24 持续实施 | 6, 12, 16 “十四五”期间完成 → 2025-12-31 | 8 11月底 → 2022-11-30
#  9 12月底 → 2022-12-31 | 11 8月底前 → 2022-08-31 | 13 “十四五”期间持续实施 | 14 9月底 → 2022-09-30
#  15, 20 11月底 实施方案 → 2022-11-30 | 18 11月底前 具体措施 | 21 2023年2月底前完成 → 2023-02-28
#  25 2022年12月底前 具体的实施措施 → 2022-12-31
DUE = {
    1: ("2022-08-31", Deliverable.PLAN),
    2: ("2022-10-31", Deliverable.PLAN),
    3: ("2022-11-30", Deliverable.MEASURES),
    4: ("2022-11-30", Deliverable.MEASURES),
    6: ("2025-12-31", Deliverable.COMPLETION),
    8: ("2022-11-30", Deliverable.MEASURES),
    9: ("2022-12-31", Deliverable.MEASURES),
    11: ("2022-08-31", Deliverable.MEASURES),
    12: ("2025-12-31", Deliverable.COMPLETION),
    14: ("2022-09-30", Deliverable.MEASURES),
    15: ("2022-11-30", Deliverable.PLAN),
    16: ("2025-12-31", Deliverable.COMPLETION),
    18: ("2022-11-30", Deliverable.MEASURES),
    20: ("2022-11-30", Deliverable.PLAN),
    21: ("2023-02-28", Deliverable.COMPLETION),
    25: ("2022-12-31", Deliverable.MEASURES),
}
CONTINUOUS = {5, 7, 10, 17, 19, 22, 23, 24}


def test_deadlines_of_annex_2(voc):
    for t in voc.tasks:
        d = t.deadline
        if t.number in DUE:
            due, deliverable = DUE[t.number]
            assert (d.kind, d.due, d.deliverable) == (
                DeadlineKind.DATE,
                dt.date.fromisoformat(due),
                deliverable,
            )
        elif t.number in CONTINUOUS:
            assert (d.kind, d.due, d.period_end) == (DeadlineKind.CONTINUOUS, None, None)
        else:
            assert t.number == 13
            assert (d.kind, d.due, d.period_end) == (
                DeadlineKind.CONTINUOUS_UNTIL,
                None,
                dt.date(2025, 12, 31),
            )
    assert voc.task("vocational_education/25").deadline.deliverable_printed == "具体的实施措施"


def test_28_hao_tasks_are_due_at_the_end_of_the_implementation_phase(rural):
    # 三 prints no time; 四（二）推动落实阶段(2022年9月至2025年6月) → 2025-06-30 (T8), reported as a note
    assert {t.deadline.due for t in rural.tasks} == {dt.date(2025, 6, 30)}
    assert all(t.deadline.printed == "" for t in rural.tasks)
    notes = [p for p in rural.problems if p.code == "deadline_from_phase"]
    assert len(notes) == 1 and notes[0].severity == "note" and "2025年6月30日" in notes[0].message
    assert rural.errors == []


def test_lead_units_and_the_main_text_split(voc):
    t1 = voc.task("vocational_education/1")
    assert [u.printed for u in t1.units] == ["市教育局", "市人社局", "鄂州职业大学"]
    assert t1.lead == ("education",) and t1.lead_basis == "main_text"
    assert t1.responsible == ("human_resources", "ezhou_polytechnic")
    assert [u.printed for u in t1.main_text_lead] == ["市教育局"]
    assert [u.printed for u in t1.main_text_responsible] == ["市人社局", "鄂州职业大学"]
    # 三（二）8: 牵头 市发改委、市教育局 → both lead the annex rows 9 and 10
    assert voc.task("vocational_education/9").lead == ("development_reform", "education")
    # 三（三）10: 牵头 市教育局、市发改委; row 14 lists only 市教育局、市人社局 → 市教育局 leads
    assert voc.task("vocational_education/14").lead == ("education",)
    # 四17 names no unit: the annex lists 市财政局 first → it leads (T2), with a note
    t24 = voc.task("vocational_education/24")
    assert t24.lead == ("finance",) and t24.lead_basis == "first_listed"
    assert t24.main_text_lead == () and t24.main_text_citation == "鄂州政发〔2022〕15号 四17"
    silent = sorted(
        int(p.anchor.removeprefix("annex2-item")) for p in voc.problems if p.code == "lead_from_order"
    )
    assert silent == [18, 19, 20, 21, 23, 24, 25]  # 三（四）13、14 name only 责任单位; 四16–18 none
    assert voc.errors == []


def test_yearly_items_of_the_catalogue_and_the_quality_report(voc):
    yearly = {i.id: i.due for i in voc.items if i.year is not None}
    # 三（二）8 / 附件2 （九）“每年…需求目录”: 2023–2025, each by 12-31 (T5)
    # 附件2 （二十一）质量年度报告: the report of year Y by the end of February of Y+1 (2024 is a leap year)
    assert yearly == {
        "vocational_education/9@2023": dt.date(2023, 12, 31),
        "vocational_education/9@2024": dt.date(2024, 12, 31),
        "vocational_education/9@2025": dt.date(2025, 12, 31),
        "vocational_education/21@2022": dt.date(2023, 2, 28),
        "vocational_education/21@2023": dt.date(2024, 2, 29),
        "vocational_education/21@2024": dt.date(2025, 2, 28),
        "vocational_education/21@2025": dt.date(2026, 2, 28),
    }
    assert voc.item("vocational_education/9@2024").label == "2024年紧缺人才需求目录"
    assert len(voc.items) == 25 + 7


def test_alias_table_resolves_printed_variants():
    table = default_alias_table()
    assert table.resolve("市交通局") == table.resolve("市交通运输局") == "transport"
    assert table.resolve("鄂州市交通运输局") == "transport"
    assert table.resolve("交通运输局") == "transport"
    assert table.resolve(" 市人社局。") == table.resolve("市人力资源和社会保障局") == "human_resources"
    assert table.resolve("市不存在局") is None
    assert table.entries["district_governments"].members == (
        "echeng_government",
        "huarong_government",
        "liangzihu_government",
    )


def test_shared_suffix_and_the_units_clause():
    table = default_alias_table()
    refs = read_unit_list("各区人民政府，葛店经开区、临空经济区管委会", table.resolve)
    assert [(r.printed, r.key, r.expanded) for r in refs] == [
        ("各区人民政府", "district_governments", ""),
        ("葛店经开区", "gedian_committee", "葛店经开区管委会"),
        ("临空经济区管委会", "linkong_committee", ""),
    ]
    body, clause = parse_units_clause(
        "做好工作。(牵头单位: 市发改委、市教育局; 责任单位: 市科技局, 市税务局)", table.resolve
    )
    assert body == "做好工作。"
    assert clause is not None and [u.key for u in clause.lead] == ["development_reform", "education"]
    assert [u.key for u in clause.responsible] == ["science_technology", "tax"]
    body, clause = parse_units_clause("全方位育人) 综合改革（责任单位：市教育局、市人社局）", table.resolve)
    assert clause is not None and clause.lead == () and len(clause.responsible) == 2
    assert parse_units_clause("没有单位（全员育人、全程育人）", table.resolve)[1] is None


def test_alias_conflict_is_refused():
    with pytest.raises(SupervisionError) as exc:
        AliasTable.from_data(
            {"units": {"a": {"name": "市甲局"}, "b": {"name": "市乙局", "aliases": ["市甲局"]}}}
        )
    assert exc.value.code == "unit_alias_conflict"


def test_a_pluggable_resolver_and_the_report_of_what_it_could_not_read(library):
    # the organisation register knows only two units: the rest is kept as printed and reported
    known = {"市教育局": "edu", "市人社局": "hr"}
    tasks = load_tasks("vocational_education", library=library, resolve_unit=known.get)
    t1 = tasks.task("vocational_education/1")
    assert [(u.printed, u.key) for u in t1.units] == [
        ("市教育局", "edu"),
        ("市人社局", "hr"),
        ("鄂州职业大学", None),
    ]
    assert t1.lead == ("edu",)
    unresolved = {p.message for p in tasks.errors if p.code == "unit_unresolved"}
    assert any("鄂州职业大学" in m for m in unresolved)
    assert all(p.field == "责任单位" for p in tasks.errors if p.code == "unit_unresolved")


def test_joint_meeting_members_read_from_annex_1(voc):
    members = voc.leadership.members
    assert voc.leadership.name == "鄂州市职业教育部门联席会议"
    assert voc.leadership.citation == "鄂州政发〔2022〕15号 四16"
    # counted by hand: left column 邱实 … 余建兵 = 11, right column 龚国祥 … 叶卫平 = 9
    assert members is not None and len(members) == 20
    assert (members[0].role, members[0].name, members[0].unit.key) == ("召集人", "邱 实", "city_government")
    assert all(m.role == "成员" for m in members[1:])
    assert {m.unit.key for m in members if m.unit} >= {
        "finance",
        "housing",
        "civil_affairs",
        "market_regulation",
    }
    assert voc.leadership.notes == ("联席会议成员如有人事变动，由该成员单位接任工作的同志替补，不另行文。",)


def _tiny_library(tmp_path: Path, deadline: str) -> Path:
    """A policy library with one plan of two annex rows: the next plan the city issues, as data only."""
    (tmp_path / "index.yaml").write_text(
        yaml.safe_dump(
            {
                "demo_plan": {
                    "number": "鄂州政发〔2099〕1号",
                    "title": "示例实施方案",
                    "notice_title": "关于印发示例实施方案的通知",
                    "issuer": "鄂州市人民政府",
                    "issued": "2099-03-01",
                }
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    (tmp_path / "demo_plan.md").write_text(
        "# 示例实施方案\n\n"
        '## <a id="notice"></a>关于印发示例实施方案的通知\n\n鄂州政发〔2099〕1号\n\n'
        '## <a id="annex1"></a>附件1　任务分工\n\n<a id="annex1-table1"></a>\n\n'
        "| 序号 | 工作任务 | 责任单位 | 时间安排 |\n|---|---|---|---|\n"
        '| <a id="annex1-item1"></a>1 | 做甲事。 | 市交通局、市邮政管理局。 | 2099 年 4 月底前出台具体方案。 |\n'
        f'| <a id="annex1-item2"></a>2 | 做乙事。 | 市新设局。 | {deadline} |\n',
        encoding="utf-8",
    )
    return tmp_path


DEMO_SPEC = {
    "slug": "demo_plan",
    "document": "鄂州政发〔2099〕1号",
    "tasks": {
        "from": "table",
        "table": "annex1-table1",
        "columns": {"number": "序号", "text": "工作任务", "units": "责任单位", "deadline": "时间安排"},
    },
}


def _demo_spec() -> PlanSpec:
    """The specification of the tiny plan: where its task table is and what its columns are called."""
    return PlanSpec.from_data(DEMO_SPEC)


def test_the_next_plan_is_data_not_code(tmp_path):
    library = load_library(_tiny_library(tmp_path, "2099年6月底前完成。"))
    spec = _demo_spec()
    tasks = load_tasks("demo_plan", library=library, spec=spec)
    assert [t.text for t in tasks.tasks] == ["做甲事。", "做乙事。"]
    assert tasks.task("demo_plan/1").lead == ("transport",)  # 市交通局 = 市交通运输局, first listed (T2)
    assert tasks.task("demo_plan/1").deadline.due == dt.date(2099, 4, 30)
    assert tasks.task("demo_plan/2").deadline.due == dt.date(2099, 6, 30)
    assert [p.code for p in tasks.errors] == ["unit_unresolved"]  # 市新设局 is not in the alias table


def test_an_unreadable_deadline_is_reported_not_guessed(tmp_path):
    library = load_library(_tiny_library(tmp_path, "尽快完成。"))
    spec = _demo_spec()
    tasks = load_tasks("demo_plan", library=library, spec=spec, resolve_unit=default_alias_table().resolve)
    t2 = tasks.task("demo_plan/2")
    assert t2.deadline.kind is DeadlineKind.UNREAD and t2.deadline.due is None
    codes = [(p.code, p.field) for p in tasks.errors]
    assert ("deadline_unread", "时间安排") in codes


def test_plan_spec_errors_are_chinese_with_a_code():
    with pytest.raises(SupervisionError) as exc:
        PlanSpec.from_data({"slug": "x", "document": "鄂州政发〔2099〕1号", "tasks": {"from": "pdf"}})
    assert exc.value.code == "plan_spec_invalid" and "tasks.from" in exc.value.message
    with pytest.raises(SupervisionError) as exc:
        plan_spec("no_such_plan")
    assert exc.value.code == "unknown_plan" and "vocational_education" in exc.value.message


def test_a_wrong_main_text_map_is_reported(library):
    spec = plan_spec("vocational_education")
    wrong = PlanSpec(**{**spec.__dict__, "main_text_map": {**spec.main_text_map, 1: "sec3-item4-sub15"}})
    tasks = load_tasks("vocational_education", library=library, spec=wrong)
    assert [(p.code, p.anchor) for p in tasks.errors] == [("main_text_map_mismatch", "annex2-item1")]
