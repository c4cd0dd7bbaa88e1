"""Login: staff lockout after 5 failures for 30 minutes per account, one message, idle timeout, real logout.

Citizens are not locked (a CAPTCHA instead) and the per-address throttle: tests/platform/security/.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _try(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_unknown_user_and_wrong_password_get_the_same_message(client: Any, demo_users: Any) -> None:
    wrong = _try(client, "citizen", "wrong-password-1")
    unknown = _try(client, "nobody-here", "wrong-password-1")
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名或密码错误。" in wrong.content.decode()
    assert "用户名或密码错误。" in unknown.content.decode()


def test_correct_password_logs_in(client: Any, demo_users: Any, demo_password: str) -> None:
    response = _try(client, "citizen", demo_password)
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "citizen"


def test_five_failures_lock_a_staff_account_even_with_the_right_password(
    client: Any, demo_users: Any, demo_password: str
) -> None:
    for _ in range(4):
        assert _try(client, "yibao_clerk", "wrong-password-1").status_code == 200
    # The fifth consecutive failure locks the account.
    locked = _try(client, "yibao_clerk", "wrong-password-1")
    assert locked.status_code == 429
    assert "锁定30分钟" in locked.content.decode()
    # Now the right password is refused too, from another address and with a forged X-Forwarded-For.
    again = _try(client, "yibao_clerk", demo_password, REMOTE_ADDR="10.9.8.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert again.status_code == 429
    # Another account is not affected.
    assert _try(client, "auditor", demo_password).status_code == 302


def test_lock_expires_after_thirty_minutes(
    client: Any, demo_users: Any, demo_password: str, settings: Any
) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        _try(client, "yibao_clerk", "wrong-password-1")
    assert _try(client, "yibao_clerk", demo_password).status_code == 429
    # Move the failures 31 minutes into the past: the cool-off (0.5 h) has passed.
    from django.utils import timezone

    from ezhou_platform.common import clock

    AccessAttempt.objects.update(attempt_time=clock.now() - timezone.timedelta(minutes=31))
    assert _try(client, "yibao_clerk", demo_password).status_code == 302


def test_success_resets_the_failure_count(client: Any, demo_users: Any, demo_password: str) -> None:
    for _ in range(4):
        _try(client, "yibao_clerk", "wrong-password-1")
    assert _try(client, "yibao_clerk", demo_password).status_code == 302
    client.logout()
    for _ in range(4):
        _try(client, "yibao_clerk", "wrong-password-1")
    assert _try(client, "yibao_clerk", demo_password).status_code == 302


def test_logout_deletes_the_server_session(client: Any, demo_users: Any, demo_password: str) -> None:
    _try(client, "citizen", demo_password)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.parametrize(("username", "limit_minutes"), [("yibao_clerk", 15), ("citizen", 30)])
def test_idle_timeout_by_role(
    client: Any, demo_users: Any, demo_password: str, username: str, limit_minutes: int
) -> None:
    from ezhou_platform.common.middleware import IDLE_KEY

    _try(client, username, demo_password)
    session = client.session
    # Idle a minute less than the limit: still logged in.
    session[IDLE_KEY] = time.time() - (limit_minutes - 1) * 60
    session.save()
    assert client.get("/").context["user"].is_authenticated
    # Idle a minute more than the limit: logged out, the session row gone.
    session = client.session
    key = session.session_key
    session[IDLE_KEY] = time.time() - (limit_minutes + 1) * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()


def test_password_validation_rejects_weak_passwords(demo_users: Any) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    citizen, clerk = demo_users["citizen"], demo_users["yibao_clerk"]
    for weak in ("12345678901", "password123", "short1!", "x" * 65):
        with pytest.raises(ValidationError):
            validate_password(weak, citizen)
    # Citizens: 8–64 characters, no composition rules (ASVS 6.2).
    validate_password("lake view garden", citizen)
    # Staff: ≥ 12 characters, 3 of 4 classes, nothing guessable (MLPS 身份鉴别).
    with pytest.raises(ValidationError, match="至少12个字符"):
        validate_password("Ab1!cdefgh", clerk)  # 10 characters
    with pytest.raises(ValidationError, match="至少三类"):
        validate_password("lake view garden", clerk)  # one class only
    with pytest.raises(ValidationError, match="医疗保障局"):
        validate_password("医疗保障局Lake#2026x", clerk)  # the clerk's own department
    with pytest.raises(ValidationError, match="ezhou"):
        validate_password("Ezhou-Lake#2026", clerk)
    validate_password("Lake-View#2026x", clerk)
