"""Facility register (第二十一条, 第十三条), inspection checklist (第二十二条 …), testing reminders (第二十三条)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import AdminValue
from ezhou_rules.unconventional_water import parameters
from ezhou_rules.unconventional_water.common import add_months
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.register import (
    Facility,
    SourceEntry,
    check_facility,
    checklist,
    inspect,
    water_testing_due,
    water_testing_reminder,
)

ON = dt.date(2024, 6, 1)


def facility(**changes):
    base = {
        "facility_id": "F-001",
        "facility_type": "reclaimed",
        "name": "葛店污水处理厂再生水站",
        "operator": "鄂州市某水务有限公司",
        "self_built": False,
        "uses": ("road_cleaning", "urban_greening"),
        "sources": (SourceEntry("wwtp_effluent", meets_standard=True),),
        "capacity_m3_per_day": "5000",
        "location": "葛店开发区某路1号",
        "jurisdiction": "gedian",
        "testing_interval_months": 3,
    }
    base.update(changes)
    return Facility(**base)


def test_a_good_record_and_who_is_responsible():
    c = check_facility(facility(), ON)
    assert c.capacity_m3x100_per_day == 500_000 and c.uses == ("road_cleaning", "urban_greening")
    assert "运行或经营管理单位" in c.notes[0]
    c = check_facility(facility(self_built=True), ON)
    assert "所有权人或管理人" in c.notes[0]  # 第二十一条第二款


def test_refused_sources_and_sources_for_review():
    with pytest.raises(UnconventionalWaterError) as e:
        check_facility(facility(sources=(SourceEntry("medical_wastewater"),)), ON)
    assert e.value.code == "source_refused" and "第十三条第二款" in e.value.message
    c = check_facility(facility(sources=(SourceEntry("domestic_sewage"), SourceEntry("other"))), ON)
    assert [d.source_kind for d in c.needs_review] == ["other"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"facility_type": "pond"}, "facility_type_unknown"),
        ({"operator": " "}, "operator_required"),
        ({"capacity_m3_per_day": "0"}, "capacity_zero"),
        ({"capacity_m3_per_day": "-5"}, "negative"),
        ({"uses": ()}, "uses_required"),
        ({"uses": ("swimming",)}, "use_unknown"),
        ({"sources": ()}, "sources_required"),
        ({"testing_interval_months": 0}, "interval_range"),
    ],
)
def test_bad_records_refused(changes, code):
    with pytest.raises(UnconventionalWaterError) as e:
        check_facility(facility(**changes), ON)
    assert e.value.code == code


def test_checklist_is_data_with_citations():
    items = checklist()
    assert {i.key for i in items} >= {"separate_systems", "outlet_labelled", "pipeline_marked"}
    sep = next(i for i in items if i.key == "separate_systems")
    assert sep.citation == "鄂州政办发〔2022〕14号 第二十二条" and sep.act == "cross_connection"


def test_inspection_findings_and_the_acts_they_point_to():
    yes = {i.key: True for i in checklist() if "reclaimed" in i.applies_to}
    r = inspect("reclaimed", yes, ON)
    assert r.passed and r.findings == () and "全部符合" in r.explanation[0]
    r = inspect("reclaimed", {**yes, "separate_systems": False, "outlet_labelled": False}, ON)
    assert not r.passed and [f[0] for f in r.findings] == ["separate_systems", "outlet_labelled"]
    assert r.suggested_acts == ("cross_connection",)
    assert "“非饮用水”标识" in r.findings[1][2] and "第二十二条" in r.findings[1][2]
    with pytest.raises(UnconventionalWaterError) as e:
        inspect("reclaimed", {k: v for k, v in yes.items() if k != "outlet_labelled"}, ON)
    assert e.value.code == "checklist_unanswered" and "非饮用水" in e.value.message
    # the reclaimed-only items are not asked of a rainwater facility
    rain = {i.key: True for i in checklist() if "rainwater" in i.applies_to}
    assert "operating_rules" not in rain and inspect("rainwater", rain, ON).passed


def test_testing_reminders_by_hand():
    # last sample 2024-01-31 + 3 months = 2024-04-30 (April has no 31st); on 2024-06-01 that is 32 days overdue
    r = water_testing_reminder(facility(), dt.date(2024, 1, 31), dt.date(2023, 1, 1), ON)
    assert r["due_on"] == dt.date(2024, 4, 30) and r["overdue"] and r["days_left"] == -32
    assert "已逾期32天" in r["explanation"] and r["citation"].endswith("第二十三条")
    # never tested: one interval after entering service (U10): 2024-05-15 + 3 months = 2024-08-15
    r = water_testing_reminder(facility(), None, dt.date(2024, 5, 15), ON)
    assert r["due_on"] == dt.date(2024, 8, 15) and not r["overdue"] and r["days_left"] == 75


def test_default_interval_is_configuration_refused_until_entered():
    with pytest.raises(UnconventionalWaterError) as e:
        water_testing_reminder(
            facility(testing_interval_months=None), dt.date(2024, 1, 1), dt.date(2023, 1, 1), ON
        )
    assert e.value.code == "testing_interval_not_set" and "testing.interval_months" in e.value.message
    tree = parameters().with_values(
        [AdminValue("testing.interval_months", dt.date(2022, 7, 11), 6, source="测试")]
    )
    r = water_testing_reminder(
        facility(testing_interval_months=None), dt.date(2024, 1, 1), dt.date(2023, 1, 1), ON, params=tree
    )
    assert r["due_on"] == dt.date(2024, 7, 1)


def test_testing_due_over_columns():
    out = water_testing_due(
        np.array(["2024-01-31", "NaT", "2023-12-15"], dtype="datetime64[D]"),
        np.array(["2023-01-01", "2024-02-29", "2023-01-01"], dtype="datetime64[D]"),
        [1, 12, 6],
        ON,
    )
    # 01-31 + 1 = 02-29 (leap year); 2024-02-29 + 12 = 2025-02-28; 2023-12-15 + 6 = 2024-06-15
    assert out["due_on"].astype(str).tolist() == ["2024-02-29", "2025-02-28", "2024-06-15"]
    assert out["overdue"].tolist() == [True, False, False]


@settings(max_examples=500, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)), months=st.integers(0, 120)
)
def test_vectorised_month_arithmetic_matches_the_reference(day, months):
    got = add_months(np.array([day], dtype="datetime64[D]"), [months])[0].astype(object)
    # The oracle: dateutil's relativedelta (民法典 第二百零二条: no corresponding day → the month's last day).
    assert got == day + relativedelta(months=months)
