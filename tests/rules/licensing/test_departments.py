"""Department type → issuing body by level (configuration), and the supervisor by reform mode."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from ezhou_rules.licensing.catalogue import ReformMode
from ezhou_rules.licensing.departments import IssuingBodyTable, Level, issuing_rule_from_dict, supervisor
from ezhou_rules.licensing.errors import LicensingError, NotConfigured

ON = dt.date(2023, 3, 1)
# test configuration, not Ezhou's: market regulation decided by the approval bureau at city level
CITY = {
    "department_type": "market_regulation",
    "level": "city",
    "valid_from": "2022-09-29",
    "source": "测试配置",
    "issuing_body": {"code": "administrative_approval", "name": "市行政审批局", "kind": "approval_bureau"},
    "competent_department": {"code": "market_regulation", "name": "市市场监督管理局", "kind": "city_bureau"},
}
DISTRICT = {
    **CITY,
    "level": "district",
    "jurisdiction": "echeng",
    "issuing_body": {"code": "echeng_amr", "name": "鄂城区市场监督管理局", "kind": "district_office"},
    "competent_department": {"code": "echeng_amr", "name": "鄂城区市场监督管理局", "kind": "district_office"},
}


@pytest.fixture
def table():
    return IssuingBodyTable(
        [
            issuing_rule_from_dict(CITY),
            issuing_rule_from_dict(DISTRICT),
            issuing_rule_from_dict(
                {
                    **CITY,
                    "item": "b1-22",
                    "valid_from": "2024-01-01",
                    "issuing_body": {
                        "code": "market_regulation",
                        "name": "市市场监督管理局",
                        "kind": "city_bureau",
                    },
                }
            ),
        ]
    )


def test_lookup_precedence(table, catalogue):
    food = catalogue.item("b1-20")
    assert table.lookup(food, Level.CITY, ON).issuing_body.name == "市行政审批局"
    assert table.lookup(food, Level.DISTRICT, ON, "echeng").issuing_body.name == "鄂城区市场监督管理局"
    drugs = catalogue.item("b1-22")
    assert table.lookup(drugs, Level.CITY, dt.date(2023, 12, 31)).issuing_body.name == "市行政审批局"
    assert (
        table.lookup(drugs, Level.CITY, dt.date(2024, 1, 1)).issuing_body.name == "市市场监督管理局"
    )  # item rule
    with pytest.raises(NotConfigured) as e:
        table.lookup(food, Level.DISTRICT, ON, "huarong")
    assert e.value.code == "issuing_body_not_configured" and "区级（huarong）" in e.value.message
    with pytest.raises(NotConfigured):
        table.lookup(catalogue.item("b1-01"), Level.CITY, ON)
    with pytest.raises(NotConfigured):
        table.lookup(food, Level.CITY, dt.date(2022, 9, 28))
    with pytest.raises(LicensingError) as e:
        table.lookup(food, Level.DISTRICT, ON)
    assert e.value.code == "jurisdiction_missing"


def test_supervisor_by_mode(table, catalogue):
    food = catalogue.item("b1-20")
    s = supervisor(food, ReformMode.COMMITMENT, level=Level.CITY, on=ON, table=table)
    assert s.body.name == "市行政审批局" and "谁审批、谁监管" in s.reason
    assert s.citation == "鄂州政办发〔2022〕27号 第一部分 三（三）"
    all_modes = replace(food, modes=frozenset(ReformMode))
    for mode, body in (
        (ReformMode.CANCEL, "市市场监督管理局"),
        (ReformMode.RECORD, "市市场监督管理局"),
        (ReformMode.COMMITMENT, "市行政审批局"),
        (ReformMode.OPTIMISE, "市行政审批局"),
    ):
        assert supervisor(all_modes, mode, level=Level.CITY, on=ON, table=table).body.name == body
    with pytest.raises(LicensingError) as e:
        supervisor(food, ReformMode.CANCEL, level=Level.CITY, on=ON, table=table)
    assert e.value.code == "mode_not_in_item"


def test_bad_configuration():
    for change, field in (
        ({"level": "province"}, "level"),
        ({"source": ""}, "source"),
        ({"issuing_body": {"code": "x", "name": "y", "kind": "bureau"}}, "issuing_body"),
        ({"jurisdiction": "echeng"}, "jurisdiction"),
    ):
        with pytest.raises(LicensingError) as e:
            issuing_rule_from_dict({**CITY, **change})
        assert e.value.field == field
    with pytest.raises(LicensingError):
        IssuingBodyTable([issuing_rule_from_dict(CITY), issuing_rule_from_dict(CITY)])
