"""Start-up checks of a production installation (SECURITY.md C06, C19, C24).

`production_problems()` lists what must not be true when EZHOU_PRODUCTION=1: demo data in the database,
accounts with the published demo password, a superuser that is not the system administrator, a missing
second factor or address allowlist. `ezhou serve` refuses to start in production while the list is not
empty (and writes the refusal to the audit trail); `manage.py check --deploy --database default` reports
the same list as Django system-check errors.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def offending_accounts() -> list[str]:
    """Default accounts (C06): active accounts whose password is the published demo password, plus the
    demo's user names when the demo was ever loaded into this database."""
    from ezhou_platform.common.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from ezhou_platform.common.models import User

    names = {a.username for a in DEMO_ACCOUNTS}
    found: list[str] = []
    for user in User.objects.filter(is_active=True).only("username", "password", "role").iterator():
        if user.username in names or user.role != "citizen":
            # Checking a hash costs a key derivation: only the demo names and staff accounts (the few that
            # matter; citizens' accounts are created by themselves).
            if user.check_password(DEMO_PASSWORD):
                found.append(user.username)
    return found


def demo_data_loaded() -> bool:
    from ezhou_platform.common.audit.models import AuditRecord

    return AuditRecord.objects.filter(action="platform.demo.load").exists()


def production_problems() -> list[str]:
    """Everything that makes this installation unfit for production (empty = fit)."""
    problems: list[str] = []
    if getattr(settings, "DEMO_MODE", False):
        problems.append("演示模式（EZHOU_DEMO=1）不能用于生产环境。")
    if settings.DEBUG:
        problems.append("生产环境不能开启调试模式（EZHOU_DEBUG=1）。")
    if not getattr(settings, "MFA_REQUIRED", True):
        problems.append("生产环境必须对工作人员启用动态口令（EZHOU_MFA 不能为 0）。")
    if not getattr(settings, "SESSION_COOKIE_SECURE", False):
        problems.append("生产环境必须通过 HTTPS 访问（EZHOU_HTTPS=1）。")
    from ezhou_platform.common.crypto import production_problems as field_key_problems

    problems += field_key_problems()  # C20: field keys supplied by the operator, never invented here
    try:
        if demo_data_loaded():
            problems.append("数据库中载入过演示数据（ezhou demo）：生产环境须使用全新数据库。")
        bad = offending_accounts()
        if bad:
            problems.append(f"以下账户仍使用公开的演示密码：{'、'.join(bad)}。")
        from ezhou_platform.common.models import User

        superusers = list(
            User.objects.filter(is_superuser=True).exclude(role="admin").values_list("username", flat=True)
        )
        if superusers:
            problems.append(f"以下账户不是系统管理员却有超级用户权限：{'、'.join(superusers)}。")
        from .manifest import problems as code_problems

        problems += code_problems()  # C19: the installed code is the code recorded at deployment
    except Exception as exc:  # the database is not migrated yet: say so rather than crash the check
        problems.append(f"无法检查数据库中的账户：{exc}")
    return problems


def _production_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", False) or not databases:
        return []
    return [checks.Error(p, id=f"ezhou.security.E{n:03d}") for n, p in enumerate(production_problems(), 1)]


def register() -> None:
    checks.register(_production_check, checks.Tags.security, deploy=True)
