"""`ezhou licensing …`: the licensing system's operator commands (鄂州政办发〔2022〕27号).

  ezhou licensing load-catalogue [--user U]          read the annex from the policy library (a new version if
                                                     it changed) and print the load report
  ezhou licensing sweep [--on YYYY-MM-DD] [--user U] the daily overdue sweep (the same job as the page)
  ezhou licensing draw --department D --title T --quotas "A=3%,B=5%,C=10%,未分类=5%" [--team-size 2]
                       [--on YYYY-MM-DD] [--run] --user U
                                                     record a 双随机 draw (snapshots and the seed's hash); with
                                                     --run, draw at once and publish seed and result
  ezhou licensing draw --run ID --user U             draw a recorded one (a clerk of the department)
  ezhou licensing draw --verify ID                   re-run a published draw from what was published
  ezhou licensing draw --verify-file PACKAGE.json    the same, offline, from the page's verification package

Exit status 0 on success; 1 when a verification fails or the input is refused (the Chinese reason is printed).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department, User
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.registry import JobParamError
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.licensing.errors import LicensingError

from ...jobs import LOAD_JOB, SWEEP_JOB
from ...models import Draw
from ...services import draws


class Command(BaseCommand):
    help = "证照分离与告知承诺：载入事项清单、逾期检查、双随机抽查及核验"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-catalogue", help="从政策文件库载入告知承诺事项清单")
        load.add_argument("--user", default=None, help="以该用户的身份执行（默认：运维人员）")
        sweep = sub.add_parser("sweep", help="每日逾期检查")
        sweep.add_argument("--on", default=None, help="检查日期 YYYY-MM-DD（默认今天）")
        sweep.add_argument("--user", default=None)
        draw = sub.add_parser("draw", help="双随机抽查：登记、抽取、核验")
        draw.add_argument("--department", default=None, help="抽查部门代码，如 market_regulation")
        draw.add_argument("--title", default="", help="抽查名称")
        draw.add_argument("--quotas", default="", help="各信用风险分类的比例或户数，如 A=3%%,B=5%%,C=10")
        draw.add_argument("--team-size", type=int, default=2, help="每组检查人员数")
        draw.add_argument("--on", default=None, help="登记日期 YYYY-MM-DD（默认今天）")
        draw.add_argument(
            "--run",
            nargs="?",
            const=0,
            type=int,
            default=None,
            metavar="ID",
            help="抽取：单独使用时给出已登记的抽查编号；与 --department 同用时登记后立即抽取",
        )
        draw.add_argument("--verify", type=int, default=None, metavar="ID", help="按公布的数据重新抽取并核对")
        draw.add_argument(
            "--verify-file", type=Path, default=None, metavar="PACKAGE", help="离线核验：抽查页下载的核验包"
        )
        draw.add_argument("--user", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, "_" + opts["action"].replace("-", "_"))(opts)
        except (LicensingError, ProcedureError, JobParamError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None

    def _user(self, opts: dict[str, Any]) -> Any:
        if not opts.get("user"):
            return None
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"用户“{opts['user']}”不存在。")
        return user

    def _day(self, raw: str | None) -> dt.date:
        if not raw:
            return clock.today()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"日期“{raw}”应为 YYYY-MM-DD。") from None

    def _job(self, name: str, params: dict[str, Any], opts: dict[str, Any]) -> JobRun:
        run = start_job(name, user=self._user(opts), params=params, via=JobRun.Via.CLI, inline=True)
        for key, value in (run.counts or {}).items():
            self.stdout.write(f"  {key}：{value}")
        if run.state != JobRun.State.SUCCEEDED:
            raise CommandError(run.message or "作业未完成。")
        self.stdout.write(run.message)
        return run

    def _load_catalogue(self, opts: dict[str, Any]) -> None:
        self._job(LOAD_JOB, {}, opts)
        from ...services.catalogue import latest_version

        v = latest_version()
        if v is not None:
            for p in v.problems:
                where = f"第{p['row']}项" if p.get("row") else "表格"
                self.stdout.write(f"  ! {where}“{p['column']}”：{p['message']}")

    def _sweep(self, opts: dict[str, Any]) -> None:
        self._job(SWEEP_JOB, {"on": self._day(opts["on"]).isoformat()}, opts)

    def _draw(self, opts: dict[str, Any]) -> None:
        if opts["verify_file"] is not None:
            try:
                data = json.loads(opts["verify_file"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"核验包无法读取：{exc}") from None
            self._report(draws.verify_package(data))
            return
        if opts["verify"] is not None:
            draw = Draw.objects.filter(pk=opts["verify"]).first()
            if draw is None:
                raise CommandError(f"抽查 {opts['verify']} 不存在。")
            self._report(draws.verify(draw))
            return
        user = self._user(opts)
        if user is None:
            raise CommandError("登记和抽取是抽查部门经办人员的办理环节：请用 --user 给出经办人员的用户名。")
        if opts["department"]:
            dept = Department.objects.filter(code=opts["department"]).first()
            if dept is None:
                raise CommandError(f"部门代码“{opts['department']}”不存在。")
            on = self._day(opts["on"])
            draw = draws.plan(
                department=dept,
                title=opts["title"] or f"{dept.name}双随机抽查",
                quotas=draws.quotas_from_text(opts["quotas"]),
                team_size=opts["team_size"],
                actor=user,
                on=on,
            )
            self.stdout.write(
                f"已登记 {draw.draw_id}（编号 {draw.pk}）：抽取对象 {draw.population_size} 户，"
                f"快照 {draw.population_sha256}，种子摘要 {draw.seed_sha256}"
            )
            if opts["run"] is None:
                return
            opts["run"] = draw.pk
        if not opts["run"]:
            raise CommandError("请给出 --department（登记）、--run ID、--verify ID 或 --verify-file。")
        draw = Draw.objects.filter(pk=opts["run"]).first()
        if draw is None:
            raise CommandError(f"抽查 {opts['run']} 不存在。")
        result = draws.run(draw, actor=user, on=self._day(opts["on"]))
        self.stdout.write(
            f"已抽取并公布 {draw.draw_id}：{len(result.holders)} 户，随机种子 {draw.seed_hex}，结果摘要 {result.sha256}"
        )

    def _report(self, verification: Any) -> None:
        self.stdout.write(verification.explain())
        if not verification.ok:
            raise CommandError("核验未通过。")
        self.stdout.write("核验通过：重新抽取的结果与公布的结果一致。")
