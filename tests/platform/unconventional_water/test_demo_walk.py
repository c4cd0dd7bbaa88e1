"""Each role walks the demo's pages and every link under /unconventional-water/: no error page, no ISO date
or zero-padded date on a page, the main journeys act on the demo's pending items (issue 8 §5)."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any

import pytest

from ezhou_platform.unconventional_water.demo import load_demo
from ezhou_platform.unconventional_water.models import Facility, Project, WaterPlanLink

pytestmark = pytest.mark.django_db

FOLLOW = ("/unconventional-water/",)
HREF = re.compile(r'href="([^"#]+)')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def walk(client: Any, start: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    todo = deque(start)
    while todo:
        url = todo.popleft()
        if url in seen:
            continue
        r = client.get(url)
        assert r.status_code == 200, f"{url} → {r.status_code}"
        kind = r["Content-Type"]
        seen[url] = kind
        if not kind.startswith("text/html"):
            continue
        html = r.content.decode()
        title = TITLE.search(html)
        assert title and "<" not in title.group(1), url
        text = _text(html)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), f"{url}: an ISO date on the page"
        assert not re.search(r"\d{4}年0\d月|月0\d日", text), f"{url}: a date with leading zeros"
        for link in HREF.findall(html):
            link = link.replace("&amp;", "&")
            if link.startswith(FOLLOW) and link not in seen and "/export/" not in link:
                todo.append(link)
    return seen


@pytest.fixture
def demo(demo_users: Any) -> None:
    from django.core.management import call_command

    from ezhou_platform.water_plan.demo import load_demo as load_water_plan

    call_command("load_gazette", verbosity=0)
    load_water_plan()
    load_demo()
    load_demo()  # idempotent


def test_demo_is_idempotent_and_complete(demo: None) -> None:
    assert Project.objects.count() == 3 and Facility.objects.count() == 4
    assert set(WaterPlanLink.objects.values_list("kind", "status")) >= {
        ("unconventional_used", "recorded"),
        ("unconventional_not_used", "proposed"),
    }


def test_developer_journey(demo: None, login_client: Any) -> None:
    c = login_client("developer")
    pages = walk(c, ["/unconventional-water/", "/unconventional-water/my/projects/"])
    assert sum(1 for u in pages if re.fullmatch(r"/unconventional-water/projects/\d+/", u)) == 3
    p = Project.objects.get(name="鄂州示范置业商业综合体")
    r = c.post(
        f"/unconventional-water/projects/{p.pk}/designer/",
        {
            "designer": "湖北示范建筑设计研究院",
            "designer_qualification": "A142000001",
            "designed_on": "2026-06-14",
        },
        follow=True,
    )
    assert r.status_code == 200 and "已记录设计单位" in r.content.decode()


def test_operator_journey(demo: None, login_client: Any) -> None:
    c = login_client("water_operator")
    pages = walk(c, ["/unconventional-water/my/facilities/"])
    assert any(re.fullmatch(r"/unconventional-water/reports/\d+/", u) for u in pages)
    f = Facility.objects.get(name="葛店经开区示范中水回用站")
    data = {
        "report_no": "WJ-WALK-1",
        "sampled_on": "2026-06-14",
        "lab": "湖北示范环境检测有限公司",
        "lab_qualification": "CMA 201912345678",
        "sample_point": "1号出水口",
        "sample_point_kind": "network_end",
        "m-TOTAL_FORMS": "15",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "100",
        "m-0-indicator": "浊度",
        "m-0-value": "3",
        "m-0-unit": "NTU",
        "m-1-indicator": "总氯",
        "m-1-value": "0.3",
        "m-1-unit": "mg/L",
    }
    r = c.post(f"/unconventional-water/facilities/{f.pk}/reports/new/", data, follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and "检测报告WJ-WALK-1已备案" in body and "不完整" in body
    walk(c, ["/unconventional-water/my/facilities/"])


@pytest.mark.parametrize("username", ["shuiwu_clerk", "shuiwu_head", "auditor"])
def test_staff_journey(demo: None, login_client: Any, username: str) -> None:
    c = login_client(username)
    pages = walk(
        c,
        [
            "/unconventional-water/clerk/",
            "/unconventional-water/clerk/reports/",
            "/unconventional-water/clerk/links/",
            "/unconventional-water/clerk/configuration/",
            "/unconventional-water/standards/",
        ],
    )
    assert any(re.fullmatch(r"/unconventional-water/violations/\d+/", u) for u in pages)
    assert any(re.fullmatch(r"/unconventional-water/links/\d+/", u) for u in pages)
    if username == "shuiwu_head":  # the second person confirms the clerk's proposal (four-eyes)
        link = WaterPlanLink.objects.filter(kind="unconventional_not_used", status="proposed").first()
        assert link is not None
        r = c.post(
            f"/unconventional-water/links/{link.pk}/decide/",
            {"action": "record", "note": "核实无误"},
            follow=True,
        )
        assert r.status_code == 200
        link.refresh_from_db()
        assert link.status == "recorded"


def test_public_pages(demo: None, client: Any) -> None:
    pages = walk(client, ["/unconventional-water/", "/unconventional-water/facilities/public/"])
    assert "/unconventional-water/standards/" in pages
    body = client.get("/unconventional-water/facilities/public/").content.decode()
    assert "葛店经开区示范中水回用站" in body


@pytest.mark.parametrize("today", [dt.date(2026, 1, 5), dt.date(2026, 12, 30), dt.date(2027, 2, 10)])
def test_demo_makes_sense_on_other_days(
    demo_users: Any, login_client: Any, clock_at: Any, today: dt.date
) -> None:
    from ezhou_platform.water_plan.demo import load_demo as load_water_plan

    clock_at(today)
    load_water_plan()
    load_demo()
    walk(login_client("shuiwu_clerk"), ["/unconventional-water/clerk/"])
    walk(login_client("water_operator"), ["/unconventional-water/my/facilities/"])
