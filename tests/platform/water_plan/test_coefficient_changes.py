"""附件1 三（四） "实施当年 +0.1" takes effect: a case recorded after issuance changes the year's plan by a recorded
plan change (a new record, never an edit) with its article and a notice to the unit (page and PDF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import User
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import PlanChange, YearlyPlan
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES

from .conftest import file_complete_adjustment, make_unit

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2024, 1, 19)
# The fixture unit: 2021 1,200, 2022 1,500, 2023 1,800 m³, normal use since 2019 (3 years and more):
# 1200×10% + 1500×20% + 1800×70% = 120 + 300 + 1260 = 1,680.00 m³ before the coefficient.
BASE = 168000


def _event(unit, clerk, kind, on, recorded_on, until=None):
    """A case recorded by the clerk and confirmed the same day by the head (issue 9: a decision that changes a
    plan is taken by a second person, W23); the plan changes it made are on the event as before."""
    from ezhou_platform.common.models import User

    ev = services.record_coefficient_event(
        unit, kind, on, "证明材料", actor=clerk, recorded_on=recorded_on, until=until
    )
    head = User.objects.get(username="shuiwu_head")
    ev.plan_changes, ev.not_applied = services.apply_coefficient_event(ev, actor=head, on=recorded_on)
    return ev


def _issue(clerk):
    services.issue_plans(2024, actor=clerk, issued_on=ISSUED)


def _plan(unit):
    return YearlyPlan.objects.get(unit=unit, year=2024)


def test_event_before_issuance_is_in_the_issued_plan(unit, clerk):
    # non-conventional water used from 2024-01-10, recorded 01-12, plan issued 01-19: 1680 × 1.1 = 1,848.00
    ev = _event(unit, clerk, "unconventional_used", dt.date(2024, 1, 10), dt.date(2024, 1, 12))
    assert ev.plan_changes == []
    _issue(clerk)
    plan = _plan(unit)
    assert (plan.volume_m3x100, plan.coefficient_pct, plan.changes.count()) == (184800, 10, 0)


def test_event_after_issuance_is_a_recorded_plan_change_with_a_notice(login_client, unit, other_unit, clerk):
    _issue(clerk)
    plan = _plan(unit)
    assert plan.volume_m3x100 == BASE
    # Issue 8: an event of 2024-06-01 changes the 2024 plan after issuance (recorded 2024-06-05):
    # 1680.00 × (1.0 + 0.1) = 1,848.00 → a change of +168.00 m³
    ev = _event(unit, clerk, "unconventional_used", dt.date(2024, 6, 1), dt.date(2024, 6, 5))
    (change,) = ev.plan_changes
    assert (change.kind, change.delta_m3x100, change.coefficient_pct) == ("coefficient", 16800, 10)
    assert change.citation == "鄂州政办发〔2022〕15号 附件1 三（四）" and change.decided_on == dt.date(
        2024, 6, 5
    )
    plan = _plan(unit)
    # a new record: the issued plan is unchanged, the effective plan includes the change
    assert (plan.volume_m3x100, plan.coefficient_pct, plan.effective_m3x100) == (BASE, 0, 184800)
    assert AuditRecord.objects.filter(action="water_plan.plan.coefficient_change").count() == 1
    # issue 9: the change is notified by a numbered 《用水计划变更通知书》 (W23, W24)
    assert (
        change.document.number == "鄂水节变〔2024〕00001号"
        and change.document.case.applicant_uscc == unit.uscc
    )
    # the notice to the unit: a page and a PDF it can download; nobody else's enterprise sees it
    c = login_client("enterprise")
    page = c.get(f"/water-plan/changes/{change.pk}/").content.decode()
    assert "用水计划变更通知书" in page and "附件1 三（四）" in page
    assert "1680.00" in page and "1848.00" in page and "+0.10" in page and "2024年6月5日" in page
    pdf = c.get(f"/water-plan/changes/{change.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert f"/water-plan/changes/{change.pk}/" in c.get("/water-plan/my/").content.decode()
    api = c.get(f"/api/v1/water-plan/plans/{plan.pk}").json()
    assert api["effective_volume"] == "1848.00" and api["coefficient"] == "+0.10"
    assert api["changes"][0]["notice_url"] == f"/water-plan/changes/{change.pk}/"
    other_plan = YearlyPlan.objects.get(unit=other_unit)
    other_change = PlanChange.objects.create(
        plan=other_plan,
        kind="adjustment",
        delta_m3x100=1,
        reason="x",
        citation="x",
        decided_on=ISSUED,
        decided_by=clerk,
    )
    assert c.get(f"/water-plan/changes/{other_change.pk}/").status_code == 404
    # confirming it again changes nothing more
    head = User.objects.get(username="shuiwu_head")
    assert services.apply_coefficient_event(ev, actor=head, on=dt.date(2024, 6, 6)) == ([], [])


def test_event_after_an_adjustment_and_a_supplement(unit, clerk):
    _issue(clerk)
    plan = _plan(unit)
    head = User.objects.get(username="shuiwu_head")
    req = file_complete_adjustment(plan, clerk, dt.date(2024, 2, 5), 10000)
    services.verify_adjustment(req, actor=clerk, on=dt.date(2024, 2, 6))
    services.approve_adjustment(req, 10000, actor=head, on=dt.date(2024, 2, 20))
    sup = services.file_supplement(
        plan,
        "fire",
        dt.date(2024, 4, 3),
        dt.date(2024, 4, 8),
        {"volume": "35.5", "source": "fire_meter"},
        actor=clerk,
        paper_materials=True,
    )
    services.approve_supplement(sup, actor=head, on=dt.date(2024, 4, 12))
    ev = _event(unit, clerk, "unconventional_used", dt.date(2024, 6, 1), dt.date(2024, 6, 5))
    # the coefficient applies to the formula part only (附件1: 基数×(1.0±增减系数)±增减量): +168.00 m³;
    # the adjustment (+100.00, 第十条) and the supplement (+35.50, 第十二条) are kept as they were
    assert ev.plan_changes[0].delta_m3x100 == 16800
    # 1680.00 + 100.00 + 35.50 + 168.00 = 1,983.50 m³
    assert _plan(unit).effective_m3x100 == 198350


def test_event_in_december_and_after_the_year(unit, clerk, tiers):
    from .conftest import monthly

    _issue(clerk)
    ev = _event(unit, clerk, "unconventional_used", dt.date(2024, 12, 20), dt.date(2024, 12, 27))
    assert ev.plan_changes[0].decided_on == dt.date(2024, 12, 27) and _plan(unit).effective_m3x100 == 184800
    # a second, different case for 2024 recorded in January 2025, before the assessment: still applied.
    # statistics reported late in 2023 → −0.05 in 2024: 1680 × (1 + 0.1 − 0.05) = 1,764.00 → −84.00
    ev = _event(unit, clerk, "statistics_late", dt.date(2023, 11, 30), dt.date(2025, 1, 8))
    assert ev.plan_changes[0].delta_m3x100 == -8400 and ev.plan_changes[0].coefficient_pct == 5
    # once the year is assessed (a notice issued), a late case no longer changes the plan: it says why
    monthly(unit.accounts.get(), 2024, 160)
    services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))
    ev = _event(unit, clerk, "metering_noncompliant", dt.date(2023, 10, 1), dt.date(2025, 1, 15))
    assert ev.plan_changes == [] and "已考核并开具加价收费通知单" in ev.not_applied[0][1]
    assert _plan(unit).effective_m3x100 == 176400


def test_two_events_in_one_year_and_the_cap(unit, clerk):
    _issue(clerk)
    first = _event(unit, clerk, "unconventional_used", dt.date(2024, 3, 1), dt.date(2024, 3, 4))
    assert first.plan_changes[0].delta_m3x100 == 16800
    # the same case again in the same year counts once (W3): no second change
    second = _event(unit, clerk, "unconventional_used", dt.date(2024, 9, 1), dt.date(2024, 9, 2))
    assert second.plan_changes == [] and _plan(unit).effective_m3x100 == 184800
    # increases already at +0.3: balance test (2023, +0.1), retrofit (2023, +0.1) → +0.3 with 2024's +0.1;
    # a fourth increase changes nothing (增加累计不大于0.3)
    _event(unit, clerk, "balance_test_rectified", dt.date(2023, 5, 1), dt.date(2024, 9, 3))
    _event(unit, clerk, "retrofit_filed", dt.date(2023, 5, 1), dt.date(2024, 9, 3))
    assert _plan(unit).effective_m3x100 == 218400  # 1680 × 1.3
    capped = _event(unit, clerk, "advanced_efficiency", dt.date(2023, 5, 1), dt.date(2024, 9, 4))
    assert capped.plan_changes == [] and _plan(unit).effective_m3x100 == 218400


def test_clerk_set_plan_applies_no_coefficient(clerk, demo_users):
    young = make_unit("新单位", "91420700MA4NEWUN1", started=None)
    services.issue_clerk_set_plan(young, 2024, 50000, "design", "按设计用水量", actor=clerk, issued_on=ISSUED)
    ev = _event(young, clerk, "unconventional_used", dt.date(2024, 6, 1), dt.date(2024, 6, 5))
    assert ev.plan_changes == [] and "不适用增减系数" in ev.not_applied[0][1]


def test_event_dates_are_checked(unit, clerk):
    from ezhou_rules.water_plan.errors import WaterPlanError

    with pytest.raises(WaterPlanError) as e:  # recorded before it happened
        _event(unit, clerk, "unconventional_used", dt.date(2024, 6, 1), dt.date(2024, 5, 31))
    assert e.value.field == "on"
    with pytest.raises(WaterPlanError) as e:  # a date after today (2026-06-15)
        _event(unit, clerk, "unconventional_used", dt.date(2099, 1, 1), dt.date(2099, 1, 2))
    assert e.value.code == "date_in_future"
    with pytest.raises(WaterPlanError) as e:  # counts only for 2021, before the document
        _event(unit, clerk, "statistics_late", dt.date(2020, 3, 1), dt.date(2024, 1, 2))
    assert e.value.code == "coefficient_before_document"


_KINDS = sorted(k for k in COEFFICIENT_CASES if k != "water_saving_title")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_KINDS), st.dates(dt.date(2022, 7, 11), dt.date(2024, 12, 20)), st.booleans()
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_order_gives_the_plan_computed_with_every_case(unit, clerk, raw):
    """Whatever was recorded before issuance and whatever after: the effective plan equals the plan computed
    with all the cases at once (base × (1.0 ± coefficient), rounded once)."""
    with transaction.atomic():
        before = [(k, d) for k, d, early in raw if early and d <= dt.date(2024, 1, 10)]
        after = [(k, d) for k, d, early in raw if (k, d) not in before]
        for kind, day in before:
            _event(unit, clerk, kind, day, dt.date(2024, 1, 10))
        _issue(clerk)
        for kind, day in sorted(after, key=lambda x: x[1]):
            _event(unit, clerk, kind, day, dt.date(2024, 12, 30))
        plan = _plan(unit)
        events = services._events_json(services._events([unit.pk])[unit.pk])
        expected = services.compute_plan({**plan.inputs, "events": events}, 2024)
        assert plan.effective_m3x100 == expected
        transaction.set_rollback(True)


def test_a_case_counts_once_another_person_confirms_it(unit, clerk, head):
    # Issue 9 (W23): recorded by the clerk, the case is pending and changes nothing; the clerk may not confirm it
    from ezhou_rules.water_plan.errors import WaterPlanError

    _issue(clerk)
    ev = services.record_coefficient_event(
        unit,
        "unconventional_used",
        dt.date(2024, 6, 1),
        "验收报告",
        actor=clerk,
        recorded_on=dt.date(2024, 6, 5),
    )
    assert ev.status == "recorded" and _plan(unit).effective_m3x100 == BASE
    with pytest.raises(WaterPlanError) as e:
        services.apply_coefficient_event(ev, actor=clerk, on=dt.date(2024, 6, 5))
    assert e.value.code == "second_person_required" and _plan(unit).effective_m3x100 == BASE
    with pytest.raises(WaterPlanError) as e:  # not before it was recorded
        services.apply_coefficient_event(ev, actor=head, on=dt.date(2024, 6, 4))
    assert e.value.field == "on"
    # confirmed the next day: 1,680.00 × 1.1 = 1,848.00, the change decided that day
    changes, not_applied = services.apply_coefficient_event(ev, actor=head, on=dt.date(2024, 6, 6))
    assert [(c.delta_m3x100, c.decided_on) for c in changes] == [
        (16800, dt.date(2024, 6, 6))
    ] and not not_applied
    ev.refresh_from_db()
    assert ev.status == "applied" and ev.decided_on == dt.date(2024, 6, 6)


def test_a_withdrawn_case_never_counts(unit, clerk, head):
    from ezhou_rules.water_plan.errors import WaterPlanError

    ev = services.record_coefficient_event(
        unit,
        "balance_test_rectified",
        dt.date(2023, 6, 1),
        "报告",
        actor=clerk,
        recorded_on=dt.date(2024, 1, 10),
    )
    with pytest.raises(WaterPlanError) as e:
        services.withdraw_coefficient_event(ev, " ", actor=clerk, on=dt.date(2024, 1, 11))
    assert e.value.code == "withdraw_reason" and e.value.field == "reason"
    services.withdraw_coefficient_event(ev, "报告属于另一单位", actor=clerk, on=dt.date(2024, 1, 11))
    _issue(clerk)
    assert _plan(unit).volume_m3x100 == BASE  # not 1,848.00: the withdrawn case does not count
    with pytest.raises(WaterPlanError) as e:
        services.apply_coefficient_event(ev, actor=head, on=dt.date(2024, 1, 20))
    assert e.value.code == "bad_state" and "已撤销" in e.value.message
