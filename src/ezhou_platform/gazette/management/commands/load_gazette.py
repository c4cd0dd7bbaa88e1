from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ezhou_rules.library import GazetteFormatError

from ...services import load_gazette


class Command(BaseCommand):
    help = "把政策文件库（gazette/index.yaml 与 gazette/*.md）载入数据库；可重复执行，只更新有变化的条目。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--path", help="政策文件库目录（默认 settings.GAZETTE_DIR 或 EZHOU_GAZETTE_DIR）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_gazette(path=options.get("path"))
        except GazetteFormatError as exc:
            raise CommandError(f"政策文件库格式错误：{exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"政策文件库已载入：{report}"))
