"""Differences between the main text and 附件2 of 15号, each with both anchors; 28号's other mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ezhou_rules.library import load_library
from ezhou_rules.supervision.consistency import consistency_report, figures
from ezhou_rules.supervision.tasks import load_tasks

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"


@pytest.fixture(scope="module")
def library():
    return load_library(GAZETTE)


@pytest.fixture(scope="module")
def report(library):
    return consistency_report(load_tasks("vocational_education", library=library), library=library)


def test_units_named_in_the_main_text_but_not_in_a_row(report):
    found = {
        (d.annex_anchor, d.subject, bool(d.in_sibling_rows)) for d in report.of_kind("unit_only_in_main")
    }
    # Read by hand, main text vs each annex row mapped to it:
    #  三（一）2 (教育局; 人社局, 职业大学) vs row 2 (教育局, 职业大学): 市人社局 — row 3 lists it
    #  三（二）8 (发改委, 教育局; 科技局 … 税务局, 职业大学) vs row 9: 鄂州职业大学; vs row 10: 科技局, 农业农村局, 国资委, 税务局
    #  三（三）10 vs row 14 (教育局, 人社局): 发改委, 经信局, 财政局, 自然资源和规划局, 国资委, 地方金融工作局, 税务局
    #  三（四）11 (教育局; 人社局, 总工会) vs row 15: 市总工会 — row 16 lists it
    #  三（四）13 (责任: 教育局, 经信局, 人社局) vs rows 18 and 20: 市经信局 — row 19 lists it
    assert found == {
        ("annex2-item2", "市人社局", True),
        ("annex2-item9", "鄂州职业大学", True),
        ("annex2-item10", "市科技局", True),
        ("annex2-item10", "市农业农村局", True),
        ("annex2-item10", "市政府国资委", True),
        ("annex2-item10", "市税务局", True),
        ("annex2-item14", "市发改委", True),
        ("annex2-item14", "市经信局", True),
        ("annex2-item14", "市财政局", True),
        ("annex2-item14", "市自然资源和规划局", True),
        ("annex2-item14", "市政府国资委", True),
        ("annex2-item14", "市地方金融工作局", True),
        ("annex2-item14", "市税务局", True),
        ("annex2-item15", "市总工会", True),
        ("annex2-item18", "市经信局", True),
        ("annex2-item20", "市经信局", True),
    }
    d = next(d for d in report.of_kind("unit_only_in_main") if d.annex_anchor == "annex2-item2")
    assert d.main_anchor == "sec3-item1-sub2" and d.main_citation == "鄂州政发〔2022〕15号 三（一）2"
    assert d.annex_citation == "鄂州政发〔2022〕15号 附件2 （二）"
    assert d.in_sibling_rows == ("鄂州政发〔2022〕15号 附件2 （三）",)


def test_no_annex_row_adds_a_unit_the_main_text_does_not_name(report):
    assert report.of_kind("unit_only_in_annex") == []


def test_main_text_tasks_without_units(report):
    # 四16, 四17, 四18 name no unit; 附件2 rows 23–25 do
    found = {(d.main_anchor, d.annex_anchor, d.subject) for d in report.of_kind("units_only_in_annex")}
    assert found == {
        ("sec4-sub16", "annex2-item23", "市教育局、市人社局"),
        ("sec4-sub17", "annex2-item24", "市财政局、市教育局、市人社局"),
        ("sec4-sub18", "annex2-item25", "市教育局、市人社局"),
    }


def test_targets_only_in_the_main_text(report):
    found = {(d.main_anchor, d.subject) for d in report.of_kind("figure_only_in_main")}
    assert found == {
        ("sec3-item1-sub1", "70%以上"),  # the progression targets: annex row 1 says only 提高中职学生升学比例
        ("sec3-item1-sub1", "10%以上"),
        ("sec3-item1-sub2", "2个国家级高水平专业群"),
        ("sec3-item1-sub2", "3个职业教育本科专业"),
        ("sec3-item4-sub13", "3年以上企业工作经历并具有高职以"),
        ("sec2", "2个国家级高水平专业群"),  # 二、主要目标 against the whole annex
        ("sec2", "1个省级高水平专业群"),
        ("sec2", "3个职业教育本科专业"),
        ("sec2", "1个国家级优质专业"),
    }
    # 3 个省级校企合作共同体, 10 个省级以上实训基地 (三（三）9 / row 12) and 8000元, 12000元 (四17 / row 24) agree
    assert report.of_kind("figure_only_in_annex") == []


def test_the_split_is_kept_beside_the_annex_list(report):
    row = next(r for r in report.rows if r.task_id == "vocational_education/9")
    assert row.annex_units[:2] == ("市发改委", "市教育局")
    assert row.main_lead == ("市发改委", "市教育局")
    assert "鄂州职业大学" in row.main_responsible and "鄂州职业大学" not in row.annex_units
    assert len(report.rows) == 25


def test_figures_match_across_spacing():
    assert figures("建立 3 个省级校企合作共同体") == figures("建立3个省级校企合作共同体")
    assert figures("3 个职业教育本科专业").keys() != figures("3个省级校企合作共同体").keys()


def test_28_hao_has_no_annex_but_a_unit_named_without_a_task(library):
    report = consistency_report(load_tasks("rural_delivery", library=library), library=library)
    assert [(d.kind, d.subject, d.main_anchor) for d in report.differences] == [
        ("mention_without_task", "市委农办", "sec5-item3")  # 五（三）: 市委农办 … 负责统筹推进
    ]
    assert report.notes and len(report.rows) == 15
