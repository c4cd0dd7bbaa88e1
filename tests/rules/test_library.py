"""The policy library parser: every document parses, counts as read by hand, anchors, the corrected defects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ezhou_rules.core.citations import Citation
from ezhou_rules.library import (
    GazetteFormatError,
    UnknownCitation,
    default_gazette_dir,
    load_library,
    parse_document,
)

GAZETTE = Path(__file__).resolve().parents[2] / "gazette"


@pytest.fixture(scope="module")
def library():
    return load_library(GAZETTE)


# counted by hand from /work/shared/gazette/0N-*.txt
ARTICLES = {"rental_housing": 31, "unconventional_water": 27, "water_plan": 19, "medical_assistance": 26}
# plan-style documents: top-level sections (一、…) of the body, and annexes
SECTIONS = {
    "vocational_education": 4,
    "public_service_housing": 5,
    "licensing": 8,  # 4 in each of the two plans
    "rural_delivery": 5,
    "economic_measures": 18,
}
ANNEXES = {"vocational_education": 2, "water_plan": 2, "public_service_housing": 1, "licensing": 1}
CHAPTERS = {"rental_housing": 6, "unconventional_water": 6, "medical_assistance": 9, "water_plan": 0}


def test_every_document_parses(library):
    assert [d.slug for d in library] == [
        "vocational_education",
        "rental_housing",
        "unconventional_water",
        "water_plan",
        "public_service_housing",
        "licensing",
        "rural_delivery",
        "economic_measures",
        "medical_assistance",
    ]
    for doc in library:
        assert doc.units[0].anchor == "notice"
        assert doc.number in doc.unit("notice").text
        assert doc.issued.strftime("%Y年%-m月%-d日") in doc.unit("notice").text


@pytest.mark.parametrize(("slug", "count"), ARTICLES.items())
def test_article_counts(library, slug, count):
    doc = library.document(slug)
    assert [a.anchor for a in doc.articles] == [f"art{n}" for n in range(1, count + 1)]


@pytest.mark.parametrize(("slug", "count"), SECTIONS.items())
def test_plan_sections(library, slug, count):
    doc = library.document(slug)
    assert doc.articles == []
    body = [u for u in doc.of_kind("section") if not u.anchor.startswith("annex")]
    assert len(body) == count


def test_chapters_and_annexes(library):
    for slug, n in CHAPTERS.items():
        assert len(library.document(slug).of_kind("chapter")) == n
    for doc in library:
        assert len(doc.of_kind("annex")) == ANNEXES.get(doc.slug, 0), doc.slug


def test_anchors_unique_and_follow_the_citation_scheme(library):
    for doc in library:
        anchors = [u.anchor for u in doc.units]
        assert len(anchors) == len(set(anchors)), doc.slug
        for u in doc.units:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", u.anchor)
            if u.citation is not None:
                assert u.citation.anchor() == u.anchor
                assert library.resolve(str(u.citation)) is u


def test_every_paragraph_of_an_article_is_a_unit(library):
    doc = library.document("medical_assistance")
    assert [u.anchor for u in doc.children("art22") if u.kind == "paragraph"] == [
        f"art22-para{i}" for i in range(1, 14)
    ]
    art11 = doc.unit("art11")
    assert [u.anchor for u in doc.children("art11")] == [
        "art11-para1",
        "art11-item1",
        "art11-item2",
        "art11-item3",
    ]
    assert art11.label == "第十一条"
    item = doc.unit("art11-item1")
    assert item.label == "第十一条第（一）项"
    assert "三类医疗救助对象：年起付标准 3000 元，按 65% 比例支付。" in item.text
    assert "四类医疗救助对象：3" not in item.text
    assert "三类、四类医疗救助对象：1 万元。" in doc.unit("art11-item3").text


def test_the_readme_defects_are_corrected(library):
    water = library.document("water_plan")
    item7 = water.unit("art13-item7")
    assert item7.text == "(七) 拖欠超计划用水加价水费的。"
    assert len([u for u in water.children("art13") if u.kind == "item"]) == 7
    assert "未及时、准确报送的" in water.unit("annex1-sec3-item7").text
    assert "准备报送" not in water.text
    housing = library.document("public_service_housing")
    assert "保障性租赁住房和共有产权住房筹集" in housing.unit("sec5-item3").text
    assert " and " not in housing.text
    assert "政政策" not in housing.text
    assert "的政策宣传" in housing.unit("sec5-item4").text


def test_extraction_line_breaks_are_joined(library):
    med = library.document("medical_assistance")
    assert "待遇标准合理确定，基金使用预算管理。" in med.unit("art2-para1").text
    assert "直接获得医疗救助，三类、四类" in med.unit("art15-para1").text
    water = library.document("water_plan")
    assert "按年度下达、年度考核、年度计费。" in water.unit("art7-para1").text
    assert "5个工作日内核实情况" in water.unit("art10-para1").text
    uw = library.document("unconventional_water")
    assert uw.unit("art24-item2").text == "（二）互相连接非常规水资源与自来水管道；"
    for doc in library:
        for u in doc.units:
            assert not u.text.startswith("- "), (doc.slug, u.anchor)


def test_water_plan_annex_2_table(library):
    water = library.document("water_plan")
    table = water.unit("annex2-table1")
    assert table.rows[0] == ("序号", "项目类型", "证明材料", "处理标准", "备注")
    assert [a for a in table.row_anchors if a] == [f"annex2-item{i}" for i in range(1, 9)]
    row5 = water.unit("annex2-item5")
    assert row5.cells[1] == "漏水"
    assert "用水单位承担比例为漏水量的1/5" in row5.cells[4]
    assert row5.cells[4].count("\n") == 3  # four numbered rules, one per line
    row8 = water.unit("annex2-item8")
    assert row8.cells[4].startswith("计算公式：")
    assert "增补水量=增加的产量×用水定额值" in row8.cells[4]
    assert "增补水量=去年同期水量×产值产量同比增幅÷系数" in row8.cells[4]
    assert water.unit("annex2-note").text.startswith("注：")


def test_plan_numbering(library):
    voc = library.document("vocational_education")
    assert voc.unit("sec3-item2-sub6").label == "三（二）6"
    assert voc.unit("sec4-sub17").text.startswith("17.强化制度保障。")
    assert "不低于8000元/生/年" in voc.unit("sec4-sub17").text
    assert len([a for a in voc.unit("annex2-table1").row_anchors if a and "-item" in a]) == 25
    lic = library.document("licensing")
    assert lic.unit("part1").heading == "鄂州市进一步深化“证照分离”改革实施方案"
    assert lic.unit("part2").heading == "鄂州市推行涉企经营许可事项告知承诺制实施方案"
    assert lic.unit("part2-sec3-item4").label == "第二部分 三（四）"
    assert "加强信用监管" in lic.unit("part2-sec3-item4").text
    assert len([a for a in lic.unit("annex1-table1").row_anchors if a]) == 26
    rural = library.document("rural_delivery")
    assert rural.unit("sec3-item2-sub4").text.endswith("葛店经开区、临空经济区管委会）")
    econ = library.document("economic_measures")
    assert econ.unit("closing").text.startswith("各地各部门要进一步提高政治站位")


def test_resolve_and_errors(library):
    unit = library.resolve("鄂州政办发〔2022〕34号 第十一条第（一）项")
    assert unit.anchor == "art11-item1"
    assert (
        library.resolve(Citation("鄂州政办发〔2022〕15号", annex=1, section=3, item=7)).anchor
        == "annex1-sec3-item7"
    )
    assert library.resolve("鄂州政办发〔2022〕34号").anchor == "notice"
    with pytest.raises(UnknownCitation, match="art99"):
        library.resolve("鄂州政办发〔2022〕34号 第九十九条")
    with pytest.raises(UnknownCitation, match="鄂州政办发〔2022〕99号"):
        library.resolve("鄂州政办发〔2022〕99号 第一条")
    assert library.document_by_number("鄂州政发〔2022〕19号").slug == "rental_housing"


def test_index_metadata(library):
    rental = library.document("rental_housing")
    assert rental.issuer == "鄂州市人民政府"
    assert str(rental.valid_until) == "2027-10-27"
    assert rental.interpreted_by == "市住房和城乡建设局"
    assert str(library.document("water_plan").valid_until) == "2027-07-10"
    med = library.document("medical_assistance")
    assert med.valid_until is None and med.interpreted_by == "市医疗保障局"
    assert library.document("unconventional_water").interpreted_by is None


def test_default_dir_and_env(monkeypatch, tmp_path):
    assert default_gazette_dir() == GAZETTE
    monkeypatch.setenv("EZHOU_GAZETTE_DIR", str(tmp_path))
    assert default_gazette_dir() == tmp_path.resolve()
    with pytest.raises(GazetteFormatError):
        load_library()


def test_format_errors_are_reported():
    meta = {
        "number": "鄂州政办发〔2022〕34号",
        "title": "T",
        "notice_title": "N",
        "issuer": "x",
        "issued": "2022-10-18",
    }
    with pytest.raises(GazetteFormatError, match="twice"):
        parse_document('# T\n\n<a id="art1"></a>a\n\n<a id="art1"></a>b\n', meta, "x")
    with pytest.raises(GazetteFormatError, match="heading without an anchor"):
        parse_document('# T\n\n<a id="notice"></a>a\n\n## 第一章\n', meta, "x")
    with pytest.raises(GazetteFormatError, match="differs"):
        parse_document('# U\n\n<a id="notice"></a>a\n', meta, "x")
