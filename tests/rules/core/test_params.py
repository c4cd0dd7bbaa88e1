from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from ezhou_rules.core.citations import REGISTRY, Citation
from ezhou_rules.core.money import mul_ratio_half_up
from ezhou_rules.core.params import (
    AdminValue,
    ParameterFileError,
    ParameterNotSet,
    ParameterTree,
    ParameterValueError,
    UnknownParameter,
    convert_value,
    load_parameters,
    parse_parameters,
)

D = dt.date

SAMPLE = """\
document: 鄂州政办发〔2022〕34号
document_date: 2022-10-18
parameters:
  deductible:
    class_3:
      unit: fen
      description: 三类救助对象年度起付标准
      values:
        2022-10-18: {value: 300000, cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
        2024-01-01: {value: 250000, cite: 第十一条第（一）项, note: "place only, read against document"}
  ratio:
    class_3:
      unit: ratio
      description: 三类救助对象救助比例
      values:
        2022-10-18: {value: "65%", cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
        2023-01-01: {value: "0.7", cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
  premium_floor:
    unit: fen
    description: 居民医保个人缴费国家最低标准
    values:
      2022-01-01: {value: 35000, source: 国家医保局等 2022年居民医保通知}
  per_capita_income:
    unit: fen
    description: 上年度全市居民人均可支配收入
    configurable: true
    values: {}
  transition_ends:
    unit: date
    values:
      2022-10-18: {value: 2025-12-31, cite: 鄂州政办发〔2022〕34号 第七条}
  no_cap:
    unit: bool
    values:
      2022-10-18: {value: true, cite: 鄂州政办发〔2022〕34号 第五条}
  volume:
    unit: m3
    values:
      2022-10-18: {value: "0.5", cite: 鄂州政办发〔2022〕34号 第五条}
"""


@pytest.fixture
def tree() -> ParameterTree:
    return parse_parameters(SAMPLE, file="sample.yaml", name="medical_assistance")


def test_lookup_by_date(tree: ParameterTree) -> None:
    assert tree.get("deductible.class_3", D(2022, 10, 18)) == 300000
    assert tree.get("deductible.class_3", D(2023, 12, 31)) == 300000
    assert tree.get("deductible.class_3", D(2024, 1, 1)) == 250000
    # the registry's full name works too
    assert tree.get("medical_assistance.deductible.class_3", D(2024, 6, 1)) == 250000
    assert tree.get("ratio.class_3", D(2022, 12, 1)) == Fraction(13, 20)  # 65% = 13/20 exactly
    assert tree.get("ratio.class_3", D(2023, 1, 1)) == Fraction(7, 10)
    assert tree.get("transition_ends", D(2023, 1, 1)) == D(2025, 12, 31)
    assert tree.get("no_cap", D(2023, 1, 1)) is True
    assert tree.get("volume", D(2023, 1, 1)) == Decimal("0.5")


def test_entry_carries_citation(tree: ParameterTree) -> None:
    entry = tree.entry("deductible.class_3", D(2024, 1, 1))
    # the place-only cite was read against the file's document
    assert entry.citation == Citation("鄂州政办发〔2022〕34号", article=11, item=1)
    assert entry.reference == "鄂州政办发〔2022〕34号 第十一条第（一）项"
    assert entry.note == "place only, read against document"
    assert tree.entry("premium_floor", D(2023, 1, 1)).reference == "国家医保局等 2022年居民医保通知"


def test_attribute_access(tree: ParameterTree) -> None:
    snap = tree.at(D(2024, 3, 1))
    assert snap.deductible.class_3 == 250000
    assert snap["ratio.class_3"] == Fraction(7, 10)
    assert snap.on == D(2024, 3, 1)
    with pytest.raises(UnknownParameter):
        _ = snap.deductible.class_9
    # a configurable parameter nobody set raises only when touched
    with pytest.raises(ParameterNotSet):
        _ = snap.per_capita_income


def test_not_set_configurable(tree: ParameterTree) -> None:
    with pytest.raises(ParameterNotSet) as info:
        tree.get("per_capita_income", D(2024, 5, 1))
    err = info.value
    assert err.name == "medical_assistance.per_capita_income"
    assert err.date == D(2024, 5, 1)
    assert err.code == "parameter_not_set"
    message = str(err)
    assert "上年度全市居民人均可支配收入" in message and "2024年" in message and "2024-05-01" in message


def test_not_set_before_first_value(tree: ParameterTree) -> None:
    with pytest.raises(ParameterNotSet) as info:
        tree.get("deductible.class_3", D(2022, 10, 17))
    assert info.value.first_from == D(2022, 10, 18)
    assert "2022-10-18" in str(info.value)


def test_unknown_name(tree: ParameterTree) -> None:
    with pytest.raises(UnknownParameter):
        tree.get("deductible.class_4", D(2024, 1, 1))
    assert "deductible.class_3" in tree and "nothing" not in tree


def test_vectorised_lookup(tree: ParameterTree) -> None:
    dates = np.array(["2022-10-18", "2023-06-30", "2024-01-01", "2030-01-01"], dtype="datetime64[D]")
    values = tree.get_array("deductible.class_3", dates)
    assert values.dtype == np.int64
    assert values.tolist() == [300000, 300000, 250000, 250000]
    nums, dens = tree.get_ratio_arrays("ratio.class_3", dates)
    assert nums.tolist() == [13, 7, 7, 7] and dens.tolist() == [20, 10, 10, 10]
    # 1001 fen × 13/20 = 650.65 → 651; × 7/10 = 700.7 → 701
    paid = mul_ratio_half_up(np.full(4, 1001), nums, dens)
    assert paid.tolist() == [651, 701, 701, 701]
    assert tree.get_array("transition_ends", dates[:1]).dtype == np.dtype("datetime64[D]")
    with pytest.raises(ParameterNotSet) as info:
        tree.get_array(
            "deductible.class_3", np.array(["2024-01-01", "2021-05-01", "2020-01-01"], dtype="datetime64[D]")
        )
    assert info.value.date == D(2020, 1, 1)  # the earliest uncovered date is named


def test_overrides_leave_original(tree: ParameterTree) -> None:
    what_if = tree.with_overrides({"deductible.class_3": 500000, "ratio.class_3": "80%"})
    assert what_if.get("deductible.class_3", D(2022, 10, 18)) == 500000
    assert what_if.get("deductible.class_3", D(1990, 1, 1)) == 500000  # undated: every date
    assert what_if.get("ratio.class_3", D(2024, 1, 1)) == Fraction(4, 5)
    assert tree.get("deductible.class_3", D(2022, 10, 18)) == 300000
    assert tree.get("ratio.class_3", D(2024, 1, 1)) == Fraction(7, 10)


def test_dated_override(tree: ParameterTree) -> None:
    # From 2023-07-01 on, 400000: the 2022 value stays, the 2024 value is superseded.
    what_if = tree.with_overrides({"deductible.class_3": {D(2023, 7, 1): 400000}})
    assert what_if.get("deductible.class_3", D(2023, 6, 30)) == 300000
    assert what_if.get("deductible.class_3", D(2023, 7, 1)) == 400000
    assert what_if.get("deductible.class_3", D(2025, 1, 1)) == 400000
    assert tree.get("deductible.class_3", D(2025, 1, 1)) == 250000


def test_override_value_checked(tree: ParameterTree) -> None:
    with pytest.raises(ParameterValueError):
        tree.with_overrides({"ratio.class_3": 0.8})  # a float is not exact
    with pytest.raises(ParameterValueError):
        tree.with_overrides({"deductible.class_3": "5000元"})
    with pytest.raises(UnknownParameter):
        tree.with_overrides({"deductible.class_9": 1})


def test_admin_values_merge(tree: ParameterTree) -> None:
    entries = [
        AdminValue(
            "per_capita_income", D(2023, 4, 1), 3500000, source="鄂州市2022年国民经济和社会发展统计公报"
        ),
        AdminValue(
            "per_capita_income", D(2024, 4, 1), 3700000, source="鄂州市2023年国民经济和社会发展统计公报"
        ),
    ]
    merged = tree.with_values(entries)
    assert merged.get("per_capita_income", D(2023, 12, 31)) == 3500000
    assert merged.get("per_capita_income", D(2024, 4, 1)) == 3700000
    assert merged.entry("per_capita_income", D(2024, 4, 1)).source == "鄂州市2023年国民经济和社会发展统计公报"
    with pytest.raises(ParameterNotSet):
        merged.get("per_capita_income", D(2023, 3, 31))
    with pytest.raises(ParameterNotSet):
        tree.get("per_capita_income", D(2023, 12, 31))  # the original is untouched
    # Re-entering a date replaces that date's value only.
    fixed = merged.with_values([AdminValue("per_capita_income", D(2023, 4, 1), 3510000, source="更正")])
    assert fixed.get("per_capita_income", D(2023, 5, 1)) == 3510000
    assert fixed.get("per_capita_income", D(2024, 5, 1)) == 3700000


def test_admin_values_refused_for_fixed_parameters(tree: ParameterTree) -> None:
    with pytest.raises(ParameterValueError, match="不能由管理员录入"):
        tree.with_values([AdminValue("deductible.class_3", D(2024, 1, 1), 1, source="x")])
    with pytest.raises(ParameterValueError, match="来源"):
        tree.with_values([AdminValue("per_capita_income", D(2024, 1, 1), 1, source=" ")])


def test_citations_registered() -> None:
    parse_parameters(SAMPLE, file="sample.yaml", name="reg_test")
    names = {(i.name, i.kind, str(i.citation)) for i in REGISTRY.all()}
    assert ("reg_test.deductible.class_3", "parameter", "鄂州政办发〔2022〕34号 第十一条第（一）项") in names
    assert ("reg_test.no_cap", "parameter", "鄂州政办发〔2022〕34号 第五条") in names
    # outside sources are not gazette citations
    assert not any(n == "reg_test.premium_floor" for n, _, _ in names)


def test_load_from_file_uses_stem(tmp_path: Path) -> None:
    path = tmp_path / "medical.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    tree = load_parameters(path, register=False)
    assert tree.name == "medical"
    assert tree.document == "鄂州政办发〔2022〕34号" and tree.document_date == D(2022, 10, 18)
    assert "deductible.class_3" in tree.names()


def test_merged_trees() -> None:
    a = parse_parameters(SAMPLE, name="a", register=False)
    b = parse_parameters(
        "parameters:\n  extra:\n    unit: count\n    values:\n      2022-01-01: {value: 3, source: x}\n",
        name="b",
        register=False,
    )
    both = ParameterTree.merged("ab", [a, b])
    assert both.get("extra", D(2023, 1, 1)) == 3
    with pytest.raises(ParameterValueError):
        ParameterTree.merged("aa", [a, a])


# -- validation at load time -------------------------------------------------------------------------------

HEAD = "document: 鄂州政办发〔2022〕34号\ndocument_date: 2022-10-18\nparameters:\n  p:\n"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("    unit: yuan\n    values: {}\n", "未知单位"),
        ("    unit: furlongs\n    values: {}\n", "未知单位"),
        ("    unit: fen\n    values:\n      2022-10-18: {value: 1}\n", "缺少出处"),
        (
            "    unit: fen\n    values:\n      2023-01-01: {value: 1, source: x}\n      2022-11-01: {value: 2, source: x}\n",
            "先后顺序",
        ),
        (
            "    unit: fen\n    values:\n      2023-01-01: {value: 1, source: x}\n      2023-01-01: {value: 2, source: x}\n",
            "重复",
        ),
        (
            "    unit: fen\n    values:\n      2023-01-01: {value: 1, source: x}\n      '2023-01-01': {value: 2, source: x}\n",
            "重复",
        ),
        ("    unit: fen\n    values:\n      2022-10-17: {value: 1, cite: 第十一条}\n", "早于文件印发日期"),
        ("    unit: fen\n    values:\n      2022-10-18: {value: 1, cite: 第十一章}\n", "无法解析"),
        ("    unit: fen\n    values:\n      2022-10-18: {value: 1.5, source: x}\n", "浮点数"),
        ("    unit: ratio\n    values:\n      2022-10-18: {value: 0.65, source: x}\n", "浮点数"),
        ("    unit: ratio\n    values:\n      2022-10-18: {value: 'abc', source: x}\n", "无法识别"),
        ("    unit: fen\n    values:\n      2022-10-18: {value: -1, source: x}\n", "负数"),
        ("    unit: fen\n    values:\n      2022-10-18: {cite: 第十一条}\n", "缺少 value"),
        ("    unit: fen\n    values:\n      not-a-date: {value: 1, source: x}\n", "不是日期"),
        ("    unit: fen\n    values: {}\n", "configurable"),
        ("    unit: fen\n    configurable: true\n    valeus: {}\n", "未知字段"),
        ("    unit: fen\n    values:\n      2022-10-18: {value: 1, cite: 第十一条, sauce: x}\n", "未知字段"),
    ],
)
def test_file_errors(body: str, fragment: str) -> None:
    with pytest.raises(ParameterFileError) as info:
        parse_parameters(HEAD + body, file="params/bad.yaml", register=False)
    message = str(info.value)
    assert "params/bad.yaml" in message
    assert fragment in message
    assert info.value.key.startswith("p") or info.value.key.startswith("2023")


def test_outside_source_may_predate_document() -> None:
    # National figures published before the city's document are allowed when they cite their own source,
    # by free text or by another document's number.
    text = HEAD + (
        "    unit: fen\n    values:\n"
        "      2020-01-01: {value: 1, source: 国家统计局}\n"
        "      2021-01-01: {value: 2, cite: 发改价格〔2017〕1792号}\n"
    )
    tree = parse_parameters(text, register=False)
    assert tree.get("p", D(2020, 6, 1)) == 1
    assert tree.get("p", D(2021, 6, 1)) == 2


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(ParameterFileError, match="未知的顶层字段"):
        parse_parameters("parameter: {}\n", register=False)
    with pytest.raises(ParameterFileError, match="文号"):
        parse_parameters(
            "document: 第十一条\nparameters: {p: {unit: fen, configurable: true}}\n", register=False
        )
    with pytest.raises(ParameterFileError, match="参数名"):
        parse_parameters("parameters: {1x: {unit: fen, configurable: true}}\n", register=False)
    with pytest.raises(ParameterFileError, match="无法读取"):
        load_parameters(tmp_path / "missing.yaml")


def test_convert_value_units() -> None:
    assert convert_value("ratio", "65%") == Fraction(13, 20)
    assert convert_value("ratio", "0.5%") == Fraction(1, 200)
    assert convert_value("ratio", "13/20") == Fraction(13, 20)
    assert convert_value("ratio", 1) == Fraction(1)
    assert convert_value("m2", "12") == 12
    assert convert_value("date", "2025-12-31") == D(2025, 12, 31)
    assert convert_value("ratio", ["1.5", "2"]) == (Fraction(3, 2), Fraction(2))
    with pytest.raises(ValueError):
        convert_value("ratio", "1/0")
    with pytest.raises(ValueError):
        convert_value("count", True)
    with pytest.raises(ValueError):
        convert_value("bool", "yes")
    with pytest.raises(ValueError):
        convert_value("text", "  ")


def test_validity_of_the_document_gives_a_warning_after_it_ends() -> None:
    import datetime as dt

    from ezhou_rules.core.params import parse_parameters

    tree = parse_parameters(
        "document: 鄂州政办发〔2022〕15号\n"
        "document_date: 2022-07-11\n"
        "validity: {until: 2027-07-10, cite: 第十九条}\n"
        "parameters:\n  x:\n    unit: count\n    values:\n      2022-07-11: {value: 1, cite: 第六条}\n",
        register=False,
    )
    # 有效期5年 from 2022-07-11: the last day is 2027-07-10; the day after, results say the document expired.
    assert tree.expiry_warning(dt.date(2027, 7, 10)) == ""
    warning = tree.expiry_warning(dt.date(2027, 7, 11))
    assert "2027年7月10日届满" in warning and "第十九条" in warning
    with pytest.raises(ParameterFileError, match="validity"):
        parse_parameters("validity: 2027\nparameters: {x: {unit: count, values: {}}}", register=False)
