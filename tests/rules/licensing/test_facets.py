"""Every facet of the 26 items (read from their wording), and coverage on each side of each facet."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from ezhou_rules.licensing.catalogue import InconsistencyDecision
from ezhou_rules.licensing.coverage import PartialScope, coverage, required_facets
from ezhou_rules.licensing.errors import LicensingError, NotConfigured
from ezhou_rules.licensing.facets import FacetKind, default_vocabulary, parse_scope

INC, EXC = FacetKind.INCLUDE, FacetKind.EXCLUDE
ON = dt.date(2023, 3, 1)

# item → {(dimension, kind): (values, partial values, wording)}, read by hand from 附件1
EXPECTED = {
    1: {},
    2: {("action", INC): ({"延续"}, set(), "(延续)")},
    3: {
        ("qualification", INC): (
            {"施工总承包乙级", "专业承包", "燃气燃烧器具安装维修企业"},
            {"施工总承包乙级", "专业承包"},
            "(部分施工总承包乙级,部分专业承包,燃气燃烧器具安装维修企业)",
        )
    },
    4: {("qualification", INC): ({"专业乙级"}, {"专业乙级"}, "(部分专业乙级)")},
    5: {},
    6: {("port_business", EXC): ({"旅客", "危险货物"}, set(), "(不含旅客、危险货物)")},
    7: {("action", INC): ({"注销"}, set(), "（仅限注销）")},
    8: {("vehicle_type", INC): ({"巡游出租车"}, set(), "（仅限巡游出租车）")},
    9: {},
    10: {("veterinary_drug_class", EXC): ({"生物制品"}, set(), "（非生物制品类）")},
    11: {},
    12: {("pesticide_class", EXC): ({"限制使用农药"}, set(), "（限制农药除外）")},
    13: {},
    14: {("hatchery_type", EXC): ({"原种场"}, set(), "（不含原种场）")},
    15: {},
    16: {},
    17: {("action", INC): ({"设立"}, set(), "设立")},
    18: {("action", EXC): ({"设立"}, set(), "（不含设立）")},
    19: {("institution_type", INC): ({"急救站"}, set(), "（急救站）")},
    20: {("food_business_scope", EXC): ({"仅销售预包装食品"}, set(), "（除仅销售预包装食品外）")},
    21: {("food_product", INC): ({"食品", "食品添加剂"}, set(), "（含食品添加剂）")},
    22: {("business_mode", INC): ({"零售"}, set(), "零售企业")},
    23: {("business_mode", INC): ({"零售"}, set(), "（仅限零售）")},
    24: {
        ("printing_product", INC): ({"商标"}, set(), "（商标）"),
        ("ownership", EXC): ({"外资企业"}, set(), "（不含外资企业）"),
        ("action", INC): ({"设立", "变更"}, set(), "设立、变更审批"),
    },
    25: {
        ("action", INC): ({"设立", "变更"}, set(), "设立、变更审批"),
        ("business_mode", INC): ({"零售"}, set(), "零售单位"),
    },
    26: {},
}
PARTIAL = [
    PartialScope(
        "b1-03", "施工总承包乙级", frozenset({"建筑工程施工总承包乙级"}), dt.date(2022, 9, 29), "测试配置"
    ),
    PartialScope(
        "b1-03", "专业承包", frozenset({"地基基础工程专业承包二级"}), dt.date(2022, 9, 29), "测试配置"
    ),
    PartialScope("b1-04", "专业乙级", frozenset({"房屋建筑工程监理乙级"}), dt.date(2022, 9, 29), "测试配置"),
]


def test_the_table_covers_all_26_items():
    assert sorted(EXPECTED) == list(range(1, 27))


@pytest.mark.parametrize("number", range(1, 27))
def test_facets_of_each_item(catalogue, number):
    item = catalogue.item(f"b1-{number:02d}")
    got = {(f.dimension, f.kind): (set(f.values), set(f.partial), f.wording) for f in item.facets}
    assert got == EXPECTED[number]


def _good(dim, kind, values):
    """A value that satisfies the facet."""
    d = default_vocabulary().dimension(dim)
    if kind is INC:
        return sorted(values - {"施工总承包乙级", "专业承包", "专业乙级"} or values)[0]
    return next(v for v in (*d.values, "测试外值") if v not in values)


def _base(item):
    """Facets that satisfy every facet of the item."""
    app = {f.dimension: [_good(f.dimension, f.kind, set(f.values))] for f in item.facets}
    if any(v in f.partial for f in item.facets for v in app[f.dimension]):
        app["qualification_name"] = ["房屋建筑工程监理乙级"]
    return app


CASES = [(n, dim, kind) for n, facets in EXPECTED.items() for (dim, kind) in facets]


@pytest.mark.parametrize(("number", "dim", "kind"), CASES)
def test_each_facet_in_and_out(catalogue, number, dim, kind):
    item = catalogue.item(f"b1-{number:02d}")
    facet = item.facet(dim, kind)
    inside = coverage(item, _base(item), on=ON, partial_scopes=PARTIAL)
    assert inside.covered, inside.reason
    assert item.title in inside.reason and str(item.citation) in inside.reason
    d = default_vocabulary().dimension(dim)
    if kind is INC and not d.open and set(d.values) <= facet.values:
        # 食品（含食品添加剂）: "含" widens the item to every option of the dimension; only a value outside the
        # vocabulary is out, and it is refused as unknown
        with pytest.raises(LicensingError) as e:
            coverage(item, {**_base(item), dim: ["测试外值"]}, on=ON)
        assert e.value.code == "unknown_facet_value"
        return
    if kind is INC:
        outside_value = next(v for v in (*d.values, "测试外值") if v not in facet.values)
    else:
        outside_value = sorted(facet.values)[0]
    app = {**_base(item), dim: [outside_value]}
    outside = coverage(item, app, on=ON, partial_scopes=PARTIAL)
    assert not outside.covered
    assert facet.wording in outside.reason and "一般程序" in outside.reason
    assert outside_value in outside.reason


def test_item_without_facets_is_covered_as_it_is(catalogue):
    c = coverage(catalogue.item("b1-01"), {}, on=ON)
    assert c.covered and "未另作范围限定" in c.reason


def test_multi_valued_application_must_lie_wholly_inside(catalogue):
    # 仅限零售: an enterprise applying for 零售 and 批发 is not covered (批发 is outside)
    c = coverage(catalogue.item("b1-23"), {"business_mode": ["零售", "批发"]}, on=ON)
    assert not c.covered and "批发" in c.reason
    # 不含旅客、危险货物: general cargo plus dangerous goods is not covered
    c = coverage(catalogue.item("b1-06"), {"port_business": ["普通货物", "危险货物"]}, on=ON)
    assert not c.covered


def test_partial_scope(catalogue):
    item = catalogue.item("b1-03")
    with pytest.raises(NotConfigured) as e:
        coverage(item, {"qualification": "专业承包", "qualification_name": "x"}, on=ON)
    assert e.value.code == "partial_scope_not_configured"
    with pytest.raises(LicensingError) as e:
        coverage(item, {"qualification": "专业承包"}, on=ON, partial_scopes=PARTIAL)
    assert e.value.code == "facets_missing" and e.value.fields == ("qualification_name",)
    ok = coverage(
        item,
        {
            "qualification": ["专业承包", "施工总承包乙级"],
            "qualification_name": ["地基基础工程专业承包二级", "建筑工程施工总承包乙级"],
        },
        on=ON,
        partial_scopes=PARTIAL,
    )
    assert ok.covered
    no = coverage(
        item,
        {"qualification": "专业承包", "qualification_name": "钢结构工程专业承包二级"},
        on=ON,
        partial_scopes=PARTIAL,
    )
    assert not no.covered and "钢结构工程专业承包二级" in no.reason
    # the non-partial 燃气燃烧器具安装维修企业 needs no list
    assert coverage(item, {"qualification": "燃气燃烧器具安装维修企业"}, on=ON).covered
    assert [q["key"] for q in required_facets(item)] == ["qualification", "qualification_name"]


def test_item_8_decision_and_configuration(catalogue):
    item = catalogue.item("b1-08")
    c = coverage(item, {"vehicle_type": "网络预约出租车"}, on=ON)
    assert not c.covered and "以事项名称的限定为准" in c.reason
    # by the certificate sought: a 网络预约出租汽车运输证 is a ride-hailing vehicle
    c = coverage(item, {}, certificate="网络预约出租汽车运输证", on=ON)
    assert not c.covered
    assert coverage(item, {}, certificate="道路运输证", on=ON).covered
    # no decision in force: refused for the contested part only
    (flag,) = item.inconsistencies
    undecided = replace(item, inconsistencies=(replace(flag, decisions=()),))
    with pytest.raises(NotConfigured) as e:
        coverage(undecided, {"vehicle_type": "网络预约出租车"}, on=ON)
    assert e.value.code == "inconsistency_undecided" and "网络预约出租汽车运输证" in e.value.message
    assert coverage(undecided, {"vehicle_type": "巡游出租车"}, on=ON).covered
    # the other decision, dated: the scope is widened from its date
    widen = InconsistencyDecision(
        "b1-08", "certificate_outside_scope", "list_governs", dt.date(2024, 1, 1), "测试决定"
    )
    item2 = replace(item, inconsistencies=(replace(flag, decisions=(*flag.decisions, widen)),))
    assert not coverage(item2, {"vehicle_type": "网络预约出租车"}, on=dt.date(2023, 12, 31)).covered
    assert coverage(item2, {"vehicle_type": "网络预约出租车"}, on=dt.date(2024, 1, 1)).covered


def test_bad_application_facets(catalogue):
    item = catalogue.item("b1-24")
    with pytest.raises(LicensingError) as e:
        coverage(
            item, {"action": ["设立", "注销"], "ownership": "内资企业", "printing_product": "商标"}, on=ON
        )
    assert e.value.code == "facets_contradict" and "申请类型" in e.value.message
    with pytest.raises(LicensingError) as e:
        coverage(item, {"action": "设立"}, on=ON)
    assert e.value.code == "facets_missing" and set(e.value.fields) == {"ownership", "printing_product"}
    assert "企业类型" in e.value.message
    with pytest.raises(LicensingError) as e:
        coverage(item, {"colour": "红"}, on=ON)
    assert e.value.code == "unknown_facet" and e.value.field == "colour"
    with pytest.raises(LicensingError) as e:
        coverage(item, {"action": "新办", "ownership": "内资企业", "printing_product": "商标"}, on=ON)
    assert e.value.code == "unknown_facet_value" and "新办" in e.value.message
    with pytest.raises(LicensingError) as e:
        coverage(
            catalogue.item("b1-08"),
            {"vehicle_type": "巡游出租车"},
            certificate="网络预约出租汽车运输证",
            on=ON,
        )
    assert e.value.code == "facets_contradict" and set(e.value.fields) == {"vehicle_type", "certificate"}
    with pytest.raises(LicensingError) as e:
        coverage(catalogue.item("b1-08"), {}, certificate="排污许可证", on=ON)
    assert e.value.code == "certificate_not_in_item"


def test_not_in_force(catalogue):
    c = coverage(catalogue.item("b1-01"), {}, on=dt.date(2022, 9, 28))
    assert not c.covered and "不在告知承诺事项清单内" in c.reason


def test_parser_reports_unknown_words_and_contradictions():
    p = parse_scope("药品经营许可（仅限网店）")
    assert p.facets == [] and p.problems[0].code == "unknown_scope_term"
    p = parse_scope("药品经营许可（仅限零售）（不含零售）")
    assert [x.code for x in p.problems] == ["scope_contradiction"]
    p = parse_scope("排污许可（延续）（仅限注销）")
    assert [x.code for x in p.problems] == ["scope_contradiction"]
    p = parse_scope("某某（含某物）")
    assert p.problems[0].code == "unknown_scope_term"
