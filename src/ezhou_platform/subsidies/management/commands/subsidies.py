"""`ezhou subsidies …`: the subsidies system's batch work from the command line, running the same background
jobs as the pages (in this process; `--queue` hands them to the worker instead):

  ezhou subsidies import dealers|above_limit|freight|bank_loans FILE [--user U]   导入报送数据（整份文件或全部或不导入）
  ezhou subsidies apply-batch m12 FILE [--user U]                                 批量申报（经销商集中申报等）
  ezhou subsidies interest-run [--user U]                                         按银行报送生成贷款贴息申请（第一至三条）
  ezhou subsidies exempt FILE [--user U]                                          职工医保缓缴免申即享（第十六条）
  ezhou subsidies what-if --year 2022 --set m12.amount.scrap_nev=9000 [--set …]  奖补测算（调整参数后的年度奖补）
  ezhou subsidies template KIND OUT.xlsx                                          下载文件模板

Without `--user` the run is the operator's (whoever runs the command has the server); with it, the user's role
and department are checked as on the page. Exit status 1 when the job fails (its errors file is named).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from ezhou_rules.subsidies.imports import SPECS


class Command(BaseCommand):
    help = "惠企政策兑现（鄂州政办发〔2022〕32号）：导入报送数据、批量申报、贷款贴息、免申即享、奖补测算"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="导入报送数据（CSV 或 Excel）")
        p.add_argument("kind", choices=sorted(SPECS))
        p.add_argument("file", type=Path)
        p = sub.add_parser("apply-batch", help="批量申报奖补（文件）")
        p.add_argument("component", help="奖补事项代码，如 m12")
        p.add_argument("file", type=Path)
        sub.add_parser("interest-run", help="按银行报送生成贷款贴息申请（第一至三条）")
        p = sub.add_parser("exempt", help="职工医保单位缴费缓缴免申即享（第十六条）")
        p.add_argument("file", type=Path)
        p = sub.add_parser("what-if", help="奖补测算：调整参数后重算一个年度的全部申请")
        p.add_argument("--year", required=True)
        p.add_argument(
            "--set", action="append", default=[], metavar="参数=取值", help="金额以元填写，比例如 1.5%%"
        )
        p = sub.add_parser("template", help="写出一个文件模板（表头）")
        p.add_argument(
            "kind", help="dealers、above_limit、freight、bank_loans、deferrals 或批量申报的事项代码"
        )
        p.add_argument("out", type=Path)
        for name in ("import", "apply-batch", "interest-run", "exempt", "what-if"):
            q = sub.choices[name]
            q.add_argument("--user", default=None, help="以该用户身份运行（检查其角色和部门）")
            q.add_argument("--queue", action="store_true", help="交给后台作业工作进程运行")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "template":
            self._template(opts["kind"], opts["out"])
            return
        if action == "import":
            self._run(f"subsidies.import.{opts['kind']}", opts, file=opts["file"])
        elif action == "apply-batch":
            self._run(
                "subsidies.applications.import",
                opts,
                file=opts["file"],
                params={"component": opts["component"]},
            )
        elif action == "interest-run":
            self._run("subsidies.interest.run", opts)
        elif action == "exempt":
            self._run("subsidies.deferral.run", opts, file=opts["file"])
        else:
            pairs = {}
            for item in opts["set"]:
                if "=" not in item:
                    raise CommandError(f"“{item}”应写成 参数=取值，如 m12.amount.scrap_nev=9000。")
                name, value = item.split("=", 1)
                pairs[name.strip()] = value.strip()
            self._run("subsidies.whatif", opts, params={"year": opts["year"], "overrides": pairs})

    def _run(
        self,
        name: str,
        opts: dict[str, Any],
        *,
        file: Path | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        from ezhou_platform.common.models import User
        from ezhou_platform.jobs import files
        from ezhou_platform.jobs.models import JobRun
        from ezhou_platform.jobs.registry import JobParamError
        from ezhou_platform.jobs.runner import start_job

        user = None
        if opts.get("user"):
            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {opts['user']} 不存在或已停用。")
        if file is not None and not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            run = start_job(
                name,
                user=user,
                params=params or {},
                input_path=file.resolve() if file else None,
                via=JobRun.Via.CLI,
                inline=not opts.get("queue"),
            )
        except JobParamError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"#{run.pk} {run.label} [{run.get_state_display()}] {run.message}")
        if opts.get("queue"):
            return
        for key, value in sorted(run.counts.items()):
            self.stdout.write(f"  {key}: {value}")
        if run.errors_file:
            self.stdout.write(f"  错误清单：{files.resolve(run.errors_file)}")
        if run.result_file:
            self.stdout.write(f"  结果文件：{files.resolve(run.result_file)}")
        if run.state != JobRun.State.SUCCEEDED:
            raise CommandError(run.message or "作业失败")

    def _template(self, kind: str, out: Path) -> None:
        from ezhou_platform.jobs.files import write_xlsx
        from ezhou_platform.subsidies.jobs import BATCH_COMPONENTS
        from ezhou_platform.subsidies.services import exempt, imports, intake

        if kind in SPECS:
            fields = imports.fields_of(kind)
        elif kind == "deferrals":
            fields = list(exempt.FIELDS)
        elif kind in BATCH_COMPONENTS:
            fields = intake.batch_fields(kind)
        else:
            raise CommandError(f"没有“{kind}”的模板。")
        write_xlsx(out, "模板", [f.label for f in fields], [])
        self.stdout.write(f"模板已写入 {out}")
