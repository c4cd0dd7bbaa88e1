from __future__ import annotations

import pytest

from ezhou_rules.core.citations import (
    REGISTRY,
    Citation,
    CitationRegistry,
    chinese_number,
    cite,
    parse_chinese_number,
    rule,
)

DOC = "鄂州政办发〔2022〕34号"


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (34, "三十四"), (99, "九十九")],
)
def test_chinese_number_roundtrip(n: int, text: str) -> None:
    assert chinese_number(n) == text
    assert parse_chinese_number(text) == n


def test_chinese_number_edges() -> None:
    assert parse_chinese_number("一十") == 10
    assert parse_chinese_number("12") == 12
    for bad in ("", "百", "一一", "十十", "abc"):
        with pytest.raises(ValueError):
            parse_chinese_number(bad)
    for n in (0, 100, -1):
        with pytest.raises(ValueError):
            chinese_number(n)


@pytest.mark.parametrize(
    ("citation", "text", "anchor"),
    [
        (Citation(DOC), DOC, ""),
        (Citation(DOC, article=11), f"{DOC} 第十一条", "art11"),
        (Citation(DOC, article=11, item=1), f"{DOC} 第十一条第（一）项", "art11-item1"),
        # items are numbered per article, so the paragraph drops out of an item's anchor
        (Citation(DOC, article=11, paragraph=2, item=1), f"{DOC} 第十一条第二款第（一）项", "art11-item1"),
        (Citation(DOC, article=4, paragraph=2), f"{DOC} 第四条第二款", "art4-para2"),
        (Citation(DOC, article=4, item=2, sub_item=3), f"{DOC} 第四条第（二）项第3目", "art4-item2-sub3"),
        (Citation(DOC, section=3, item=4, sub_item=1), f"{DOC} 三（四）1", "sec3-item4-sub1"),
        (Citation(DOC, annex=1, section=3, item=7), f"{DOC} 附件1 三（七）", "annex1-sec3-item7"),
        (Citation(DOC, part=2, section=1), f"{DOC} 第二部分 一", "part2-sec1"),
        (Citation(DOC, item=2), f"{DOC} （二）", "item2"),
        (Citation(DOC, annex=2), f"{DOC} 附件2", "annex2"),
    ],
)
def test_render_parse_anchor(citation: Citation, text: str, anchor: str) -> None:
    assert str(citation) == text
    assert Citation.parse(text) == citation
    assert citation.anchor() == anchor
    assert citation.to_dict() == {"document": DOC, "place": citation.place(), "anchor": anchor, "text": text}


def test_parse_variants() -> None:
    # no space, ASCII parentheses, surrounding whitespace
    assert Citation.parse(f"{DOC}第十一条第(一)项") == Citation(DOC, article=11, item=1)
    assert Citation.parse(f"  {DOC} 三(四)  ") == Citation(DOC, section=3, item=4)
    assert Citation.parse("国办发明电〔2021〕11号").document == "国办发明电〔2021〕11号"


@pytest.mark.parametrize(
    "text", ["第十一条", f"{DOC} 第十一章", f"{DOC} 第十一条 extra", "GB 11643-1999", ""]
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        Citation.parse(text)


def test_invalid_citations() -> None:
    with pytest.raises(ValueError):
        Citation(DOC, article=1, section=1)
    with pytest.raises(ValueError):
        Citation(DOC, article=0)


def test_ordering_with_missing_parts() -> None:
    # Fixed bug: the generated order=True compared None with int and raised TypeError.
    whole = Citation(DOC)
    art4 = Citation(DOC, article=4)
    art4_item1 = Citation(DOC, article=4, item=1)
    art11 = Citation(DOC, article=11)
    other = Citation("鄂州政办发〔2022〕15号", article=1)
    assert sorted([art11, art4_item1, whole, art4, other]) == [other, whole, art4, art4_item1, art11]
    assert art4 < art11 and art11 > art4 and art4 <= art4
    # ordering is numeric, not by rendered text (第十一条 would sort before 第四条 as a string)
    assert str(art11) < str(art4)


def test_cite_passthrough() -> None:
    c = Citation(DOC, article=5)
    assert cite(c) is c
    assert cite(f"{DOC} 第五条") == c


def test_registry_dedupes_and_filters() -> None:
    reg = CitationRegistry()
    a = reg.register(f"{DOC} 第五条", "x.y", "rule", "说明")
    reg.register(f"{DOC} 第五条", "x.y", "rule", "说明")
    reg.register("鄂州政办发〔2022〕15号 第一条", "x.z", "parameter")
    assert a == Citation(DOC, article=5)
    assert len(reg.all()) == 2
    assert [i.name for i in reg.for_document(DOC)] == ["x.y"]


def test_rule_decorator_registers() -> None:
    @rule(cites=[f"{DOC} 第十一条第（一）项", f"{DOC} 第十二条"])
    def basic_aid(x: int) -> int:
        """基本救助。

        More text."""
        return x

    assert basic_aid(3) == 3  # the function itself is unchanged
    assert basic_aid.citations == (  # type: ignore[attr-defined]
        Citation(DOC, article=11, item=1),
        Citation(DOC, article=12),
    )
    mine = [i for i in REGISTRY.all() if i.name.endswith("test_rule_decorator_registers.<locals>.basic_aid")]
    assert {str(i.citation) for i in mine} == {f"{DOC} 第十一条第（一）项", f"{DOC} 第十二条"}
    assert all(i.kind == "rule" and i.summary == "基本救助。" for i in mine)
