"""Default accounts, the first administrators, password age and history, idle accounts (SECURITY.md C01, C06;
issue 14 failure 6: `ezhou demo` created 16 accounts with the published password in production)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.demo import DemoRefused, load_demo_accounts
from ezhou_platform.common.models import User
from ezhou_platform.security import checks
from ezhou_platform.security.accounts import disable_idle_accounts, password_expired

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_demo_data_only_under_the_demo_setting(settings: Any, db: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(DemoRefused):
        load_demo_accounts()
    with pytest.raises(CommandError, match="EZHOU_DEMO=1"):
        call_command("demo")
    assert User.objects.count() == 0


def test_production_refuses_demo_and_debug() -> None:
    import subprocess
    import sys

    env = {"EZHOU_PRODUCTION": "1", "EZHOU_DEMO": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", "import ezhou_platform.config.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "ImproperlyConfigured" in proc.stderr


def test_production_check_finds_demo_accounts(settings: Any, demo_users: Any) -> None:
    from django.db import transaction

    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        record("platform.demo.load", actor=None, label="载入参考数据和演示数据")
    settings.DEMO_MODE = False
    settings.PRODUCTION = True
    offending = checks.offending_accounts()
    problems = checks.production_problems()
    assert "admin" in offending and "auditor" in offending and len(offending) == len(demo_users)
    assert any("演示数据" in p for p in problems) and any("演示密码" in p for p in problems)
    print(f"\nC06 offending accounts in a demo database: {len(offending)} (production refuses to start)")


def test_bootstrap_creates_the_three_administrators_with_one_time_passwords(
    settings: Any, db: Any, capsys: Any, client: Any
) -> None:
    settings.DEMO_MODE = False
    call_command("bootstrap", noinput=True, admin="sysadm", security="secadm", auditor="audadm")
    out = capsys.readouterr().out
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"sysadm", "secadm", "audadm"}
    assert {u.role for u in users.values()} == {"admin", "security_admin", "auditor"}
    assert all(u.must_change_password for u in users.values())
    assert users["sysadm"].is_superuser and not users["secadm"].is_superuser
    assert AuditRecord.objects.filter(action="platform.user.bootstrap").count() == 3
    password = out.split("secadm")[1].split("一次性密码：")[1].split()[0]
    # A second bootstrap is refused: later accounts come from the security administrator.
    with pytest.raises(CommandError, match="已有管理员账户"):
        call_command("bootstrap", noinput=True, admin="a2", security="s2", auditor="u2")
    # First login: the password must be changed (the second factor is asked first in production).
    settings.MFA_REQUIRED = False
    assert client.post(LOGIN, {"username": "secadm", "password": password}).status_code == 302
    assert client.get("/security/")["Location"] == "/accounts/password/"
    r = client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "Harbour-Light#2031",
            "new_password2": "Harbour-Light#2031",
        },
    )
    assert r.status_code == 302
    assert client.get("/security/").status_code == 200
    users["secadm"].refresh_from_db()
    assert not users["secadm"].must_change_password
    assert checks.offending_accounts() == []


STAFF_CASES = [
    ("Ab1!cdefgh", False, "10 characters"),
    ("lakeviewgardenpath", False, "one class"),
    ("LAKEVIEW-GARDEN", False, "two classes"),
    ("Ezhou-Lake#2026x", False, "city name"),
    ("医疗保障局Lake#2026x", False, "own department"),
    ("yibao_clerk#Lake2026", False, "user name"),
    ("12345678901234", False, "numeric"),
    ("", False, "empty"),
    ("Lake-View#2026x", True, "12+, 4 classes"),
    ("harbour light 2031", True, "3 classes with spaces"),
    ("Quiet-River-Bend-77", True, "long"),
]
CITIZEN_CASES = [
    ("short1!", False, "7 characters"),
    ("x" * 65, False, "65 characters"),
    ("password123", False, "common"),
    ("12345678901", False, "numeric"),
    ("lake view garden", True, "no composition rules"),
    ("长江边的小城故事很多", True, "Chinese 10 characters"),
    ("eightchr", True, "8 characters"),
]


def test_password_rules_table(demo_users: Any) -> None:
    results = {"bad": [0, 0], "good": [0, 0]}
    for user, cases in ((demo_users["yibao_clerk"], STAFF_CASES), (demo_users["citizen"], CITIZEN_CASES)):
        for password, good, why in cases:
            try:
                validate_password(password, user)
                ok = True
            except ValidationError:
                ok = False
            key = "good" if good else "bad"
            results[key][1] += 1
            results[key][0] += ok == good
            assert ok == good, (user.username, password, why)
    print(
        f"\nC01 bad rejected {results['bad'][0]}/{results['bad'][1]}, good accepted {results['good'][0]}/{results['good'][1]}"
    )


def test_staff_password_history_of_five(demo_users: Any) -> None:
    clerk = demo_users["yibao_clerk"]
    passwords = [f"Harbour-Light#{2030 + i}" for i in range(6)]
    for pw in passwords:
        validate_password(pw, clerk)
        clerk.set_password(pw)
        clerk.save()
    # The last five are refused; the sixth-last (the demo's, then the first here) has left the history.
    for pw in passwords[1:]:
        with pytest.raises(ValidationError, match="最近5次"):
            validate_password(pw, clerk)
    validate_password(passwords[0], clerk)
    # Citizens keep no history (ASVS 6.2.10 forbids forced rotation rules for them).
    citizen = demo_users["citizen"]
    citizen.set_password("lake view garden")
    citizen.save()
    validate_password("lake view garden", citizen)


def test_staff_password_expires_after_90_days(
    demo_users: Any, demo_password: str, client: Any, clock_at: Any
) -> None:
    clerk = demo_users["yibao_clerk"]
    assert not password_expired(clerk)
    clock_at(dt.date(2026, 9, 13))  # 90 days after 2026-06-15: still valid
    assert not password_expired(clerk)
    clock_at(dt.date(2026, 9, 14))  # the 91st day
    assert password_expired(clerk)
    assert not password_expired(demo_users["citizen"])
    assert client.post(LOGIN, {"username": "yibao_clerk", "password": demo_password}).status_code == 302
    assert client.get("/workspace/")["Location"] == "/accounts/password/"
    print("\nC01 staff expiry: 90 days (day 91 forces a change); citizens: none")


def test_idle_accounts_are_disabled_and_their_sessions_killed(
    demo_users: Any, demo_password: str, client: Any, clock_at: Any
) -> None:
    from ezhou_platform.common import clock

    assert client.post(LOGIN, {"username": "citizen", "password": demo_password}).status_code == 302
    key = client.session.session_key
    clock_at(dt.date(2026, 9, 14))  # 91 days after the citizen's login
    User.objects.exclude(username="citizen").update(last_login=clock.now())  # everyone else is active
    result = disable_idle_accounts()
    assert result.disabled == ["citizen"] and result.sessions_deleted == 1
    assert not Session.objects.filter(session_key=key).exists()
    citizen = User.objects.get(username="citizen")
    assert not citizen.is_active and "90天" in citizen.disabled_reason
    assert AuditRecord.objects.filter(action="platform.user.disable_idle").count() == 1
    offending = len(list(disable_idle_accounts().disabled))
    print(f"\nC06 idle ≥90 days still active after the job: {offending}")


def test_daily_command_runs_the_jobs(demo_users: Any, capsys: Any) -> None:
    call_command("security", "daily")
    out = capsys.readouterr().out
    assert "停用连续90天未登录的账户" in out and "校验审计链" in out
