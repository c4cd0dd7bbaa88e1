"""`ezhou security …`: the security layer's operator commands.

ezhou security daily            run the daily jobs now (cron: once a day; exit 1 when one failed)
ezhou security check            list what makes this installation unfit for production (exit 1 if any)
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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "daily":
            self._daily()
        elif options["sub"] == "check":
            from ezhou_platform.security.checks import production_problems

            problems = production_problems()
            for p in problems:
                self.stdout.write(f"✗ {p}")
            if problems:
                raise CommandError(f"{len(problems)}项不符合生产环境要求。")
            self.stdout.write("✓ 符合生产环境要求。")

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
