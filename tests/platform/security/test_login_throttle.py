"""Login throttling (SECURITY.md C02; issue 14 failure 10).

Reproduces the probe: 100 failures over 100 user names from one address, then a success — which went through
before — and "anyone can lock any account" — which locked a citizen out before. Prints the check's figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from ezhou_platform.security import captcha

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _try(client: Any, username: str, password: str, **extra: Any) -> Any:
    data = {"username": username, "password": password}
    if "captcha" in extra:
        data["captcha"] = extra.pop("captcha")
    return client.post(LOGIN, data, **extra)


def _answer(client: Any) -> str:
    """Solve the current question (the test reads the session; a person reads the picture)."""
    q = client.session[captcha.SESSION_KEY]["q"]
    a, op, b = q.replace(" = ?", "").split()
    return str(int(a) + int(b) if op == "+" else int(a) - int(b))


def test_anyone_can_no_longer_lock_a_citizen(client: Any, demo_users: Any, demo_password: str) -> None:
    # An attacker types the citizen's name with wrong passwords, many times.
    for i in range(8):
        r = _try(client, "citizen", f"wrong-{i}", REMOTE_ADDR="203.0.113.9")
        assert r.status_code == 200  # never 429: the account is not locked
    # The citizen, from their own address, still logs in: after the CAPTCHA the account asks for.
    own = type(client)()
    r = _try(own, "citizen", demo_password, REMOTE_ADDR="198.51.100.7")
    assert r.status_code == 200 and "验证码" in r.content.decode()  # the challenge, not a lock
    own.get(LOGIN, REMOTE_ADDR="198.51.100.7")
    r = _try(own, "citizen", demo_password, REMOTE_ADDR="198.51.100.7", captcha=_answer(own))
    assert r.status_code == 302
    print("\nC02 citizen lockouts by a third party: 0 (8 failures → CAPTCHA, owner logged in)")


def test_the_captcha_is_checked_before_the_password(client: Any, demo_users: Any, demo_password: str) -> None:
    for i in range(3):
        _try(client, "citizen", f"wrong-{i}")
    # The right password without (or with a wrong) answer is refused and never reaches the password check.
    assert "验证码" in _try(client, "citizen", demo_password).content.decode()
    client.get(LOGIN)
    assert "验证码" in _try(client, "citizen", demo_password, captcha="999").content.decode()
    assert client.get("/api/v1/me").status_code == 401
    # A used answer does not work twice.
    client.get(LOGIN)
    answer = _answer(client)
    assert _try(client, "citizen", "wrong-x", captcha=answer).status_code == 200
    assert "验证码" in _try(client, "citizen", demo_password, captcha=answer).content.decode()


def test_captcha_image_is_a_png(client: Any, db: Any) -> None:
    r = client.get("/accounts/captcha.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content.startswith(b"\x89PNG")
    assert r["Cache-Control"].startswith("no-store") or "no-store" in r["Cache-Control"]


def test_one_address_over_a_hundred_names_then_a_success(
    client: Any, demo_users: Any, demo_password: str, settings: Any
) -> None:
    """The probe: 100 failures over 100 user names from one address, then the right password of a real
    account. The address gets the CAPTCHA after 10 failures and is refused after 50; the success is refused."""
    limit = settings.LOGIN_THROTTLE
    statuses = []
    for i in range(100):
        statuses.append(_try(client, f"guess{i:03d}", "Password-123", REMOTE_ADDR="203.0.113.50").status_code)
    assert 429 in statuses
    final = _try(client, "citizen", demo_password, REMOTE_ADDR="203.0.113.50")
    assert final.status_code == 429
    # Rotating 1,000 forged X-Forwarded-For values changes nothing: only the socket address counts.
    bypasses = 0
    for i in range(1000):
        r = _try(
            client,
            "citizen",
            demo_password,
            REMOTE_ADDR="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"10.{i // 250}.{i % 250}.1",
        )
        bypasses += r.status_code == 302
    assert bypasses == 0
    # Another address is unaffected.
    other = type(client)()
    assert _try(other, "citizen", demo_password, REMOTE_ADDR="198.51.100.8").status_code == 302
    print(
        f"\nC02 per-IP: CAPTCHA after {limit['ip_challenge_after']}, refused after {limit['ip_block_after']} "
        f"failures; first 429 at attempt {statuses.index(429) + 1}; bypasses with 1,000 spoofed XFF = {bypasses}"
    )


def test_staff_attempts_to_lock_is_five(client: Any, demo_users: Any, demo_password: str) -> None:
    attempts = 0
    for i in range(10):
        attempts += 1
        if _try(client, "shuiwu_clerk", f"wrong-{i}").status_code == 429:
            break
    assert attempts == 5
    assert _try(client, "shuiwu_clerk", demo_password, REMOTE_ADDR="198.51.100.9").status_code == 429
    print(f"\nC02 staff attempts-to-lock = {attempts}")


def test_unknown_and_citizen_names_get_the_same_answer(client: Any, demo_users: Any) -> None:
    for i in range(4):
        a = _try(client, "citizen", f"wrong-{i}", REMOTE_ADDR="192.0.2.1")
        b = _try(client, f"nobody{i}", f"wrong-{i}", REMOTE_ADDR="192.0.2.2")
        assert a.status_code == b.status_code == 200
