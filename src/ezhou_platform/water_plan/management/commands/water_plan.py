"""`ezhou water-plan issue 2024 --actor shuiwu_clerk [--on 2024-01-20]`  下达年度用水计划（第九条）
`ezhou water-plan import FILE.csv|FILE.xlsx --actor shuiwu_clerk`       导入供水企业抄表数据（第五条）
`ezhou water-plan settle 2024 --actor shuiwu_clerk [--on 2025-01-10]`   年度考核，开具加价收费通知单（第十四条）

Each runs the background job of the same work in this process (``water_plan.jobs``: the page runs the same
code), recorded as a job run of the actor. Issuance and settlement commit one chunk of units at a time and
skip the units already done, so running the command again after a crash finishes the rest.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ezhou_platform.common.models import User
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.registry import JobParamError
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.security.atomic import atomic_write


class Command(BaseCommand):
    help = "计划用水管理（鄂州政办发〔2022〕15号）：下达计划、导入抄表数据、年度考核"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("issue", help="下达全部用水单位的年度用水计划（第九条，可重复执行）")
        p.add_argument("year", type=int)
        p.add_argument("--on", default="", help="下达日期（年-月-日，默认今天）")
        p.add_argument("--actor", required=True, help="执行人用户名（水利和湖泊局经办人员）")
        p.add_argument("--chunk", type=int, default=2000)
        p = sub.add_parser("import", help="导入供水企业抄表数据（CSV 或 Excel）")
        p.add_argument("file", type=Path)
        p.add_argument("--actor", required=True)
        p.add_argument("--rejects", type=Path, default=None, help="把拒收明细写入此 CSV 文件")
        p = sub.add_parser("settle", help="年度考核并开具超计划用水加价收费通知单（第十四条，可重复执行）")
        p.add_argument("year", type=int)
        p.add_argument("--on", default="", help="开具日期（年-月-日，默认今天）")
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

    def _run(self, name: str, actor: User, **kwargs: Any) -> JobRun:
        try:
            run = start_job(name, user=actor, via=JobRun.Via.CLI, inline=True, **kwargs)
        except (JobParamError, PermissionDenied) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        if run.state != JobRun.State.SUCCEEDED:
            raise CommandError(f"作业#{run.pk}未完成：{run.message}")
        return run

    def handle(self, *args: Any, **opts: Any) -> None:
        from ezhou_platform.water_plan.jobs import IMPORT, ISSUE, SETTLE

        actor = self._actor(opts["actor"])
        if opts["action"] == "import":
            path: Path = opts["file"]
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            run = self._run(IMPORT, actor, input_path=path)
            self.stdout.write(run.message)
            self.stdout.write(
                f"接收 {run.counts.get('接收行数', 0)} 行，拒收 {run.counts.get('拒收行数', 0)} 行。"
                if run.counts
                else ""
            )
            if opts["rejects"] and run.errors_count:
                # the old file or the whole new one, never a torn one (SECURITY.md R2)
                with atomic_write(opts["rejects"], "w", newline="", encoding="utf-8-sig") as f:
                    w = csv.writer(f)
                    w.writerow(["line", "account_period", "reason"])
                    for e in run.errors.order_by("row", "id"):
                        w.writerow([e.row or "", e.value, e.message])
                self.stdout.write(f"拒收明细已写入 {opts['rejects']}")
            return
        params = {"year": opts["year"], "on": opts["on"], "chunk": opts["chunk"]}
        if opts["action"] == "issue":
            run = self._run(ISSUE, actor, params=params)
            c = run.counts
            self.stdout.write(
                f"本次下达 {c.get('本次下达', 0)} 个单位，此前已下达 {c.get('此前已下达', 0)} 个。"
            )
            problems = list(run.errors.order_by("id")[:20])
            clerk = [e.value for e in problems if e.code == "needs_clerk"]
            if c.get("须经办人员核定"):
                self.stdout.write(
                    f"正常用水未满1年、须经办人员核定的单位 {c['须经办人员核定']} 个（附件1 二（二）4）："
                    + "、".join(clerk)
                    + ("等" if c["须经办人员核定"] > len(clerk) else "")
                )
            for e in problems:
                if e.code != "needs_clerk":
                    self.stdout.write(f"未能核定：{e.value}：{e.message}")
            if c.get("未能核定"):
                raise SystemExit(1)
        else:
            run = self._run(SETTLE, actor, params=params)
            self.stdout.write(f"开具超计划用水加价收费通知单 {run.counts.get('开具通知单', 0)} 份。")
