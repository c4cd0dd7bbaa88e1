"""Deadlines that reach a year whose holidays are not entered: provisional, shown as 暂定, recounted on entry.

chinese-calendar 1.11.0 knows 2004–2026; nothing in the database knows 2027 until the administrator enters it.
Delivering a notice, a December adjustment, the board and the plan pages ran into CalendarYearUnknown
(a bare 500) before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures.models import Period, Recomputation
from ezhou_platform.water_plan import services as water
from ezhou_platform.water_plan.models import AdjustmentRequest, SurchargeNotice, YearlyPlan

from .conftest import ENTERPRISE_USCC, make_unit, open_notice

pytestmark = pytest.mark.django_db
D = dt.date

# Test data, not the published 2027 schedule (not out when this was written): New Year's Day Friday 01-01 off.
HOLIDAYS_2027 = "2027-01-01 元旦\n2027-01-02~2027-01-03 元旦"


def _notice(unit: Any, year: int, issued_on: dt.date) -> SurchargeNotice:
    return open_notice(
        unit=unit,
        year=year,
        number=f"鄂水节加〔{year}〕1号",
        actual_m3x100=110000,
        plan_m3x100=100000,
        excess_m3x100=10000,
        bands={"bounds": ["1/10"], "multipliers": ["1/2", "1"], "price": 300, "amounts": [15000]},
        amount_fen=15000,
        issued_on=issued_on,
    )


def test_water_notice_delivered_on_2026_12_28_is_provisional_and_recounted(
    clock_at: Any, login_client: Any, demo_users: dict[str, Any]
) -> None:
    clock_at(D(2026, 12, 28))
    clerk = demo_users["shuiwu_clerk"]
    unit = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC)
    notice = water.deliver_notice(_notice(unit, 2026, D(2026, 12, 20)), D(2026, 12, 28), actor=clerk)
    # 10 working days after Mon 12-28, 2027 counted Monday–Friday: 12-29 (1), 12-30 (2), 12-31 (3),
    # 01-01 (4), 01-04 (5), 01-05 (6), 01-06 (7), 01-07 (8), 01-08 (9), 01-11 (10).
    assert notice.payment_due == D(2027, 1, 11) and notice.appeal_due == D(2027, 1, 11)
    period = Period.objects.get(field="payment_due")
    assert period.provisional and period.reason == "2027年节假日安排尚未录入"
    assert period.department.code == "water" and "第十六条第二款" in period.citation

    # The board and the unit page answer, with the date marked 暂定 and why.
    k = login_client("shuiwu_clerk")
    board = k.get("/water-plan/board/")
    assert board.status_code == 200
    assert (
        "2027年1月11日" in board.content.decode()
        and "暂定：2027年节假日安排尚未录入" in board.content.decode()
    )
    assert "暂定" in k.get(f"/water-plan/units/{unit.pk}/").content.decode()

    # The administrator enters 2027 (01-01 off): the 4th working day becomes 01-04, the 10th 01-12.
    admin = login_client("admin")
    r = admin.post(
        "/calendar/2027/",
        {
            "source": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_number": "国办发明电〔2026〕测试号",
            "notice_date": "2026-11-10",
            "holidays": HOLIDAYS_2027,
            "workdays": "",
        },
    )
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.payment_due == D(2027, 1, 12) and notice.appeal_due == D(2027, 1, 12)
    period.refresh_from_db()
    assert not period.provisional and period.due == D(2027, 1, 12)
    run = Recomputation.objects.get()
    assert run.moved == 2 and "国办发明电〔2026〕测试号" in run.trigger
    # Each move is in the audit trail with the old and the new date.
    moves = AuditRecord.objects.filter(action="procedures.period.recompute")
    assert moves.count() == 2
    assert all(m.before["due"] == "2027-01-11" and m.after["due"] == "2027-01-12" for m in moves)
    assert AuditRecord.objects.filter(action="common.calendar_year.enter").count() == 1

    # The water clerk sees the moved dates; a housing clerk sees none of them.
    page = login_client("shuiwu_clerk").get(f"/calendar/recomputations/{run.pk}/").content.decode()
    assert "2027年1月11日" in page and "2027年1月12日" in page and "缴费期限" in page
    other = login_client("zhujian_clerk").get(f"/calendar/recomputations/{run.pk}/").content.decode()
    assert "缴费期限" not in other and "没有需要您关注的日期变化" in other


def test_december_adjustment_via_the_api_on_2026_12_28(
    clock_at: Any, login_client: Any, demo_users: dict[str, Any]
) -> None:
    clock_at(D(2026, 12, 28))
    clerk = demo_users["shuiwu_clerk"]
    unit = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC)
    plan = water.issue_clerk_set_plan(
        unit, 2026, 100000, "design", "测试", actor=clerk, issued_on=D(2026, 11, 20)
    )
    k = login_client("enterprise")
    r = k.post(
        f"/api/v1/water-plan/plans/{plan.pk}/adjustments",
        {
            "received_on": "2026-12-28",
            "requested_volume": "100",
            "reason": "扩产",
            "has_form": True,
            "has_change_evidence": True,
            "has_balance_test": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    req = AdjustmentRequest.objects.get()
    # Verify within 5 working days: 12-29, 12-30, 12-31, 01-01, 01-04 (2027 Monday–Friday).
    # Notify by the 10th working day of January 2027: 01-01, 04, 05, 06, 07, 08, 11, 12, 13, 14.
    assert (req.verify_due, req.notify_due) == (D(2027, 1, 4), D(2027, 1, 14))
    assert Period.objects.filter(provisional=True).count() == 2


def test_water_on_2027_06_01_with_no_2027_table(
    clock_at: Any, login_client: Any, demo_users: dict[str, Any]
) -> None:
    clock_at(D(2027, 6, 1))
    clerk = demo_users["shuiwu_clerk"]
    unit = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC)
    water.issue_clerk_set_plan(unit, 2027, 100000, "design", "测试", actor=clerk, issued_on=D(2027, 6, 1))
    k = login_client("shuiwu_clerk")
    # The board (issuance was due by 2027-02-01, passed) and the unit page answer.
    assert k.get("/water-plan/board/").status_code == 200
    assert k.get(f"/water-plan/units/{unit.pk}/").status_code == 200
    # 第十条: adjustments by the end of July 2027 (07-31 is a Saturday → Monday 08-02 under 第二百零三条).
    r = login_client("enterprise").get("/api/v1/water-plan/plans")
    assert r.status_code == 200, r.content
    assert [p["adjustment_due"] for p in r.json()] == ["2027-08-02"]
    assert YearlyPlan.objects.count() == 1
