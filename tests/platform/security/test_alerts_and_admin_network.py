"""Alerts (SECURITY.md C17) on mass views of personal data, lockout storms and a failed chain verification,
to the alert page and the log; and the admin's address allowlist (C10)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.services import record_pii_view
from ezhou_platform.security import alerts
from ezhou_platform.security.models import Alert

pytestmark = pytest.mark.django_db


def test_two_hundred_views_in_ten_minutes_raise_one_alert(
    rf: Any, demo_users: Any, settings: Any, caplog: Any
) -> None:
    clerk = demo_users["yibao_clerk"]
    target = demo_users["citizen"]
    request = rf.get("/")
    request.user = clerk
    limit = settings.ALERTS["mass_view_per_hour"]
    first_over: dt.datetime | None = None
    with caplog.at_level(logging.ERROR, logger="ezhou.security.alert"):
        for i in range(200):  # 200 views, about 3 s apart on the ticking clock: within 10 minutes
            record_pii_view(request, target, "username", reason="核对身份")
            if i == limit:
                first_over = clock.now()
    alert = Alert.objects.get(kind=Alert.Kind.MASS_VIEW)  # one alert for the hour, not 150
    assert alert.subject == "yibao_clerk" and alert.detail["count"] == limit + 1
    assert first_over is not None and alert.event_at is not None
    latency = (alert.raised_at - alert.event_at).total_seconds()
    assert 0 <= latency < 5
    assert caplog.text.count("安全告警 mass_view") == 1
    assert AuditRecord.objects.filter(action="security.alert.raise").count() == 1
    print(f"\nC17 mass-view detection latency = {latency:.3f} s (alert at view {limit + 1} of 200)")


def test_a_lockout_storm_and_a_failed_verification_raise_alerts(
    client: Any, demo_users: Any, settings: Any
) -> None:
    settings.ALERTS = {**settings.ALERTS, "login_failures_per_10_minutes": 5}
    for n in range(7):
        client.post(
            "/accounts/login/",
            {"username": f"nobody{n}", "password": "wrong-password-1"},
            REMOTE_ADDR=f"10.9.0.{n}",
        )
    assert Alert.objects.filter(kind=Alert.Kind.LOCKOUT_STORM).count() == 1

    class Report:
        problems = ["seq 7: MAC mismatch"]

    alerts.chain_verify_failed(Report())
    assert Alert.objects.filter(kind=Alert.Kind.CHAIN_VERIFY).count() == 1
    client.force_login(demo_users["anquan_admin"])
    page = client.get("/security/")
    assert page.status_code == 200 and "审计链校验" in page.content.decode()


def test_the_admin_answers_only_to_the_allowed_networks(client: Any, demo_users: Any, settings: Any) -> None:
    settings.ADMIN_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    client.force_login(demo_users["admin"])
    outside = client.get("/admin/", REMOTE_ADDR="198.51.100.7")
    assert outside.status_code == 403 and "管理网络" in outside.content.decode()
    assert AuditRecord.objects.filter(action="auth.access_denied", object_id="/admin/").exists()
    # A spoofed X-Forwarded-For does not help (no proxy is trusted unless configured).
    spoofed = client.get("/admin/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert spoofed.status_code == 403
    assert client.get("/admin/", REMOTE_ADDR="192.0.2.10").status_code in (200, 302)
