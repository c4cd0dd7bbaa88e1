"""The first, partial year (in force 2022-07-11): nothing stops with ParameterNotSet — values are looked up at
the date each rule applies to, never at 1 January 2022."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import SupplementRequest, SurchargeNotice, YearlyPlan
from ezhou_rules.water_plan.errors import WaterPlanError

from .conftest import monthly

pytestmark = pytest.mark.django_db


def test_2023_request_due_2022_12_31(unit, clerk):
    # 2022-12-31 was a Saturday, 2023-01-01/02 the New Year holiday → Tue 2023-01-03 (W15)
    req = services.file_plan_request(unit, 2023, 200000, dt.date(2022, 11, 1), actor=clerk)
    assert req.due_on == dt.date(2023, 1, 3)
    with pytest.raises(WaterPlanError) as e:
        services.file_plan_request(unit, 2022, 1, dt.date(2022, 7, 10), actor=clerk)
    assert e.value.code == "date_too_early" and "2022年7月11日" in e.value.message


def test_2022_plan_supplement_and_settlement(unit, clerk, head, tiers):
    # a water-balance test completed in 2021 counts for 2022–2024 (附件1 三（二）): its value is looked up at
    # 2022-07-11, the document's first day, not at 2022-01-01
    ev = services.record_coefficient_event(
        unit,
        "balance_test_rectified",
        dt.date(2021, 9, 1),
        "测试报告",
        actor=clerk,
        recorded_on=dt.date(2022, 7, 20),
    )
    services.apply_coefficient_event(ev, actor=head, on=dt.date(2022, 7, 21))  # confirmed by a second person
    report = services.issue_plans(2022, actor=clerk, issued_on=dt.date(2022, 8, 1))
    assert report.issued == 1 and not report.failed
    plan = YearlyPlan.objects.get(unit=unit, year=2022)
    # normal use since 2019 (3 years): 2019 0, 2020 0, 2021 1,200 → 1200 × 70% = 840.00; × 1.1 = 924.00 m³
    assert (plan.volume_m3x100, plan.coefficient_pct) == (92400, 10)
    # a supplement for an event in 2022: Mon 2022-09-05, filed the next day; drill without a meter, 120 m³
    req = services.file_supplement(
        plan,
        "drill_cleaning",
        dt.date(2022, 9, 5),
        dt.date(2022, 9, 6),
        {"kind": "drill", "metered": False, "per_event_volume": "120"},
        actor=clerk,
        paper_materials=True,
    )
    # 5 working days from 2022-09-06: 07, 08, 09, (09-10..12 Mid-Autumn off) 13, 14 → 2022-09-14
    assert req.computed_m3x100 == 12000 and req.review_due == dt.date(2022, 9, 14)
    services.approve_supplement(req, actor=head, on=dt.date(2022, 9, 8))
    # construction in 2022: the November report is due by 2022-12-31, a Saturday → 2023-01-03
    con = services.file_supplement(
        plan,
        "construction",
        dt.date(2022, 11, 1),
        dt.date(2022, 11, 2),
        {"has_contract": True},
        actor=clerk,
        paper_materials=True,
    )
    services.approve_supplement(con, actor=head, on=dt.date(2022, 11, 3))
    rep = services.report_construction_month(
        con, dt.date(2022, 11, 1), 5000, dt.date(2023, 1, 3), actor=clerk
    )
    assert rep.due_on == dt.date(2023, 1, 3) and rep.on_time
    # the 2022 assessment: 2022 readings 125 a month = 1,500.00 − construction 50.00 = 1,450.00;
    # plan 924.00 + 120.00 = 1,044.00 → excess 406.00 m³
    services.settle_year(2022, actor=clerk, issued_on=dt.date(2023, 1, 10))
    n = SurchargeNotice.objects.get()
    assert (n.actual_m3x100, n.plan_m3x100, n.excess_m3x100) == (145000, 104400, 40600)
    assert SupplementRequest.objects.count() == 2


def test_assessment_only_after_the_year(unit, clerk, tiers):
    monthly(unit.accounts.get(), 2024, 160)
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    with pytest.raises(WaterPlanError) as e:
        services.settle_year(2024, actor=clerk, issued_on=dt.date(2024, 12, 31))
    assert e.value.code == "date_too_early" and "2024年度结束" in e.value.message
