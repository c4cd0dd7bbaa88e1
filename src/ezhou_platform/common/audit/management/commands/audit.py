"""`python manage.py audit verify` (also `ezhou audit verify`): check the audit trail's HMAC chain.

Prints a report in Chinese naming every altered, inserted and deleted record and exits with status 1 when
anything is wrong (0 when the chain is intact), so a daily cron job or monitoring can alert on it. The
result of each run is itself appended to the trail (action audit.chain.verify) unless --no-record is given.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.audit.verify import VerifyReport, verify


def _anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise CommandError("--anchor 的格式应为 序号:64位哈希，例如 1024:3f5a…")
    return int(seq), digest.strip().lower()


class Command(BaseCommand):
    help = "审计日志运维：verify 校验审计链（HMAC 链）是否完整，发现篡改、插入、删除时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        v = sub.add_parser("verify", help="逐条校验审计链并报告被篡改、插入、删除的记录")
        v.add_argument("--json", action="store_true", help="以 JSON 输出报告（供监控系统读取）")
        v.add_argument("--anchor", help="外部保存的链头锚点 序号:哈希，校验该记录仍然存在且未变")
        v.add_argument("--no-record", action="store_true", help="不把本次校验结果写入审计日志")
        v.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "verify":  # pragma: no cover - argparse enforces the choice
            raise CommandError(f"未知的子命令：{options['subcommand']}")
        using = options["database"]
        anchor = _anchor(options["anchor"]) if options.get("anchor") else None
        report = verify(using=using, anchor=anchor)
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not options["no_record"]:
            self._record(report, using)
        if not report.ok:
            raise CommandError(f"审计链校验未通过：发现 {len(report.problems)} 处问题。", returncode=1)

    def _print(self, report: VerifyReport) -> None:
        w = self.stdout.write
        span = f"（#{report.first_seq}–#{report.last_seq}）" if report.checked else ""
        w(f"审计链校验：共检查 {report.checked} 条记录{span}。")
        if report.head_seq is not None:
            w(f"链头：序号 {report.head_seq}，哈希 {report.head_hash}")
            w(f"（请将“{report.head_seq}:{report.head_hash}”另行保存，下次可用 --anchor 核对。）")
        if report.ok:
            w(self.style.SUCCESS("结果：通过。审计链完整，未发现篡改、插入或删除。"))
            return
        w(self.style.ERROR(f"结果：未通过，发现 {len(report.problems)} 处问题："))
        for p in report.problems:
            w(f"  [{p.kind_label}] {p.message}")
        altered, inserted, deleted = report.altered_seqs(), report.inserted_seqs(), report.deleted_seqs()
        if altered:
            w(f"被篡改的记录：{', '.join(f'#{s}' for s in altered)}")
        if inserted:
            w(f"伪造插入的记录：{', '.join(f'#{s}' for s in inserted)}")
        if deleted:
            w(
                f"被删除的记录：{', '.join(f'#{s}' for s in deleted[:200])}{' …' if len(deleted) > 200 else ''}"
            )

    def _record(self, report: VerifyReport, using: str) -> None:
        try:
            with transaction.atomic(using=using):
                record(
                    "audit.chain.verify",
                    actor=None,
                    result="success" if report.ok else "failed",
                    object_type="audit.chain",
                    object_repr=f"审计链（{report.checked} 条记录）",
                    after={
                        "checked": report.checked,
                        "problems": len(report.problems),
                        "altered": report.altered_seqs()[:100],
                        "inserted": report.inserted_seqs()[:100],
                        "deleted": report.deleted_seqs()[:100],
                    },
                    using=using,
                )
        except Exception as exc:  # the report is already printed; say why it was not recorded
            self.stderr.write(f"警告：校验结果未能写入审计日志：{exc}")
