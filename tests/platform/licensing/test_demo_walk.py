"""Each role walks the licensing pages over the demo data, following every link the pages show it under
/licensing/ (and the documents they link to): no error page, no link that refuses the person it is shown to."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "enterprise",
    "enterprise2",
    "shenpi_clerk",
    "shenpi_head",
    "shijian_clerk",
    "xinyong_clerk",
    "auditor",
    "admin",
    "yibao_clerk",
)
SKIP = ("/logout", "/admin/")


@pytest.fixture
def demo(demo_users: dict[str, Any]) -> dict[str, Any]:
    from ezhou_platform.licensing.demo import load_demo

    load_demo()
    return demo_users


def _walk(client: Any, start: list[str], limit: int = 400) -> tuple[int, list[str]]:
    seen, queue, bad = set(start), deque(start), []
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            bad.append(f"{response.status_code} {url}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert "服务器内部错误" not in html, url
        for href in re.findall(r'href="([^"#]+)', html):
            href = href.replace("&amp;", "&")
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if not (href.startswith("/licensing/") or href.startswith("/workspace/documents/")) or any(
                s in href for s in SKIP
            ):
                continue
            if href not in seen:
                seen.add(href)
                queue.append(href)
    return len(seen), bad


def test_every_role_walks_its_pages(client: Any, demo: dict[str, Any]) -> None:
    from ezhou_platform.licensing.models import Application, CreditRecord, Draw

    assert Application.objects.filter(attention="materials_overdue").exists()  # the demo's sweep ran
    visited = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(demo[role], backend="django.contrib.auth.backends.ModelBackend")
        start = [
            "/licensing/",
            "/licensing/check/?item=b1-20&go=1&f_food_business_scope=不限于预包装食品",
            "/licensing/credit/",
            "/licensing/draws/",
            "/licensing/catalogue/report/",
            "/licensing/items/b1-08/",
        ]
        if role.startswith("enterprise"):
            start += ["/licensing/apply/", "/licensing/my/", "/licensing/apply/b1-20/"]
        elif role == "admin":
            start += ["/licensing/oversight/", "/licensing/config/"]
        elif role != "anonymous":
            start += [
                "/licensing/staff/",
                "/licensing/staff/queue/",
                "/licensing/staff/verification/",
                "/licensing/staff/draws/",
                "/licensing/staff/sweep/",
                "/licensing/oversight/",
                "/licensing/oversight/?by=district",
                "/licensing/config/",
            ]
        if role in ("xinyong_clerk", "auditor"):
            start += ["/licensing/credit-office/"]
        count, bad = _walk(client, start)
        assert not bad, f"{role}: " + "; ".join(bad)
        visited[role] = count
    # each walked far enough to reach cases, records and draws
    assert visited["enterprise"] > 12 and visited["shenpi_clerk"] > 20 and visited["xinyong_clerk"] > 15
    assert CreditRecord.objects.filter(status="proposed").exists() and Draw.objects.exists()


def test_case_pages_show_each_role_its_steps(client: Any, demo: dict[str, Any]) -> None:
    from ezhou_platform.licensing.models import Application

    heard = Application.objects.get(status="heard")
    client.force_login(demo["shenpi_head"], backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(f"/licensing/cases/{heard.pk}/").content.decode()
    assert "作出撤销许可决定" in html and "决定不予撤销" in html
    client.force_login(demo["enterprise"], backend="django.contrib.auth.backends.ModelBackend")
    notified = Application.objects.get(status="notified", applicant_uscc=demo["enterprise"].enterprise_uscc)
    html = client.get(f"/licensing/cases/{notified.pk}/").content.decode()
    assert "递交告知承诺书" in html and "已经知晓行政机关告知的全部内容" in html
    # another enterprise's case is refused
    assert client.get(f"/licensing/cases/{heard.pk}/").status_code == 403


def test_licence_pdf_linked_for_the_holder_and_the_department(client: Any, demo: dict[str, Any]) -> None:
    from ezhou_platform.licensing.models import Licence

    licence = Licence.objects.filter(
        holder_uscc=demo["enterprise"].enterprise_uscc, document__isnull=False
    ).first()
    assert licence is not None
    url = f"/licensing/cases/{licence.application_id}/"
    for role in (
        "enterprise",
        "shenpi_clerk" if licence.department.code == "administrative_approval" else "shijian_clerk",
    ):
        client.force_login(demo[role], backend="django.contrib.auth.backends.ModelBackend")
        html = client.get(url).content.decode()
        assert "下载许可证件PDF" in html, role
        assert client.get(f"/workspace/documents/{licence.document_id}/pdf/").status_code == 200, role
