"""任务督办 in a real Chromium over the demo: the education clerk files a progress report on an item of 15号 and
confirms it, a completion without its evidence file is refused naming the field; the postal clerk reads the
coverage of 28号 (the warning about the loaded lists, the chart with its data table); the 督查室 reads the
leadership view; a unit's board fits a 390 px screen."""

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


def test_supervision_journeys(live_server: Any, page: Any, demo_users: Any, demo_password: str) -> None:
    from ezhou_platform.common import clock
    from ezhou_platform.supervision.demo import load_demo
    from ezhou_platform.supervision.models import Item

    load_demo()
    today = clock.today().isoformat()
    url = live_server.url
    item = Item.objects.get(code="vocational_education/5")
    before = set(item.reports.values_list("pk", flat=True))  # the demo's own reports on the item

    _login(page, url, "jiaoyu_clerk", demo_password)
    page.goto(f"{url}/supervision/vocational-education/")
    assert "督办部门" in page.inner_text("main")
    page.goto(f"{url}/supervision/items/{item.pk}/report/")
    # a completion without its evidence file: refused, the field named, nothing written
    page.select_option("#id_kind", "completion")
    page.fill("#id_evidence_date", today)
    page.fill("#id_document_number", "鄂州教发〔2026〕测试1号")
    page.fill("#id_summary", "已出台。")
    page.click("main form[method=post] button[type=submit]")  # not the header's logout button
    assert "证明文件" in page.inner_text("[role=alert]")
    assert set(item.reports.values_list("pk", flat=True)) == before
    # a progress report goes through and waits for confirmation
    page.select_option("#id_kind", "progress")
    page.fill("#id_evidence_date", today)
    page.fill("#id_summary", "正在起草。")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/supervision/reports/*/")
    report = item.reports.exclude(pk__in=before).get()
    page.goto(f"{url}/supervision/reports/{report.pk}/")
    assert "待确认" in page.inner_text("main")
    page.select_option("#id_decision", "accept")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "已确认" in page.inner_text("main")

    page.context.clear_cookies()
    _login(page, url, "youzheng_clerk", demo_password)
    page.goto(f"{url}/supervision/rural-delivery/coverage/")
    body = page.inner_text("main")
    assert "316" in body and "21" in body  # the targets, and the warning about the loaded lists
    assert page.locator("details.chart-data").count() >= 1  # each chart with its data table

    page.context.clear_cookies()
    _login(page, url, "ducha_clerk", demo_password)
    page.goto(f"{url}/supervision/plans/vocational_education/leadership/")
    body = page.inner_text("main")
    assert "联席会议" in body and "承担任务但没有席位的单位" in body

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 800})
    _login(page, url, "shangwu_clerk", demo_password)
    page.goto(f"{url}/supervision/my/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
