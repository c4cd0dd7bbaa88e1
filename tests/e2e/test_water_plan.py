"""计划用水管理 in a real Chromium: the enterprise reads its plan and notice; the clerk reads the deadline board."""

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


def test_enterprise_and_clerk(live_server: Any, page: Any, demo_users: Any, demo_password: str) -> None:
    from ezhou_platform.water_plan.demo import load_demo

    load_demo()
    _login(page, live_server.url, "enterprise", demo_password)
    page.goto(f"{live_server.url}/water-plan/my/")
    body = page.inner_text("main")
    assert "鄂州示范制造有限公司 · 2025年度用水计划" in body
    assert "附件1 二（二）1" in body  # the explanation cites the weighting rule
    page.click("text=鄂水节计〔2025〕00001号")
    assert "超计划、超定额用水加价收费通知单" in page.inner_text("main")
    assert "第1档" in page.inner_text("main")

    page.context.clear_cookies()
    _login(page, live_server.url, "shuiwu_clerk", demo_password)
    page.goto(f"{live_server.url}/water-plan/board/")
    rows = page.locator("tbody tr")
    assert rows.count() >= 2
    assert "已逾期" in rows.first.inner_text()  # the demo adjustment of 2025 is overdue: listed first
