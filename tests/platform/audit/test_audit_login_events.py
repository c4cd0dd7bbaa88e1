"""Login events: success, failure (the user name tried, never the password), lockout, logout."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.verify import verify

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


def _actions() -> list[str]:
    return list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))


def test_successful_login_is_recorded(client: Any, users: Any, demo_password: str) -> None:
    response = client.post(
        LOGIN,
        {"username": "yibao_clerk", "password": demo_password},
        REMOTE_ADDR="10.9.8.7",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
        HTTP_USER_AGENT="Mozilla/5.0 test",
    )
    assert response.status_code == 302
    entry = AuditRecord.objects.get(action="auth.login")
    assert entry.result == "success" and entry.label == "登录成功"
    assert entry.actor_id == users["yibao_clerk"].pk and entry.actor_role == "clerk"
    assert entry.actor_department_code == "medical_security"
    assert entry.remote_addr == "10.9.8.7"  # the socket address, not X-Forwarded-For
    assert entry.user_agent == "Mozilla/5.0 test" and entry.path == LOGIN
    assert verify().ok


def test_failed_login_records_the_username_but_not_the_password(client: Any, users: Any) -> None:
    client.post(LOGIN, {"username": "citizen", "password": "Secret-Guess-123"}, REMOTE_ADDR="10.0.0.5")
    client.post(LOGIN, {"username": "nobody-here", "password": "Secret-Guess-456"})
    failed = list(AuditRecord.objects.filter(action="auth.login_failed").order_by("seq"))
    assert [f.actor_username for f in failed] == ["citizen", "nobody-here"]
    assert all(f.result == "failed" and f.actor_id is None for f in failed)
    assert failed[0].remote_addr == "10.0.0.5"
    for f in failed:
        dump = " ".join(str(getattr(f, name.attname)) for name in AuditRecord._meta.fields)
        assert "Secret-Guess" not in dump and "*****" not in dump
    assert "auth.login" not in _actions()


def test_lockout_is_recorded(client: Any, users: Any, demo_password: str) -> None:
    # Staff accounts are locked (citizens get a CAPTCHA instead: tests/platform/security/test_login_throttle.py).
    limit = settings.LOGIN_THROTTLE["staff_lock_after"]
    for i in range(limit):
        client.post(LOGIN, {"username": "auditor", "password": f"wrong-password-{i}"})
    lockouts = AuditRecord.objects.filter(action="auth.lockout")
    assert lockouts.count() == 1
    lock = lockouts.get()
    assert lock.result == "denied" and lock.actor_username == "auditor" and lock.label == "账户锁定"
    # A further attempt, even with the right password, is refused and recorded as failed.
    client.post(LOGIN, {"username": "auditor", "password": demo_password})
    assert "auth.login" not in _actions()
    assert _actions().count("auth.login_failed") == limit + 1
    assert verify().ok


def test_logout_is_recorded(client: Any, users: Any, demo_password: str) -> None:
    client.post(LOGIN, {"username": "auditor", "password": demo_password})
    client.post(LOGOUT)
    assert _actions() == ["auth.login", "auth.logout"]
    logout = AuditRecord.objects.get(action="auth.logout")
    assert logout.actor_username == "auditor" and logout.actor_role == "auditor"


def test_anonymous_logout_writes_nothing(client: Any) -> None:
    client.post(LOGOUT)
    assert _actions() == []


def test_a_login_that_cannot_be_audited_fails(
    client: Any, users: Any, demo_password: str, settings: Any
) -> None:
    settings.AUDIT_HMAC_KEY = ""
    client.raise_request_exception = False
    response = client.post(LOGIN, {"username": "auditor", "password": demo_password})
    assert response.status_code == 500
    assert client.get("/audit/").status_code == 302  # not logged in: the session was not kept
