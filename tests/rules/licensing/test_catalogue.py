"""The reform list read from gazette/licensing.md: 26 items, their columns, batch and valid_from, the report of
what could not be read (on a damaged copy), versions and withdrawals."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ezhou_rules.library import load_library
from ezhou_rules.licensing.catalogue import ReformMode, load_catalogue
from ezhou_rules.licensing.errors import LicensingError

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"


def test_26_items_all_read(catalogue):
    assert catalogue.report.ok, catalogue.report.explain()
    assert [i.number for i in catalogue.items] == list(range(1, 27))
    assert [i.code for i in catalogue.items][:2] == ["b1-01", "b1-02"]
    (batch,) = catalogue.batches
    # 附件 title "(第一批)"; valid from the day of issue (第一部分 二: 自本方案印发之日起) = 2022年9月29日
    assert (batch.number, batch.valid_from) == (1, dt.date(2022, 9, 29))
    assert batch.title == "鄂州市实行告知承诺涉企经营许可事项清单(第一批)"
    # the annex is the 告知承诺 list: every item is ticked under 实行告知承诺 and nothing else
    assert all(i.modes == frozenset({ReformMode.COMMITMENT}) for i in catalogue.items)


def test_columns_of_some_rows(catalogue):
    two = catalogue.item("b1-02")
    assert two.matter == "排污许可(延续)"
    assert two.certificates == ("排污许可证",)
    assert len(two.basis) == 4 and two.basis[0] == "《中华人民共和国环境保护法》"
    assert (two.department_label, two.department_type) == ("生态环境部门", "ecology_environment")
    seven = catalogue.item("b1-7")  # b1-7 and b1-07 name the same item
    assert seven.certificates == ("道路运输经营许可证", "网络预约出租汽车经营许可证")
    assert str(seven.citation) == "鄂州政办发〔2022〕27号 附件1 （七）"
    assert catalogue.item("b1-22").basis == (
        "《中华人民共和国药品管理法》",
        "《中华人民共和国药品管理法实施条例》",
    )
    types = {i.department_type for i in catalogue.items}
    assert None not in types and len(types) == 11


def test_every_item_citation_resolves(catalogue):
    lib = load_library(GAZETTE)
    for item in catalogue.items:
        unit = lib.resolve(item.citation)
        assert unit.cells[1] == item.matter


def test_item_8_is_flagged_with_its_decision(catalogue):
    flagged = [x.item for x in catalogue.inconsistencies]
    assert flagged == ["b1-08"]  # item 7 lists both certificates but restricts only the 申请类型 (注销)
    (flag,) = catalogue.item("b1-08").inconsistencies
    assert flag.contested == frozenset({"网络预约出租车"})
    assert flag.certificates == ("网络预约出租汽车运输证",)
    assert flag.decision_on(dt.date(2022, 9, 28)) is None
    assert flag.decision_on(dt.date(2022, 9, 29)).decision == "scope_governs"


def test_versions_and_withdrawal(catalogue):
    assert catalogue.items_on(dt.date(2022, 9, 28)) == []  # before issue
    assert len(catalogue.items_on(dt.date(2022, 9, 29))) == 26
    later = catalogue.withdraw("b1-12", dt.date(2024, 1, 1))
    assert len(later.items_on(dt.date(2023, 12, 31))) == 26
    assert len(later.items_on(dt.date(2024, 1, 1))) == 25
    assert len(catalogue.items_on(dt.date(2024, 1, 1))) == 26  # the original is untouched
    with pytest.raises(LicensingError) as e:
        catalogue.with_batch(catalogue.batches[0], [])
    assert e.value.code == "batch_exists"
    data = later.to_dict(dt.date(2024, 6, 1))
    assert len(data["items"]) == 25 and data["items"][0]["facets"] == []
    assert data["items"][1]["facets"][0]["description"] == "申请类型仅限延续"


def test_unknown_item(catalogue):
    with pytest.raises(LicensingError) as e:
        catalogue.item("b1-27")
    assert e.value.code == "unknown_item" and e.value.field == "item"
    assert "b1-27" in e.value.message


def _damaged_library(tmp_path, edits):
    folder = tmp_path / "gazette"
    shutil.copytree(GAZETTE, folder)
    md = folder / "licensing.md"
    text = md.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    md.write_text(text, encoding="utf-8")
    return load_library(folder)


def test_report_names_what_it_could_not_read(tmp_path):
    lib = _damaged_library(
        tmp_path,
        [
            # a department nobody typed in, a mark that is not a tick, a basis without 《》, an unknown scope word
            ("| 公安部门 |  |  | √ |", "| 公安局 |  |  | √ |"),
            ("| 《中华人民共和国港口法》 | 交通运输部门 |  |  | √ |", "| 港口法 | 交通运输部门 |  |  | x |"),
            ("第三类医疗器械经营许可（仅限零售）", "第三类医疗器械经营许可（仅限网店）"),
            # row 26 removed: a gap is reported
            ('| <a id="annex1-item26"></a>26 |', '| <a id="annex1-item26"></a>x26 |'),
        ],
    )
    cat = load_catalogue(lib)
    codes = {(p.code, p.row) for p in cat.report.problems}
    assert ("department_unknown", 1) in codes
    assert ("basis_unreadable", 6) in codes
    assert ("mode_unreadable", 6) in codes
    assert ("mode_missing", 6) in codes
    assert ("unknown_scope_term", 23) in codes
    assert ("number_unreadable", None) in codes
    assert len(cat.items) == 25  # the rest is still loaded
    assert cat.item("b1-01").department_type is None
    assert "公安局" in cat.report.explain()
    with pytest.raises(LicensingError) as e:
        load_catalogue(lib, strict=True)
    assert e.value.code == "catalogue_unreadable" and "网店" in e.value.message


def test_missing_column_is_reported(tmp_path):
    lib = _damaged_library(tmp_path, [("| 直接取消审批 | 审批改为备案 |", "| 直接取消 | 审批改为备案 |")])
    cat = load_catalogue(lib)
    assert ("column_missing", None) in {(p.code, p.row) for p in cat.report.problems}
    assert len(cat.items) == 26
