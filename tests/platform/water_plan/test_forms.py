"""Clerks' HTML decision forms on the unit page: POST with CSRF, Chinese errors naming field and rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import (
    AdjustmentRequest,
    Appeal,
    CollectionReminder,
    SupplementRequest,
    SurchargeNotice,
    YearlyPlan,
)

from .conftest import open_notice

pytestmark = pytest.mark.django_db


def _plan(unit, clerk):
    today = clock.today()
    services.issue_plans(today.year, actor=clerk, issued_on=today)
    return YearlyPlan.objects.get(unit=unit)


def _msgs(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _labelled(response, label: str, field: str) -> bool:
    """Issue 8 §4: the error names the field by its Chinese label, once, and never by its machine name (the
    old "核准水量（approved_volume）" was wrong)."""
    text = [str(m) for m in response.context["messages"]][-1]
    return text.startswith(f"{label}：") and text.count(f"{label}：") == 1 and field not in text


def _adjustment(plan, clerk):
    return services.file_adjustment(
        plan,
        clock.today(),
        10000,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )


def test_adjustment_form_verify_approve_and_errors(login_client, unit, clerk):
    plan = _plan(unit, clerk)
    req = _adjustment(plan, clerk)
    k = login_client("shuiwu_clerk")
    page = k.get(f"/water-plan/units/{unit.pk}/").content.decode()
    assert f"/water-plan/adjustments/{req.pk}/decide/" in page and "csrfmiddlewaretoken" in page
    url = f"/water-plan/adjustments/{req.pk}/decide/"
    r = k.post(url, {"action": "verify"}, follow=True)
    assert "调整申请#" in _msgs(r) and AdjustmentRequest.objects.get().status == "verified"
    # four eyes (issue 9): the approval is the head's, the clerk received the request
    k = login_client("shuiwu_head")
    r = k.post(url, {"action": "approve", "approved_volume": "150"}, follow=True)
    # 150 m³ > requested 100 m³: refused, the field and the article named
    assert _labelled(r, "核准水量", "approved_volume") and "第十条" in _msgs(r)
    assert AdjustmentRequest.objects.get().status == "verified"
    r = k.post(url, {"action": "approve", "approved_volume": "abc"}, follow=True)
    assert _labelled(r, "核准水量", "approved_volume")
    k.post(url, {"action": "approve", "approved_volume": "80.5"})
    assert AdjustmentRequest.objects.get().approved_m3x100 == 8050
    assert YearlyPlan.objects.get().effective_m3x100 == plan.volume_m3x100 + 8050
    assert AuditRecord.objects.filter(action="water_plan.adjustment.approve").count() == 1


def test_adjustment_refusal_form_needs_case_and_reason(login_client, unit, clerk):
    req = _adjustment(_plan(unit, clerk), clerk)
    k = login_client("shuiwu_clerk")
    url = f"/water-plan/adjustments/{req.pk}/decide/"
    r = k.post(url, {"action": "refuse", "reason": "未测试"}, follow=True)
    assert _labelled(r, "不予调整/增补情形", "case") and "第十三条" in _msgs(r)
    k.post(url, {"action": "refuse", "refusal_case": "5", "reason": "未开展水平衡测试"})
    assert AdjustmentRequest.objects.get().refusal_case == 5


def test_forms_need_clerk_role_and_csrf(login_client, unit, clerk, demo_users):
    req = _adjustment(_plan(unit, clerk), clerk)
    url = f"/water-plan/adjustments/{req.pk}/decide/"
    for name in ("auditor", "enterprise", "yibao_clerk"):
        assert login_client(name).post(url, {"action": "verify"}).status_code == 403
    k = login_client("shuiwu_clerk")
    assert k.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo_users["shuiwu_clerk"], backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(url, {"action": "verify"}).status_code == 403
    assert AdjustmentRequest.objects.get().status == "received"
    # the auditor sees the page but no forms
    page = login_client("auditor").get(f"/water-plan/units/{unit.pk}/").content.decode()
    assert "/decide/" not in page


def test_supplement_form(login_client, unit, clerk):
    plan = _plan(unit, clerk)
    today = clock.today()
    req = services.file_supplement(
        plan,
        "fire",
        today,
        today,
        {"volume": "35.5", "source": "fire_meter"},
        paper_materials=True,
        actor=clerk,
    )
    k = login_client("shuiwu_head")
    url = f"/water-plan/supplements/{req.pk}/decide/"
    r = k.post(url, {"action": "nothing"}, follow=True)
    assert _labelled(r, "办理事项", "action")
    k.post(url, {"action": "approve"})
    assert SupplementRequest.objects.get().approved_m3x100 == 3550


def _notice(unit, plan):
    return open_notice(
        unit=unit,
        year=plan.year,
        number="测试〔2026〕00001号",
        actual_m3x100=plan.volume_m3x100 + 1000,
        plan_m3x100=plan.volume_m3x100,
        excess_m3x100=1000,
        bands={"bounds": ["1/10"], "multipliers": ["1", "2"], "price": 300, "amounts": [3000, 0]},
        amount_fen=3000,
        issued_on=dt.date(2026, 5, 18),
    )


def test_notice_forms_deliver_remind_pay(login_client, unit, clerk):
    n = _notice(unit, _plan(unit, clerk))
    k = login_client("shuiwu_clerk")
    url = f"/water-plan/notices/{n.pk}/action/"
    r = k.post(url, {"action": "deliver", "on": "2024-9-27x"}, follow=True)
    assert _labelled(r, "日期", "on")
    # a date after today is refused: delivery is a past event (issue 8 §4)
    r = k.post(url, {"action": "deliver", "on": "2099-01-01"}, follow=True)
    assert _labelled(r, "送达日期", "on") and "晚于今天" in _msgs(r)
    k.post(url, {"action": "deliver", "on": "2026-05-20"})
    n.refresh_from_db()
    # Wed 2026-05-20 + 10 working days: 05-21, 22, 25, 26, 27, 28, 29, 06-01, 02, 03
    assert n.payment_due == dt.date(2026, 6, 3)
    far = (clock.today() + dt.timedelta(days=30)).isoformat()
    r = k.post(url, {"action": "remind"}, follow=True)
    assert _labelled(r, "催告缴费期限", "pay_by")
    k.post(url, {"action": "remind", "pay_by": far})
    assert CollectionReminder.objects.get().sequence == 1
    k.post(url, {"action": "pay", "on": clock.today().isoformat()})
    assert SurchargeNotice.objects.get().state == "paid"
    r = k.post(url, {"action": "pay"}, follow=True)
    assert _labelled(r, "通知单", "notice")


def test_appeal_form_upheld_issues_new_version(login_client, unit, clerk):
    plan = _plan(unit, clerk)
    n = services.deliver_notice(_notice(unit, plan), clock.today(), actor=clerk)
    appeal = services.file_appeal(n, clock.today(), "读数有误", actor=clerk)
    # the unit page links to the appeal's page, which holds the form (with the article) for the head
    k = login_client("shuiwu_head")
    assert f"/water-plan/appeals/{appeal.pk}/" in k.get(f"/water-plan/units/{unit.pk}/").content.decode()
    page = k.get(f"/water-plan/appeals/{appeal.pk}/").content.decode()
    assert f"/water-plan/appeals/{appeal.pk}/decide/" in page and "鄂州政办发〔2022〕15号 第十五条" in page
    url = f"/water-plan/appeals/{appeal.pk}/decide/"
    r = k.post(url, {"upheld": "yes", "decision": "核实"}, follow=True)
    assert _labelled(r, "核实后的实际用水量", "corrected_actual")
    corrected = (plan.volume_m3x100 + 500) / 100
    k.post(url, {"upheld": "yes", "decision": "核实读数", "corrected_actual": f"{corrected:.2f}"})
    assert Appeal.objects.get().state == "upheld"
    old, new = SurchargeNotice.objects.order_by("version")
    # excess 5.00 m³, within the first band (×1): 5 × 1 × 3.00 = 15.00 yuan
    assert old.state == "superseded" and new.amount_fen == 1500


def test_board_links_to_the_case_page_with_the_forms(login_client, unit, clerk):
    # Issue 9: the board lists the department's periods (the procedure layer); each links to the case's page,
    # where the forms of its open steps are
    req = _adjustment(_plan(unit, clerk), clerk)
    board = login_client("shuiwu_clerk").get("/water-plan/board/").content.decode()
    assert f'href="/water-plan/adjustments/{req.pk}/"' in board and "核实期限" in board
    page = login_client("shuiwu_clerk").get(f"/water-plan/adjustments/{req.pk}/").content.decode()
    assert (
        f"/water-plan/adjustments/{req.pk}/decide/" in page and "鄂州政办发〔2022〕15号 第十条第一款" in page
    )
