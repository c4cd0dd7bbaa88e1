"""第二十四条 acts and 第二十五条 handling: the laws are configuration, refused until entered."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_rules.core.params import AdminValue
from ezhou_rules.unconventional_water import parameters
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.violations import ACTS, handling_basis, record_violation

ON = dt.date(2024, 8, 1)


def test_six_acts_each_citing_its_item():
    assert len(ACTS) == 6
    assert [a.item for a in ACTS.values()] == [1, 2, 3, 4, 5, 6]
    assert ACTS["cross_connection"].citation == "鄂州政办发〔2022〕14号 第二十四条第（二）项"


def test_handling_basis_refused_until_entered_then_dated():
    with pytest.raises(UnconventionalWaterError) as e:
        handling_basis("cross_connection", ON)
    assert e.value.code == "handling_law_not_entered" and "第二十五条" in e.value.message
    assert "violations.handled_under.cross_connection" in e.value.message
    law = "《某条例》第某条（测试值）"
    tree = parameters().with_values(
        [
            AdminValue(
                "violations.handled_under.cross_connection",
                dt.date(2024, 1, 1),
                [law],
                source="测试：管理员录入",
            )
        ]
    )
    assert handling_basis("cross_connection", ON, tree) == (law,)
    with pytest.raises(UnconventionalWaterError):
        handling_basis("cross_connection", dt.date(2023, 12, 31), tree)  # entered from 2024 on


def test_record_a_finding_without_and_with_the_laws():
    r = record_violation(
        "change_of_use", ON, "某洗车店", "将绿化用再生水用于洗车以外的生活用途", "现场照片3张"
    )
    assert r.handled_under == () and "尚待录入" in r.explanation and "第二十四条第（三）项" in r.explanation
    with pytest.raises(UnconventionalWaterError) as e:
        record_violation("theft", ON, "某人", "x", "y")
    assert e.value.code == "act_unknown"
    with pytest.raises(UnconventionalWaterError) as e:
        record_violation("other_damage", ON, "某人", "x", " ")
    assert e.value.code == "evidence_required"
