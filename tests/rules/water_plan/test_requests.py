"""Requests given as plain values: "other" emergencies (附件2 注), the plan breakdown, labels and date limits."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.water_plan import breakdown as b
from ezhou_rules.water_plan import limits
from ezhou_rules.water_plan import supplement_requests as r
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import label, with_label
from ezhou_rules.water_plan.volumes import parse_volume

D = dt.date(2024, 5, 1)
CAL = default_calendar()
TODAY = dt.date(2026, 6, 15)


# -- 附件2 注: other emergencies ------------------------------------------------------------------------------


def test_other_by_quota_where_a_quota_exists():
    t = Trace()
    # 12 人 × 定额 0.15 m³/人 = 1.80 m³
    inputs = {"description": "临时安置受灾群众12人", "quantity": "12"}
    assert r.calculate("other", inputs, D, quota=F("0.15"), trace=t) == 180
    assert t.steps[0].citation.anchor() == "annex2" and "按定额增补" in t.steps[0].explanation
    with pytest.raises(WaterPlanError) as e:
        r.calculate("other", {"description": "x"}, D, quota=F("0.15"))
    assert e.value.field == "quantity" and e.value.message.startswith("数量：")


def test_other_without_quota_waits_for_the_departments_opinion():
    t = Trace()
    inputs = {"description": "管网冲洗消毒", "requested_volume": "80"}
    assert r.calculate("other", inputs, D, trace=t) is None
    assert "出具书面意见" in t.steps[0].explanation and "80.00" in t.steps[0].explanation
    t = Trace()
    assert r.by_opinion(6550, "按冲洗管段容积3倍核定65.50立方米", trace=t) == 6550
    assert "书面意见" in t.steps[0].explanation
    with pytest.raises(WaterPlanError) as e:
        r.by_opinion(6550, " ")
    assert e.value.code == "opinion_missing" and e.value.field == "opinion"
    with pytest.raises(WaterPlanError) as e:
        r.calculate("other", {"description": " "}, D)
    assert e.value.field == "description"


def test_calculate_construction_uses_the_reporting_deadline():
    inputs = {
        "has_contract": True,
        "months": [
            {"month": "2024-03", "volume": "30", "reported_on": "2024-04-30"},  # the last day: counted
            {"month": "2024-04", "volume": "20", "reported_on": "2024-06-03"},  # due 05-31: late
        ],
    }
    assert r.calculate("construction", inputs, D, cal=CAL) == 3000
    with pytest.raises(WaterPlanError) as e:
        r.calculate("construction", {"has_contract": False}, D, cal=CAL)
    assert e.value.field == "has_contract"
    with pytest.raises(WaterPlanError) as e:
        r.calculate("construction", {"has_contract": True, "months": [{"month": "2024-13"}]}, D, cal=CAL)
    assert e.value.field == "months[0].month" and e.value.message.startswith("基建水表月用水量第1项的月份：")


def test_input_errors_name_the_field_by_its_chinese_label():
    with pytest.raises(WaterPlanError) as e:
        r.calculate("fire", {"source": "fire_meter"}, D)
    assert e.value.message == "水量：缺少水量（立方米）。" and e.value.field == "volume"
    with pytest.raises(WaterPlanError) as e:
        r.calculate("leak", {"daily": [{"date": "2024-05-40", "volume": "1"}]}, D)
    assert e.value.message.startswith("每日抄表记录第1项的日期：") and "daily" not in e.value.message
    with pytest.raises(WaterPlanError) as e:
        parse_volume("abc", field="approved_volume")
    assert e.value.message == "核准水量：“abc”不是水量（立方米，最多两位小数）。"
    assert "approved_volume" not in e.value.message
    assert label("history[0]") == "前三年用水量" and label("nope") == ""
    assert with_label("approved_volume", "核准水量：已有") == "核准水量：已有"  # never twice
    assert with_label("approved_volume", "应大于0") == "核准水量：应大于0"


# -- the plan and each of its components ------------------------------------------------------------------


def test_statistic_breakdown_components():
    # 3 years: 1000×10% + 1200×20% + 1500×70% = 100 + 240 + 1050 = 1390.00; coefficient +0.1 → 139.00;
    # 1390 × 1.1 = 1529.00; −10.25 → 1518.75 m³
    out = b.statistic_breakdown([100000, 120000, 150000], 5, 10, -1025, 2024)
    assert [(c.label, c.year, c.amount) for c in out.components] == [
        ("前三年用水量", 2021, F(100)),
        ("前二年用水量", 2022, F(240)),
        ("前一年用水量", 2023, F(1050)),
    ]
    assert (out.base, out.coefficient_amount, out.formula_m3x100, out.plan_m3x100) == (
        F(1390),
        F(139),
        152900,
        151875,
    )
    assert out.place == "附件1 二（二）1"


def test_fractional_years_choose_the_weights_by_whole_years():
    # 2.5 years of normal use is "2年以上3年以下" (W2): 1200×30% + 1500×70% = 360 + 1050 = 1410.00 m³
    out = b.statistic_breakdown([999900, 120000, 150000], F(5, 2), 0, 0, 2024)
    assert out.place == "附件1 二（二）2" and out.plan_m3x100 == 141000 and len(out.components) == 2
    assert b.full_years(F("2.99")) == 2 and b.full_years(3) == 3
    with pytest.raises(WaterPlanError) as e:
        b.statistic_breakdown([0, 0, 100], F(1, 2), 0, 0, 2024)
    assert e.value.code == "normal_use_under_one_year"


def test_quota_breakdown_and_exact_text():
    # 500 人 × 12.5 = 6250.00; × (1.0 − 0.05) → −312.50 → 5937.50; + 10.00 = 5947.50 m³
    out = b.quota_breakdown(F(500), F("12.5"), -5, 1000, indicator="机关办公人员")
    assert (out.base, out.coefficient_amount, out.formula_m3x100, out.plan_m3x100) == (
        F(6250),
        F("-312.5"),
        593750,
        594750,
    )
    assert b.exact_text(F("1050.0105")) == "1050.0105" and b.exact_text(F(1390)) == "1390.00"
    assert b.exact_text(F(1, 3)) == "0.333333" and b.exact_text(F("-312.5")) == "-312.50"


@given(
    st.lists(st.integers(0, 10**9), min_size=3, max_size=3),
    st.integers(1, 40),
    st.integers(-30, 30),
    st.integers(-(10**6), 10**6),
)
def test_breakdown_adds_up_to_the_plan(history, years, coef, adj):
    try:
        out = b.statistic_breakdown(history, years, coef, adj, 2025)
    except WaterPlanError as exc:  # a negative 增减量 larger than the plan
        assert exc.code == "plan_negative"
        return
    base_plus = (out.base + out.coefficient_amount) * 100
    # the formula part is base × (1 + coefficient) rounded half up once, the plan adds the 增减量
    assert abs(out.formula_m3x100 - base_plus) <= F(1, 2)
    assert out.plan_m3x100 == out.formula_m3x100 + adj
    assert sum(c.amount for c in out.components) == out.base


# -- date limits ------------------------------------------------------------------------------------------


def test_dates_outside_what_a_step_allows():
    ok = limits.check_date(dt.date(2024, 3, 1), field="received_on", today=TODAY)
    assert ok == dt.date(2024, 3, 1)
    with pytest.raises(WaterPlanError) as e:
        limits.check_date(dt.date(2099, 1, 1), field="received_on", today=TODAY)
    assert e.value.code == "date_in_future" and e.value.message.startswith(
        "接到申请日期：2099年1月1日晚于今天"
    )
    with pytest.raises(WaterPlanError) as e:
        limits.check_date(dt.date(2022, 7, 10), field="event_on", today=TODAY)
    assert e.value.code == "date_too_early" and "本细则施行之日（2022年7月11日，第十九条）" in e.value.message
    # the document's first day itself is accepted (以上/以后 include the day)
    assert limits.check_date(dt.date(2022, 7, 11), field="event_on", today=TODAY)
    # a later floor for a step that follows another
    with pytest.raises(WaterPlanError) as e:
        limits.check_date(
            dt.date(2025, 1, 9),
            field="on",
            today=TODAY,
            not_before=dt.date(2025, 1, 10),
            not_before_why="开具日期",
        )
    assert "早于开具日期" in e.value.message
    # today is accepted for a past event
    assert limits.check_date(TODAY, field="on", today=TODAY) == TODAY


def test_years_and_reading_periods():
    assert limits.check_year(2027, field="plan_year", today=TODAY) == 2027
    for bad in (2021, 2028, 2099):
        with pytest.raises(WaterPlanError) as e:
            limits.check_year(bad, field="plan_year", today=TODAY)
        assert e.value.message.startswith(f"计划年度：{bad}年不在可办理的范围内（2022年至2027年")
    # readings reach back to 2019 (three years before 2022) and never past today
    assert limits.check_reading_period(dt.date(2019, 1, 1), today=TODAY) == ""
    assert "早于2019年1月1日" in limits.check_reading_period(dt.date(2018, 12, 1), today=TODAY)
    assert "晚于今天" in limits.check_reading_period(dt.date(2026, 7, 1), today=TODAY)
    assert limits.check_reading_period(dt.date(2026, 6, 1), today=TODAY) == ""
