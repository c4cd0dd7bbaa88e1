"""附件2 （三）: construction water is deducted only with an approved request and the months reported on time."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import (
    ConstructionReport,
    SupplementRequest,
    SupplierAccount,
    SurchargeNotice,
    YearlyPlan,
)
from ezhou_rules.water_plan.errors import WaterPlanError

from .conftest import make_unit, monthly

pytestmark = pytest.mark.django_db


def _head():
    # four eyes (issue 9): the clerk filed the request on paper, the head approves it
    from ezhou_platform.common.models import User

    return User.objects.get(username="shuiwu_head")


@pytest.fixture
def site(demo_users, tiers):
    """A unit with one year of normal use (2023: 100 m³ a month = 1,200.00) → 2024 plan 1,200.00 × 100%;
    in 2024 the main meter reads 120 a month (1,440.00) and a construction sub-meter 20 a month (240.00)."""
    unit = make_unit("鄂州建工示范有限公司", "91420700MA4CNJG81", started=dt.date(2023, 1, 1))
    main = SupplierAccount.objects.create(unit=unit, number="EZ-JG-01")
    sub = SupplierAccount.objects.create(unit=unit, number="EZ-JG-01-JJ", construction_meter=True)
    monthly(main, 2023, 100)
    monthly(main, 2024, 120)
    monthly(sub, 2024, 20)
    clerk = demo_users["shuiwu_clerk"]
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    plan = YearlyPlan.objects.get(unit=unit)
    assert plan.volume_m3x100 == 120000  # 1,200.00 × 100% × (1.0 + 0)
    return unit, plan, clerk


def _request(plan, clerk):
    # construction starts Fri 2024-03-01; filed Mon 03-04 (within 3 working days), with the contract on paper
    return services.file_supplement(
        plan,
        "construction",
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 4),
        {"has_contract": True, "project": "二号厂房扩建"},
        actor=clerk,
        paper_materials=True,
    )


def _settle(clerk):
    services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 20))
    return SurchargeNotice.objects.first()


def test_no_request_nothing_is_deducted(site):
    _unit, _plan, clerk = site
    n = _settle(clerk)
    # Issue 8: plan 1,200.00, main meter 1,440.00, construction meter 240.00, no request
    # → actual use 1,440.00, excess 240.00
    assert (n.actual_m3x100, n.plan_m3x100, n.excess_m3x100) == (144000, 120000, 24000)
    assert n.bands["construction"] == 0
    # 240.00 = 20% of the plan: 120.00 × 0.5 × 3.00 = 180.00 + 120.00 × 1 × 3.00 = 360.00 → 540.00 yuan
    assert n.amount_fen == 54000


def test_approved_request_and_months_on_time_are_deducted(site):
    _unit, plan, clerk = site
    req = _request(plan, clerk)
    assert req.computed_m3x100 == 0 and "按期上报的月份" in req.trace[0]["explanation"]
    services.approve_supplement(req, actor=_head(), on=dt.date(2024, 3, 6))
    # March–December reported by the 10th of the next month, 24.00 m³ each: 10 × 24.00 = 240.00
    for month in range(3, 13):
        first = dt.date(2024, month, 1)
        reported = dt.date(2024 + (month == 12), month % 12 + 1, 10)
        services.report_construction_month(req, first, 2400, reported, actor=clerk)
    assert all(r.on_time for r in ConstructionReport.objects.all())
    # actual = 1,440.00 − 240.00 = 1,200.00 = plan → no excess, no notice
    assert _settle(clerk) is None


def test_a_month_reported_late_is_not_deducted(site):
    _unit, plan, clerk = site
    req = _request(plan, clerk)
    services.approve_supplement(req, actor=_head(), on=dt.date(2024, 3, 6))
    for month in range(3, 13):
        first = dt.date(2024, month, 1)
        reported = dt.date(2024 + (month == 12), month % 12 + 1, 10)
        if month == 6:
            reported = dt.date(2024, 8, 5)  # due 2024-07-31 (Wed): late
        services.report_construction_month(req, first, 2400, reported, actor=clerk)
    late = ConstructionReport.objects.get(month=dt.date(2024, 6, 1))
    assert late.due_on == dt.date(2024, 7, 31) and not late.on_time
    n = _settle(clerk)
    # deducted 9 × 24.00 = 216.00; actual 1,440.00 − 216.00 = 1,224.00; excess 24.00 m³
    assert (n.actual_m3x100, n.excess_m3x100, n.bands["construction"]) == (122400, 2400, 21600)
    # the notice explains which months were deducted and which were not
    assert "2024年6月（应于2024年7月31日前上报，2024年8月5日上报）未按期上报" in n.trace[0]["explanation"]


def test_a_request_not_yet_approved_or_refused_deducts_nothing(site):
    _unit, plan, clerk = site
    req = _request(plan, clerk)
    services.report_construction_month(req, dt.date(2024, 3, 1), 2400, dt.date(2024, 4, 10), actor=clerk)
    # received, never approved: nothing deducted (excess as without a request)
    assert _settle(clerk).excess_m3x100 == 24000


def test_reporting_rules(site):
    _unit, plan, clerk = site
    req = _request(plan, clerk)
    cases = [
        # (month, reported on, field, code)
        (dt.date(2024, 2, 1), dt.date(2024, 3, 10), "month", "construction_month"),  # before the start
        (dt.date(2025, 1, 1), dt.date(2025, 2, 10), "month", "construction_month"),  # not the plan year
        (dt.date(2024, 4, 1), dt.date(2024, 4, 30), "month", "construction_month_open"),  # month not over
        (dt.date(2024, 4, 1), dt.date(2099, 1, 1), "reported_on", "date_in_future"),
    ]
    for month, on, field, code in cases:
        with pytest.raises(WaterPlanError) as e:
            services.report_construction_month(req, month, 100, on, actor=clerk)
        assert (e.value.field, e.value.code) == (field, code)
    services.report_construction_month(req, dt.date(2024, 4, 1), 100, dt.date(2024, 5, 2), actor=clerk)
    with pytest.raises(WaterPlanError) as e:
        services.report_construction_month(req, dt.date(2024, 4, 1), 100, dt.date(2024, 5, 3), actor=clerk)
    assert e.value.code == "construction_month_duplicate" and e.value.message.startswith("月份：")
    fire = services.file_supplement(
        plan,
        "fire",
        dt.date(2024, 5, 6),
        dt.date(2024, 5, 7),
        {"volume": "10", "source": "fire_meter"},
        actor=clerk,
        paper_materials=True,
    )
    with pytest.raises(WaterPlanError) as e:
        services.report_construction_month(fire, dt.date(2024, 5, 1), 1, dt.date(2024, 6, 2), actor=clerk)
    assert e.value.code == "not_construction"
    # months are not given at filing: they are reported one by one afterwards
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan,
            "construction",
            dt.date(2024, 3, 1),
            dt.date(2024, 3, 4),
            {"has_contract": True, "months": [{"month": "2024-03", "volume": "1"}]},
            actor=clerk,
            paper_materials=True,
        )
    assert e.value.field == "months"


def test_history_uses_the_deduction_too(site, demo_users):
    # The 2025 plan (2 years of normal use, 30% / 70%) counts 2024's actual use as assessed: without a request
    # 1,440.00; with the approved, on-time request 1,200.00.
    unit, plan, clerk = site
    history = services._history([unit.pk], 2025)[unit.pk]
    assert history == [0, 120000, 144000]
    req = _request(plan, clerk)
    services.approve_supplement(req, actor=_head(), on=dt.date(2024, 3, 6))
    services.report_construction_month(req, dt.date(2024, 3, 1), 24000, dt.date(2024, 4, 10), actor=clerk)
    assert services._history([unit.pk], 2025)[unit.pk] == [0, 120000, 120000]


def test_enterprise_reports_through_page_and_api(login_client, clock_at, demo_users, tiers):
    # The unit's own construction request in the current year (today 2026-06-15).
    from .conftest import ENTERPRISE_USCC

    clerk = demo_users["shuiwu_clerk"]
    unit = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC, started=dt.date(2020, 1, 1))
    SupplierAccount.objects.create(unit=unit, number="EZ-0001")
    services.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 1, 20))
    plan = YearlyPlan.objects.get(unit=unit)
    req = services.file_supplement(
        plan,
        "construction",
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 3),
        {"has_contract": True},
        actor=clerk,
        paper_materials=True,
    )
    c = login_client("enterprise")
    page = c.get("/water-plan/my/").content.decode()
    assert f"/water-plan/my/supplements/{req.pk}/construction-reports/" in page
    r = c.post(
        f"/water-plan/my/supplements/{req.pk}/construction-reports/",
        {"month": "2026-05", "volume": "18.5"},
        follow=True,
    )
    assert "已上报2026年5月基建水表用水量18.50立方米（按期）" in r.content.decode()
    r = c.post(
        f"/api/v1/water-plan/supplements/{req.pk}/construction-reports",
        {"month": "2026-04", "volume": "20"},
        content_type="application/json",
    )
    # April is due by 2026-05-31, a Sunday → Mon 2026-06-01; reported 2026-06-15: late, kept, not deducted
    assert r.status_code == 201 and r.json()["due_on"] == "2026-06-01" and r.json()["on_time"] is False
    r = c.post(
        f"/api/v1/water-plan/supplements/{req.pk}/construction-reports",
        {"month": "2026-06", "volume": "20"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["message"].startswith("月份：2026年6月尚未结束")
    assert SupplementRequest.objects.get().construction_reports.count() == 2
