"""A newcomer walks the demo (issue 8 §5): every rental role's pages, every link on them followed, no error
page, no HTML in a title, one date format, nothing overdue on a fresh run; then each stage's main step."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from ezhou_platform.rental_housing.models import Application, ApplicationStatus, Contract

pytestmark = pytest.mark.django_db

ROLES = [
    "zhujian_clerk",
    "yunying_clerk",
    "auditor",
    "citizen",
    "zuke_gongshi",
    "zuke_xuanfang",
    "zuke_zuhu",
    "zuke_daili",
]
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HREF = re.compile(r'href="([^"]+)"')
# dates written any other way than 2026年12月1日: ISO, zero-padded months/days, slashes
OTHER_DATES = re.compile(r"\b20\d\d-\d\d-\d\d\b|20\d\d年0\d月|月0\d日|\b20\d\d/\d{1,2}/\d{1,2}\b")


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(demo_users: dict[str, Any]) -> dict[str, Any]:
    from django.core.management import call_command

    from ezhou_platform.common.models import User
    from ezhou_platform.rental_housing.demo import load_demo

    call_command("load_gazette", verbosity=0)
    load_demo()
    return {u.username: u for u in User.objects.all()}


def _login(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def walk(client: Any, start: str = "/rental-housing/") -> dict[str, str]:
    """GET `start` and every page linked from a rental page, following redirects; the rental pages' links are
    followed in turn. Returns {url: html} of the rental pages; fails on any error page."""
    pages: dict[str, str] = {}
    seen: set[str] = set()
    queue = [start]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url, follow=True)
        assert r.status_code == 200, f"{url} → {r.status_code}"
        if not r["Content-Type"].startswith("text/html"):
            # a download (a PDF, an Excel export): it opens, and it is what it says
            assert r["Content-Type"] in (PDF, XLSX), (url, r["Content-Type"])
            continue
        body = r.content.decode()
        assert "服务器内部错误" not in body, url
        if not url.startswith("/rental-housing/"):
            continue  # pages of other systems are opened once, not walked
        pages[url] = body
        (title,) = TITLE.findall(body)
        assert "<" not in title and "csrf" not in title.lower(), f"{url}: title {title!r}"
        for href in HREF.findall(body):
            target = urljoin(url, html.unescape(href))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or parts.path.startswith(("/static/", "/api/")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_every_role_walks_every_link_of_the_demo_without_an_error_page(
    client: Any, demo: dict[str, Any]
) -> None:
    for username in ROLES:
        pages = walk(_login(client, demo[username]))
        assert len(pages) >= 3, username
        for url, body in pages.items():
            # the text people read (a date input's value is ISO by HTML's rule, and shown localised)
            text = re.sub(r"<[^>]+>", " ", body[body.find("<main") :])
            assert not OTHER_DATES.search(text), (username, url, OTHER_DATES.search(text))
    board = _login(client, demo["zhujian_clerk"]).get("/rental-housing/deadlines/").content.decode()
    # a fresh run: nothing overdue; the periods of the layer (审核期限, 公示期, 整改期限 …) are there
    assert "已逾期" not in board and "审核期限" in board and "公示期" in board and "整改期限" in board


def test_each_demo_citizen_is_at_their_stage_and_takes_the_next_step(
    client: Any, demo: dict[str, Any]
) -> None:
    def my(username: str) -> str:
        return _login(client, demo[username]).get("/rental-housing/my/").content.decode()

    # eligible, awaiting the review (due within 5 working days)
    page = my("citizen")
    assert "张三（本人）" in page and "待审核" in page and "审核期限" in page
    # in publicity, and on the public list (masked)
    assert "公示中" in my("zuke_gongshi")
    assert "王*" in client.get("/rental-housing/publicity/").content.decode()
    # an agent account's application says for whom
    assert "陈晨（代理申请：父母）" in my("zuke_daili")
    # under contract, with the rent statement
    tenant = Contract.objects.get(allocation__application__applicant=demo["zuke_zuhu"])
    page = my("zuke_zuhu")
    assert "已签约" in page and f"/rental-housing/my/contracts/{tenant.pk}/" in page
    statement = client.get(f"/rental-housing/my/contracts/{tenant.pk}/").content.decode()
    # 1,260.00 a month collected every 3 months: 4 periods of 3,780.00 in the one-year term
    assert statement.count("3,780.00元") == 4 and "15,120.00元" in statement
    # qualified: chooses a unit now (nobody ahead waits)
    page = my("zuke_xuanfang")
    assert "选定房源" in page
    app = Application.objects.get(applicant=demo["zuke_xuanfang"])
    r = client.post(f"/rental-housing/my/{app.pk}/choose/", {}, follow=True)
    assert "已选定房源" in r.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ALLOCATED
    # the clerk reviews 张三's application through the detail page; it goes to publicity
    zhang = Application.objects.get(applicant=demo["citizen"])
    staff = _login(client, demo["zhujian_clerk"])
    r = staff.post(f"/rental-housing/manage/{zhang.pk}/", {"action": "approve"}, follow=True)
    assert "已办理" in r.content.decode()
    zhang.refresh_from_db()
    assert zhang.status == ApplicationStatus.PUBLICITY
    # and after those steps every page still opens
    walk(_login(client, demo["zuke_xuanfang"]))
    walk(_login(client, demo["zhujian_clerk"]))


def test_pages_say_when_the_measures_have_expired(client: Any, demo: dict[str, Any], clock_at: Any) -> None:
    assert "有效期已于" not in client.get("/rental-housing/").content.decode()
    clock_at(dt.date(2027, 10, 28))
    for url in ("/rental-housing/", "/rental-housing/eligibility/", "/rental-housing/publicity/"):
        assert "鄂州政发〔2022〕19号的有效期已于2027年10月27日届满" in client.get(url).content.decode(), url


def test_the_eligibility_calculator_keeps_what_was_entered(client: Any) -> None:
    entered = {
        "application_date": "2024-11-14",
        "birth_date": "2006-11-15",
        "full_civil_capacity": "on",
        "has_spouse": "on",
        "minor_children": "2",
        "home_areas": "60.5, 40",
    }
    # computes (17 years old: not eligible) and keeps every value
    page = client.post("/rental-housing/eligibility/", entered).content.decode()
    assert "不符合申请条件" in page
    for name, value in (
        ("application_date", "2024-11-14"),
        ("birth_date", "2006-11-15"),
        ("home_areas", "60.5, 40"),
    ):
        assert f'name="{name}" value="{value}"' in page, name
    assert (
        'name="minor_children" value="2"' in page and 'name="has_spouse" id="id_has_spouse" checked' in page
    )
    # refuses (an area with 3 decimals), names the field by its label, and keeps every value too
    page = client.post("/rental-housing/eligibility/", {**entered, "home_areas": "60.555"}).content.decode()
    assert "第1套住房的建筑面积：面积最多保留两位小数" in page and 'value="60.555"' in page
    assert 'name="birth_date" value="2006-11-15"' in page
    # a date before the measures: refused naming 申请日期, the date kept
    page = client.post(
        "/rental-housing/eligibility/", {**entered, "application_date": "2022-01-01"}
    ).content.decode()
    assert "申请日期：2022年1月1日早于鄂州政发〔2022〕19号" in page and 'value="2022-01-01"' in page
