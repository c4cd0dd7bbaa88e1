"""证照分离与告知承诺制 in a real Chromium: an enterprise on a 390 px phone picks 食品经营许可, is told whether the
commitment route applies, chooses it, signs the commitment with its five confirmations; the window decides on the
spot and the licence is numbered."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def test_enterprise_commits_on_a_phone_and_the_window_decides(
    live_server: Any, browser: Any, demo_users: Any, demo_password: str
) -> None:
    from ezhou_platform.licensing.demo import configure
    from ezhou_platform.licensing.models import Application

    configure()
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(90000)

    def fits() -> None:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url}: {width} px wide at 390 px"

    try:
        page.goto(f"{live_server.url}/licensing/")
        fits()
        _login(page, live_server.url, "enterprise", demo_password)
        page.goto(f"{live_server.url}/licensing/apply/b1-20/")
        fits()
        # 仅销售预包装食品 is outside the item (除仅销售预包装食品外): not covered, the general procedure stays open
        page.check("input[name=f_food_business_scope][value=仅销售预包装食品]")
        page.click("button[name=route][value='']")
        main = page.inner_text("main")
        assert "不能选择告知承诺制" in main and "按照一般程序办理" in main
        page.check("input[name=f_food_business_scope][value=不限于预包装食品]")
        page.click("button[name=route][value='']")
        assert "可以选择告知承诺制" in page.inner_text("main")
        with page.expect_navigation():
            page.click("button[name=route][value=commitment]")
        assert "/licensing/cases/" in page.url, page.inner_text("main")
        fits()
        assert "一次性告知" in page.inner_text("main")
        # the commitment without its confirmations is refused, naming what is missing
        page.click("button:has-text('递交告知承诺书')")
        assert "缺少第1项" in page.inner_text("main")
        app = Application.objects.get(applicant_uscc="91420700MA49XK5L2Y")
        assert app.status == "notified"
        for n in range(1, 6):
            page.check(f"input[name=confirmations][value='{n}']")
        for box in page.query_selector_all("input[name=conditions]"):
            box.check()
        for field in page.query_selector_all("input[type=file]"):
            field.set_input_files(
                {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e"}
            )
        page.click("button:has-text('递交告知承诺书')")
        app.refresh_from_db()
        assert app.status == "submitted", page.inner_text("main")
    finally:
        context.close()

    window = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = window.new_page()
    page.set_default_timeout(90000)
    try:
        _login(page, live_server.url, "shenpi_clerk", demo_password)
        page.goto(f"{live_server.url}/licensing/cases/{app.pk}/")
        page.click("button:has-text('作出准予许可决定并出具许可证件')")
        main = page.inner_text("main")
        app.refresh_from_db()
        assert app.status == "licensed" and app.decided_on is not None
        assert app.licence.number in main and "下载许可证件PDF" in main
    finally:
        window.close()
