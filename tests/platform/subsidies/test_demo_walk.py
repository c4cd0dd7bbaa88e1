"""A newcomer walks the subsidies demo: each role's pages, every link on them followed, no error page, no HTML
in a title, one date format; the demo loads twice without a second copy (idempotent)."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.django_db

# every role that takes a step of 鄂州政办发〔2022〕32号 on the platform, and the public
ROLES = [
    None,  # anonymous: the catalogue, the self-check, the notices
    "shangwu_clerk",  # review, notices
    "shangwu_head",  # decisions (four eyes)
    "caizheng_clerk",  # payments of 市级财政
    "caizheng_echeng",  # payments of 鄂城区财政
    "jiaotong_clerk",  # the 规上 lists, measure 8's review
    "fagai_clerk",  # progress, tracking, what-if
    "car_buyer",  # 李四: his car trade-ins
    "shangmao",  # an enterprise applicant
    "auditor",
]
START = "/subsidies/"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HREF = re.compile(r'href="([^"]+)"')
OTHER_DATES = re.compile(r"\b20\d\d-\d\d-\d\d\b|20\d\d年0\d月|月0\d日|\b20\d\d/\d{1,2}/\d{1,2}\b")
# downloads are fetched once (200, a file) but not parsed for links
DOWNLOAD = re.compile(r"/(export|file|templates/[^/]+|documents/\d+)/$")


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from django.core.management import call_command

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.subsidies.demo import load_demo

    with django_db_blocker.unblock():
        load_demo_accounts()
        call_command("load_gazette", verbosity=0)
        load_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _walk(client: Any) -> dict[str, str]:
    pages: dict[str, str] = {}
    seen: set[str] = set()
    queue = [START]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url, follow=True)
        assert r.status_code == 200, f"{url} → {r.status_code}"
        if DOWNLOAD.search(urlsplit(url).path) or not r.get("Content-Type", "").startswith("text/html"):
            continue
        body = r.content.decode()
        assert "服务器内部错误" not in body, url
        if not url.startswith(START):
            continue  # pages of other systems are opened once, not walked
        pages[url] = body
        (title,) = TITLE.findall(body)
        assert "<" not in title and "csrf" not in title.lower(), f"{url}: title {title!r}"
        for href in HREF.findall(body):
            target = urljoin(url, html.unescape(href))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or parts.path.startswith(("/static/", "/api/", "/admin/")):
                continue
            if "/jobs/" in parts.path:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_each_role_walks_every_link_of_the_demo_without_an_error_page(
    client: Any, demo: Any, username: str | None
) -> None:
    from ezhou_platform.common.models import User

    if username:
        user = User.objects.get(username=username)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pages = _walk(client)
    assert len(pages) >= 3, (username, sorted(pages))
    for url, body in pages.items():
        text = re.sub(r"<[^>]+>", " ", body[body.find("<main") :])
        assert not OTHER_DATES.search(text), (username, url, OTHER_DATES.search(text))
