"""鄂州政办发〔2022〕19号's sourcing plan as cited parameters, the rent cap bound the database uses, the area check
of 第八条 for one unit, and the applicant's resident ID and phone on submission."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ezhou_rules.core.ids import resident_id_check_char
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.applicant import check_applicant_ids, check_phone
from ezhou_rules.rental_housing.common import RentalHousingInputError, label
from ezhou_rules.rental_housing.housing import (
    AREA_OK,
    AREA_REFUSED,
    AREA_WARNING,
    RENT_ONLY,
    RENT_THEN_SELL,
    check_unit_area,
    rent_cap_ratio_bound,
)
from ezhou_rules.rental_housing.sourcing import SourcingPlanError, sourcing_plan

D = dt.date


def rid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


# -- 附件 房源筹集计划表 ------------------------------------------------------------------------------------------
def test_annex_targets_by_method_are_3550_450_1000():
    plan = sourcing_plan()
    # 合计 row: 购买商品住房 1000+300+500+300+300+550+600 = 3550; 商品住房项目配建 450 (葛店);
    # 新供应国有用地建设 1000 (市城控集团); 收购在建工程项目 and 城市更新项目配建 blank
    assert plan.method_totals == {
        "purchase": 3550,
        "acquire": 0,
        "supporting": 450,
        "new_land": 1000,
        "renewal": 0,
    }
    assert sum(plan.method_totals.values()) == plan.total == 5000


def test_annex_targets_by_body_with_their_rows():
    plan = sourcing_plan()
    assert [(b.label, b.total) for b in plan.bodies] == [
        ("市城控集团", 2000),  # 1000 purchase + 1000 new land
        ("市昌达集团", 300),
        ("鄂城区", 500),
        ("华容区", 300),
        ("梁子湖区", 300),
        ("葛店开发区", 1000),  # 550 purchase + 450 supporting
        ("临空经济区", 600),
    ]
    assert str(plan.body("gedian").citation) == "鄂州政办发〔2022〕19号 附件1 （六）"
    assert plan.body("gedian").citation.anchor() == "annex1-item6"


def test_steps_of_section_four_are_cited_parameters():
    plan = sourcing_plan()
    assert [(s.label, s.deadline, s.citation.anchor()) for s in plan.steps] == [
        ("调研摸底", D(2022, 7, 31), "sec4-item1"),  # 四（一）2022年7月底前
        ("筹集房源", D(2022, 10, 31), "sec4-item2"),  # 四（二）2022年10月底前
        ("评估总结", D(2022, 12, 31), "sec4-item3"),  # 四（三）2022年12月底前
    ]
    # batches of 四（二）: 200, +1300 = 1500, +2500 = 4000
    assert [(b.deadline, b.cumulative) for b in plan.batches] == [
        (D(2022, 8, 31), 200),
        (D(2022, 9, 30), 1500),
        (D(2022, 10, 31), 4000),
    ]


def test_an_annex_that_does_not_add_up_is_refused():
    tree = parameters().with_overrides({"sourcing_plan.annex.linkong": [500, 0, 0, 0, 0]})
    with pytest.raises(SourcingPlanError, match="合计4900套"):
        sourcing_plan(tree)


def test_rent_cap_bound_is_the_parameter():
    # the database constraint on units is built from this figure (models.py), not from a second literal
    assert rent_cap_ratio_bound() == Fraction(7, 10) == parameters().get("rent.cap_ratio", D(2024, 1, 1))
    assert rent_cap_ratio_bound(parameters().with_overrides({"rent.cap_ratio": "65%"})) == Fraction(13, 20)


# -- 第八条 for one unit ---------------------------------------------------------------------------------------
def test_area_check_rent_only_new_build_and_converted():
    on = D(2024, 6, 1)
    # 只租不售, new build: at most 70.00 m² (第八条第二款); 70.01 refused
    assert check_unit_area(RENT_ONLY, 7000, False, on).status == AREA_OK
    r = check_unit_area(RENT_ONLY, 7001, False, on)
    assert r.status == AREA_REFUSED and not r.within and r.citation == "鄂州政发〔2022〕19号 第八条第二款"
    assert r.message == "只租不售房源单套建筑面积70.01平方米，超过70.00平方米。"
    # started or converted: at most 90.00 m²
    assert check_unit_area(RENT_ONLY, 9000, True, on).within
    assert check_unit_area(RENT_ONLY, 9001, True, on).status == AREA_REFUSED


def test_area_check_rent_then_sell_guide_and_maximum():
    on = D(2024, 6, 1)
    # 允许先租后售: 90.00 ok; 90.01 … 140.00 warning (原则上90左右); 140.01 refused (第八条第一款)
    assert check_unit_area(RENT_THEN_SELL, 9000, False, on).status == AREA_OK
    w = check_unit_area(RENT_THEN_SELL, 9001, False, on)
    assert w.status == AREA_WARNING and w.within and "请记录理由" in w.message
    assert check_unit_area(RENT_THEN_SELL, 14000, False, on).status == AREA_WARNING
    assert check_unit_area(RENT_THEN_SELL, 14001, False, on).status == AREA_REFUSED
    # "started or converted" does not change a rent-then-sell limit
    assert check_unit_area(RENT_THEN_SELL, 14001, True, on).limit_centi_m2 == 14000


def test_area_check_before_the_measures_names_the_date():
    with pytest.raises(RentalHousingInputError) as e:
        check_unit_area(RENT_ONLY, 5000, False, D(2022, 10, 27))
    assert e.value.field == "on" and e.value.message.startswith("计算日期：2022年10月27日早于")


# -- the applicant's ID and phone --------------------------------------------------------------------------------
def test_id_number_and_age_on_the_application_date():
    born_2008_06_15 = rid("42070420080615001")
    # 18 on the birthday itself: 2026-06-15 accepted, 2026-06-14 refused (第十二条第（一）项)
    assert check_applicant_ids(born_2008_06_15, "13807111234", D(2026, 6, 15)).age == 18
    with pytest.raises(RentalHousingInputError) as e:
        check_applicant_ids(born_2008_06_15, "13807111234", D(2026, 6, 14))
    assert e.value.code == "under_age" and e.value.field == "id_number"
    assert "出生于2008年6月15日，申请日2026年6月14日未满18周岁" in e.value.message


def test_bad_id_numbers_are_refused_naming_the_field():
    for bad, why in [
        ("42070419900101001", "18位"),
        (rid("42070419900101001")[:-1] + ("0" if rid("42070419900101001")[-1] != "0" else "1"), "校验码"),
        (rid("42070420300101001"), "晚于申请日期"),
    ]:
        with pytest.raises(RentalHousingInputError) as e:
            check_applicant_ids(bad, "13807111234", D(2026, 6, 1))
        assert e.value.message.startswith("身份证号码：") and why in e.value.message


def test_phone_numbers_mobile_and_landline():
    assert check_phone("138 0711 1234") == "13807111234"
    assert check_phone("0711-3200000") == "07113200000"
    assert check_phone("+86 138 0711 1234") == "13807111234"
    for bad in ["", "123", "12345678901", "3200000", "+1 202 555 0100"]:
        with pytest.raises(RentalHousingInputError) as e:
            check_phone(bad)
        assert e.value.field == "phone" and e.value.message.startswith("联系电话：")


def test_errors_name_fields_by_chinese_labels():
    assert label("homes.0.area_m2") == "第1套住房的建筑面积"
    assert label("end_date") == "到期日期"
