"""`ezhou rental-housing …`: batch commands of 保障性租赁住房.

ezhou rental-housing import FILE.xlsx [--dry-run]     import projects and units (sheets 项目, 房源)
ezhou rental-housing import-applications FILE --user U  import offline applications (CSV or xlsx)
ezhou rental-housing loadtest-seed --applicants 500 --units 200 [--sessions FILE.json]
ezhou rental-housing loadtest-check PROJECT_ID

Both imports run the background job the import page starts, here in this process (= `ezhou jobs run …`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ezhou_platform.security.atomic import atomic_write


class Command(BaseCommand):
    help = "保障性租赁住房批处理：Excel 导入项目和房源、选房压力测试数据"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 Excel 导入项目（工作表“项目”）和房源（工作表“房源”）")
        imp.add_argument("file")
        imp.add_argument("--user", default="zhujian_clerk", help="以哪个住建局经办人员的身份导入（记入审计）")
        imp.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        apps = sub.add_parser("import-applications", help="导入线下申请（CSV 或 Excel，按模板）")
        apps.add_argument("file")
        apps.add_argument(
            "--user", required=True, help="录入人（运营单位或住建局工作人员的用户名，记入审计）"
        )
        seed = sub.add_parser(
            "loadtest-seed", help="生成选房压力测试数据（一个项目、若干房源和已取得资格的申请人）"
        )
        seed.add_argument("--applicants", type=int, default=500)
        seed.add_argument("--units", type=int, default=200)
        seed.add_argument("--sessions", help="把每个申请人的登录会话写入此 JSON 文件（供压测客户端使用）")
        seed.add_argument(
            "--rounds",
            type=int,
            default=0,
            help="一次生成若干轮互不相干的压测数据（各轮一个项目），JSON 中为列表",
        )
        chk = sub.add_parser("loadtest-check", help="核对压力测试结果")
        chk.add_argument("project", type=int, nargs="+")

    def handle(self, *args: Any, **opts: Any) -> None:
        from ezhou_platform.rental_housing import loadtest

        if opts["action"] == "loadtest-seed":
            rounds = opts["rounds"]
            try:
                seeded = [
                    loadtest.seed(
                        applicants=opts["applicants"],
                        units=opts["units"],
                        sessions=bool(opts["sessions"]),
                        tag=f"r{k:03d}_" if rounds else "",
                        round_no=k - 1,
                    )
                    for k in range(1, max(rounds, 1) + 1)
                ]
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            if opts["sessions"]:
                with atomic_write(opts["sessions"], "w", encoding="utf-8") as fh:  # never torn (R2)
                    json.dump({"rounds": seeded} if rounds else seeded[0], fh)
            summary = [
                {"project": o["project"], "applications": len(o["applications"]), "units": len(o["units"])}
                for o in seeded
            ]
            self.stdout.write(json.dumps(summary if rounds else summary[0]))
        elif opts["action"] == "loadtest-check":
            checks = [loadtest.check(p) for p in opts["project"]]
            self.stdout.write(json.dumps(checks if len(checks) > 1 else checks[0], ensure_ascii=False))
        else:
            from django.core.management import call_command

            from ezhou_platform.rental_housing.jobs import APPLICATIONS_JOB, PROJECTS_JOB

            argv = ["run", PROJECTS_JOB if opts["action"] == "import" else APPLICATIONS_JOB]
            argv += ["--file", opts["file"], "--user", opts["user"]]
            if opts["action"] == "import":
                argv += ["--param", f"dry_run={'1' if opts['dry_run'] else '0'}"]
            call_command("jobs", *argv, stdout=self.stdout)
