"""`ezhou unconventional-water …`: the operators' commands of 非常规水资源管理 (鄂州政办发〔2022〕14号).

  ezhou unconventional-water import FILE [--user U] [--queue]   导入水质检测报告（第二十三条；后台作业，同网页）
  ezhou unconventional-water recheck [--all] [--user U]        重新判定（录入标准后；原判定保留）
  ezhou unconventional-water interlock YEAR [--user U]         该年度非常规水资源利用情况计入计划用水
  ezhou unconventional-water reminders [--json]                各设施下次水质检测日期（第二十三条）
  ezhou unconventional-water standards                         标准库及第十一条、第十八条所列标准是否已录入

The first three run the same background jobs as the pages (`ezhou jobs run …`), in this process unless
``--queue`` hands them to the worker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ezhou_rules.core.dates import cn_date


class Command(BaseCommand):
    help = (
        "非常规水资源管理（鄂州政办发〔2022〕14号）：导入检测报告、重新判定、计划用水联动、检测提醒、标准库"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="导入水质检测报告文件（CSV 或 Excel，每行一份报告）")
        p.add_argument("file", type=Path)
        p.add_argument("--user", default=None, help="以该用户身份导入（运行管理单位只能导入本单位的设施）")
        p.add_argument("--queue", action="store_true", help="交给工作进程执行")
        p = sub.add_parser("recheck", help="按现行标准库重新判定检测报告")
        p.add_argument("--all", action="store_true", help="全部报告（默认只判定此前不予判定的）")
        p.add_argument("--user", default=None)
        p.add_argument("--queue", action="store_true")
        p = sub.add_parser("interlock", help="该年度非常规水资源利用情况计入计划用水（15号 附件1 三（四））")
        p.add_argument("year", type=int)
        p.add_argument("--user", default=None)
        p.add_argument("--queue", action="store_true")
        p = sub.add_parser("reminders", help="各设施下次水质检测日期（第二十三条）")
        p.add_argument("--json", action="store_true")
        sub.add_parser("standards", help="标准库")

    def _job(self, name: str, opts: dict[str, Any], *extra: str) -> None:
        args = ["jobs", "start" if opts.get("queue") else "run", name, *extra]
        if opts.get("user"):
            args += ["--user", opts["user"]]
        call_command(*args, stdout=self.stdout, stderr=self.stderr)

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "import":
            self._job("unconventional_water.reports.import", opts, "--file", str(opts["file"]))
        elif action == "recheck":
            self._job(
                "unconventional_water.reports.recheck",
                opts,
                "--param",
                f"only_refused={'0' if opts['all'] else '1'}",
            )
        elif action == "interlock":
            self._job("unconventional_water.interlock.year", opts, "--param", f"year={opts['year']}")
        elif action == "reminders":
            self._reminders(as_json=opts["json"])
        else:
            self._standards()

    def _reminders(self, *, as_json: bool) -> None:
        from ezhou_platform.common import clock
        from ezhou_platform.unconventional_water.models import Facility

        today = clock.today()
        facilities = list(Facility.objects.filter(status="in_service").order_by("next_test_due", "name"))
        if as_json:
            rows = [
                {
                    "code": f.code,
                    "name": f.name,
                    "next_test_due": f.next_test_due.isoformat() if f.next_test_due else None,
                    "overdue": bool(f.next_test_due and f.next_test_due < today),
                }
                for f in facilities
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for f in facilities:
            due = cn_date(f.next_test_due) if f.next_test_due else "检测周期未确定"
            late = "（已逾期）" if f.next_test_due and f.next_test_due < today else ""
            self.stdout.write(f"{f.code} {f.name}：下次检测{due}{late}")

    def _standards(self) -> None:
        from ezhou_platform.unconventional_water.services.library import library_at
        from ezhou_rules.unconventional_water.uses import STANDARD_TITLES

        library, _ = library_at()
        for code, title in STANDARD_TITLES.items():
            s = library.standards.get(code)
            state = f"已录入（{s.source[:40]}）" if s else "尚未录入：需要它的检测报告不予判定"
            self.stdout.write(f"{code} {title}：{state}")
