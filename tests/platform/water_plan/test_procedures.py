"""Records and procedures: import, issuance, adjustments, supplements, settlement, appeals and collection."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    MeterReading,
    PlanChange,
    QuotaEntry,
    SupplementRequest,
    SurchargeNotice,
    YearlyPlan,
)
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.water_plan.errors import WaterPlanError

from .conftest import make_unit, monthly

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2024, 1, 19)


def _issue(clerk, year=2024):
    return services.issue_plans(year, actor=clerk, issued_on=ISSUED)


# -- import --------------------------------------------------------------------------------------------------

CSV = (
    "account,kind,period,volume,cumulative\n"
    "EZ-0001,monthly,2024-01,120.50,10120.50\n"
    "EZ-0001,monthly,2024-02,-3,\n"  # negative
    "EZ-0001,monthly,2024-03,100.00,10000.00\n"  # cumulative falls below January's 10120.50
    "NOPE,monthly,2024-01,10,\n"  # unknown account
    "EZ-0001,monthly,2024-01,120.50,\n"  # duplicate in file
    "EZ-0001,daily,2024-04-01,3.25,\n"
    "EZ-0001,monthly,2024-13,1,\n"  # bad period
)


def test_import_rejects_row_by_row_and_reimport_changes_nothing(unit, clerk):
    before = MeterReading.objects.count()
    result = services.import_readings(CSV.encode(), "supplier.csv", actor=clerk)
    b = result.batch
    assert (b.accepted, b.rejected) == (2, 5)
    reasons = {r["line"]: r["reason"] for r in b.rejects}
    assert reasons[3] == "水量为负数" and reasons[4].startswith("表底数回落") and reasons[5] == "户号不存在"
    assert reasons[6] == "文件内重复" and "期间格式" in reasons[8]
    assert MeterReading.objects.count() == before + 2
    again = services.import_readings(CSV.encode(), "supplier.csv", actor=clerk)
    assert again.already_imported and MeterReading.objects.count() == before + 2
    assert AuditRecord.objects.filter(action="water_plan.readings.import").count() == 1


def test_import_rows_already_in_database_are_duplicates(unit, clerk):
    services.import_readings(b"account,kind,period,volume\nEZ-0001,monthly,2024-05,1\n", "a.csv", actor=clerk)
    r = services.import_readings(
        b"account,kind,period,volume\nEZ-0001,monthly,2024-05,2\n", "b.csv", actor=clerk
    )
    assert r.batch.accepted == 0 and "重复" in r.batch.rejects[0]["reason"]


def test_import_excel(unit, clerk):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["account", "kind", "period", "volume"])
    wb.active.append(["EZ-0001", "monthly", "2024-06", "99.99"])
    buf = io.BytesIO()
    wb.save(buf)
    r = services.import_readings(buf.getvalue(), "readings.xlsx", actor=clerk)
    assert r.batch.accepted == 1
    assert MeterReading.objects.get(period=dt.date(2024, 6, 1)).volume_m3x100 == 9999


def test_import_malformed_file_writes_nothing(unit, clerk):
    with pytest.raises(WaterPlanError) as e:
        services.import_readings(b"acct,vol\nx,1\n", "bad.csv", actor=clerk)
    assert e.value.code == "file_columns"
    with pytest.raises(WaterPlanError):
        services.import_readings(b"\xff\xfe\x00bad", "bad.csv", actor=clerk)


# -- plan requests (第六条) ---------------------------------------------------------------------------------


def test_plan_request_deadlines(unit, clerk):
    with pytest.raises(WaterPlanError) as e:
        services.file_plan_request(unit, 2025, 100000, dt.date(2025, 1, 1), actor=clerk)
    assert e.value.code == "plan_request_late"
    req = services.file_plan_request(unit, 2025, 100000, dt.date(2024, 12, 31), actor=clerk)
    assert req.due_on == dt.date(2024, 12, 31)
    new = make_unit("新单位", "91420700MA4NEWUN1", started=dt.date(2025, 5, 1))
    with pytest.raises(WaterPlanError):  # the day water use starts is too late
        services.file_plan_request(new, 2025, 100, dt.date(2025, 5, 1), actor=clerk)
    assert services.file_plan_request(new, 2025, 100, dt.date(2025, 4, 30), actor=clerk).due_on == dt.date(
        2025, 4, 30
    )


# -- issuance (第九条, 附件1) -------------------------------------------------------------------------------


def test_issue_statistic_plan_with_coefficient_and_idempotent(unit, clerk, head):
    ev = services.record_coefficient_event(
        unit,
        "balance_test_rectified",
        dt.date(2023, 6, 1),
        "水平衡测试报告",
        actor=clerk,
        recorded_on=dt.date(2023, 12, 1),
    )
    # issue 9: a case counts once a second person confirmed it (W23); before that the plan would be 1,680.00
    services.apply_coefficient_event(ev, actor=head, on=dt.date(2023, 12, 4))
    report = _issue(clerk)
    # 2021 1200, 2022 1500, 2023 1800: 1200×10% + 1500×20% + 1800×70% = 120 + 300 + 1260 = 1680 m³;
    # coefficient +0.1 (test completed 2023 → 2024–2026): 1680 × 1.1 = 1848.00 m³
    plan = YearlyPlan.objects.get(unit=unit, year=2024)
    assert plan.volume_m3x100 == 184800 and plan.coefficient_pct == 10
    assert report.issued == 1
    again = _issue(clerk)
    assert again.issued == 0 and again.already == 1 and YearlyPlan.objects.count() == 1
    trace = services.Trace()
    assert services.compute_plan(plan.inputs, 2024, trace=trace) == 184800
    assert any("附件1 二（二）1" in str(s.citation) for s in trace.steps)


def test_issue_resumes_after_a_partial_run(unit, other_unit, clerk):
    monthly(other_unit.accounts.get(), 2023, 10)
    first = services.issue_plans(2024, actor=clerk, issued_on=ISSUED, chunk=1, progress=lambda d, t: None)
    assert first.issued == 2
    YearlyPlan.objects.filter(unit=other_unit).delete()  # as if the run had stopped after the first chunk
    resumed = _issue(clerk)
    assert (resumed.issued, resumed.already) == (1, 1)
    # other unit: 5 years of normal use, only 2023 has volume 120 m³ → 120 × 70% = 84.00 m³
    assert YearlyPlan.objects.get(unit=other_unit).volume_m3x100 == 8400


def test_issue_lists_units_needing_the_clerk_and_missing_quota(unit, clerk):
    young = make_unit("新建学校", "12420700MB1234567", started=dt.date(2023, 9, 1))
    quota_unit = make_unit(
        "机关",
        "11420700MB0000001",
        method="quota",
        quota_indicator="机关办公人员",
        quota_unit="m³/(人·a)",
        quota_quantity=200,
    )
    report = _issue(clerk)
    assert "新建学校" in report.needs_clerk
    assert report.failed and "机关办公人员" in report.failed[0][1]
    QuotaEntry.objects.create(
        indicator="机关办公人员",
        unit="m³/(人·a)",
        value="15.5",
        valid_from=dt.date(2024, 1, 1),
        source="测试定额",
    )
    _issue(clerk)
    # 200 人 × 15.5 = 3100.00 m³, coefficient 0
    assert YearlyPlan.objects.get(unit=quota_unit).volume_m3x100 == 310000
    with pytest.raises(WaterPlanError):
        services.issue_clerk_set_plan(young, 2024, 50000, "design", "", actor=clerk, issued_on=ISSUED)
    p = services.issue_clerk_set_plan(
        young, 2024, 50000, "design", "按设计用水量500立方米核定", actor=clerk, issued_on=ISSUED
    )
    assert "设计用水量" in p.explanation


def test_shortage_cut(unit, clerk):
    _issue(clerk)
    services.apply_shortage_cut(
        2024,
        Fraction(1, 10),
        dt.date(2024, 7, 1),
        dt.date(2024, 7, 31),
        "汛期干旱",
        actor=clerk,
        on=dt.date(2024, 6, 28),
    )
    plan = YearlyPlan.objects.get(unit=unit)
    # 1680.00 × 10% × 31 ÷ 366 = 14.2295 → 14.23 m³; the issued plan is unchanged
    assert plan.volume_m3x100 == 168000 and plan.effective_m3x100 == 168000 - 1423


# -- adjustments (第十条, 第十三条) -------------------------------------------------------------------------


def _adjust(plan, clerk, on=dt.date(2024, 2, 20), **kw):
    materials = {"has_form": True, "has_change_evidence": True, "has_balance_test": True, **kw}
    return services.file_adjustment(plan, on, 20000, "新增生产线", actor=clerk, **materials)


def test_adjustment_deadlines_and_approval_is_a_new_record(unit, clerk, head):
    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    with pytest.raises(WaterPlanError) as e:  # issued 01-19 → by 02-29 (end of the next month)
        _adjust(plan, clerk, on=dt.date(2024, 3, 1))
    assert e.value.code == "adjustment_late" and AdjustmentRequest.objects.count() == 0
    with pytest.raises(WaterPlanError) as e:
        _adjust(plan, clerk, has_balance_test=False)
    assert "水平衡测试" in e.value.message
    req = _adjust(plan, clerk, on=dt.date(2024, 2, 8))
    # received 02-08 (Thu); 02-10..02-17 Spring Festival off, 02-04 and 02-18 (Sun) worked:
    # 1 = 02-09, 2 = 02-18, 3 = 02-19, 4 = 02-20, 5 = 02-21
    assert req.verify_due == dt.date(2024, 2, 21)
    # 10th working day of March 2024: 03-01, 04, 05, 06, 07, 08, 11, 12, 13, 14
    assert req.notify_due == dt.date(2024, 3, 14)
    with pytest.raises(WaterPlanError):  # must be verified first
        services.approve_adjustment(req, 20000, actor=clerk, on=dt.date(2024, 2, 20))
    services.verify_adjustment(req, actor=clerk, on=dt.date(2024, 2, 19))
    # four eyes (issue 9): the clerk who received the request may not approve it; the head does
    with pytest.raises(WaterPlanError) as e:
        services.approve_adjustment(req, 15000, actor=clerk, on=dt.date(2024, 3, 5))
    assert e.value.code == "second_person_required"
    services.approve_adjustment(req, 15000, actor=head, on=dt.date(2024, 3, 5))
    plan.refresh_from_db()
    assert plan.volume_m3x100 == 168000 and plan.effective_m3x100 == 183000
    assert PlanChange.objects.get().kind == "adjustment"
    actions = list(
        AuditRecord.objects.filter(action__startswith="water_plan.adjustment")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "water_plan.adjustment.file",
        "water_plan.adjustment.verify",
        "water_plan.adjustment.approve",
    ]


@pytest.mark.parametrize("case", [1, 2, 3, 4, 5, 6, 7])
def test_each_refusal_case(unit, clerk, case):
    _issue(clerk)
    req = _adjust(YearlyPlan.objects.get(unit=unit), clerk)
    services.refuse_adjustment(req, case, "经核实存在该情形", actor=clerk, on=dt.date(2024, 2, 22))
    req.refresh_from_db()
    assert req.status == "refused" and req.refusal_case == case
    rec = AuditRecord.objects.get(action="water_plan.adjustment.refuse")
    assert f"第十三条第（{'一二三四五六七'[case - 1]}）项" in rec.citation


def test_refusal_needs_case_and_reason(unit, clerk):
    _issue(clerk)
    req = _adjust(YearlyPlan.objects.get(unit=unit), clerk)
    with pytest.raises(WaterPlanError):
        services.refuse_adjustment(req, 8, "x", actor=clerk, on=dt.date(2024, 2, 22))
    with pytest.raises(WaterPlanError):
        services.refuse_adjustment(req, 1, " ", actor=clerk, on=dt.date(2024, 2, 22))


# -- supplements (第十二条) -------------------------------------------------------------------------------


def test_supplement_deadlines_and_approval(unit, clerk, head):
    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    fire = {"volume": "35.5", "source": "fire_meter"}
    # event 2024-04-03: 3 working days = 04-07 (Sunday worked), 04-08, 04-09
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan, "fire", dt.date(2024, 4, 3), dt.date(2024, 4, 10), fire, paper_materials=True, actor=clerk
        )
    assert e.value.code == "supplement_late"
    req = services.file_supplement(
        plan, "fire", dt.date(2024, 4, 3), dt.date(2024, 4, 9), fire, paper_materials=True, actor=clerk
    )
    assert req.computed_m3x100 == 3550 and req.review_due == dt.date(2024, 4, 16)
    services.approve_supplement(req, actor=head, on=dt.date(2024, 4, 12))
    assert YearlyPlan.objects.get(pk=plan.pk).effective_m3x100 == 168000 + 3550


def test_supplement_after_year_end_and_leak_without_readings_refused(unit, clerk):
    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan,
            "fire",
            dt.date(2024, 12, 31),
            dt.date(2025, 1, 2),
            {"volume": "1", "source": "fire_meter"},
            paper_materials=True,
            actor=clerk,
        )
    assert e.value.code == "supplement_after_cutoff"
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan,
            "leak",
            dt.date(2024, 6, 10),
            dt.date(2024, 6, 11),
            {"leak_start": "2024-06-10", "leak_end": "2024-06-12", "repair_started": "2024-06-12"},
            paper_materials=True,
            actor=clerk,
        )
    assert e.value.code == "leak_no_daily_readings"
    assert SupplementRequest.objects.count() == 0


# -- settlement, notice, appeal, collection ---------------------------------------------------------------


def _settle(unit, clerk, year_volume_per_month=160):
    _issue(clerk)
    monthly(unit.accounts.get(number="EZ-0001"), 2024, year_volume_per_month)
    return services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))


def test_settlement_stops_until_tiers_are_entered(unit, clerk):
    with pytest.raises(ParameterNotSet):
        _settle(unit, clerk)
    assert SurchargeNotice.objects.count() == 0


def test_settlement_notice_amount(unit, clerk, tiers):
    assert _settle(unit, clerk) == 1
    n = SurchargeNotice.objects.get()
    # plan 1680.00; actual 12 × 160 = 1920.00; excess 240.00 m³ = 14.29% of the plan
    # band 1: 168.00 × 0.5 × 3.00 = 252.00 ; band 2: 72.00 × 1 × 3.00 = 216.00 ; total 468.00 yuan
    assert (n.plan_m3x100, n.actual_m3x100, n.excess_m3x100) == (168000, 192000, 24000)
    assert n.bands["amounts"] == [25200, 21600, 0] and n.amount_fen == 46800
    assert n.number == "鄂水节计〔2024〕00001号"
    assert services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10)) == 0  # idempotent


def test_construction_meter_without_request_is_not_deducted(unit, clerk, tiers):
    # Issue 8, 附件2 （三）: "不提出申请或不按期上报的，原则上不予认可基建水量". The old assertion (the construction meter
    # deducted automatically, no notice) was wrong: without an approved request nothing is deducted.
    from ezhou_platform.water_plan.models import SupplierAccount

    cm = SupplierAccount.objects.create(unit=unit, number="EZ-0001-JJ", construction_meter=True)
    monthly(cm, 2024, 20)
    _settle(unit, clerk)
    # actual = main meter 1920.00 (the construction meter is a sub-meter behind it, not added, not deducted);
    # plan 1680.00 → excess 240.00, the same notice as without a construction meter
    n = SurchargeNotice.objects.get()
    assert (n.actual_m3x100, n.plan_m3x100, n.excess_m3x100) == (192000, 168000, 24000)
    assert n.bands["construction"] == 0


def test_appeal_upheld_issues_new_version_and_keeps_old(unit, clerk, head, tiers):
    _settle(unit, clerk)
    n = SurchargeNotice.objects.get()
    with pytest.raises(WaterPlanError):  # not yet received
        services.file_appeal(n, dt.date(2025, 1, 15), "读数有误", actor=clerk)
    # a delivery before the notice was issued (2025-01-10) is refused (issue 8 §4; this test used 2024-09-27)
    with pytest.raises(WaterPlanError) as e:
        services.deliver_notice(n, dt.date(2024, 9, 27), actor=clerk)
    assert e.value.code == "date_too_early" and e.value.field == "on"
    services.deliver_notice(n, dt.date(2025, 1, 13), actor=clerk)
    # 10 working days from Mon 2025-01-13: 14, 15, 16, 17, 20, 21, 22, 23, 24, Sun 01-26 (a make-up working day
    # before the Spring Festival) → 2025-01-26
    assert n.appeal_due == dt.date(2025, 1, 26) and n.payment_due == dt.date(2025, 1, 26)
    with pytest.raises(WaterPlanError) as e:
        services.file_appeal(n, dt.date(2025, 1, 27), "读数有误", actor=clerk)
    assert e.value.code == "appeal_late"
    appeal = services.file_appeal(n, dt.date(2025, 1, 14), "12月读数有误", actor=clerk)
    assert appeal.decision_due == dt.date(2025, 1, 24)  # 8 working days: 15, 16, 17, 20, 21, 22, 23, 24
    services.decide_appeal(
        appeal,
        True,
        "经核实12月读数应为140立方米",
        actor=head,
        on=dt.date(2025, 1, 20),
        corrected_actual_m3x100=190000,
    )
    old, new = SurchargeNotice.objects.order_by("version")
    assert old.state == "superseded" and old.amount_fen == 46800
    # corrected actual 1900.00 − 1680.00 = 220.00: 168.00 × 0.5 × 3 = 252.00 + 52.00 × 3 = 156.00 → 408.00
    assert new.version == 2 and new.supersedes == old and new.amount_fen == 40800
    assert new.number == "鄂水节计〔2024〕00001号-2" and new.received_on == dt.date(2025, 1, 20)


def test_appeal_rejected(unit, clerk, tiers):
    _settle(unit, clerk)
    n = services.deliver_notice(SurchargeNotice.objects.get(), dt.date(2025, 1, 13), actor=clerk)
    a = services.file_appeal(n, dt.date(2025, 1, 14), "不服", actor=clerk)
    services.decide_appeal(a, False, "读数无误", actor=clerk, on=dt.date(2025, 1, 20))
    assert Appeal.objects.get().state == "rejected" and SurchargeNotice.objects.count() == 1


def test_reminders_credit_listing_and_blocked_adjustments(unit, clerk, head, tiers):
    _settle(unit, clerk)
    n = services.deliver_notice(SurchargeNotice.objects.get(), dt.date(2025, 1, 13), actor=clerk)
    # 2025-01-13 (Mon) + 10 working days: 01-14..17 (4), 01-20..24 (9), 01-26 (Sunday worked before the
    # Spring Festival) = 10
    assert n.payment_due == dt.date(2025, 1, 26)
    with pytest.raises(WaterPlanError):
        services.issue_reminder(n, dt.date(2025, 1, 26), dt.date(2025, 2, 20), actor=clerk)
    r1 = services.issue_reminder(n, dt.date(2025, 2, 10), dt.date(2025, 2, 20), actor=clerk)
    assert r1.sequence == 1 and r1.number == "鄂水节催〔2025〕00001号"
    with pytest.raises(WaterPlanError):
        services.list_for_credit(n, dt.date(2025, 2, 21), actor=clerk)
    with pytest.raises(WaterPlanError):  # the first reminder's period is not over
        services.issue_reminder(n, dt.date(2025, 2, 20), dt.date(2025, 3, 5), actor=clerk)
    services.issue_reminder(n, dt.date(2025, 2, 21), dt.date(2025, 3, 5), actor=clerk)
    with pytest.raises(WaterPlanError):
        services.issue_reminder(n, dt.date(2025, 3, 6), dt.date(2025, 3, 20), actor=clerk)
    services.list_for_credit(n, dt.date(2025, 3, 6), actor=head)
    assert SurchargeNotice.objects.get().state == "credit_listed"
    # case (七): a 2025 plan cannot be adjusted while the surcharge is unpaid
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 20))
    plan25 = YearlyPlan.objects.get(unit=unit, year=2025)
    req = services.file_adjustment(
        plan25,
        dt.date(2025, 2, 25),
        10000,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )
    services.verify_adjustment(req, actor=clerk, on=dt.date(2025, 2, 26))
    with pytest.raises(WaterPlanError) as e:
        services.approve_adjustment(req, 10000, actor=head, on=dt.date(2025, 3, 7))
    assert e.value.code == "refused_unpaid_surcharge" and "第十三条第（七）项" in e.value.message
    services.record_payment(SurchargeNotice.objects.get(), dt.date(2025, 3, 7), actor=clerk)
    services.approve_adjustment(req, 10000, actor=head, on=dt.date(2025, 3, 7))


def test_deadline_board_overdue_first(unit, clerk, tiers):
    # Issue 9: the board is the procedure layer's 待办 of the water department (its open periods)
    from ezhou_platform.procedures import workspace

    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    _adjust(plan, clerk, on=dt.date(2024, 2, 8))  # verify by 2024-02-21
    services.file_supplement(
        plan,
        "fire",
        dt.date(2024, 2, 19),
        dt.date(2024, 2, 20),
        {"volume": "1", "source": "fire_meter"},
        paper_materials=True,
        actor=clerk,
    )  # review by 02-27
    items = workspace.todo_for(clerk, dt.date(2024, 2, 23))
    assert [i.period.field for i in items][:3] == ["verify_due", "review_due", "notify_due"]
    assert items[0].overdue and items[0].workdays_left == -2  # 02-21 → 02-23: two working days late
    assert not items[1].overdue and items[1].workdays_left == 2  # 02-26, 02-27


def test_coefficient_event_needs_evidence(unit, clerk):
    with pytest.raises(WaterPlanError):
        services.record_coefficient_event(
            unit, "statistics_late", dt.date(2023, 3, 1), "", actor=clerk, recorded_on=dt.date(2023, 3, 2)
        )
    with pytest.raises(WaterPlanError):
        services.record_coefficient_event(
            unit, "made_up", dt.date(2023, 3, 1), "x", actor=clerk, recorded_on=dt.date(2023, 3, 2)
        )
    assert CoefficientEvent.objects.count() == 0


def test_leak_supplement_uses_imported_daily_readings(unit, clerk):
    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    start = dt.date(2024, 6, 10)
    lines = ["account,kind,period,volume"]
    for i in range(-7, 4 + 7):  # week before 10 m³/day, 4 leak days 50 m³/day, week after 12 m³/day
        day = start + dt.timedelta(days=i)
        lines.append(f"EZ-0001,daily,{day.isoformat()},{10 if i < 0 else 50 if i < 4 else 12}")
    services.import_readings("\n".join(lines).encode(), "daily.csv", actor=clerk)
    req = services.file_supplement(
        plan,
        "leak",
        start,
        dt.date(2024, 6, 12),
        {"leak_start": "2024-06-10", "leak_end": "2024-06-13", "repair_started": "2024-06-13"},
        paper_materials=True,
        actor=clerk,
    )
    # 200 − (70 + 84) ÷ 14 × 4 = 156.00 m³; repair started on day 3 → the unit bears 0
    assert req.computed_m3x100 == 15600 and len(req.inputs["daily"]) == 18


def test_supplement_without_materials_is_not_accepted(unit, clerk):
    # 第十二条: "未提供证明材料的，申请内容不予认可" — neither an upload nor paper material confirmed by a clerk.
    _issue(clerk)
    plan = YearlyPlan.objects.get(unit=unit)
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan,
            "fire",
            dt.date(2024, 4, 3),
            dt.date(2024, 4, 8),
            {"volume": "1", "source": "fire_meter"},
            actor=clerk,
        )
    assert e.value.code == "supplement_materials" and e.value.field == "evidence_ids"
    assert "第十二条" in str(e.value)
    assert SupplementRequest.objects.count() == 0
