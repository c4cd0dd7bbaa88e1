"""A person's first visit, in a real Chromium: log in, open the policy library and a document."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_logs_in_and_reads_a_document(
    live_server: Any, page: Any, demo_users: Any, demo_password: str
) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "citizen")
    page.fill("#id_password", demo_password)
    page.click("button[type=submit]")
    # Every role lands on its workspace (工作台), not the public home page.
    page.wait_for_url(f"{live_server.url}/workspace/")
    assert "张三" in page.inner_text("header")
    assert "我的办理事项" in page.inner_text("main")
    page.click("text=首页")
    assert "医疗救助" in page.inner_text("main")

    page.click("text=政策文件库")
    page.wait_for_url("**/policies/")
    page.click("text=健全重特大疾病医疗保险和医疗救助制度实施办法")
    body = page.inner_text("main")
    assert "鄂州政办发〔2022〕34号" in body
    assert "第十一条" in body
    # The article anchors are there for citations to link to.
    assert page.locator("#art11").count() == 1


def test_wrong_password_shows_one_message(live_server: Any, page: Any, demo_users: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "citizen")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误。" in page.inner_text("main")
