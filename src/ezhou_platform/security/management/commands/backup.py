"""`ezhou backup create FILE` / `check FILE` / `restore FILE --yes` (SECURITY.md R4): see security/backup.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from ezhou_platform.security.backup import BackupError, backup, check, manifest_path, restore


class Command(BaseCommand):
    help = "数据库备份与恢复：create 在线备份（附清单与校验和），check 核对备份文件，restore 从备份恢复并校验审计链。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        c = sub.add_parser("create", help="在线备份数据库到 FILE（不覆盖已有文件），旁附 FILE.manifest.json")
        c.add_argument("file")
        k = sub.add_parser("check", help="核对备份文件与清单（校验和、数据库类型、迁移版本），不改动数据库")
        k.add_argument("file")
        r = sub.add_parser("restore", help="用备份替换当前数据库，随后校验审计链并记录本次恢复")
        r.add_argument("file")
        r.add_argument("--yes", action="store_true", help="确认：当前数据库中备份之后的数据将被丢弃")
        for p in (c, k, r):
            p.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        using = options["database"]
        w = self.stdout.write
        try:
            if options["subcommand"] == "create":
                m = backup(path, using=using)
                w(f"备份完成：{path}（{m.vendor}，{m.size:,} 字节，SHA-256 {m.sha256}）")
                w(f"清单：{manifest_path(path)}；审计链头：{_head(m.audit_head)}")
                w("提示：密钥（var/secrets 或环境变量）不在备份中，请另行妥善备份。")
            elif options["subcommand"] == "check":
                m = check(path, using=using)
                w(
                    f"备份文件完好：{path}（{m.created_at}，SHA-256 {m.sha256}，审计链头 {_head(m.audit_head)}）"
                )
            else:
                if not options["yes"]:
                    raise CommandError("恢复将丢弃当前数据库中备份之后的全部数据；确认请加 --yes。")
                result = restore(path, using=using)
                w(f"已从 {path} 恢复（备份时间 {result.manifest.created_at}）。")
                w(f"恢复前审计链头：{_head(result.head_before)}；恢复后：{_head(result.head_after)}")
                if not result.chain_ok:
                    for problem in result.problems:
                        w(f"  - {problem}")
                    raise CommandError("恢复完成，但审计链校验未通过：请核查上列问题。", returncode=1)
                w("审计链校验通过，链头与备份清单一致；本次恢复已记入审计日志。")
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc


def _head(head: tuple[int, str] | None) -> str:
    return f"序号 {head[0]}（{head[1][:12]}…）" if head else "无"
