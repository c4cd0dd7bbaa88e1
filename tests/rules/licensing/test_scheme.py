"""一事项一方案 and its template check (第二部分 四（一）: 可量化可操作、不含模糊表述或兜底条款)."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.scheme import (
    SchemeBook,
    Timing,
    check_scheme,
    scheme_from_dict,
    vague_findings,
    validate_scheme,
)

ON = dt.date(2023, 1, 1)


def test_test_scheme_passes(scheme):
    assert check_scheme(scheme) == []
    assert validate_scheme(scheme) is scheme
    assert [m.code for m in scheme.materials_at(Timing.AFTER_DECISION)] == [
        "layout_plan",
        "health_certificates",
    ]
    assert scheme.conditions[0].measure.describe() == "经营场所使用面积不低于20平方米"
    assert len(scheme.template.sha256) == 64


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("配备冷藏、冷冻等设施", "等"),
        ("具有其他必要的设备", "其他"),
        ("符合相关卫生要求", "相关"),
        ("符合国家有关规定", "有关"),
        ("具有一定的经营能力", "一定"),
        ("卫生状况良好", "良好"),
        ("符合法律、法规规定的条件", "兜底表述"),
        ("具备但不限于下列设施", "兜底表述"),
    ],
)
def test_vague_conditions_are_refused(raw_scheme, text, finding):
    data = raw_scheme
    data["conditions"][1] = {"code": "staff_health", "text": text, "evidence": "证明"}
    problems = check_scheme(scheme_from_dict(data))
    assert [p.code for p in problems] == ["condition_vague"] * len(problems) and problems
    assert any(finding in p.message for p in problems)
    assert all(p.citation == "鄂州政办发〔2022〕27号 第二部分 四（一）" for p in problems)
    with pytest.raises(LicensingError) as e:
        validate_scheme(scheme_from_dict(data))
    assert e.value.code == "scheme_rejected" and text in e.value.message


def test_words_with_deng_that_are_not_vague():
    # 等级 and 同等 are words of their own, not "etc."
    assert vague_findings("卫生等级不低于B级，与原件具有同等效力", ON) == []
    assert vague_findings("冷藏、冷冻等设施", ON) == ["模糊用语“等”"]


def test_unquantified_and_missing_parts(raw_scheme):
    data = raw_scheme
    data["conditions"].append({"code": "manage", "text": "建立食品安全管理制度"})
    data["materials"].append(
        {"code": "misc", "name": "其他材料", "timing": "at_submission", "methods": ["在线提交"]}
    )
    data["consequences"]["breach"] = ""
    data["differences"].pop("办理时限")
    data["template"]["text"] = data["template"]["text"].replace(
        "五、愿意承担承诺不实、违反承诺的法律责任。", ""
    )
    # "其他材料" is both a vague word and a catch-all: two findings, one code
    codes = sorted({p.code for p in check_scheme(scheme_from_dict(data))})
    assert codes == [
        "condition_not_quantified",
        "consequence_missing",
        "difference_missing",
        "material_vague",
        "template_confirmation_missing",
    ]


@pytest.mark.parametrize(
    ("path", "value", "code_field"),
    [
        (("conditions", 0, "measure", "value"), 20.0, "measure"),
        (("conditions", 0, "measure", "operator"), "≈", "measure"),
        (("materials", 0, "timing"), "later", "timing"),
        (("materials", 0, "methods"), ["传真"], "methods"),
        (("template", "text"), "", "text"),
        (("periods", 0, "material"), "nothing", "material"),
    ],
)
def test_shape_errors(raw_scheme, path, value, code_field):
    data = raw_scheme
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(LicensingError) as e:
        scheme_from_dict(data)
    assert e.value.field == code_field


def test_scheme_book(scheme, raw_scheme):
    later = scheme_from_dict({**raw_scheme, "version": "T-2024-01", "valid_from": "2024-01-01"})
    book = SchemeBook([later, scheme])
    assert book.scheme_on("b1-20", dt.date(2023, 12, 31)).version == "T-2023-01"
    assert book.scheme_on("b1-20", dt.date(2024, 1, 1)).version == "T-2024-01"
    with pytest.raises(LicensingError) as e:
        book.scheme_on("b1-20", dt.date(2022, 12, 31))
    assert e.value.code == "scheme_not_published"
    with pytest.raises(LicensingError):
        SchemeBook([scheme, scheme])
