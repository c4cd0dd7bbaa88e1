"""Deadlines that reach a year whose holidays are not entered: provisional, shown as 暂定, recounted on entry.

chinese-calendar 1.11.0 knows 2004–2026; nothing in the database knows 2027 until the administrator enters it.
The calendar endpoint, the administrators' reminder and the entry page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.models import Recomputation

pytestmark = pytest.mark.django_db
D = dt.date


def test_calendar_deadline_endpoint(client: Any) -> None:
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2026-12-28", "basis": "workdays", "amount": 5},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    # 12-29, 12-30, 12-31, 01-01, 01-04 (2027 Monday–Friday); Sat 01-02 and Sun 01-03 skipped.
    assert body["due"] == "2027-01-04" and body["provisional"] and body["provisional_years"] == [2027]
    assert body["skipped"] == ["2027-01-02", "2027-01-03"] and "暂定" in body["explanation"]
    # Month end with the roll-forward: issued 2024-02-15 → 2024-03-31 (Sunday) → 2024-04-01.
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2024-02-15", "basis": "month_end", "amount": 1},
        content_type="application/json",
    )
    assert r.json()["due"] == "2024-04-01" and r.json()["rolled"] and not r.json()["provisional"]
    # Bad input: a clear Chinese message naming the field.
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2024-02-15", "basis": "workdays", "amount": 0},
        content_type="application/json",
    )
    assert r.status_code == 400 and "工作日" in r.json()["message"]
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "9999-01-01", "basis": "workdays", "amount": 3},
        content_type="application/json",
    )
    # a year outside 1900–2100 is stopped by the API's input guard before the endpoint (422, the field named)
    assert r.status_code == 422 and r.json()["field"] == "start" and "起算日" in r.json()["message"]


def test_administrators_are_reminded_from_1_november(clock_at: Any, login_client: Any) -> None:
    clock_at(D(2026, 10, 31))
    assert "2027年节假日安排尚未录入" not in login_client("admin").get("/").content.decode()
    clock_at(D(2026, 11, 1))
    page = login_client("admin").get("/").content.decode()
    assert "2027年节假日安排尚未录入" in page and "/calendar/2027/" in page
    # Only administrators: a clerk is not asked to enter the calendar.
    assert "2027年节假日安排尚未录入" not in login_client("shuiwu_clerk").get("/").content.decode()


def test_calendar_entry_errors_name_the_field(login_client: Any) -> None:
    admin = login_client("admin")
    base = {"source": "通知", "notice_number": "国办发明电〔2026〕测试号", "notice_date": "2026-11-10"}
    r = admin.post("/calendar/2027/", {**base, "holidays": "2027-13-01 元旦", "workdays": ""})
    assert r.status_code == 200 and "放假日期第1行" in r.content.decode()
    r = admin.post("/calendar/2027/", {**base, "holidays": "2026-12-31 元旦", "workdays": ""})
    assert "不属于2027年" in r.content.decode()
    r = admin.post("/calendar/2027/", {**base, "holidays": "2027-01-01", "workdays": "2027-01-04 调休"})
    assert "无需录入" in r.content.decode()
    assert not Recomputation.objects.exists()
    # Clerks may look at the calendar but not enter it.
    assert login_client("shuiwu_clerk").get("/calendar/").status_code == 200
    assert (
        login_client("shuiwu_clerk").post("/calendar/2027/", {**base, "holidays": "2027-01-01"}).status_code
        == 403
    )


def test_api_validation_errors_name_the_field_in_chinese(client: Any) -> None:
    # Pydantic's "Input should be a valid date" and the internal name "start" become the field's Chinese label.
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2026-13-01", "basis": "workdays", "amount": 5},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "start" and body["message"] == "起算日：格式不正确（应为日期 YYYY-MM-DD）。"
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2026-12-01", "basis": "weeks"},
        content_type="application/json",
    )
    assert r.json()["message"].startswith("计算方式：应为以下之一") and "basis" not in r.json()["message"]
    r = client.post("/api/v1/calendar/deadline", {"basis": "workdays"}, content_type="application/json")
    assert r.json()["message"] == "起算日：必须填写。"
    r = client.post(
        "/api/v1/calendar/deadline",
        {"start": "2026-12-01", "basis": "workdays", "amount": 5000},
        content_type="application/json",
    )
    assert r.json()["message"] == "期间长度：不能大于1200。"
