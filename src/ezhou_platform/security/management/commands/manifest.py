"""`ezhou manifest write` / `ezhou manifest check` (SECURITY.md C19): see security/manifest.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ezhou_platform.security import manifest


class Command(BaseCommand):
    help = "已安装代码清单：write 在部署后记录每个文件的 SHA-256（清单摘要记入审计日志），check 逐一核对。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        sub.add_parser("write", help="记录当前安装的代码（部署或升级之后运行）")
        sub.add_parser("check", help="核对已安装代码与清单，列出被改动、新增、缺失的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = manifest.default_path()
        if options["subcommand"] == "write":
            written = manifest.write(path)
            self.stdout.write(f"已记录 {len(written['files'])} 个文件的清单：{path}（摘要已记入审计日志）")
            return
        found = manifest.problems(path)
        if found:
            for line in found:
                self.stdout.write(f"  - {line}")
            raise CommandError(f"已安装代码与清单不一致：{len(found)} 处。", returncode=1)
        self.stdout.write(f"已安装代码与清单 {path} 一致。")
