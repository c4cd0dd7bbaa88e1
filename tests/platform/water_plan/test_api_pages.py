"""The calculators, the unit-facing API, the clerk pages and the notice PDF."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_platform.common import clock
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import AdjustmentRequest, Appeal, YearlyPlan

from .conftest import make_unit, open_notice

pytestmark = pytest.mark.django_db
API = "/api/v1/water-plan"


def test_plan_calculator_statistic(client, reference_data):
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "statistic",
            "history": ["1200", "1500", "1800"],
            "normal_use_started": "2019-01-01",
            "events": [
                {"kind": "balance_test_rectified", "on": "2023-06-01"},
                {"kind": "statistics_late", "on": "2023-03-01"},
            ],
            "adjustment": "-10.5",
        },
        content_type="application/json",
    )
    body = r.json()
    # 1680 × (1 + 0.1 − 0.05) = 1764.00; − 10.50 = 1753.50
    assert r.status_code == 200 and body["plan_volume"] == "1753.50" and body["coefficient"] == "+0.05"
    assert {s["anchor"] for s in body["trace"]} >= {
        "annex1-sec3-item2",
        "annex1-sec3-item7",
        "annex1-sec2-item2-sub1",
    }


def test_plan_calculator_quota_refuses_without_entry(client, reference_data):
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "quota",
            "quantity": "100",
            "indicator": "机关办公人员",
            "quota_unit": "m³/(人·a)",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "quota_missing" and r.json()["field"] == "quota"
    r = client.post(
        f"{API}/plan/calculate",
        {"plan_year": 2024, "method": "quota", "quantity": "100", "quota": "12"},
        content_type="application/json",
    )
    assert r.json()["plan_volume"] == "1200.00"


def test_supplement_calculator(client, reference_data):
    r = client.post(
        f"{API}/supplements/calculate",
        {
            "type": "drill_cleaning",
            "event_on": "2024-05-01",
            "inputs": {"kind": "drill", "metered": False, "per_event_volume": "130", "events": 2},
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["volume"] == "260.00"
    assert r.json()["trace"][0]["anchor"] == "annex2-item7"
    # each type has its own inputs (a discriminated union): a leak without its dates is refused by the schema,
    # naming the field in Chinese
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "leak", "event_on": "2024-05-01", "inputs": {}},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["message"].startswith("计算依据·漏水开始日期：必须填写")
    r = client.post(
        f"{API}/supplements/calculate",
        {
            "type": "leak",
            "event_on": "2024-05-01",
            "inputs": {"leak_start": "2024-05-01", "leak_end": "2024-05-02", "repair_started": "2024-05-01"},
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "leak_no_daily_readings"


def test_surcharge_calculator_with_and_without_tiers(client, reference_data):
    payload = {"year": 2024, "issued_plan": "1000", "supplier_volume": "1400", "construction_volume": "50"}
    r = client.post(f"{API}/surcharge/calculate", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "parameter_not_set"
    payload["tiers"] = {
        "band_upper_bounds": ["10%", "30%"],
        "multipliers": ["0.5", "1", "2"],
        "base_price_fen": 300,
    }
    r = client.post(f"{API}/surcharge/calculate", payload, content_type="application/json")
    # actual 1350, excess 350: 100 × 0.5 × 3 = 150 ; 200 × 1 × 3 = 600 ; 50 × 2 × 3 = 300 → 1050.00
    assert r.json()["band_amounts_fen"] == [15000, 60000, 30000] and r.json()["amount_fen"] == 105000


def _plan_today(unit, clerk):
    services.issue_plans(clock.today().year, actor=clerk, issued_on=clock.today())
    return YearlyPlan.objects.get(unit=unit)


def test_enterprise_sees_only_its_units(login_client, unit, other_unit, clerk):
    _plan_today(unit, clerk)
    other_plan = YearlyPlan.objects.filter(unit=other_unit).first()
    c = login_client("enterprise")
    assert [u["name"] for u in c.get(f"{API}/units").json()] == ["鄂州示范制造有限公司"]
    plans = c.get(f"{API}/plans").json()
    assert {p["unit"] for p in plans} == {"鄂州示范制造有限公司"}
    if other_plan:
        assert c.get(f"{API}/plans/{other_plan.pk}").status_code == 404


def test_enterprise_files_adjustment_and_clerk_decides(login_client, unit, clerk):
    plan = _plan_today(unit, clerk)
    c = login_client("enterprise")
    r = c.post(
        f"{API}/plans/{plan.pk}/adjustments",
        {"requested_volume": "100", "reason": "扩产"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "adjustment_materials"
    r = c.post(
        f"{API}/plans/{plan.pk}/adjustments",
        {
            "requested_volume": "100",
            "reason": "扩产",
            "has_form": True,
            "has_change_evidence": True,
            "has_balance_test": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    req_id = r.json()["id"]
    assert (
        c.post(
            f"{API}/adjustments/{req_id}/decision", {"action": "verify"}, content_type="application/json"
        ).status_code
        == 403
    )
    k = login_client("shuiwu_clerk")
    assert (
        k.post(
            f"{API}/adjustments/{req_id}/decision", {"action": "verify"}, content_type="application/json"
        ).status_code
        == 200
    )
    r = k.post(
        f"{API}/adjustments/{req_id}/decision",
        {"action": "refuse", "refusal_case": 5, "reason": "未开展水平衡测试"},
        content_type="application/json",
    )
    assert r.status_code == 200 and AdjustmentRequest.objects.get().refusal_case == 5


def test_enterprise_acknowledges_and_appeals(login_client, unit, clerk, tiers):
    year = clock.today().year
    plan = _plan_today(unit, clerk)
    n = open_notice(
        unit=unit,
        year=year,
        number="测试〔2024〕00001号",
        actual_m3x100=200000,
        plan_m3x100=plan.volume_m3x100,
        excess_m3x100=200000 - plan.volume_m3x100,
        bands={
            "bounds": ["1/10", "3/10"],
            "multipliers": ["1/2", "1", "2"],
            "price": 300,
            "amounts": [0, 0, 0],
        },
        amount_fen=0,
        issued_on=clock.today(),
    )
    c = login_client("enterprise")
    assert (
        c.post(f"{API}/notices/{n.pk}/appeals", {"reason": "x"}, content_type="application/json").json()[
            "code"
        ]
        == "notice_not_received"
    )
    assert c.post(f"{API}/notices/{n.pk}/acknowledge").status_code == 200
    r = c.post(
        f"{API}/notices/{n.pk}/appeals",
        {"reason": "读数有误", "claimed_actual_volume": "1900"},
        content_type="application/json",
    )
    assert r.status_code == 201 and Appeal.objects.get().claimed_actual_m3x100 == 190000
    page = c.get(f"/water-plan/notices/{n.pk}/")
    assert page.status_code == 200 and "超计划、超定额用水加价收费通知单" in page.content.decode()
    pdf = c.get(f"/water-plan/notices/{n.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    other = make_unit("别家", "91420700MA4QTHER1")
    n2 = open_notice(
        unit=other,
        year=year,
        number="测试〔2024〕00002号",
        actual_m3x100=1,
        plan_m3x100=0,
        excess_m3x100=1,
        bands=n.bands,
        amount_fen=0,
        issued_on=clock.today(),
    )
    assert c.get(f"/water-plan/notices/{n2.pk}/").status_code == 404
    assert c.get(f"/water-plan/notices/{n2.pk}/pdf/").status_code == 404


def test_clerk_imports_readings_through_api(login_client, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    k = login_client("shuiwu_clerk")
    f = SimpleUploadedFile(
        "r.csv", b"account,kind,period,volume\nEZ-0001,monthly,2024-07,10\nX,monthly,2024-07,1\n"
    )
    body = k.post(f"{API}/readings/import", {"file": f}).json()
    assert (body["accepted"], body["rejected"]) == (1, 1) and body["rejects"][0]["reason"] == "户号不存在"


def test_clerk_pages(login_client, unit, other_unit, clerk):
    _plan_today(unit, clerk)
    k = login_client("shuiwu_clerk")
    page = k.get("/water-plan/units/?q=示范").content.decode()
    assert "鄂州示范制造有限公司" in page and "另一家公司" not in page
    for i in range(30):
        make_unit(f"单位{i:02d}", f"91420700{i:02d}MA4XYWK")
    page2 = k.get("/water-plan/units/?page=2").content.decode()
    assert "第2/2页" in page2
    assert k.get(f"/water-plan/units/{unit.pk}/").status_code == 200
    assert "办理期限看板" in k.get("/water-plan/board/").content.decode()
    x = k.get(f"/water-plan/export/plans/{clock.today().year}.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert login_client("yibao_clerk").get("/water-plan/board/").status_code == 403


def test_enterprise_page_shows_plan_with_explanation(login_client, unit, clerk):
    _plan_today(unit, clerk)
    page = login_client("enterprise").get("/water-plan/my/").content.decode()
    assert "鄂州政办发〔2022〕15号 附件1 二（二）" in page and "无反馈的视作默认" in page


def test_demo_loader_is_idempotent(demo_users, settings, tmp_path):
    from ezhou_platform.water_plan.demo import demo_summary, load_demo

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path)  # the demo's uploaded proof

    load_demo()
    counts = demo_summary()
    load_demo()
    assert demo_summary() == counts
    # today 2026-06-15: plans of 2024, 2025 and 2026 for the four units; notices of 2024 and 2025 (and one
    # upheld appeal's second version)
    assert counts["plans"] == 12 and counts["notices"] == 9 and counts["appeals"] == 2


def test_clerk_collection_endpoints(login_client, unit, clerk, tiers):
    year = clock.today().year
    plan = _plan_today(unit, clerk)
    n = open_notice(
        unit=unit,
        year=year,
        number="测试〔2024〕00009号",
        actual_m3x100=200000,
        plan_m3x100=plan.volume_m3x100,
        excess_m3x100=1000,
        bands={"bounds": ["1/10"], "multipliers": ["1", "2"], "price": 300, "amounts": [3000, 0]},
        amount_fen=3000,
        issued_on=dt.date(2026, 5, 18),
    )
    k = login_client("shuiwu_clerk")
    # a delivery before the notice was issued, or after today, is refused (issue 8 §4)
    r = k.post(f"{API}/notices/{n.pk}/delivery", {"on": "2026-05-17"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["message"].startswith(
        "送达日期：2026年5月17日早于通知单开具日期"
    )
    r = k.post(f"{API}/notices/{n.pk}/delivery", {"on": "2099-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "date_in_future"
    # delivered Wed 2026-05-20: 10 working days 05-21, 22, 25, 26, 27, 28, 29, 06-01, 02, 03 → 2026-06-03
    r = k.post(f"{API}/notices/{n.pk}/delivery", {"on": "2026-05-20"}, content_type="application/json")
    assert r.json()["payment_due"] == "2026-06-03"
    # the payment due date has passed (today 2026-06-15): a first reminder may be issued
    far = (clock.today() + dt.timedelta(days=30)).isoformat()
    r = k.post(f"{API}/notices/{n.pk}/reminders", {"pay_by": far}, content_type="application/json")
    assert r.status_code == 201 and r.json()["sequence"] == 1
    r = k.post(f"{API}/notices/{n.pk}/credit-listing")
    assert r.status_code == 422 and r.json()["code"] == "credit_not_due"
    r = k.post(f"{API}/notices/{n.pk}/payment", {}, content_type="application/json")
    assert r.json()["state"] == "已缴费"


def test_clerk_records_events_and_sets_plans(login_client, unit, clerk):
    k = login_client("shuiwu_clerk")
    r = k.post(
        f"{API}/units/{unit.pk}/coefficient-events",
        {"kind": "balance_test_rectified", "on": "2023-06-01", "evidence": "测试报告"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["counts_for"] == [2024, 2025, 2026]
    young = make_unit("新单位", "91420700MA4NEWUN1", started=None)
    year = clock.today().year
    r = k.post(
        f"{API}/units/{young.pk}/plans",
        {"year": year, "volume": "500", "basis": "design", "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "reason"
    # a plan for a year already over cannot be issued today (issue 8 §4)
    r = k.post(
        f"{API}/units/{young.pk}/plans",
        {"year": 2024, "volume": "500", "basis": "design", "reason": "按设计用水量核定"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "issued_on"
    r = k.post(
        f"{API}/units/{young.pk}/plans",
        {"year": year, "volume": "500", "basis": "design", "reason": "按设计用水量核定"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["issued_volume"] == "500.00"
    e = login_client("enterprise")
    assert (
        e.post(
            f"{API}/units/{young.pk}/plan-requests",
            {"plan_year": 2030, "requested_volume": "1"},
            content_type="application/json",
        ).status_code
        == 404
    )
    r = e.post(
        f"{API}/units/{unit.pk}/plan-requests",
        {"plan_year": clock.today().year + 1, "requested_volume": "2000"},
        content_type="application/json",
    )
    assert r.status_code == 201


def test_admin_actions_call_the_services(login_client, unit, clerk):
    plan = _plan_today(unit, clerk)
    req = services.file_adjustment(
        plan,
        clock.today(),
        1000,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )
    k = login_client("shuiwu_clerk")
    url = "/admin/water_plan/adjustmentrequest/"
    assert k.get(url).status_code == 200
    k.post(url, {"action": "verify", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.status == "verified"
    second = services.file_adjustment(
        plan,
        clock.today(),
        500,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )
    a = login_client("auditor")
    assert a.get(url).status_code == 200
    a.post(url, {"action": "verify", "_selected_action": [second.pk]})  # read-only: the action is not offered
    second.refresh_from_db()
    assert second.status == "received"
    assert login_client("admin").get(url).status_code == 403


def test_shortage_cut_endpoint(login_client, unit, clerk):
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 20))
    k = login_client("shuiwu_clerk")
    r = k.post(
        f"{API}/shortage-cuts",
        {"year": 2024, "percent": "10", "start": "2024-07-01", "end": "2024-07-31", "reason": "干旱"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["plans"] == 1
    # 1680.00 × 10% × 31 ÷ 366 = 14.23 m³
    assert YearlyPlan.objects.get(unit=unit).effective_m3x100 == 168000 - 1423
    r = k.post(
        f"{API}/shortage-cuts",
        {"year": 2024, "percent": "0", "start": "2024-07-01", "end": "2024-07-31", "reason": "干旱"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "percent"
