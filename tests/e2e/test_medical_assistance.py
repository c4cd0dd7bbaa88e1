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
