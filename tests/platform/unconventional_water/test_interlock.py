"""The interlock with the running water plan (15号 附件1 三（四）, 第八条第（四）项; U11): this system's records
create the coefficient events through the water plan's own service, linked, never typed twice, idempotent;
"able but not using" needs a second person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.unconventional_water.models import WaterPlanLink
from ezhou_platform.unconventional_water.services import interlock, reports
from ezhou_platform.water_plan import services as water_plan
from ezhou_platform.water_plan.models import (
    CoefficientEvent,
    MeterReading,
    PlanChange,
    SupplierAccount,
    YearlyPlan,
)

from .conftest import PASSING_ROWS, report_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_2026(water_unit: Any, clerk: Any, clock_at: Any) -> YearlyPlan:
    """2023 1,200, 2024 1,500, 2025 1,800 m³; normal use since 2019 (3 years and more, 附件1 二（二）1):
    1200×10% + 1500×20% + 1800×70% = 120 + 300 + 1260 = 1,680.00 m³, issued 2026-01-20."""
    acct = SupplierAccount.objects.create(unit=water_unit, number="EZ-UW-1")
    MeterReading.objects.bulk_create(
        MeterReading(account=acct, kind="monthly", period=dt.date(y, m, 1), volume_m3x100=v * 100)
        for y, v in ((2023, 100), (2024, 125), (2025, 150))
        for m in range(1, 13)
    )
    clock_at(dt.date(2026, 1, 20))
    water_plan.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 1, 20))
    plan = YearlyPlan.objects.get(unit=water_unit, year=2026)
    assert plan.volume_m3x100 == 168_000
    return plan


def test_used_this_year_is_proposed_from_the_records_and_recorded_once(
    plan_2026: YearlyPlan, facility: Any, operator: Any, clerk: Any, head: Any, clock_at: Any
) -> None:
    clock_at(dt.date(2026, 6, 15))
    # usage January–March 2026 (period end 03-31), then a 合格 report sampled 05-20 and filed: proven on 05-20
    reports.record_usage(facility, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "900", actor=operator)
    assert not WaterPlanLink.objects.exists()  # used but not proven: nothing (第三条, U11 used_unproven)
    reports.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)
    link = WaterPlanLink.objects.get()
    assert (link.kind, link.year, link.event_on, link.status) == (
        "unconventional_used",
        2026,
        dt.date(2026, 5, 20),
        "proposed",
    )
    assert list(link.reports.all()) == [facility.reports.get()] and link.usage.count() == 1
    # the clerk records it: the water plan's own service records the case (W23: it takes effect when a second
    # person confirms it in the water plan, like any case that changes a plan)
    interlock.record_link(link, actor=clerk)
    link.refresh_from_db()
    ev = CoefficientEvent.objects.get()
    assert link.status == "recorded" and link.coefficient_event == ev and not link.adopted
    assert (ev.kind, ev.on, ev.unit_id) == ("unconventional_used", dt.date(2026, 5, 20), plan_2026.unit_id)
    assert link.plan_changes == [] and not PlanChange.objects.exists()
    # the water department's head confirms the case on the water plan's page: the issued plan changes
    # 1,680.00 × (1 + 0.1) = 1,848.00 → +168.00 m³ (附件1 三（四） 实施当年, W17)
    changes, _ = water_plan.apply_coefficient_event(ev, actor=head, on=dt.date(2026, 6, 15))
    assert [(c.plan.year, c.delta_m3x100, c.citation) for c in changes] == [
        (2026, 16_800, "鄂州政办发〔2022〕15号 附件1 三（四）")
    ]
    # idempotent: another report, another review, the year's job — no second link, no second event
    reports.file_report(facility, report_fields(report_no="JC-2"), PASSING_ROWS, actor=operator)
    interlock.review_units([facility.water_unit], 2026, as_of=dt.date(2026, 6, 15), actor=head)
    assert WaterPlanLink.objects.count() == 1 and CoefficientEvent.objects.count() == 1
    with pytest.raises(Exception, match="已计入计划用水"):
        interlock.record_link(link, actor=clerk)
    # what the water plan's pages read: the record behind the event, with its page and the report it rests on
    shown = interlock.links_for_events([ev.pk])[ev.pk]
    assert shown["url"] == f"/unconventional-water/links/{link.pk}/"
    assert "JC-2026-001" in shown["reports"] and shown["facilities"] == [facility.name]
    assert "2026年度" in shown["label"]
    # … and the water plan's own pages show it (through water_plan.event_sources, which this app feeds):
    # the event's case page and the unit's page link to this system's record as its 来源.
    from django.test import Client
    from django.urls import reverse

    browser = Client()
    browser.force_login(clerk)
    case_page = browser.get(reverse("water_plan:coefficient_case", args=[ev.pk])).content.decode()
    assert f'href="/unconventional-water/links/{link.pk}/"' in case_page and "JC-2026-001" in case_page
    unit_page = browser.get(reverse("water_plan:unit_detail", args=[ev.unit_id])).content.decode()
    assert "来源：" in unit_page and f"/unconventional-water/links/{link.pk}/" in unit_page


def test_able_but_not_using_is_confirmed_by_a_second_person(
    plan_2026: YearlyPlan, water_unit: Any, clerk: Any, head: Any, clock_at: Any
) -> None:
    clock_at(dt.date(2026, 6, 15))
    # a reclaimed-water main at the gate found 2025-09-01; no unconventional water used in 2025
    interlock.record_finding(
        water_unit, dt.date(2025, 9, 1), "再生水管网已接至厂区（第十五条）", "管网竣工图", actor=clerk
    )
    [(_, uy, link)] = interlock.review_units([water_unit], 2025, as_of=dt.date(2026, 6, 15), actor=clerk)
    assert uy.status == "able_not_used" and link is not None and link.event_on == dt.date(2025, 9, 1)
    with pytest.raises(ProcedureError, match="双人复核"):
        interlock.record_link(link, actor=clerk)
    assert not CoefficientEvent.objects.exists()  # nothing half-written in the water plan
    interlock.record_link(link, actor=head)
    assert (
        not PlanChange.objects.exists()
    )  # recorded in the water plan by the head; confirmed there by another
    water_plan.apply_coefficient_event(CoefficientEvent.objects.get(), actor=clerk, on=dt.date(2026, 6, 15))
    # counted for 2026 (the year after, W3): coefficient 0 → −0.1: 1,680.00 × 0.9 = 1,512.00 → −168.00 m³
    change = PlanChange.objects.get()
    assert change.delta_m3x100 == -16_800 and change.plan == plan_2026


def test_this_year_is_not_decided_before_it_ends(water_unit: Any, clerk: Any) -> None:
    interlock.record_finding(
        water_unit, dt.date(2026, 3, 1), "再生水管网已接至厂区", "管网竣工图", actor=clerk
    )
    [(_, uy, link)] = interlock.review_units([water_unit], 2026, as_of=dt.date(2026, 6, 15), actor=clerk)
    assert uy.status == "year_open" and link is None


def test_an_event_typed_before_is_adopted_not_recorded_again(
    plan_2026: YearlyPlan, facility: Any, operator: Any, clerk: Any, head: Any, clock_at: Any
) -> None:
    clock_at(dt.date(2026, 6, 15))
    typed = water_plan.record_coefficient_event(
        facility.water_unit,
        "unconventional_used",
        dt.date(2026, 4, 1),
        "中水回用设施验收报告",
        actor=clerk,
        recorded_on=dt.date(2026, 4, 2),
    )
    water_plan.apply_coefficient_event(typed, actor=head, on=dt.date(2026, 4, 3))
    reports.record_usage(facility, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "900", actor=operator)
    reports.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)
    link = WaterPlanLink.objects.get()
    interlock.record_link(link, actor=clerk)
    link.refresh_from_db()
    assert link.adopted and link.coefficient_event == typed and CoefficientEvent.objects.count() == 1
    assert PlanChange.objects.count() == 1  # the typed event's change only


def test_dismiss_with_a_reason(water_unit: Any, clerk: Any) -> None:
    interlock.record_finding(
        water_unit, dt.date(2025, 9, 1), "再生水管网已接至厂区", "管网竣工图", actor=clerk
    )
    [(_, _, link)] = interlock.review_units([water_unit], 2025, as_of=dt.date(2026, 6, 15), actor=clerk)
    with pytest.raises(Exception, match="办理意见：不能为空"):
        interlock.dismiss_link(link, " ", actor=clerk)
    interlock.dismiss_link(link, "管网压力不足，不具备接入条件", actor=clerk)
    link.refresh_from_db()
    assert link.status == "dismissed"
