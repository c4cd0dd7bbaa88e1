"""Every figure of both parameter files checked against the printed words of the article it cites.

A parameter added to either file without a row here fails ``test_every_parameter_is_checked``.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import pytest

from ezhou_rules.library import load_library
from ezhou_rules.supervision import rural_delivery, vocational_education
from ezhou_rules.supervision.model import plain

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"

# parameter → (the printed words, the number in them the value must equal)
VOCATIONAL = {
    "funding_floor.secondary": ("确保公办中职（含技工学校）生均拨款标准不低于8000元/生/年", 8000),
    "funding_floor.higher": ("公办高职生均拨款标准不低于12000元/生/年", 12000),
    "progression.rate": ("推动中职学生升学比例达到 70% 以上", 70),
    "progression.bachelor_rate": ("其中升职业本科比例达到 10% 以上", 10),
    "targets.national_high_level_school": ("建成国家级高水平职业学校", 1),
    "targets.national_specialty_groups": ("建设2个国家级高水平专业群", 2),
    "targets.provincial_specialty_groups": ("1 个省级高水平专业群", 1),
    "targets.bachelor_majors": ("3 个职业教育本科专业", 3),
    "targets.national_quality_secondary_school": ("建成国家优质中职学校", 1),
    "targets.national_quality_specialties": ("1 个国家级优质专业", 1),
    "targets.provincial_enterprise_communities": ("建立 3 个省级校企合作共同体", 3),
    "targets.training_bases": ("10 个省级以上实训基地", 10),
}
RURAL = {
    "targets.district": ("全市建成区级寄递公共配送中心 3 个以上", 3),
    "targets.township": ("建成乡镇寄递物流综合服务站 21 个以上", 21),
    "targets.village": ("建成村级综合服务网点 316 个以上", 316),
    "coverage.district": ("行政区覆盖率达 100%", 100),
    "coverage.township": ("覆盖率达 100%", 100),
    "coverage.village": ("行政村覆盖率达 100%", 100),
    "per_unit_max.district": ("按照“一区一中心”总体布局", 1),
    "per_unit_max.township": ("每个乡镇建设 1-2 个寄递物流综合服务站", 2),
    "per_unit_max.village": ("每个建制村建成 1-2 个村级寄递物流综合服务网点", 2),
    "target_date": ("到 2025 年底", 2025),
}


@pytest.fixture(scope="module")
def library():
    return load_library(GAZETTE)


def _as_number(value: object) -> int:
    if isinstance(value, Fraction):
        return int(value * 100)  # a ratio in percent
    if isinstance(value, dt.date):
        return value.year  # "到2025年底" = the last day of 2025
    assert isinstance(value, int)
    return value


@pytest.mark.parametrize(
    ("tree", "table", "on"),
    [
        (vocational_education.parameters, VOCATIONAL, dt.date(2023, 1, 1)),
        (rural_delivery.parameters, RURAL, dt.date(2023, 1, 1)),
    ],
)
def test_every_figure_is_the_printed_one(library, tree, table, on):
    params = tree()
    for name, (words, figure) in table.items():
        entry = params.entry(name, on)
        assert entry.citation is not None, name
        text = plain(library.resolve(entry.citation).plain_text)
        assert plain(words) in text, f"{name}: “{words}” is not in {entry.citation}"
        numbers = [int(n) for n in re.findall(r"\d+", words)] or [1]
        assert figure in numbers, name
        value = entry.value
        if name.startswith("funding_floor"):  # fen → yuan, and whole yuan
            assert value % 100 == 0
            value = value // 100
        assert _as_number(value) == figure, f"{name}: {value} ≠ printed {figure}"


def test_every_parameter_is_checked():
    assert set(vocational_education.parameters().names()) == set(VOCATIONAL)
    assert set(rural_delivery.parameters().names()) == set(RURAL)


def test_funding_floors_in_fen_and_restated_in_the_annex(library):
    params = vocational_education.parameters()
    on = dt.date(2023, 12, 31)
    assert params.get("funding_floor.secondary", on) == 800_000  # 8,000.00 yuan in fen
    assert params.get("funding_floor.higher", on) == 1_200_000
    row = plain(library.resolve("鄂州政发〔2022〕15号 附件2 （二十四）").plain_text)
    assert plain("公办中职生均拨款标准不低于8000元/生/年") in row
    assert plain("公办高职院校年生均财政拨款水平不低于12000元/生/年") in row
    assert plain("严禁以学费、社会服务收入冲抵生均拨款") in row


def test_the_target_date_is_the_end_of_2025():
    assert rural_delivery.parameters().get("target_date", dt.date(2023, 1, 1)) == dt.date(2025, 12, 31)
