"""Security alerts (SECURITY.md C17; MLPS 入侵防范 22 检测入侵并告警).

An alert goes to three places at once: the `Alert` table (the security page, /security/, for the security
administrator and the auditor), the server log at ERROR (`ezhou.security.alert`, for the log shipper and
on-call), and the audit trail (`security.alert.raise`). One alert per kind, subject and time window
(`dedup_key`), so a storm raises one alert, not thousands.

Detectors, each called where its events happen, so detection is immediate (the latency figure is the time
from the triggering event to the alert row):
- `check_mass_views(user)` after every audited view of personal data: more than MASS_VIEW_LIMIT in an hour;
- `check_lockout_storm()` after every failed login: more than LOCKOUT_STORM_LIMIT failures in 10 minutes
  across all accounts and addresses (a credential-stuffing run);
- `chain_verify_failed(report)` from the daily verification job;
- `manifest_mismatch(...)` from the start-up and hourly code manifest check (manifest.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from ezhou_platform.common import clock

from .models import Alert

logger = logging.getLogger("ezhou.security.alert")

SENSITIVE_VIEW_ACTIONS = ("pii.reveal", "pii.view")


def raise_alert(
    kind: str,
    *,
    dedup_key: str,
    subject: str,
    message: str,
    detail: dict[str, Any] | None = None,
    event_at: dt.datetime | None = None,
) -> Alert | None:
    """Record one alert (None when this dedup_key was already raised): table, log and audit trail."""
    from ezhou_platform.common.audit.services import record

    if Alert.objects.filter(dedup_key=dedup_key[:200]).exists():
        return None  # raised already in this window: the log gets one line per alert, not per event
    logger.error("安全告警 %s：%s（%s）", kind, message, subject)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                dedup_key=dedup_key[:200],
                subject=subject[:200],
                message=message,
                detail=detail or {},
                event_at=event_at,
            )
            record(
                "security.alert.raise",
                actor=None,
                obj=alert,
                after={"kind": kind, "subject": subject, "message": message},
                label="安全告警",
            )
    except IntegrityError:
        return None  # raised already in this window
    return alert


def _hour_bucket(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y%m%d%H")


def check_mass_views(user: Any) -> Alert | None:
    """A clerk viewing more than MASS_VIEW_LIMIT people's full personal data within the last hour."""
    from ezhou_platform.common.audit.models import AuditRecord

    if user is None or not getattr(user, "pk", None):
        return None
    now = clock.now()
    since = now - dt.timedelta(hours=1)
    views = AuditRecord.objects.filter(
        actor_id=user.pk, action__in=SENSITIVE_VIEW_ACTIONS, created_at__gte=since
    )
    count = views.count()
    limit = settings.ALERTS["mass_view_per_hour"]
    if count <= limit:
        return None
    last = views.order_by("-seq").values_list("created_at", flat=True).first()
    return raise_alert(
        Alert.Kind.MASS_VIEW,
        dedup_key=f"mass_view:{user.pk}:{_hour_bucket(now)}",
        subject=user.get_username(),
        message=f"{user}在1小时内查看了{count}条完整个人信息，超过{limit}条的告警线。",
        detail={"count": count, "limit": limit, "user_id": user.pk},
        event_at=last,
    )


def check_lockout_storm() -> Alert | None:
    """More than LOCKOUT_STORM_LIMIT failed logins in 10 minutes, whatever the accounts and addresses."""
    from axes.models import AccessFailureLog

    now = clock.now()
    since = now - dt.timedelta(minutes=10)
    failures = AccessFailureLog.objects.filter(attempt_time__gte=since)
    count = failures.count()
    limit = settings.ALERTS["login_failures_per_10_minutes"]
    if count <= limit:
        return None
    addresses = failures.values("ip_address").distinct().count()
    accounts = failures.values("username").distinct().count()
    bucket = now.astimezone(dt.UTC).strftime("%Y%m%d%H") + f"{now.minute // 10}"
    return raise_alert(
        Alert.Kind.LOCKOUT_STORM,
        dedup_key=f"lockout_storm:{bucket}",
        subject=f"{addresses}个地址、{accounts}个账户",
        message=f"10分钟内登录失败{count}次（{accounts}个账户、{addresses}个来源地址），超过{limit}次的告警线。",
        detail={"count": count, "addresses": addresses, "accounts": accounts},
        event_at=failures.order_by("-attempt_time").values_list("attempt_time", flat=True).first(),
    )


def chain_verify_failed(report: Any) -> Alert | None:
    now = clock.now()
    problems = getattr(report, "problems", [])
    return raise_alert(
        Alert.Kind.CHAIN_VERIFY,
        dedup_key=f"chain_verify:{_hour_bucket(now)}",
        subject="审计日志",
        message=f"审计链校验发现{len(problems)}处问题，审计日志可能被篡改、插入或删除。",
        detail=report.to_dict() if hasattr(report, "to_dict") else {},
        event_at=now,
    )


def open_alerts() -> Any:
    return Alert.objects.filter(acknowledged_at__isnull=True)
