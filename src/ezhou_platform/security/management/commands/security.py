"""`ezhou security …`: the security layer's operator commands.

ezhou security daily            run the daily jobs now (cron: once a day; exit 1 when one failed)
ezhou security check            list what makes this installation unfit for production (exit 1 if any)
ezhou security retention [--dry-run]   anonymise personal data past its retention (C27); dry run: what it would do
ezhou security inventory        the personal-data inventory (C25) as tab-separated rows
ezhou security notice list      the notices (告知) and their versions (C26)
ezhou security notice publish KEY --title … --text-file F [--sensitive-file F] --basis … [--valid-from DATE]
                                a new version of a notice; submissions showing the old one are asked to re-read
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
        notice = sub.add_parser("notice", help="个人信息处理告知：list 列出；publish 发布新版本")
        notice.add_argument("action", choices=["list", "publish"])
        notice.add_argument("key", nargs="?", default="", help="告知事项，如 rental-housing-application")
        notice.add_argument("--title", default="", help="标题")
        notice.add_argument("--text-file", default="", help="告知内容（UTF-8 文本文件）")
        notice.add_argument(
            "--sensitive-file", default="", help="敏感个人信息单独告知（UTF-8 文本文件，可选）"
        )
        notice.add_argument(
            "--basis", default="", help="处理依据，如 个人信息保护法 第十七条；鄂州政发〔2022〕19号 第十三条"
        )
        notice.add_argument("--valid-from", default="", help="启用日期 YYYY-MM-DD（默认今天）")

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
        elif options["sub"] == "notice":
            self._notice(options)
        elif options["sub"] == "check":
            from ezhou_platform.security.checks import production_problems

            problems = production_problems()
            for p in problems:
                self.stdout.write(f"✗ {p}")
            if problems:
                raise CommandError(f"{len(problems)}项不符合生产环境要求。")
            self.stdout.write("✓ 符合生产环境要求。")

    def _notice(self, options: dict[str, Any]) -> None:
        import datetime as dt
        from pathlib import Path

        from ezhou_platform.security import consent
        from ezhou_platform.security.models import ConsentNotice

        if options["action"] == "list":
            for n in ConsentNotice.objects.order_by("key", "-version"):
                self.stdout.write(
                    f"{n.key}\t第{n.version}版\t{n.valid_from}\t{n.title}\t确认{n.records.count()}次"
                )
            return
        missing = [
            label
            for label, opt in (
                ("告知事项", "key"),
                ("标题", "title"),
                ("告知内容", "text_file"),
                ("处理依据", "basis"),
            )
            if not options[opt]
        ]
        if missing:
            raise CommandError(f"发布告知须提供：{'、'.join(missing)}。")
        try:
            text = Path(options["text_file"]).read_text(encoding="utf-8").strip()
            sensitive = (
                Path(options["sensitive_file"]).read_text(encoding="utf-8").strip()
                if options["sensitive_file"]
                else ""
            )
            valid_from = dt.date.fromisoformat(options["valid_from"]) if options["valid_from"] else None
        except (OSError, ValueError) as exc:
            raise CommandError(f"不能读取告知内容或启用日期：{exc}") from exc
        if "第十七条" not in text:
            raise CommandError("告知内容应写明依据《中华人民共和国个人信息保护法》第十七条告知的事项。")
        n = consent.publish(
            options["key"],
            title=options["title"],
            text=text,
            sensitive_text=sensitive,
            legal_basis=options["basis"],
            valid_from=valid_from,
        )
        self.stdout.write(f"已发布《{n.title}》第{n.version}版，自{n.valid_from}起启用。")

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
