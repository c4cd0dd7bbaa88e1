"""The facility register (第十三条, 第二十一条 – 第二十三条): sources refused citing 第十三条 (nothing stored),
sources waiting for review, inspections by the checklist, and the next water test as the operator's period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.procedures.engine import case_of
from ezhou_platform.procedures.models import Case, Period
from ezhou_platform.unconventional_water.models import Facility, FacilitySource
from ezhou_platform.unconventional_water.services import config
from ezhou_platform.unconventional_water.services import facilities as svc
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.register import water_testing_due

from .conftest import OPERATOR_USCC, facility_data

pytestmark = pytest.mark.django_db


def test_register_opens_a_case_and_the_testing_period(clerk: Any, water_unit: Any) -> None:
    f = svc.register_facility(facility_data(water_unit=water_unit.pk), actor=clerk)
    assert f.capacity_m3x100_per_day == 50_000 and f.uses == [
        "toilet_flushing",
        "road_cleaning",
        "urban_greening",
    ]
    assert case_of(f).applicant_uscc == OPERATOR_USCC
    # never tested: service start 2025-03-01 + 3 months = 2025-06-01 (U10, calendar months, no roll)
    period = Period.objects.get(field="next_test_due")
    assert f.next_test_due == period.due == dt.date(2025, 6, 1)
    assert period.party == "applicant" and period.case == case_of(f)


@pytest.mark.parametrize(
    ("source", "article"),
    [
        ({"kind": "medical_wastewater"}, "医疗机构废水严禁作为再生水水源（第十三条第二款）"),
        ({"kind": "radioactive_wastewater"}, "放射性废水严禁"),
        ({"kind": "industrial_drainage", "industry": "电镀", "meets_standard": True}, "电镀行业的工业废水"),
        ({"kind": "wwtp_effluent", "meets_standard": False}, "第十三条第（二）项"),
    ],
)
def test_refused_sources_cite_article_13_and_store_nothing(
    clerk: Any, source: dict[str, Any], article: str
) -> None:
    with pytest.raises(UnconventionalWaterError, match=article):
        svc.register_facility(facility_data(sources=[{"kind": "domestic_sewage"}, source]), actor=clerk)
    assert not Facility.objects.exists() and not Case.objects.exists() and not FacilitySource.objects.exists()


def test_prohibited_industries_are_configuration(clerk: Any, head: Any, facility: Any) -> None:
    # 第十三条 "电镀、化工、印染等": an administrator adds 制革 with its source; the article's three stay
    with pytest.raises(UnconventionalWaterError, match="电镀、化工、印染不能从名单中删除"):
        config.enter_prohibited_industries(dt.date(2026, 1, 1), ["制革"], "市生态环境局函", actor=head)
    assert svc.add_source(facility, "industrial_drainage", meets_standard=True, industry="制革", actor=clerk)
    config.enter_prohibited_industries(
        dt.date(2026, 1, 1), ["电镀", "化工", "印染", "制革"], "市生态环境局函", actor=head
    )
    assert ConfiguredValue.objects.filter(name="sources.prohibited_industries").count() == 1
    with pytest.raises(UnconventionalWaterError, match="制革行业的工业废水"):
        svc.add_source(facility, "industrial_drainage", meets_standard=True, industry="制革", actor=clerk)


def test_other_sources_wait_for_the_departments_review(clerk: Any, facility: Any) -> None:
    # "主要有" is not a closed list: another source goes to the department (U3)
    src = svc.add_source(facility, "other", actor=clerk)
    assert src.decision == "review" and src.review == "pending"
    svc.review_source(src, accept=False, note="水质不稳定", actor=clerk)
    src.refresh_from_db()
    assert src.review == "rejected" and src.ended_on == dt.date(2026, 6, 15)
    with pytest.raises(UnconventionalWaterError, match="不在待审核状态"):
        svc.review_source(src, accept=True, note="x", actor=clerk)


def test_inspection_findings_point_to_acts(clerk: Any, facility: Any) -> None:
    answers = {
        "separate_systems": False,
        "facility_marked": True,
        "pipeline_marked": True,
        "outlet_labelled": False,
        "operating_rules": True,
        "normal_operation": True,
        "responsible_party": True,
        "testing_entrusted": True,
        "use_unchanged": True,
        "facility_intact": True,
    }
    ins = svc.record_inspection(facility, answers, dt.date(2026, 6, 10), actor=clerk)
    assert ins.passed is False and [f["key"] for f in ins.findings] == ["separate_systems", "outlet_labelled"]
    assert ins.suggested_acts == ["cross_connection"]
    del answers["outlet_labelled"]
    with pytest.raises(UnconventionalWaterError, match=r"每个出水口都有“非饮用水”标识.*未作答"):
        svc.record_inspection(facility, answers, dt.date(2026, 6, 10), actor=clerk)


def test_default_interval_is_entered_by_an_administrator(clerk: Any, head: Any, water_unit: Any) -> None:
    # no interval of its own and none configured: no period, nothing invented (U10)
    f = svc.register_facility(facility_data(testing_interval_months=None), actor=clerk)
    assert f.next_test_due is None and not Period.objects.filter(field="next_test_due").exists()
    config.enter_testing_interval(dt.date(2022, 7, 11), 6, "市水利和湖泊局水质监测工作方案", actor=head)
    assert svc.track_testing(f) == dt.date(2025, 9, 1)  # 2025-03-01 + 6 months
    # the stored due date agrees with the rules' vectorised reminders
    out = water_testing_due([None], [dt.date(2025, 3, 1)], [6], dt.date(2026, 6, 15))
    assert out["due_on"][0].astype(object) == f.next_test_due


def test_change_and_close(clerk: Any, facility: Any) -> None:
    svc.change_registration(
        facility, {"uses": ["toilet_flushing"], "capacity_m3_per_day": "600.5"}, actor=clerk
    )
    facility.refresh_from_db()
    assert facility.uses == ["toilet_flushing"] and facility.capacity_m3x100_per_day == 60_050
    with pytest.raises(UnconventionalWaterError, match="供水用途"):
        svc.change_registration(facility, {"uses": ["drinking"]}, actor=clerk)
    svc.close_facility(facility, dt.date(2026, 6, 1), "设施拆除", actor=clerk)
    facility.refresh_from_db()
    assert facility.status == "closed" and case_of(facility).closed_on == dt.date(2026, 6, 1)
    assert Period.objects.get(field="next_test_due").closed_on == dt.date(2026, 6, 1)
