"""`ezhou water-plan issue 2024 --actor shuiwu_clerk [--on 2024-01-20]`  下达年度用水计划（第九条）
`ezhou water-plan import FILE.csv|FILE.xlsx --actor shuiwu_clerk`       导入供水企业抄表数据（第五条）
`ezhou water-plan settle 2024 --actor shuiwu_clerk [--on 2025-01-10]`   年度考核，开具加价收费通知单（第十四条）

Issuance and settlement are idempotent and resumable: each chunk of units commits on its own, a unit that
already has its plan (or notice) is skipped, so running the command again after a crash finishes the rest.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.models import User
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.water_plan.errors import WaterPlanError


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    if not sys.stdout.isatty():
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


class Command(BaseCommand):
    help = "计划用水管理（鄂州政办发〔2022〕15号）：下达计划、导入抄表数据、年度考核"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("issue", help="下达全部用水单位的年度用水计划（第九条，可重复执行）")
        p.add_argument("year", type=int)
        p.add_argument("--on", type=dt.date.fromisoformat, default=None, help="下达日期（默认今天）")
        p.add_argument("--actor", required=True, help="执行人用户名（水利和湖泊局经办人员）")
        p.add_argument("--chunk", type=int, default=2000)
        p = sub.add_parser("import", help="导入供水企业抄表数据（CSV 或 Excel）")
        p.add_argument("file", type=Path)
        p.add_argument("--actor", required=True)
        p.add_argument("--rejects", type=Path, default=None, help="把拒收明细写入此 CSV 文件")
        p = sub.add_parser("settle", help="年度考核并开具超计划用水加价收费通知单（第十四条，可重复执行）")
        p.add_argument("year", type=int)
        p.add_argument("--on", type=dt.date.fromisoformat, default=None, help="开具日期（默认今天）")
        p.add_argument("--actor", required=True)
        p.add_argument("--chunk", type=int, default=2000)

    def _actor(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).select_related("department").first()
        if (
            user is None
            or user.role not in ("clerk", "head")
            or not user.department
            or user.department.code != "water"
        ):
            raise CommandError(f"执行人“{username}”不是市水利和湖泊局的经办人员或负责人。")
        return user

    def handle(self, *args: Any, **opts: Any) -> None:
        from ezhou_platform.water_plan import services

        actor = self._actor(opts["actor"])
        try:
            if opts["action"] == "issue":
                on = opts["on"] or clock.today()
                with _progress(f"下达{opts['year']}年度用水计划") as progress:
                    report = services.issue_plans(
                        opts["year"], actor=actor, issued_on=on, chunk=opts["chunk"], progress=progress
                    )
                self.stdout.write(f"本次下达 {report.issued} 个单位，此前已下达 {report.already} 个。")
                if report.needs_clerk:
                    self.stdout.write(
                        f"正常用水未满1年、须经办人员核定的单位 {len(report.needs_clerk)} 个（附件1 二（二）4）："
                        + "、".join(report.needs_clerk[:20])
                        + ("等" if len(report.needs_clerk) > 20 else "")
                    )
                for name, why in (report.failed or [])[:20]:
                    self.stdout.write(f"未能核定：{name}：{why}")
                if report.failed:
                    raise SystemExit(1)
            elif opts["action"] == "import":
                path: Path = opts["file"]
                if not path.is_file():
                    raise CommandError(f"文件不存在：{path}")
                result = services.import_readings(path.read_bytes(), path.name, actor=actor)
                b = result.batch
                if result.already_imported:
                    at = timezone.localtime(b.imported_at)
                    self.stdout.write(f"该文件已于{cn_date(at)} {at:%H:%M}导入过，本次未作任何改动。")
                self.stdout.write(f"接收 {b.accepted} 行，拒收 {b.rejected} 行。")
                if opts["rejects"] and b.rejects:
                    import csv

                    with opts["rejects"].open("w", newline="", encoding="utf-8-sig") as f:
                        w = csv.DictWriter(f, fieldnames=["line", "account", "period", "reason"])
                        w.writeheader()
                        w.writerows(b.rejects)
                    self.stdout.write(f"拒收明细已写入 {opts['rejects']}")
            else:
                on = opts["on"] or clock.today()
                with _progress(f"{opts['year']}年度考核") as progress:
                    n = services.settle_year(
                        opts["year"], actor=actor, issued_on=on, chunk=opts["chunk"], progress=progress
                    )
                self.stdout.write(f"开具超计划用水加价收费通知单 {n} 份。")
        except (WaterPlanError, ParameterNotSet) as exc:
            raise CommandError(str(exc)) from None
