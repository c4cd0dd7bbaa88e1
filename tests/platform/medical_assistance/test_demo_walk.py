"""The demo a newcomer walks: every medical role, from its start page, following every link of its pages on
the site (and the forms' GET filters as links), sees no error page; the demo is dated from the clock's today;
its example incomes and premiums are marked 示例数据（非官方统计） on every page that uses them, and only then."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance.demo import load_demo
from ezhou_platform.medical_assistance.models import Application, Claim, Recovery, Settlement
from ezhou_rules.medical_assistance.parameters_tree import parameters

pytestmark = pytest.mark.django_db

# Each role's main journey starts where its work is.
JOURNEYS = {
    "yibao_clerk": "/medical-assistance/",
    "yibao_head": "/medical-assistance/fund/",
    "minzheng_clerk": "/medical-assistance/class-4/",
    "xiangcun_clerk": "/medical-assistance/warnings/rural-revitalization/",
    "citizen": "/medical-assistance/",
    "auditor": "/medical-assistance/settlements/",
}
SKIP = ("/accounts/logout", "/api/", "/static/", "/audit/export")
ADMIN_LISTS = {
    f"/admin/medical_assistance/{m}/"
    for m in (
        "person",
        "identity",
        "application",
        "claim",
        "settlement",
        "yearaccount",
        "fundbudget",
        "fundcontribution",
        "recovery",
    )
}
MAX_PAGES = 200


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def walk(client: Any, *starts: str) -> dict[str, int]:
    """Breadth-first over the site's own links (medical pages, their gazette links, the admin pages they lead
    to), up to MAX_PAGES pages; every page answered 200 (a redirect is followed to a 200)."""
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
        html = r.content.decode()
        parser = Links()
        parser.feed(html)
        # no HTML, no CSRF token in a page title
        assert "<" not in parser.title and "csrf" not in parser.title.lower(), (url, parser.title)
        for href in parser.hrefs:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or path in seen:
                continue
            if path.startswith(("/medical-assistance/", "/policies/medical_assistance/")):
                queue.append(path)
            elif (
                path.startswith("/admin/medical_assistance/") and not parts.query and "/history/" not in path
            ):
                queue.append(
                    path
                )  # each list and record page of the app's admin; not every filter combination
    return seen


@pytest.mark.parametrize("username", list(JOURNEYS))
def test_each_medical_role_walks_the_demo_without_an_error_page(
    login_client: Any, demo_users: Any, username: str
) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    load_demo()
    c = login_client(username)
    staff = username in ("yibao_clerk", "yibao_head", "auditor")
    seen = walk(c, JOURNEYS[username], *(["/admin/medical_assistance/"] if staff else []))
    assert len(seen) >= 3, seen
    assert "/policies/medical_assistance/" in seen  # the articles the pages cite
    if staff:
        for page in ("/medical-assistance/recoveries/", "/medical-assistance/fund/"):
            assert page in seen, sorted(seen)
        changelists = {u for u in seen if re.fullmatch(r"/admin/medical_assistance/\w+/", u)}
        assert changelists == ADMIN_LISTS, sorted(changelists)  # every model of the app
    if username in ("yibao_clerk", "minzheng_clerk", "xiangcun_clerk"):
        assert any("?run=" in u for u in seen)  # the warning lists of last month, one link per run


def test_the_demo_is_dated_from_the_clock(demo_users: Any, login_client: Any, clock_at: Any) -> None:
    # a fresh run on 2027-03-10: everything happened in the last few months, nothing is years overdue
    clock_at(dt.date(2027, 3, 10))
    load_demo()
    today = dt.date(2027, 3, 10)
    dates = [c.settle_date for c in Claim.objects.all()]
    assert dates and all(today - dt.timedelta(days=150) <= d <= today for d in dates)
    assert all(today - dt.timedelta(days=200) <= a.submitted_on <= today for a in Application.objects.all())
    assert Settlement.objects.filter(kind="adjust", tilted_aid__gt=0).exists()  # tilted aid paid on approval
    assert Recovery.objects.filter(state="open").exists()  # the reversal's overpayment
    c = login_client("yibao_clerk")
    for url in (
        "/medical-assistance/applications/",
        "/medical-assistance/settlements/",
        "/medical-assistance/",
    ):
        text = c.get(url).content.decode()
        assert "逾期" not in text
    # twice: nothing is added
    counts = (Claim.objects.count(), Settlement.objects.count(), Recovery.objects.count())
    load_demo()
    assert (Claim.objects.count(), Settlement.objects.count(), Recovery.objects.count()) == counts


EXAMPLE_PAGES = {
    # page → which role sees it
    "/medical-assistance/calculator/": "citizen",
    "/medical-assistance/premium-subsidy/": "citizen",
    "/medical-assistance/premium-subsidy/persons/": "yibao_clerk",
    "/medical-assistance/settlements/": "yibao_clerk",
    "/medical-assistance/applications/": "yibao_clerk",
    "/medical-assistance/warnings/": "yibao_clerk",
    "/medical-assistance/fund/": "yibao_clerk",
    "/medical-assistance/class-4/": "minzheng_clerk",
    "/medical-assistance/warnings/civil-affairs/": "minzheng_clerk",
    "/medical-assistance/warnings/rural-revitalization/": "xiangcun_clerk",
}
MARK = "示例数据（非官方统计）"


def test_example_values_are_marked_only_in_the_demo(demo_users: Any, login_client: Any) -> None:
    for page, user in EXAMPLE_PAGES.items():  # no demo: no mark
        assert MARK not in login_client(user).get(page).content.decode(), page
    load_demo()
    for page, user in EXAMPLE_PAGES.items():
        text = login_client(user).get(page).content.decode()
        assert MARK in text, page
    # the mark names what is an example; when an administrator enters the official figure for a year, that
    # year is no longer listed (the newest value for a date is the one used)
    text = login_client("yibao_clerk").get("/medical-assistance/warnings/").content.decode()
    assert "鄂州市农村居民人均可支配收入（2025年度）" in text
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2025, 1, 1),
        2_234_500,
        source="2025年鄂州市国民经济和社会发展统计公报",
        actor=demo_users["yibao_clerk"],
    )
    text = login_client("yibao_clerk").get("/medical-assistance/warnings/").content.decode()
    assert "鄂州市农村居民人均可支配收入（2025年度）" not in text
    assert re.search(r"鄂州市农村居民人均可支配收入（2024年度）", text)


def test_every_admin_changelist_of_the_app_answers(demo_users: Any, login_client: Any) -> None:
    # Four of them (claims, settlements, year accounts, budgets) answered 500 on every visit: the 元 column
    # helper was a one-argument function that Django calls as a method.
    from django.contrib import admin

    load_demo()
    registered = {
        f"/admin/medical_assistance/{m._meta.model_name}/"
        for m in admin.site._registry
        if m._meta.app_label == "medical_assistance"
    }
    assert registered == ADMIN_LISTS
    for user in ("yibao_clerk", "yibao_head", "auditor"):
        c = login_client(user)
        for url in sorted(registered):
            r = c.get(url)
            assert r.status_code == 200, (user, url)
            assert "元" in r.content.decode() or url.endswith(("person/", "identity/", "application/")), url
    text = login_client("yibao_clerk").get("/admin/medical_assistance/settlement/").content.decode()
    assert "重新结算调整" in text and "冲销" in text
    assert login_client("minzheng_clerk").get("/admin/medical_assistance/settlement/").status_code in (
        302,
        403,
    )
