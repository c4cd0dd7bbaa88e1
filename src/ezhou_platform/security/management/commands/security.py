"""`ezhou security …`: the security layer's operator commands.

ezhou security daily            run the daily jobs now (cron: once a day; exit 1 when one failed)
ezhou security check            list what makes this installation unfit for production (exit 1 if any)
ezhou security retention [--dry-run]   anonymise personal data past its retention (C27); dry run: what it would do
ezhou security inventory        the personal-data inventory (C25) as tab-separated rows
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "安全运维：daily 执行每日安全作业；check 检查生产环境配置。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser(
            "daily", help="执行每日安全作业（停用长期未登录账户、清理会话、校验审计链、到期清理、完整性校验）"
        )
        sub.add_parser("check", help="检查本安装是否满足生产环境要求")
        ret = sub.add_parser("retention", help="将保存期满的个人信息匿名化（个人信息清单的保存期限）")
        ret.add_argument("--dry-run", action="store_true", help="只列出将要处理的记录数，不修改数据")
        sub.add_parser("inventory", help="输出个人信息清单（制表符分隔）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "daily":
            self._daily()
        elif options["sub"] == "retention":
            self._retention(dry_run=options["dry_run"])
        elif options["sub"] == "inventory":
            from ezhou_platform.security.inventory import INVENTORY

            self.stdout.write("字段\t敏感程度\t处理依据\t处理目的\t部门\t保存期限")
            for r in INVENTORY:
                self.stdout.write(
                    f"{r.field}\t{r.sensitivity}\t{r.basis}\t{r.purpose}\t{r.department}\t{r.retention}"
                )
        elif options["sub"] == "check":
            from ezhou_platform.security.checks import production_problems

            problems = production_problems()
            for p in problems:
                self.stdout.write(f"✗ {p}")
            if problems:
                raise CommandError(f"{len(problems)}项不符合生产环境要求。")
            self.stdout.write("✓ 符合生产环境要求。")

    def _retention(self, *, dry_run: bool) -> None:
        from ezhou_platform.security import retention

        report = retention.run(dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        left = retention.overdue(report.on)
        self.stdout.write(
            f"{'（试运行，未修改数据）' if dry_run else ''}到期未清理的个人信息记录 = {sum(left.values())}"
        )

    def _daily(self) -> None:
        from ezhou_platform.jobs.models import JobRun
        from ezhou_platform.jobs.registry import all_jobs
        from ezhou_platform.jobs.runner import start_job
        from ezhou_platform.security.jobs import DAILY

        known = {spec.name for spec in all_jobs()}
        failed = 0
        for name in DAILY:
            if name not in known:
                continue
            run = start_job(name, user=None, params={}, via=JobRun.Via.CLI, inline=True)
            ok = run.state == JobRun.State.SUCCEEDED
            failed += not ok
            self.stdout.write(f"{'✓' if ok else '✗'} {run.label}：{run.message}")
        if failed:
            raise CommandError(f"{failed}项每日安全作业未成功。")
