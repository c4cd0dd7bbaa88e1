"""计划用水管理 in a real Chromium: the enterprise reads its plan, its plan-change notice and a surcharge notice;
the clerk reads the deadline board. The demo is dated from the clock's today (frozen at 2026-06-15)."""

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


def test_enterprise_and_clerk(
    live_server: Any, page: Any, demo_users: Any, demo_password: str, settings: Any, tmp_path: Any
) -> None:
    from ezhou_platform.water_plan.demo import load_demo

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path)  # the demo's uploaded proof
    load_demo()
    _login(page, live_server.url, "enterprise", demo_password)
    page.goto(f"{live_server.url}/water-plan/my/")
    page.click("summary:has-text('核定过程')")  # the explanation is folded under 核定过程（附件1）
    body = page.inner_text("main")
    assert "鄂州示范制造有限公司 · 2026年度用水计划" in body
    assert "附件1 二（二）1" in body  # the explanation cites the weighting rule
    assert "增减系数变化（附件1 三）" in body  # this year's non-conventional water changed the plan
    # the change's notice: its link shows the notice's number once it is numbered
    page.locator("a[href*='/water-plan/changes/']:not([href$='/pdf/'])").first.click()
    assert "用水计划变更通知书" in page.inner_text("main")
    page.goto(f"{live_server.url}/water-plan/my/")
    # the notice itself (its number also names the appeal filed against it, further up the page)
    page.locator(
        "a[href*='/water-plan/notices/']:not([href$='/pdf/'])", has_text="鄂水节计〔2025〕00001号"
    ).first.click()
    assert "超计划、超定额用水加价收费通知单" in page.inner_text("main")
    assert "第1档" in page.inner_text("main")

    page.context.clear_cookies()
    _login(page, live_server.url, "shuiwu_clerk", demo_password)
    page.goto(f"{live_server.url}/water-plan/board/")
    rows = page.locator("tbody tr")
    assert rows.count() >= 3
    # the demo is dated from today: pending items, none overdue by months
    assert "已逾期" not in page.inner_text("main")
