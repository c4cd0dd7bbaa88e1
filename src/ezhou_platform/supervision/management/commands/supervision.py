"""`ezhou supervision …`: batch commands of the task supervision (督办) system.

ezhou supervision plans                              the plans the platform knows and when each was loaded
ezhou supervision load-tasks SLUG [--user U]         load a plan's tasks from the policy library (the same
                                                     job as the load page) and print the load report
ezhou supervision board SLUG [--date D] [--json]     the plan's board on a date, overdue first
ezhou supervision coverage [--date D] [--json]       28号: counts, coverage and uncovered units on a date
ezhou supervision phase [--date D]                   28号: the phase of 四 on a date
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _date(text: str | None) -> dt.date:
    from ezhou_platform.common import clock

    if not text:
        return clock.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”应为 YYYY-MM-DD。") from None


class Command(BaseCommand):
    help = "任务督办：载入任务、看板、覆盖情况、实施阶段"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("plans", help="列出督办方案及其载入情况")
        load = sub.add_parser(
            "load-tasks", help="从政策文件库载入方案的任务（后台作业 supervision.tasks.load）"
        )
        load.add_argument("plan", help="方案代码，如 vocational_education、rural_delivery")
        load.add_argument("--user", default=None, help="以该用户身份发起（检查其权限），默认为运维人员")
        board = sub.add_parser("board", help="方案看板（逾期在前）")
        board.add_argument("plan")
        board.add_argument("--date", default=None)
        board.add_argument("--json", action="store_true")
        cov = sub.add_parser("coverage", help="农村寄递物流三级站点覆盖情况")
        cov.add_argument("--date", default=None)
        cov.add_argument("--json", action="store_true")
        phase = sub.add_parser("phase", help="农村寄递物流实施阶段")
        phase.add_argument("--date", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    def _plans(self, opts: dict[str, Any]) -> None:
        from ezhou_platform.supervision.models import Plan
        from ezhou_platform.supervision.services.loading import platform_slugs

        loaded = {p.slug: p for p in Plan.objects.all()}
        for slug in platform_slugs():
            p = loaded.get(slug)
            when = (
                f"{p.loaded_at:%Y-%m-%d %H:%M} 载入，任务{p.tasks.count()}项"
                if p and p.loaded_at
                else "尚未载入"
            )
            self.stdout.write(f"{slug:<24} {p.document if p else ''} {when}")

    def _load_tasks(self, opts: dict[str, Any]) -> None:
        from django.core.exceptions import PermissionDenied

        from ezhou_platform.common.models import User
        from ezhou_platform.jobs.models import JobRun
        from ezhou_platform.jobs.registry import JobParamError
        from ezhou_platform.jobs.runner import start_job
        from ezhou_platform.supervision.jobs import LOAD_JOB

        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"没有用户“{opts['user']}”。")
        try:
            run = start_job(
                LOAD_JOB, user=user, params={"plan": opts["plan"]}, via=JobRun.Via.CLI, inline=True
            )
        except (JobParamError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(run.message)
        if run.state != JobRun.State.SUCCEEDED:
            raise CommandError(f"载入失败：{run.message}")
        from ezhou_platform.supervision.models import LoadRun

        load = LoadRun.objects.filter(plan__slug=opts["plan"]).first()
        assert load is not None
        for line in load.register:
            self.stdout.write(line)
        for p in load.problems:
            mark = "无法读取" if p["severity"] == "error" else "按解释读取"
            self.stdout.write(f"{mark}：#{p['anchor']} {p['field']}：{p['message']}")
        self.stdout.write(
            f"正文与附件的差异{len(load.consistency.get('differences', []))}处（见载入报告页面）。"
        )

    def _board(self, opts: dict[str, Any]) -> None:
        from ezhou_platform.supervision.models import Plan
        from ezhou_platform.supervision.services.boards import plan_board

        plan = Plan.objects.filter(slug=opts["plan"]).first()
        if plan is None:
            raise CommandError(
                f"方案“{opts['plan']}”尚未载入：先运行 ezhou supervision load-tasks {opts['plan']}。"
            )
        on = _date(opts["date"])
        _, _, rows = plan_board(plan, on)
        if opts["json"]:
            self.stdout.write(json.dumps([r.board.to_dict() for r in rows], ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(f"{r.board.state_label:<12} {r.board.label}（牵头：{'、'.join(r.board.lead)}）")

    def _coverage(self, opts: dict[str, Any]) -> None:
        from ezhou_platform.supervision.services.coverage import coverage

        cov = coverage(_date(opts["date"]))
        if opts["json"]:
            out = cov.report.to_dict()
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1, default=str))
            return
        for w in cov.report.warnings:
            self.stdout.write(f"提示：{w}")
        for level in cov.report.levels.values():
            self.stdout.write(level.explanation)

    def _phase(self, opts: dict[str, Any]) -> None:
        from ezhou_platform.supervision.services.coverage import phase_answer

        self.stdout.write(phase_answer(_date(opts["date"])).explanation)
