"""The public calculator and a clerk's settlement list, in a real Chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_estimates_aid_with_the_articles(live_server: Any, page: Any) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    page.goto(f"{live_server.url}/medical-assistance/calculator/")
    page.select_option("#person_class", "3")
    page.fill("#date_0", "2024-02-01")
    page.fill("#self_pay_0", "2000")
    page.fill("#date_1", "2024-03-01")
    page.select_option("#place_1", "temporary")
    page.fill("#self_pay_1", "5000")
    page.click("button[type=submit]")
    # 2000 consumes the deductible (1000 left); (5000 − 1000) × 65% × 50% = 1300.00
    assert page.inner_text("#total") == "1,300.00元"
    body = page.inner_text("main")
    assert "32.5%" in body and "第十三条第二款" in body
    page.click("text=鄂州政办发〔2022〕34号 第十三条第二款")
    page.wait_for_url("**#art13-para2")


def test_clerk_sees_masked_settlements(
    live_server: Any, page: Any, demo_users: Any, demo_password: str
) -> None:
    from ezhou_platform.medical_assistance.demo import load_demo
    from ezhou_platform.medical_assistance.models import Person

    load_demo()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "yibao_clerk")
    page.fill("#id_password", demo_password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/medical-assistance/settlements/")
    body = page.inner_text("main")
    person = Person.objects.get(name="周桂英")
    assert "DEMO-" in body and person.resident_id not in body and person.masked_id in body
    page.select_option("select[name=person_class]", "1")
    page.click("text=查询")
    rows = page.locator("tbody tr").count()
    assert rows == 2 and json.dumps(page.inner_text("tbody"), ensure_ascii=False).count("一类") == 2
    # a search by the whole ID number posts it: the address (and the access log) carries a token, never the
    # number (issue 14 failure 8, SECURITY.md C05)
    page.select_option("select[name=person_class]", "")
    page.fill("input[name=q]", person.resident_id)
    page.click("text=查询")
    page.wait_for_url("**lookup=**")
    assert person.resident_id not in page.url
    assert "DEMO-" in page.inner_text("tbody") and person.masked_id in page.inner_text("tbody")


def _no_sideways_scroll(page: Any, what: str) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner == 390, f"{what}: the page is {width}px wide in a {inner}px window"


def test_public_pages_work_on_a_390px_phone(live_server: Any, browser: Any) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        for url in (
            "/medical-assistance/",
            "/medical-assistance/calculator/",
            "/medical-assistance/premium-subsidy/",
        ):
            page.goto(f"{live_server.url}{url}")
            _no_sideways_scroll(page, url)
        # the calculator, filled and computed on the phone: the rows are cards, each field labelled
        page.goto(f"{live_server.url}/medical-assistance/calculator/")
        page.select_option("#person_class", "2")
        page.fill("#date_0", "2024-02-01")
        page.fill("#self_pay_0", "1000")
        page.click("button[type=submit]")
        assert page.inner_text("#total") == "700.00元"  # 1000 × 70%
        assert page.input_value("#self_pay_0") == "1000"  # what was entered stays
        _no_sideways_scroll(page, "calculator result")
        # refused: the message names the row and the field, what was typed stays
        page.fill("#self_pay_1", "abc")
        page.fill("#date_1", "2024-03-01")
        page.click("button[type=submit]")
        assert "第2行“政策范围内个人自付”" in page.inner_text(".errors")
        assert page.input_value("#self_pay_1") == "abc" and page.input_value("#self_pay_0") == "1000"
        _no_sideways_scroll(page, "calculator refusal")
    finally:
        context.close()


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_clerk_enters_a_claim_prints_the_slip_and_a_head_reverses_it(
    live_server: Any, page: Any, demo_users: Any, demo_password: str
) -> None:
    """医保 clerks' steps on the web (issue 9): enter a claim, see its 计算说明 article by article, print the
    numbered 医疗救助结算单 (PDF), and — another person, four eyes — reverse it with a reason."""
    import datetime as dt

    from django.core.management import call_command

    from ezhou_platform.common.models import Department, Jurisdiction
    from ezhou_platform.medical_assistance import services
    from ezhou_platform.medical_assistance.demo import demo_resident_id
    from ezhou_platform.medical_assistance.models import Claim

    call_command("load_gazette", verbosity=0)
    person = services.register_person(
        resident_id=demo_resident_id("42070419800101771"),
        name="测试人员",
        jurisdiction=Jurisdiction.objects.get(code="echeng"),
        acting_user=demo_users["yibao_clerk"],
    )
    services.record_identity(
        person,
        kind="minimum_living",  # 低保: class 2, no deductible, 70% (第十一条)
        source_department=Department.objects.get(code="civil_affairs"),
        valid_from=dt.date(2024, 1, 1),
        evidence="测试认定书",
        acting_user=demo_users["minzheng_clerk"],
    )
    url = live_server.url
    page.set_default_timeout(60000)  # the machine is shared: a slow first page is not a failure
    _login(page, url, "yibao_clerk", demo_password)
    page.goto(f"{url}/medical-assistance/claims/new/")
    # refused first: the field named by its Chinese label, what was typed kept
    page.fill("#id_claim_id", "E2E-1")
    page.fill("#id_resident_id", person.resident_id)
    page.fill("#id_settle_date", "2024-03-01")
    page.fill("#id_hospital_name", "鄂州市中心医院")
    page.select_option("#id_hospital_level", "3")
    page.select_option("#id_place", "city")
    page.fill("#id_total_cost", "2,000.00")
    page.fill("#id_out_of_policy_cost", "0")
    page.fill("#id_policy_self_pay", "abc")
    page.click("form.form button[type=submit]")
    assert "政策范围内个人自付（元）" in page.inner_text(".errors")
    assert page.input_value("#id_claim_id") == "E2E-1"
    page.fill("#id_policy_self_pay", "1,000.00")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/medical-assistance/claims/*/")
    assert page.inner_text("#claim-status") == "已结算"
    assert "700.00" in page.inner_text("#claim-total")  # 1,000.00 × 70%
    body = page.inner_text("main")
    assert "记账与计算说明" in body and "第十一条" in body
    # the clerk who received it may not reverse it (four eyes, M25): refused, nothing changed
    page.fill("#reason", "录入有误")
    page.click("#reverse-form button[type=submit]")
    page.wait_for_selector("text=须由受理人以外的另一名工作人员办理（双人复核）")
    assert page.inner_text("#claim-status") == "已结算"
    with page.expect_response(lambda r: r.url.endswith("/pdf/") or "pdf" in r.url) as answer:
        page.click("text=打印医疗救助结算单（PDF）")
    assert answer.value.headers["content-type"] == "application/pdf"
    claim = Claim.objects.get(claim_id="E2E-1")
    assert claim.slip is not None and claim.slip.number.startswith("鄂医保救结〔")
    # 医保局's head reverses it, with a reason
    _login(page, url, "yibao_head", demo_password)
    page.goto(f"{url}/medical-assistance/claims/{claim.pk}/")
    page.click("#reverse-form button[type=submit]")  # no reason: the browser's required field stops it
    assert page.inner_text("#claim-status") == "已结算"
    page.fill("#reason", "医疗机构撤回结算单")
    page.click("#reverse-form button[type=submit]")
    page.wait_for_selector("text=已冲销结算单E2E-1")
    assert page.inner_text("#claim-status") == "已冲销"
    assert "医疗机构撤回结算单" in page.inner_text("main")
