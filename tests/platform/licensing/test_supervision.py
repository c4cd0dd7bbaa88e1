"""After the decision (第二部分 三（一）、三（三）、三（四）): materials against their periods, the overdue sweep,
责令限期整改 with its numbered order and period, revocation proposed only on its grounds, the applicant heard,
decided by another clerk — each state change with a period crossing National Day 2025 or the Spring
Festival 2026 (the calendar: 2025-10-01…08 off, 09-28 and 10-11 worked; 2026-02-15…23 off, 02-14 and 02-28 worked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.licensing.models import Application, CreditRecord, PeriodSetting, RectificationOrder
from ezhou_platform.licensing.services import casefile, supervision, sweep
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Document, Period
from ezhou_platform.procedures.workspace import progress

from .conftest import FOOD, file_food, licensed_food

pytestmark = pytest.mark.django_db
D = dt.date


def _sweep(on: dt.date) -> dict[str, int]:
    attention, flags, result = sweep.compute(on)
    sweep.write(attention, flags, on)
    return result.counts


def test_national_day_materials_order_and_revocation(configured: dict[str, Any]) -> None:
    users = configured
    clerk, head, ent = users["shenpi_clerk"], users["shenpi_head"], users["enterprise"]
    app = licensed_food(users, D(2025, 9, 29))
    # 平面布局图: 09-29 + 10 days = 10-09, a working day (National Day ends 10-08).
    # other materials: the 20th working day after 09-29 = 11-03 (09-30; 10-09, 10, 11 (make-up Sat), 13 … 31; 11-03).
    assert dict(app.materials.filter(timing="after_decision").values_list("code", "due")) == {
        "layout_plan": D(2025, 10, 9),
        "health_certificates": D(2025, 11, 3),
    }
    # the last day is in time; the day after it is overdue — the sweep flags it, and orders nothing
    assert _sweep(D(2025, 10, 9)) == {}
    assert _sweep(D(2025, 10, 10)) == {"materials_overdue": 1}
    app.refresh_from_db()
    assert app.attention == "materials_overdue" and app.status == "licensed"
    assert app.materials.get(code="layout_plan").overdue
    assert not RectificationOrder.objects.exists() and not CreditRecord.objects.exists()
    # the clerk orders rectification on Fri 10-10: 15 working days → 10-30 (10-11 Sat is a working day)
    order = supervision.order(
        app, actor=clerk, grounds="materials", matters="补交经营场所平面布局图", on=D(2025, 10, 10)
    )
    app.refresh_from_db()
    assert app.status == "rectifying" and order.due == D(2025, 10, 30) == app.rectification_due
    assert order.document.number == "鄂审批责改〔2025〕1号" and "2025年10月30日" in order.document.html
    assert Period.objects.get(field="rectification_due").party == "applicant"
    # late material → a credit record is proposed (confirmed by the credit office, four eyes)
    rec = CreditRecord.objects.get(application=app)
    assert (rec.kind, rec.status) == ("materials_late", "proposed")
    # revocation before the period runs out is refused; after it, it may be proposed — never automatic
    with pytest.raises(ProcedureError, match="撤销须以逾期不整改"):
        supervision.propose_revocation(app, actor=clerk, grounds="逾期不整改", on=D(2025, 10, 30))
    assert _sweep(D(2025, 10, 31)) == {"rectification_overdue": 1}
    app.refresh_from_db()
    assert app.status == "rectifying"  # the sweep did not revoke
    supervision.propose_revocation(app, actor=clerk, grounds="逾期不整改", on=D(2025, 10, 31))
    app.refresh_from_db()
    assert app.status == "revocation_proposed" and app.revocation_proposed_by == clerk
    assert Document.objects.filter(kind="licensing.hearing_notice.administrative_approval").count() == 1
    with pytest.raises(ProcedureError):  # the clerk decides only after the applicant is heard
        supervision.decide_revocation(app, actor=head, revoke=True, on=D(2025, 11, 3))
    supervision.state_statement(app, actor=ent, statement="已补交", on=D(2025, 11, 3))
    supervision.hear(app, actor=clerk, note="申请人称已补交，经查未收到", on=D(2025, 11, 4))
    with pytest.raises(ProcedureError, match="双人复核"):
        supervision.decide_revocation(app, actor=clerk, revoke=True, on=D(2025, 11, 5))
    supervision.decide_revocation(app, actor=head, revoke=True, on=D(2025, 11, 5))
    app.refresh_from_db()
    assert app.status == "revoked" and app.licence.revoked_on == D(2025, 11, 5)
    assert casefile.state_of(app, D(2025, 11, 4)).operation.permitted
    assert not casefile.state_of(app, D(2025, 11, 5)).operation.permitted
    assert engine.case_of(app).closed_on == D(2025, 11, 5)
    assert not Period.objects.filter(case=engine.case_of(app), closed_on__isnull=True).exists()


def test_spring_festival_later_qualification_and_rectified(configured: dict[str, Any]) -> None:
    users = configured
    clerk = users["shenpi_clerk"]
    app = licensed_food(users, D(2026, 2, 12), qualification="later")
    # notified Thu 02-12: commitment within 5 working days → 02-13, 02-14 (make-up Sat), 02-24, 25, 26
    assert app.commitment_due == D(2026, 2, 26)
    # qualification within 30 days of delivery (02-12): 03-14 is a Saturday → Monday 03-16
    assert app.qualify_due == D(2026, 3, 16)
    # 平面布局图 within 10 days → 02-22, in the festival → the next working day 02-24
    assert app.materials.get(code="layout_plan").due == D(2026, 2, 24)
    # 20 working days → 02-13, 14, 24 … 28 (Sat worked), 03-02 … 13, 16, 17, 18 → 03-18
    assert app.verification_due == D(2026, 3, 18)
    # an inspection finds the holder operating without the committed conditions: order on Fri 02-13,
    # 15 working days → 02-14, 24, 25, 26, 27, 28, 03-02 … 06, 09 … 12 → 03-12
    supervision.order(
        app, actor=clerk, grounds="conditions", matters="在达到承诺条件前停止经营", on=D(2026, 2, 13)
    )
    app.refresh_from_db()
    assert app.rectification_due == D(2026, 3, 12)
    assert CreditRecord.objects.get(application=app).kind == "commitment_broken"
    case = engine.case_of(app)
    bar = progress(case)
    assert [(s.label, s.status) for s in bar.steps] == [
        ("已告知", "done"),
        ("已受理", "done"),
        ("已许可", "done"),
        ("限期整改中", "current"),
        ("承诺已履行", "next"),
    ]
    supervision.rectification_result(app, actor=clerk, conforming=True, note="已停止经营", on=D(2026, 3, 10))
    app.refresh_from_db()
    assert app.status == "licensed" and Period.objects.get(field="rectification_due").closed_on == D(
        2026, 3, 10
    )
    assert casefile.state_of(app, D(2026, 3, 10)).status == "licensed"


def test_rectification_period_not_configured_refuses_the_order(configured: dict[str, Any]) -> None:
    app = licensed_food(configured, D(2026, 6, 15))
    PeriodSetting.objects.filter(item_code=FOOD, kind="rectification").delete()
    with pytest.raises(ProcedureError) as refused:
        supervision.order(
            app, actor=configured["shenpi_clerk"], grounds="conditions", matters="停止经营", on=D(2026, 6, 16)
        )
    assert "未配置“限期整改的期限”" in refused.value.message
    app.refresh_from_db()
    assert (
        app.status == "licensed"
        and not RectificationOrder.objects.exists()
        and not Document.objects.filter(kind__contains="order").exists()
    )


def test_grounds_are_checked(configured: dict[str, Any]) -> None:
    app = licensed_food(configured, D(2026, 6, 15))
    clerk = configured["shenpi_clerk"]
    with pytest.raises(ProcedureError, match="没有逾期未提交或不符合要求的材料"):
        supervision.order(app, actor=clerk, grounds="materials", matters="x", on=D(2026, 6, 16))
    with pytest.raises(ProcedureError, match="核查未发现承诺不实"):
        supervision.order(app, actor=clerk, grounds="commitment_untrue", matters="x", on=D(2026, 6, 16))
    with pytest.raises(ProcedureError, match="整改事项：不能为空"):
        supervision.order(app, actor=clerk, grounds="conditions", matters="", on=D(2026, 6, 16))
    with pytest.raises(ProcedureError, match="撤销须以"):
        supervision.propose_revocation(app, actor=clerk, grounds="随意", on=D(2026, 6, 16))


def test_untrue_commitment_then_completed_then_reopened(configured: dict[str, Any]) -> None:
    users = configured
    clerk, ent = users["shenpi_clerk"], users["enterprise"]
    app = licensed_food(users, D(2026, 6, 15))
    for code in ("layout_plan", "health_certificates"):
        supervision.submit_material(
            app, actor=ent, code=code, upload=(f"{code}.pdf", b"%PDF-1.4 x"), on=D(2026, 6, 16)
        )
        supervision.review_material(app, actor=clerk, code=code, conforming=True, on=D(2026, 6, 17))
    supervision.verify(app, actor=clerk, result="true", note="属实", on=D(2026, 6, 18))
    supervision.complete(app, actor=clerk, on=D(2026, 6, 18))
    app.refresh_from_db()
    case = engine.case_of(app)
    assert app.status == "completed" and case.closed_on == D(2026, 6, 18)
    # a later inspection: the case reopens
    supervision.order(app, actor=clerk, grounds="conditions", matters="增设贮存设施", on=D(2026, 7, 1))
    case.refresh_from_db()
    assert case.closed_on is None and case.state == "rectifying"
    # untrue found later on another licence: proposed record and revocation grounds
    other = licensed_food(users, D(2026, 6, 15))
    supervision.verify(other, actor=clerk, result="untrue", note="面积不足", on=D(2026, 6, 20))
    assert CreditRecord.objects.get(application=other).kind == "commitment_untrue"
    supervision.propose_revocation(other, actor=clerk, grounds="承诺不实", on=D(2026, 6, 21))
    assert Application.objects.get(pk=other.pk).status == "revocation_proposed"


def test_sweep_marks_each_kind_of_overdue(configured: dict[str, Any]) -> None:
    users = configured
    notified = file_food(users, D(2026, 6, 15))  # commitment due 06-23
    held = licensed_food(users, D(2026, 6, 15))  # layout plan due 06-25, verification 07-14
    counts = _sweep(D(2026, 6, 24))
    assert counts == {"commitment_overdue": 1}
    counts = _sweep(D(2026, 7, 15))
    assert counts == {"materials_overdue": 1, "verification_overdue": 1, "commitment_overdue": 1}
    held.refresh_from_db()
    notified.refresh_from_db()
    assert held.attention == "materials_overdue" and held.attention_since == D(2026, 7, 15)
    assert notified.attention == "commitment_overdue" and notified.attention_since == D(2026, 6, 24)
