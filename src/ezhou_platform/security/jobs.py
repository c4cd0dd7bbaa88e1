"""The security layer's background jobs (docs/jobs.md), run daily by `ezhou security daily` (cron or a systemd
timer) or started from /jobs/ by the roles named. Each commits one unit and audits what it did.

- security.accounts.disable_idle — accounts unused 90 days disabled, their sessions deleted (C06);
- security.sessions.purge       — expired sessions deleted (C03, C23: no stale session rows);
- security.audit.verify         — the audit chain verified; a failure raises an alert (C12, C17);
- security.retention.run        — personal data past its retention deleted or anonymised (C27);
- security.manifest.check       — the installed code and settings compared with the manifest (C19).
"""

from __future__ import annotations

from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobOutcome
from ezhou_platform.jobs.registry import job

IDLE_JOB = "security.accounts.disable_idle"
PURGE_JOB = "security.sessions.purge"
VERIFY_JOB = "security.audit.verify"
RETENTION_JOB = "security.retention.run"
MANIFEST_JOB = "security.manifest.check"
DAILY = (IDLE_JOB, PURGE_JOB, VERIFY_JOB, RETENTION_JOB, MANIFEST_JOB)


@job(
    IDLE_JOB,
    label="停用连续90天未登录的账户",
    roles=[Role.SECURITY_ADMIN],
    description="连续90天未登录的账户自动停用，并删除其会话（等级保护：及时删除或停用多余的、过期的账户）。",
)
def disable_idle(ctx: JobContext) -> JobOutcome:
    from .accounts import disable_idle_accounts

    with ctx.unit(done=1):
        result = disable_idle_accounts(actor=ctx.run.started_by)
        ctx.count("停用账户", len(result.disabled))
        ctx.count("删除会话", result.sessions_deleted)
    names = "、".join(result.disabled) if result.disabled else "无"
    return JobOutcome(message=f"停用{len(result.disabled)}个账户：{names}。")


@job(PURGE_JOB, label="清理过期会话", roles=[Role.SECURITY_ADMIN])
def purge_sessions(ctx: JobContext) -> JobOutcome:
    from django.contrib.sessions.models import Session

    from ezhou_platform.common import clock

    with ctx.unit(done=1):
        deleted, _ = Session.objects.filter(expire_date__lte=clock.now()).delete()
        ctx.count("删除会话", deleted)
    return JobOutcome(message=f"删除{deleted}个过期会话。")


@job(VERIFY_JOB, label="校验审计链", roles=[Role.SECURITY_ADMIN])
def verify_audit(ctx: JobContext) -> JobOutcome:
    from ezhou_platform.common.audit.services import record
    from ezhou_platform.common.audit.verify import verify

    from . import alerts

    report = verify()
    with ctx.unit(done=1):
        record(
            "audit.chain.verify",
            actor=ctx.run.started_by,
            result="success" if report.ok else "failed",
            after={"ok": report.ok, "problems": len(report.problems)},
        )
        ctx.count("问题", len(report.problems))
    if not report.ok:
        alerts.chain_verify_failed(report)
        return JobOutcome(message=f"审计链校验发现{len(report.problems)}处问题，已告警。")
    return JobOutcome(message="审计链校验通过。")


@job(
    RETENTION_JOB,
    label="到期个人信息清理",
    roles=[Role.SECURITY_ADMIN],
    description="按个人信息清单的保存期限，将保存期满的个人信息匿名化（个人信息保护法第十九条、第四十七条）："
    "审核未通过或已放弃的保障性租赁住房申请满3年，医疗救助人员最后一次结算年度终了后满5年。",
)
def retention_run(ctx: JobContext) -> JobOutcome:
    from . import retention

    with ctx.unit(done=1):
        report = retention.run(actor=ctx.run.started_by)
        for p in report.plans:
            ctx.count(p.rule.label, len(p.pks))
    return JobOutcome(message="；".join(report.lines()) + "。")
