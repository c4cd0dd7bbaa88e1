"""惠企政策兑现 in a real Chromium at a phone's width (390×844): a member of the public runs the car trade-in
self-check and is told why not, with the measure; 李四 sees his applications; the 发改委 sees the progress charts.
The demo is dated from the clock's today."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Any, what: str) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner == 390, f"{what}: the page is {width}px wide in a {inner}px window"


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def test_self_check_applicant_and_progress_on_a_phone(
    live_server: Any, browser: Any, demo_users: Any, demo_password: str
) -> None:
    from django.core.management import call_command

    from ezhou_platform.subsidies.demo import LISI, _vin, load_demo

    call_command("load_gazette", verbosity=0)
    load_demo()
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        url = live_server.url
        page.goto(f"{url}/subsidies/")
        assert "第十二条" in page.inner_text("main")
        _no_sideways_scroll(page, "the catalogue")

        # A new car bought at a Wuhan dealer, after the window: not eligible, each reason with its measure.
        page.goto(f"{url}/subsidies/self-check/m12/")
        for name, value in {
            "applicant_id": LISI,
            "old_owner_id": LISI,
            "old_plate": "鄂G12345",
            "old_vin": _vin("LSVAU2180N0000001"),
            "new_vin": _vin("LSVAU2180N0000002"),
            "dealer_code": "WH001",
            "new_plate": "鄂GD12345",
        }.items():
            page.fill(f"#f_{name}", value)
        page.select_option("#f_disposal", "scrap")
        page.select_option("#f_energy", "nev")
        page.fill("#f_disposed_on", "2022-09-01")
        page.fill("#f_purchased_on", "2023-01-02")
        page.click("button[type=submit]")
        result = page.inner_text("section.result")
        assert "不符合" in result and "十二" in result
        assert "2022年6月1日至2022年12月31日" in result
        _no_sideways_scroll(page, "the self-check")

        # A bad VIN is named by its Chinese label beside the field.
        page.fill("#f_new_vin", "LSVAU2180N000000X")
        page.click("button[type=submit]")
        assert "车辆识别代号" in page.inner_text(".has-error")

        _login(page, url, "car_buyer", demo_password)
        page.goto(f"{url}/subsidies/my/")
        mine = page.inner_text("main")
        assert "已追回" in mine and "已受理" in mine  # the first car clawed back, the second waiting
        _no_sideways_scroll(page, "my applications")

        _login(page, url, "fagai_clerk", demo_password)
        page.goto(f"{url}/subsidies/progress/")
        page.wait_for_selector("canvas, svg")
        assert "直达快享" in page.inner_text("main")
        _no_sideways_scroll(page, "the progress page")
        assert not errors, errors
    finally:
        context.close()
