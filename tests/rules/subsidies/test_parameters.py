"""Every number of the parameter file checked against the gazette's own words, and the catalogue of the 18
measures: which are computed, which are only tracked (no numbers invented for those)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import MEASURES, parameters
from ezhou_rules.subsidies.catalogue import TrackingRecord, catalogue, check_tracking_record, measure_info
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from .conftest import ON

GAZETTE = (Path(__file__).resolve().parents[3] / "gazette" / "economic_measures.md").read_text(
    encoding="utf-8"
)


def section(n: int) -> str:
    start = GAZETTE.index(f'<a id="sec{n}"></a>')
    end = GAZETTE.index("<a id=", start + 10)
    return GAZETTE[start:end].replace(" ", "")


# (parameter, value on 2022-12-20, measure, the words of the measure that give it)
NUMBERS = [
    ("m01.rate", Fraction(1, 100), 1, "对2022年新增首贷按1%年利率予以市级财政贴息"),
    ("m01.window", (dt.date(2022, 1, 1), dt.date(2022, 12, 31)), 1, "对2022年新增首贷"),
    ("m01.target_first_loan_borrowers", 2000, 1, "争取2022年全市新增“首贷户”2000户"),
    ("m02.rate", Fraction(1, 200), 2, "市级财政按0.5%年利率予以贴息"),
    ("m02.window", (dt.date(2022, 8, 1), dt.date(2022, 12, 31)), 2, "对2022年8月至12月期间"),
    ("m03.rate", Fraction(1, 100), 3, "市级财政给予1%的贴息"),
    ("m03.window", (dt.date(2022, 8, 1), dt.date(2022, 12, 31)), 3, "对2022年8月至12月科技创新再贷款"),
    ("m04.interface_ratio", Fraction(1), 4, "接口开发费用进行全额补贴"),
    ("m04.facilitation_threshold", 1_000_000_000, 4, "年促成贷款总额1000万元以上的"),
    ("m04.facilitation_ratio", Fraction(1, 200), 4, "市级财政按实际促成贷款金额的0.5%追加奖励"),
    ("m04.facilitation_cap", 200_000_000, 4, "单户企业奖励最高不超过200万元"),
    ("m04.bills_ratio", Fraction(1, 500), 4, "市级财政按照签发量0.2%追加奖励"),
    ("m04.bills_cap", 200_000_000, 4, "单户企业年度奖励不超过200万元"),
    ("m04.targets", (150_000_000_000, 90_000_000_000), 4, "在保余额达到15亿元,新型政银担业务超过9亿元"),
    ("m05.window", (dt.date(2022, 8, 1), dt.date(2022, 12, 31)), 5, "对2022年8月至12月引入国内外知名品牌"),
    ("m05.store_ceiling.global_first", 100_000_000, 5, "引入全球首店、亚洲首店的最高给予100万元"),
    ("m05.store_ceiling.asia_first", 100_000_000, 5, "引入全球首店、亚洲首店的最高给予100万元"),
    ("m05.store_ceiling.china_first", 50_000_000, 5, "引入中国(内地)首店的最高给予50万元"),
    ("m05.store_ceiling.hubei_first", 10_000_000, 5, "引入湖北首店、旗舰店的最高给予10万元"),
    ("m05.store_ceiling.flagship", 10_000_000, 5, "引入湖北首店、旗舰店的最高给予10万元"),
    ("m05.catering_ratio", Fraction(1, 2), 5, "按照以上奖励标准的50%执行"),
    ("m05.agreement_min_months", 24, 5, "需签订2年及以上入驻协议"),
    ("m05.monthly_revenue_min", 20_000_000, 5, "平均月主营业务收入20万元以上"),
    ("m05.carrier_annual_cap", 200_000_000, 5, "单个商业载体每年奖励不超过200万元"),
    ("m05.operator_revenue_above", 1_000_000_000, 5, "品牌年度主营业务收入超过1000万元的"),
    ("m05.operator_ceiling", 20_000_000, 5, "最高给予20万元奖励"),
    ("m07.promotion_cost_ratio", Fraction(1), 7, "由市级财政承担交通、食宿费用"),
    ("m08.window", (dt.date(2022, 8, 1), dt.date(2022, 12, 31)), 8, "对2022年8月至12月符合条件的新增纳入"),
    ("m08.new_ceiling", 10_000_000, 8, "市级配套给予不高于10万元的一次性奖励"),
    ("m08.ranked_amount", 20_000_000, 8, "给予20万元一次性补助"),
    ("m08.turnover_rank_max", 50, 8, "2022年公路货物周转量全省前50位"),
    ("m08.growth_rank_max", 100, 8, "增长量前100位"),
    ("m09.new_since", dt.date(2022, 1, 1), 9, "对2022年以来新增限额以上"),
    ("m09.legal_person_amount", 5_000_000, 9, "餐饮法人企业（首次入库），一次性奖励5万元"),
    ("m09.individual_amount", 1_000_000, 9, "餐饮个体单位（首次入库），一次性奖励1万元"),
    ("m09.individual_second_amount", 1_000_000, 9, "在库稳定运行2年后追加奖励1万元"),
    ("m09.individual_second_years", 2, 9, "在库稳定运行2年后"),
    ("m09.growth_min", Fraction(1, 5), 9, "年零售额增速达到20%以上"),
    ("m09.growth_step", 1_000_000_000, 9, "每新增1000万元零售额"),
    ("m09.growth_step_amount", 5_000_000, 9, "奖励5万元"),
    ("m09.growth_cap", 100_000_000, 9, "单个企业奖励最高不超过100万元（央企不在奖励范围之内）"),
    ("m09.case_by_case_sales_above", 50_000_000_000, 9, "年销售额（零售额）超过5亿元的企业，采取“一事一议”"),
    ("m12.window", (dt.date(2022, 6, 1), dt.date(2022, 12, 31)), 12, "2022年6月至12月为补贴期限"),
    ("m12.amount.scrap_nev", 800_000, 12, "对报废旧车并购买新能源汽车的，每辆补贴8000元"),
    ("m12.amount.scrap_fuel", 300_000, 12, "购买燃油车汽车的，每辆补贴3000元"),
    ("m12.amount.transfer_nev", 500_000, 12, "对转出旧车并购买新能源汽车的，每辆补贴5000元"),
    ("m12.amount.transfer_fuel", 200_000, 12, "购买燃油汽车的，每辆补贴2000元"),
    ("m12.cars_per_person", 1, 12, "每位申请人仅享受1辆车的补贴政策"),
    ("budget.m15", 1_000_000_000, 15, "由市级财政统筹安排消费补贴1000万元"),
    (
        "m16.months",
        (dt.date(2022, 8, 1), dt.date(2022, 10, 31)),
        16,
        "缓缴2022年8月1日至10月31日期间的职工医保单位保费",
    ),
    ("m14.deadline", dt.date(2022, 12, 31), 14, "2022年12月31日前"),
]


@pytest.mark.parametrize(("name", "value", "measure", "words"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_each_number_is_the_gazettes(name, value, measure, words):
    tree = parameters()
    assert tree.get(name, ON) == value
    assert words.replace(" ", "") in section(measure), f"{words!r} not in 第{measure}条"
    entry = tree.entry(name, ON)
    assert entry.citation is not None and entry.citation.anchor() == f"sec{measure}"


def test_values_hold_from_the_issue_date_not_before():
    # the measures were issued on 2022-10-13; a calculation dated before that finds no value
    with pytest.raises(ParameterNotSet):
        parameters().get("m12.amount.scrap_nev", dt.date(2022, 10, 12))
    assert parameters().get("m12.amount.scrap_nev", dt.date(2022, 10, 13)) == 800_000


def test_what_the_text_does_not_say_is_configuration_not_invented():
    tree = parameters()
    for m in (1, 2, 3):
        with pytest.raises(ParameterNotSet, match="贴息天数上限"):
            tree.get(f"m0{m}.max_subsidised_days", ON)
        assert tree.parameter(f"m0{m}.day_count_basis").configurable
    for key in ("m01", "m02", "m03", "m04", "m05", "m07", "m08", "m09", "m12"):
        with pytest.raises(ParameterNotSet):
            tree.get(f"budget.{key}", ON)
    with pytest.raises(ParameterNotSet):
        tree.get("m16.repayment_deadline", ON)


TRACKED = {6, 10, 11, 13, 14, 17, 18}


def test_catalogue_lists_18_measures_computed_or_tracked():
    items = catalogue(ON)
    assert [m.number for m in items] == list(MEASURES)
    assert {m.number for m in items if m.kind == "tracking"} == TRACKED
    for m in items:
        assert m.anchor == f"sec{m.number}" and m.responsible_units
        if m.kind == "tracking":
            # no amount, rate or component for a measure the text gives no computation for
            assert not m.components and m.payer is None and m.tracking
            assert all(p.unit in ("text", "date") for p in m.parameters), m.number
        else:
            assert m.components, m.number
    assert {c.measure for c in COMPONENTS.values()} == set(MEASURES) - TRACKED


def test_measure_7_tracks_the_aviation_reward_without_numbers():
    info = measure_info(7, ON)
    assert any("抓紧制定航空旅游业奖补措施" in t for t in info.tracking)
    assert [c["code"] for c in info.components] == ["m07.promotion"]
    assert all("航空" not in p.description for p in info.parameters)


def test_payers_follow_the_text():
    tree = parameters()
    city = [m for m in (1, 2, 3, 4, 7, 8, 12, 15) if tree.get(f"m{m:02d}.payer", ON) == "city"]
    assert city == [1, 2, 3, 4, 7, 8, 12, 15]
    # 五, 九: 根据属地原则由各区、葛店经开区、临空经济区负责兑现
    assert tree.get("m05.payer", ON) == tree.get("m09.payer", ON) == "territory"
    assert "根据属地原则由各区、葛店经开区、临空经济区负责兑现" in section(5) and "根据属地原则" in section(9)


def test_tracking_record_must_name_a_responsible_unit():
    ok = TrackingRecord(6, "市商务局", dt.date(2022, 11, 1), "对接省级会展政策，已通知3家会展企业申报")
    assert check_tracking_record(ok, ON) is ok
    with pytest.raises(SubsidyError) as err:
        check_tracking_record(TrackingRecord(6, "市医保局", dt.date(2022, 11, 1), "x"), ON)
    assert err.value.code == "unit_not_responsible" and "市商务局、市财政局" in err.value.message
    with pytest.raises(SubsidyError, match="落实日期"):
        check_tracking_record(TrackingRecord(6, "市商务局", dt.date(2022, 12, 21), "x"), ON)
    with pytest.raises(SubsidyError) as err:
        measure_info(19, ON)
    assert err.value.code == "unknown_measure"
