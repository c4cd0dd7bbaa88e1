"""非常规水资源管理 in a real Chromium (clock frozen at 2026-06-15): the public list and the screening at 390 px,
an operator filing a lab report (a bad unit refused naming the row, nothing stored; then filed and judged by
the strictest limit), the clerk's home and the water-plan links."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.set_default_timeout(90_000)  # the machine is shared; a slow page is not a failure here
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.fixture
def demo(demo_users: Any) -> None:
    from django.core.management import call_command

    from ezhou_platform.unconventional_water.demo import load_demo
    from ezhou_platform.water_plan.demo import load_demo as load_water_plan

    call_command("load_gazette", verbosity=0)
    load_water_plan()
    load_demo()


def test_public_list_and_screening_on_a_phone(live_server: Any, page: Any, demo: None) -> None:
    page.set_default_timeout(90_000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/unconventional-water/facilities/public/")
    assert "葛店经开区示范中水回用站" in page.inner_text("main")
    assert _fits(page)
    page.goto(f"{live_server.url}/unconventional-water/screening/")
    page.select_option("#id_project_kind", "building")
    page.select_option("#id_works", "new")
    # 20,000 + 10,000 = 30,000 m²: "3万平方米以上" includes the figure (第八条)
    page.fill("#id_footprint_m2", "20000")
    page.fill("#id_hardened_m2", "10000")
    page.click("form.uw-form button[type=submit]")
    # the answer's own section (the page's introduction quotes 第八条's "应当配套建设" too, so reading <main> right
    # after the click could pass on the old page while the new one is still loading)
    verdict = page.locator("section[aria-live] h2")
    verdict.wait_for()
    page.wait_for_load_state("load")
    assert "应当配套建设" in verdict.inner_text() and "第八条" in page.inner_text("section[aria-live]")
    assert _fits(page)
    page.fill("#id_footprint_m2", "-5")
    page.click("form.uw-form button[type=submit]")
    assert "规划建（构）筑物占地面积" in page.inner_text("[role=alert]")


def test_operator_files_a_report(live_server: Any, page: Any, demo: None, demo_password: str) -> None:
    from ezhou_platform.unconventional_water.models import Facility, LabReport

    f = Facility.objects.get(name="葛店经开区示范中水回用站")
    before = LabReport.objects.count()
    _login(page, live_server.url, "water_operator", demo_password)
    page.goto(f"{live_server.url}/unconventional-water/my/facilities/")
    page.click(f"text={f.name}")
    page.goto(f"{live_server.url}/unconventional-water/facilities/{f.pk}/reports/new/")
    page.fill("#id_report_no", "E2E-001")
    page.fill("#id_sampled_on", "2026-06-12")
    page.fill("#id_lab", "湖北示范环境检测有限公司")
    page.fill("#id_lab_qualification", "CMA 201912345678")
    page.fill("#id_sample_point", "1号出水口")
    page.select_option("#id_sample_point_kind", "plant_outlet")
    page.fill("[aria-label=检测指标1]", "浊度")
    page.fill("[aria-label=检测值1]", "3")
    page.fill("[aria-label=计量单位1]", "mg/L")  # a concentration unit for turbidity: refused, never guessed
    page.fill("[aria-label=检测指标2]", "总氯")
    page.fill("[aria-label=检测值2]", "0.3")
    page.fill("[aria-label=计量单位2]", "mg/L")
    page.click("form.uw-form button[type=submit]")
    assert "浊度" in page.inner_text("[role=alert]")
    assert LabReport.objects.count() == before  # nothing half-written
    page.fill("[aria-label=计量单位1]", "NTU")
    page.click("form.uw-form button[type=submit]")
    body = page.inner_text("main")
    assert "检测报告E2E-001已备案" in body
    assert "GB/T 18920-2020" in body  # each limit explained with its standard
    assert LabReport.objects.count() == before + 1


def test_clerk_home_and_links(live_server: Any, page: Any, demo: None, demo_password: str) -> None:
    _login(page, live_server.url, "shuiwu_clerk", demo_password)
    page.goto(f"{live_server.url}/unconventional-water/clerk/")
    assert "非常规水" in page.inner_text("main")
    page.goto(f"{live_server.url}/unconventional-water/clerk/links/")
    body = page.inner_text("main")
    assert "附件1 三（四）" in body or "+0.1" in body
