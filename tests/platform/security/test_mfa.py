"""The second factor for every staff role (SECURITY.md C04): TOTP after the password, single-use codes, no
staff page or endpoint without it, and a password reset that does not skip it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import TOTP

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.roles import STAFF_ROLES
from ezhou_platform.security.accounts import reset_password

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _production_rules(settings: Any, demo_users: Any) -> None:
    settings.DEMO_MODE = False
    settings.MFA_REQUIRED = True


def _code(device: Any, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def wait() -> Iterator[Callable[[float], None]]:
    """Move the (frozen, ticking) clock on, e.g. past django-otp's throttle delay after a wrong code."""
    travellers: list[Any] = []

    def move(seconds: float) -> None:
        traveller = time_machine.travel(time.time() + seconds, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


def _login(client: Any, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_enrol_then_verify_then_codes_are_single_use(client: Any, demo_password: str, wait: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert _login(client, "yibao_clerk", demo_password).status_code == 302
    r = client.get("/workspace/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/mfa/")
    page = client.get("/accounts/mfa/")
    html = page.content.decode()
    assert "绑定动态口令" in html and 'src="data:image/svg+xml' in html  # the QR code, drawn locally
    device = TOTPDevice.objects.get(user__username="yibao_clerk", confirmed=False)
    assert client.post("/accounts/mfa/", {"token": "000000"}).status_code == 200  # wrong code
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp then waits 1 s, doubling per failure
    wait(2)
    code = _code(device)
    r = client.post("/accounts/mfa/", {"token": code, "next": "/workspace/"})
    assert r.status_code == 302 and r["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    # A new session: the same code again is refused (single use), the next step's code works.
    client.post("/accounts/logout/")
    _login(client, "yibao_clerk", demo_password)
    assert "最新6位数字" in client.post("/accounts/mfa/", {"token": code}).content.decode()
    wait(2)
    device.refresh_from_db()
    assert client.post("/accounts/mfa/", {"token": _code(device, 1)}).status_code == 302
    assert AuditRecord.objects.filter(action="platform.user.mfa_enrol").count() == 1
    assert AuditRecord.objects.filter(action="platform.user.mfa_verify", result="failed").exists()


def test_expired_code_is_refused(client: Any, demo_password: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _login(client, "shuiwu_clerk", demo_password)
    client.get("/accounts/mfa/")
    device = TOTPDevice.objects.get(user__username="shuiwu_clerk")
    old = _code(device, -3)  # 90 seconds old: outside the one-step tolerance
    assert client.post("/accounts/mfa/", {"token": old}).status_code == 200


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if "<" not in route and "(?P" not in route and "^" not in route:
                out.append("/" + route)
    return out


def test_staff_routes_reachable_without_mfa(client: Any, demo_users: Any, demo_password: str) -> None:
    """Crawl every parameter-free page and GET endpoint as each staff role after the password only."""
    open_paths = (
        "/accounts/",
        "/static/",
        "/policies/",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/api/v1/health",
    )
    routes = [r for r in _walk(get_resolver().url_patterns) if r != "/" and not r.startswith(open_paths)]
    reachable: list[str] = []
    users = [u for u in demo_users.values() if u.role in STAFF_ROLES]
    for user in users:
        client.logout()
        assert _login(client, user.username, demo_password).status_code == 302
        for route in routes:
            status = client.get(route).status_code
            if status == 200:
                reachable.append(f"{user.username} {route}")
    assert reachable == []
    print(
        f"\nC04 staff routes reachable without MFA = {len(reachable)} ({len(routes)} routes × {len(users)} staff)"
    )


def test_password_reset_never_bypasses_mfa(client: Any, demo_users: Any, demo_password: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    auditor = demo_users["auditor"]
    device = TOTPDevice.objects.create(user=auditor, name="手机", confirmed=True)
    reset_password(auditor, actor=demo_users["anquan_admin"], new_password="Fresh-Harbour#2031")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    _login(client, "auditor", "Fresh-Harbour#2031")
    # The second factor comes first, then the password change.
    assert client.get("/audit/")["Location"].startswith("/accounts/mfa/")
    assert client.get("/accounts/password/").status_code == 200  # reachable, but nothing else is
    client.post("/accounts/mfa/", {"token": _code(device)})
    assert client.get("/audit/")["Location"] == "/accounts/password/"


def test_api_answers_401_without_the_second_factor(client: Any, demo_password: str) -> None:
    _login(client, "yibao_clerk", demo_password)
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "mfa_required"


def test_citizens_need_no_second_factor(client: Any, demo_password: str) -> None:
    _login(client, "citizen", demo_password)
    assert client.get("/api/v1/me").status_code == 200
