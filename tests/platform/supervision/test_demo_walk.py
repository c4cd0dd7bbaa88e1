"""The demo a newcomer walks: each supervision role, from the page its work starts on, follows the links of
its pages (the supervision pages and the app's admin) and sees no error page; the home page's two cards lead
to the two plans; loading the demo twice adds nothing."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.django_db

# Each role's main journey starts where its work is.
JOURNEYS = {
    "jiaoyu_clerk": "/supervision/vocational-education/",  # 15号's supervising department
    "youzheng_clerk": "/supervision/rural-delivery/",  # 28号's supervising department
    "ducha_clerk": "/supervision/leadership/",  # 督查室: loading, the switch, the leadership view
    "shangwu_clerk": "/supervision/my/",  # a reporting unit (市商务局 carries tasks of 28号)
    "auditor": "/supervision/",
}
SKIP = ("/accounts/logout", "/api/", "/static/")
MAX_PAGES = 70


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))


def walk(client: Any, *starts: str) -> dict[str, int]:
    """Breadth-first over the supervision pages and the app's admin pages they lead to, up to MAX_PAGES;
    every page answers 200 (a redirect followed to a 200) and no page shows an error."""
    seen: dict[str, int] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        r = client.get(url, follow=True)
        seen[url] = r.status_code
        assert r.status_code == 200, f"{url} → {r.status_code}"
        if "text/html" not in r.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(r.content.decode())
        for href in parser.hrefs:
            parts = urlsplit(urljoin(url, href))
            if parts.netloc not in ("", "testserver"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or path in seen:
                continue
            if path.startswith("/supervision/") or (
                path.startswith("/admin/supervision/") and not parts.query and "/history/" not in path
            ):
                queue.append(path)
    return seen


def test_each_supervision_role_walks_the_demo_without_an_error_page(
    login_client: Any, demo_users: Any
) -> None:
    from ezhou_platform.supervision.demo import load_demo
    from ezhou_platform.supervision.models import Item, Report, Site

    load_demo()
    counts = (Item.objects.count(), Report.objects.count(), Site.objects.count())
    assert all(counts), counts
    load_demo()  # idempotent
    assert (Item.objects.count(), Report.objects.count(), Site.objects.count()) == counts

    for username, start in JOURNEYS.items():
        c = login_client(username)
        staff = username != "shangwu_clerk"
        seen = walk(c, start, *(["/admin/supervision/"] if staff else []))
        assert len(seen) >= 5, (username, seen)
        if username == "jiaoyu_clerk":
            assert "/supervision/vocational-education/targets/" in seen
        if username == "youzheng_clerk":
            assert "/supervision/rural-delivery/coverage/" in seen
        if username == "ducha_clerk":
            assert any(u.startswith("/supervision/plans/") and u.endswith("/leadership/") for u in seen)
    # the home page's cards lead to the two plans
    home = login_client("auditor").get("/").content.decode()
    assert "/supervision/vocational-education/" in home and "/supervision/rural-delivery/" in home


def test_the_admin_reads_and_writes_nothing(login_client: Any, demo_users: Any) -> None:
    from ezhou_platform.supervision.demo import load_demo
    from ezhou_platform.supervision.models import Report

    load_demo()
    c = login_client("jiaoyu_clerk")
    report = Report.objects.filter(plan__slug="vocational_education").first()
    assert report is not None
    assert c.get(f"/admin/supervision/report/{report.pk}/change/").status_code == 200  # the read-only view
    assert c.get("/admin/supervision/report/add/").status_code == 403
    assert c.get(f"/admin/supervision/report/{report.pk}/delete/").status_code == 403
    assert login_client("citizen").get("/admin/supervision/").status_code in (302, 403)
