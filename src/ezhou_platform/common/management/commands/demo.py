from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ezhou_platform.common import demo


class Command(BaseCommand):
    help = "载入政策文件库、参考数据和演示数据（可重复执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management.base import CommandError
        from django.db import transaction

        from ezhou_platform.common.audit.services import record

        try:
            demo.require_demo_mode()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        call_command("load_gazette", verbosity=0)
        demo.load_demo_accounts()
        for label, loader in demo.DEMO_LOADERS:
            self.stdout.write(f"载入演示数据：{label}")
            loader()
        with transaction.atomic():
            record(
                "platform.demo.load",
                actor=None,
                after={
                    "loaders": [label for label, _ in demo.DEMO_LOADERS],
                    "accounts": len(demo.DEMO_ACCOUNTS),
                },
                label="载入参考数据和演示数据",
            )
        self.stdout.write(demo.logins_table())
