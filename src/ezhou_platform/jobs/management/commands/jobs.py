"""`ezhou jobs …`: run background jobs from the command line with the same code the pages use.

ezhou jobs list-jobs                              the jobs that exist
ezhou jobs run NAME [--file F] [--param k=v] [--user U]   run one now, in this process, and print its result
ezhou jobs start NAME [--file F] [--param k=v] [--user U] queue one for the worker and print its number
ezhou jobs worker [--interval 1] [--batch]        the worker (`make run` starts it beside the web server)
ezhou jobs status ID [--json]                     one run's state, progress and counts
ezhou jobs list [--limit 20]                      the latest runs
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"参数应写作 名称=值：{pair}")
        out[key.strip()] = value
    return out


class Command(BaseCommand):
    help = "后台作业：执行、排队、工作进程与查询"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list-jobs", help="列出全部后台作业")
        for name, text in (("run", "在本进程中立即执行"), ("start", "交给工作进程排队执行")):
            p = sub.add_parser(name, help=text)
            p.add_argument("job")
            p.add_argument("--file", type=Path, default=None, help="上传的文件（CSV 或 xlsx）")
            p.add_argument("--param", action="append", default=[], help="作业参数 名称=值，可重复")
            p.add_argument("--user", default=None, help="以该用户身份发起（检查其权限），默认为运维人员")
        w = sub.add_parser("worker", help="运行工作进程")
        w.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）")
        w.add_argument("--batch", action="store_true", help="执行完队列中的作业后退出")
        s = sub.add_parser("status", help="查询一次作业")
        s.add_argument("run_id", type=int)
        s.add_argument("--json", action="store_true")
        ls = sub.add_parser("list", help="最近的作业")
        ls.add_argument("--limit", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list-jobs":
            from ezhou_platform.jobs.registry import all_jobs

            for spec in all_jobs():
                flags = "可续跑" if spec.resumable else "整体提交"
                self.stdout.write(f"{spec.name:<40} {spec.label}（{flags}）")
            return
        if action in ("run", "start"):
            self._start(options, inline=action == "run")
            return
        if action == "worker":
            from ezhou_platform.jobs.worker import run_pending, run_worker

            if options["batch"]:
                run_pending(interval=options["interval"])
            else:
                run_worker(interval=options["interval"])
            return
        if action == "status":
            self._status(options["run_id"], as_json=options["json"])
            return
        if action == "list":
            from ezhou_platform.jobs.models import JobRun

            for run in JobRun.objects.all()[: options["limit"]]:
                self.stdout.write(self._line(run))

    def _start(self, options: dict[str, Any], *, inline: bool) -> None:
        from ezhou_platform.common.models import User
        from ezhou_platform.jobs.models import JobRun
        from ezhou_platform.jobs.registry import JobParamError
        from ezhou_platform.jobs.runner import start_job

        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {options['user']} 不存在或已停用。")
        try:
            run = start_job(
                options["job"],
                user=user,
                params=_params(options["param"]),
                input_path=options["file"].resolve() if options["file"] else None,
                via=JobRun.Via.CLI,
                inline=inline,
            )
        except JobParamError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self._line(run))
        if inline:
            for key, value in sorted(run.counts.items()):
                self.stdout.write(f"  {key}: {value}")
            if run.errors_file:
                from ezhou_platform.jobs import files

                self.stdout.write(f"  错误文件：{files.resolve(run.errors_file)}")
            if run.result_file:
                from ezhou_platform.jobs import files

                self.stdout.write(f"  结果文件：{files.resolve(run.result_file)}")
            if run.state != JobRun.State.SUCCEEDED:
                raise CommandError(run.message or "作业失败")

    def _status(self, run_id: int, *, as_json: bool) -> None:
        from ezhou_platform.jobs.models import JobRun
        from ezhou_platform.jobs.views import status_payload

        run = JobRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"没有第{run_id}号作业。")
        if as_json:
            self.stdout.write(json.dumps(status_payload(run), ensure_ascii=False, sort_keys=True))
        else:
            self.stdout.write(self._line(run))

    @staticmethod
    def _line(run: Any) -> str:
        total = f"/{run.total}" if run.total is not None else ""
        return f"#{run.pk} {run.label} [{run.get_state_display()}] {run.done}{total} {run.message}"
