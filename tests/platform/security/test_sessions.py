"""Sessions: the 12-hour absolute lifetime no longer slides (SECURITY.md C03; issue 14 failure 10), and every
request carries an id that reaches the audit trail (C11; failure 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session

from ezhou_platform.common.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_absolute_lifetime_does_not_slide(client: Any, demo_users: Any, demo_password: str) -> None:
    start = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert client.post(LOGIN, {"username": "citizen", "password": demo_password}).status_code == 302
        key = client.session.session_key
        row = Session.objects.get(session_key=key)
        assert row.expire_date == start + dt.timedelta(hours=12)
        # Busy all day: a request every 20 minutes (within the 30-minute idle limit) for 11 h 40 min.
        for _ in range(35):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/api/v1/me").status_code == 200
        # The stored expiry has not moved with the activity.
        assert Session.objects.get(session_key=key).expire_date == start + dt.timedelta(hours=12)
        traveller.shift(dt.timedelta(minutes=21))  # 12 h 01 min after login
        assert client.get("/api/v1/me").status_code == 401
        # The row is past its expiry (the database no longer loads it; the daily job deletes it).
        assert not Session.objects.filter(
            session_key=key, expire_date__gt=start + dt.timedelta(hours=12)
        ).exists()
    print("\nC03 measured limits: absolute 43200 s from login (busy session ends at 12 h 01 min)")


def test_every_response_has_a_request_id_and_the_audit_record_carries_it(
    client: Any, demo_users: Any, demo_password: str
) -> None:
    r = client.post(LOGIN, {"username": "auditor", "password": demo_password})
    rid = r["X-Request-ID"]
    assert len(rid) == 32
    rec = AuditRecord.objects.get(action="auth.login")
    assert rec.request_id == rid
    # A client cannot choose the id written to the trail.
    r2 = client.get("/api/v1/me", HTTP_X_REQUEST_ID="forged-id")
    assert r2["X-Request-ID"] not in ("forged-id", rid)
    # Every record written through a request carries one.
    client.post("/accounts/logout/")
    empty = AuditRecord.objects.filter(request_id="").exclude(path="").count()
    assert empty == 0
    print(f"\nC11 audit records written in a request without a request id: {empty}")
