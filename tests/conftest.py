"""Shared fixtures: reference data, one user per role, a logged-in client, and a real browser."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# Every test runs on this date unless it moves the clock itself (`clock_at`): the platform reads one clock
# (ezhou_platform.common.clock), so no result depends on the day the suite happens to run. A Monday in June
# of a year whose holidays are known, far from year ends and holidays.
FROZEN_NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    # tick=True: time moves on from the frozen instant, so timeouts and ordering still behave.
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture
def clock_at() -> Iterator[Any]:
    """`clock_at(dt.date(2026, 12, 28))` moves the platform's clock to 10:00 Beijing time on that day."""
    travellers: list[Any] = []

    def move(day: dt.date, hour: int = 10) -> None:
        t = time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=True)
        t.start()
        travellers.append(t)

    yield move
    for t in reversed(travellers):
        t.stop()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The demo accounts are created per test; the production hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _anchor_dir(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("audit-anchors")


_anchor_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _audit_anchor_file(settings: Any, _anchor_dir: Any) -> None:
    """A fresh audit anchor file per test (C12): each test database starts empty, and verify would read
    another test's anchors as a wiped trail. (A name per test in one folder: cheaper than tmp_path.)"""
    settings.AUDIT_ANCHOR_FILE = str(_anchor_dir / f"audit-anchor-{next(_anchor_numbers)}.log")


@pytest.fixture(autouse=True)
def _demo_mode(settings: Any) -> None:
    """The suite is a demo installation (EZHOU_DEMO=1, as `make run`): its fixtures load the demo accounts,
    values written by code are in force at once and staff log in without a second factor. Tests of the
    production behaviour set `settings.DEMO_MODE = False` themselves (tests/platform/security/)."""
    settings.DEMO_MODE = True


@pytest.fixture
def reference_data(db: Any) -> None:
    from ezhou_platform.common.demo import load_reference_data

    load_reference_data()


@pytest.fixture
def demo_users(db: Any) -> dict[str, Any]:
    """The demo accounts (one per role and several departments), keyed by username."""
    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import User

    load_demo_accounts()
    return {u.username: u for u in User.objects.select_related("department")}


@pytest.fixture
def login_client(client: Any, demo_users: dict[str, Any]) -> Any:
    """`login_client("yibao_clerk")` → a Django test client logged in as that demo account."""

    def login(username: str) -> Any:
        client.logout()
        user = demo_users[username]
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if user.is_platform_staff:
            # Staff sessions as after the second factor, so the client also works where a test switches the
            # demo setting off (tests/platform/security): a confirmed TOTP device, verified in this session.
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "测试"})
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return login


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests but Debian's chromium is not installed")
        pytest.skip(
            "Debian's chromium is not installed (`make test` installs it as root; `apt-get install chromium`)"
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse the live
    # server's fixtures otherwise.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def demo_password() -> str:
    from ezhou_platform.common.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
