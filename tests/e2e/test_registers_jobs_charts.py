"""Registers, jobs and charts in a real Chromium at a phone's width (390×844): the administrator uploads a
jurisdiction file, watches the job's progress page turn into its result (static JS polling the status),
then opens the tree, whose chart is drawn from the vendored ECharts with no console error and no
horizontal scroll."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform" / "registers"))
from registers_test_data import BASE_ROWS, CHANGE_ROWS, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


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
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px window"


def test_upload_progress_result_and_tree_chart_at_390px(
    live_server: Any, phone: Any, demo_users: Any, demo_password: str, settings: Any, tmp_path: Path
) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    page = phone
    _login(page, live_server.url, "admin", demo_password)
    page.goto(f"{live_server.url}/registers/jurisdictions/import/")
    _no_horizontal_scroll(page)
    page.set_input_files("#id_file", str(write_csv(tmp_path / "辖区.csv", BASE_ROWS + CHANGE_ROWS)))
    page.click("text=上传并导入")
    page.wait_for_url("**/jobs/*/")
    assert "排队中" in page.inner_text("#job-state")
    _no_horizontal_scroll(page)

    # The worker runs the queued job (the same code `ezhou jobs worker` runs); the page notices by itself.
    from ezhou_platform.jobs.worker import run_pending

    run_pending(interval=0.1)
    page.wait_for_selector("text=导入完成：新增9个", timeout=20000)
    assert "已完成" in page.inner_text("#job-state")
    assert page.get_attribute("#job-progress", "value") == "100"
    assert "因更名或合并终止" in page.inner_text("main")

    page.goto(f"{live_server.url}/registers/jurisdictions/tree/?on=2024-06-01")
    page.wait_for_selector(".chart-canvas svg")
    svg_box = page.locator(".chart-canvas svg").bounding_box()
    assert svg_box is not None and 300 <= svg_box["width"] <= 390
    assert "测试合并街道" in page.inner_text("main")
    _no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "tree-390.png"), full_page=True)
    # A wider window redraws the chart to its new width.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.wait_for_function(
        "() => document.querySelector('.chart-canvas svg').getBoundingClientRect().width > 600"
    )
    assert page.problems == []
