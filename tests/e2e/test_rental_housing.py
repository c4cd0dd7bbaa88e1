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
