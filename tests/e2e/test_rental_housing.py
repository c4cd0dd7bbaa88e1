"""保障性租赁住房 in a real Chromium: a citizen checks the conditions, sees the letting announcement and
chooses a unit once qualified."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_checks_eligibility_and_chooses_a_unit(
    live_server: Any, page: Any, demo_users: Any, demo_password: str
) -> None:
    from ezhou_platform.rental_housing.demo import load_demo
    from ezhou_platform.rental_housing.models import Application, ApplicationStatus

    load_demo()
    page.goto(f"{live_server.url}/rental-housing/eligibility/")
    page.fill("#id_application_date", "2024-11-14")
    page.fill("#id_birth_date", "2006-11-15")
    page.fill("#id_home_areas", "35.00")
    page.click("button[type=submit]")
    body = page.inner_text("main")
    assert "不符合申请条件" in body and "未满18周岁" in body and "不低于35平方米" in body

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "citizen")
    page.fill("#id_password", demo_password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/workspace/")
    # the demo's 张三 application, qualified by the operator (shortcut through review and publicity)
    app = Application.objects.get(applicant__username="citizen")
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.QUALIFIED)
    page.goto(f"{live_server.url}/rental-housing/my/")
    assert "已取得承租资格" in page.inner_text("main")
    page.click("text=选定房源")
    assert "已选定房源" in page.inner_text("main")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ALLOCATED


def test_public_pages_fit_a_390_px_phone(live_server: Any, browser: Any, demo_users: Any) -> None:
    """390×844 (a common phone): no horizontal scroll on the public pages; wide tables scroll inside their box;
    the calculator keeps what was entered after it computes."""
    from ezhou_platform.rental_housing.demo import load_demo

    load_demo()
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:

        def fits(path: str) -> None:
            if path:
                page.goto(f"{live_server.url}{path}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            inner = page.evaluate("() => window.innerWidth")
            assert inner == 390 and width <= inner, f"{path or page.url}: {width} px wide at {inner} px"

        for path in ("/rental-housing/", "/rental-housing/publicity/", "/rental-housing/eligibility/"):
            fits(path)
            if path != "/rental-housing/eligibility/":
                # a table wider than the phone scrolls inside its box, not the page
                overflow = page.evaluate(
                    "() => getComputedStyle(document.querySelector('main .table-wrap')).overflowX"
                )
                assert overflow == "auto", path
        page.fill("#id_application_date", "2024-11-15")
        page.fill("#id_birth_date", "1990-01-01")
        page.fill("#id_home_areas", "30.50")
        page.click("main button[type=submit]")
        assert "符合第十二条规定的申请条件" in page.inner_text("main")
        fits("")
        assert page.input_value("#id_home_areas") == "30.50"
        assert page.input_value("#id_birth_date") == "1990-01-01"
    finally:
        context.close()
