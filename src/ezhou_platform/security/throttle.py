"""Login throttling (SECURITY.md C02; MLPS 身份鉴别 02; ASVS 6.3.1).

Three layers, all counted from django-axes' failure log (one row per failed login: user name, socket address,
time), so every gunicorn worker sees the same counts:

- **Staff accounts** are locked for 30 minutes after 5 consecutive failures (django-axes, `failure_limit`
  below), as MLPS asks.
- **Citizen and enterprise accounts are never locked**: a lock would let anyone shut a citizen out of their
  own application by typing their user name five times. Instead, after `ACCOUNT_CHALLENGE_AFTER` failures in
  the window the account's login needs a CAPTCHA (`captcha.py`), which stops scripted guessing.
- **Per source address**: after `IP_CHALLENGE_AFTER` failures in the window every login from that address
  needs the CAPTCHA, whatever user name it tries; after `IP_BLOCK_AFTER` the address is refused (HTTP 429)
  until the window has passed. This stops "one password over a thousand user names". The address is the
  socket's (`common.middleware.client_address`), never X-Forwarded-For, so a forged header cannot move an
  attacker to a fresh counter; behind a reverse proxy the proxy must set REMOTE_ADDR (docs/security.md).

Unknown user names are treated as citizens (no lock), so the answer never tells whether a name exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ezhou_platform.common import clock
from ezhou_platform.common.middleware import client_address
from ezhou_platform.common.roles import STAFF_ROLES


@dataclass(frozen=True)
class ThrottlePolicy:
    window_minutes: int = 30
    staff_lock_after: int = 5
    account_challenge_after: int = 3
    ip_challenge_after: int = 10
    ip_block_after: int = 50


def policy() -> ThrottlePolicy:
    return ThrottlePolicy(**getattr(settings, "LOGIN_THROTTLE", {}))


def _role_of(username: str) -> str | None:
    from ezhou_platform.common.models import User

    if not username:
        return None
    return User.objects.filter(username__iexact=username).values_list("role", flat=True).first()


def is_staff_username(username: str) -> bool:
    return _role_of(username) in STAFF_ROLES


# An effectively infinite failure limit: django-axes never locks a citizen, enterprise or unknown name.
NEVER = 10**9


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """AXES_FAILURE_LIMIT: 5 for staff user names, never for the others (they get the CAPTCHA instead)."""
    username = str((credentials or {}).get("username") or "")
    return policy().staff_lock_after if is_staff_username(username) else NEVER


def axes_client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the socket address only."""
    return client_address(request) or "0.0.0.0"  # noqa: S104 - a placeholder for a missing address, never bound  # nosec B104


def _since() -> dt.datetime:
    return clock.now() - dt.timedelta(minutes=policy().window_minutes)


def ip_failures(ip: str) -> int:
    """Wrong passwords (django-axes' failure log) and wrong CAPTCHA answers (the audit trail) from `ip`."""
    from axes.models import AccessFailureLog

    from ezhou_platform.common.audit.models import AuditRecord

    since = _since()
    passwords = AccessFailureLog.objects.filter(ip_address=ip or None, attempt_time__gte=since).count()
    answers = AuditRecord.objects.filter(
        action="auth.captcha_failed", remote_addr=ip, created_at__gte=since
    ).count()
    return passwords + answers


def account_failures(username: str) -> int:
    """Failures of this user name in the window since its last successful login."""
    from axes.models import AccessFailureLog

    from ezhou_platform.common.models import User

    if not username:
        return 0
    since = _since()
    last_login = User.objects.filter(username__iexact=username).values_list("last_login", flat=True).first()
    if last_login is not None and last_login > since:
        since = last_login
    return AccessFailureLog.objects.filter(username__iexact=username, attempt_time__gte=since).count()


@dataclass(frozen=True)
class Decision:
    blocked: bool  # the source address is refused (429) until the window passes
    challenge: bool  # the login needs the CAPTCHA


def decide(request: HttpRequest, username: str) -> Decision:
    p = policy()
    by_ip = ip_failures(client_address(request))
    if by_ip >= p.ip_block_after:
        return Decision(blocked=True, challenge=True)
    # Staff names are protected by the lock (and the second factor), so only other names get the account's
    # CAPTCHA; the address's CAPTCHA applies to every name.
    account_challenge = (
        not is_staff_username(username) and account_failures(username) >= p.account_challenge_after
    )
    return Decision(blocked=False, challenge=by_ip >= p.ip_challenge_after or account_challenge)
