"""A newcomer walks the demo (issue 8 §5): each water role follows every link of its pages and acts on the
demo's pending items; no error page, no page title with markup, one date format, nothing overdue by months."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ezhou_platform.water_plan.demo import load_demo
from ezhou_platform.water_plan.models import Appeal, EvidenceFile, SupplementRequest, YearlyPlan

pytestmark = pytest.mark.django_db

FOLLOW = ("/water-plan/", "/api/v1/water-plan/", "/policies/")
HREF = re.compile(r'href="([^"#]+)')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def walk(client: Any, start: list[str], follow: tuple[str, ...] = FOLLOW) -> dict[str, str]:
    """Every page reachable from ``start`` through links under FOLLOW (policy-library pages are not followed further);
    fails on anything but a 200, a page title with markup, a date written otherwise than 2026年12月1日."""
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
        assert title and "<" not in title.group(1) and "csrf" not in title.group(1).lower(), url
        text = _text(html)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), f"{url}: an ISO date on the page"
        assert not re.search(r"\d{4}年0\d月|月0\d日", text), f"{url}: a date with leading zeros"
        for days in re.findall(r"已逾期(\d+)个工作日", text):
            assert int(days) <= 5, f"{url}: an item overdue by {days} working days"
        if url.startswith("/policies/"):
            continue
        for link in HREF.findall(html):
            link = link.replace("&amp;", "&")
            if link.startswith(follow) and link not in seen:
                todo.append(link)
    return seen


@pytest.fixture
def demo(demo_users, settings, tmp_path):
    from django.core.management import call_command

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path)
    call_command("load_gazette", verbosity=0)  # as `manage.py demo` does: the policy library the pages cite
    load_demo()


def test_enterprise_journey(demo, login_client):
    c = login_client("enterprise")
    pages = walk(c, ["/water-plan/", "/water-plan/my/"])
    assert "/policies/water_plan/" in pages  # the document itself, from the introduction
    # its plans with their change notices (the coefficient case of this year), notices and PDFs
    assert any(u.startswith("/water-plan/changes/") and u.endswith("/pdf/") for u in pages)
    assert any(u.startswith("/water-plan/notices/") and u.endswith("/pdf/") for u in pages)
    assert sum(1 for kind in pages.values() if kind == "application/pdf") >= 3
    # files an "other" emergency with an uploaded proof, on the page
    plan = YearlyPlan.objects.get(unit__name="鄂州示范制造有限公司", year=2026)
    c.post(
        f"/water-plan/my/units/{plan.unit_id}/evidence/",
        {"kind": "supplement", "file": SimpleUploadedFile("照片.pdf", PDF)},
    )
    ev = EvidenceFile.objects.get(original_name="照片.pdf")  # the demo's own proof is there too
    r = c.post(
        f"/water-plan/my/plans/{plan.pk}/supplements/other/",
        {
            "event_on": "2026-06-12",
            "description": "消防管道冲洗",
            "requested_volume": "20",
            "evidence_ids": [ev.pk],
        },
        follow=True,
    )
    assert r.status_code == 200 and "已提出突发用水增补申请" in r.content.decode()
    walk(c, ["/water-plan/my/"])


@pytest.mark.parametrize("username", ["shuiwu_clerk", "shuiwu_head"])
def test_clerk_and_head_journey(demo, login_client, username):
    c = login_client(username)
    pages = walk(c, ["/water-plan/", "/water-plan/board/", "/water-plan/units/"])
    assert sum(1 for u in pages if re.fullmatch(r"/water-plan/units/\d+/", u)) == 4
    board = c.get("/water-plan/board/").content.decode()
    assert "审核突发用水增补" in board and "处理异议" in board and "已逾期" not in board
    # decides the pending "other" emergency by a written opinion, and the pending appeal
    other = SupplementRequest.objects.get(type="other", status="received")
    r = c.post(
        f"/water-plan/supplements/{other.pk}/decide/",
        {"action": "approve", "approved_volume": "60", "opinion": "按冲洗管段容积核定60立方米"},
        follow=True,
    )
    assert r.status_code == 200 and SupplementRequest.objects.get(pk=other.pk).status == "approved"
    appeal = Appeal.objects.get(state="received")
    r = c.post(
        f"/water-plan/appeals/{appeal.pk}/decide/",
        {"upheld": "no", "decision": "经核实读数无误"},
        follow=True,
    )
    assert r.status_code == 200 and Appeal.objects.get(pk=appeal.pk).state == "rejected"
    walk(c, ["/water-plan/board/", f"/water-plan/units/{appeal.notice.unit_id}/"])


def test_auditor_reads_and_cannot_act(demo, login_client):
    c = login_client("auditor")
    pages = walk(c, ["/water-plan/", "/water-plan/board/", "/water-plan/units/"])
    unit_page = next(u for u in pages if re.fullmatch(r"/water-plan/units/\d+/", u))
    assert "/decide/" not in c.get(unit_page).content.decode()  # no decision forms
    other = SupplementRequest.objects.get(type="other")
    assert c.post(f"/water-plan/supplements/{other.pk}/decide/", {"action": "approve"}).status_code == 403


@pytest.mark.parametrize(
    "today", [dt.date(2026, 1, 10), dt.date(2026, 1, 20), dt.date(2026, 12, 28), dt.date(2027, 2, 10)]
)
def test_demo_makes_sense_on_other_days(demo_users, login_client, clock_at, settings, tmp_path, today):
    # before this year's plans (10 January), the issue day itself, late December and in 2027 (no holiday
    # table: provisional dates)
    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path)
    clock_at(today)
    load_demo()  # the policy library is not loaded here: its links are not followed
    walk(login_client("shuiwu_clerk"), ["/water-plan/board/"], FOLLOW[:2])
    walk(login_client("enterprise"), ["/water-plan/my/"], FOLLOW[:2])
