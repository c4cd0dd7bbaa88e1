"""`ezhou medical-assistance settle INPUT -o OUTPUT [--params FILE.yaml] [--set NAME=VALUE …]`
`ezhou medical-assistance settle-dataset FOLDER -o OUTDIR --scheduler tcp://HOST:8786` (a Parquet folder on a cluster)
`ezhou medical-assistance warn --month 2024-03 [-o FILE.xlsx]`

Settles a file of claims (CSV or Parquet) with the vectorised kernel; rows that fail validation — or that need
a parameter nobody has entered, such as the income of the year before a tilted-aid row (their whole
person-year then fails) — go to OUTPUT.errors.csv with the field and the rule, and the command then exits 1
(0 when every row settled). The administrator-entered values (incomes) are merged in first; --params adds
dated values; --set NAME=VALUE replaces a parameter for every date, NAME@YYYY-MM-DD=VALUE from that date, and
a yearly statistic is given for its year: --set income.per_capita_disposable@2023=40000元.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ezhou_platform.common.parameters import configured
from ezhou_platform.security.atomic import atomic_write
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.parameters_tree import parameters


def _atomic_binary(path: Path) -> Any:
    """The batch's output files are written through a temporary file renamed into place (SECURITY.md R2)."""
    return atomic_write(path, "wb")


class Command(BaseCommand):
    help = "医疗救助批量结算（鄂州政办发〔2022〕34号）"
    # File to file: the system checks look at the web site (URLs, templates, admin), which `ezhou serve`,
    # `migrate` and `check --deploy` check; `ezhou medical-assistance settle` starts without them (cli.LEAN_COMMANDS).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("settle", help="批量结算 CSV 或 Parquet 文件")
        p.add_argument("input", type=Path)
        p.add_argument("-o", "--output", type=Path, required=True)
        p.add_argument(
            "--params",
            type=Path,
            default=None,
            help="参数取值文件（YAML 列表：name, valid_from, value, source）",
        )
        p.add_argument(
            "--set",
            action="append",
            default=[],
            dest="sets",
            metavar="NAME=VALUE",
            help="参数取值：NAME=VALUE（所有日期）、NAME@YYYY-MM-DD=VALUE（自该日起）；"
            "收入按统计年度：income.per_capita_disposable@2023=40000元",
        )
        p.add_argument("--engine", choices=["local", "dask"], default="local", help="local（默认）或 dask")
        p.add_argument(
            "--scheduler", default=None, help="dask.distributed 调度器地址，如 tcp://10.0.0.5:8786"
        )

        d = sub.add_parser(
            "settle-dataset",
            help="在 dask.distributed 集群上结算一个 Parquet 文件夹（全省一年的结算单；主进程不持有结算数据）",
        )
        d.add_argument("input", type=Path, help="Parquet 文件夹（各工作节点均可读取的共享存储）")
        d.add_argument(
            "-o", "--output", type=Path, required=True, help="输出文件夹（settled/、errors/、_SUCCESS）"
        )
        d.add_argument(
            "--scheduler", required=True, help="dask.distributed 调度器地址，如 tcp://10.0.0.5:8786"
        )
        d.add_argument(
            "--buckets", type=int, default=None, help="按人员分桶数（默认：工作节点数×4 与文件数中较大者）"
        )
        d.add_argument("--params", type=Path, default=None)
        d.add_argument("--set", action="append", default=[], dest="sets", metavar="NAME=VALUE")

        m = sub.add_parser("simulate", help="第二十六条标准调整模拟：按区、类别比较救助金额")
        m.add_argument("input", type=Path)
        m.add_argument("--set", action="append", default=[], dest="sets", metavar="NAME=VALUE", required=True)
        m.add_argument("--params", type=Path, default=None)
        m.add_argument("-o", "--output", type=Path, default=None, help="结果 CSV（默认只打印）")

        w = sub.add_parser("warn", help="生成并导出当月因病致贫返贫双预警名单（Excel）")
        w.add_argument("--month", required=True, help="YYYY-MM")
        w.add_argument("-o", "--output", type=Path, default=None, help="默认 warnings-YYYY-MM.xlsx")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "settle":
            self.settle(opts)
        elif opts["action"] == "settle-dataset":
            self.settle_dataset(opts)
        elif opts["action"] == "warn":
            self.warn(opts)
        elif opts["action"] == "simulate":
            self.simulate(opts)

    def simulate(self, opts: dict[str, Any]) -> None:
        import pyarrow.csv as pacsv

        try:
            base = batch.apply_parameters(configured(parameters()), opts["params"], [])
            what_if = batch.apply_parameters(base, None, opts["sets"])
            table = batch.simulate(batch.read_table(opts["input"]), base, what_if)
        except (batch.BatchInputError, ParameterNotSet) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("区\t类别\t笔数\t现行标准（元）\t调整后（元）\t差额（元）")
        for r in table.to_pylist():
            self.stdout.write(
                f"{r['district']}\t{r['person_class']}\t{r['claims']}\t{r['aid_now']}\t{r['aid_what_if']}\t{r['difference']}"
            )
        if opts["output"]:
            with atomic_write(opts["output"], "wb") as f:
                pacsv.write_csv(table, f)

    def warn(self, opts: dict[str, Any]) -> None:
        """第十四条: the month's two lists as one workbook (a sheet each), ID numbers stored as text."""
        from django.db import transaction
        from openpyxl import Workbook

        from ezhou_platform.common.api_errors import ApiError
        from ezhou_platform.common.audit.services import record
        from ezhou_platform.medical_assistance import services
        from ezhou_platform.medical_assistance.models import WarningEntry, WarningRun

        try:
            year, month = (int(x) for x in opts["month"].split("-"))
        except ValueError:
            raise CommandError("--month 应写作 YYYY-MM，如 2024-03。") from None
        run = WarningRun.objects.filter(year=year, month=month).first()
        if run is None:
            try:
                run = services.run_warnings(year, month, acting_user=None)
            except ApiError as exc:
                raise CommandError(exc.message) from None
        path = opts["output"] or Path(f"warnings-{year}-{month:02d}.xlsx")
        book = Workbook()
        book.remove(book.active)
        for value, label in WarningEntry.List.choices:
            sheet = book.create_sheet(label)
            sheet.append(
                ["公民身份号码", "姓名", "所属区", "当年累计自负医疗费用（元）", "预警线（元）", "变化"]
            )
            entries = run.entries.filter(list=value).select_related("person", "person__jurisdiction")
            for e in entries:
                sheet.append(
                    [
                        e.person.resident_id,
                        e.person.name,
                        e.person.jurisdiction.name,
                        _yuan(e.self_borne),
                        _yuan(e.threshold),
                        e.get_change_display(),
                    ]
                )
                sheet.cell(row=sheet.max_row, column=1).number_format = "@"  # 18 digits: text, not a number
            sheet.column_dimensions["A"].width = 22
        with transaction.atomic():
            with atomic_write(path, "wb") as f:  # the old workbook or the whole new one (R2)
                book.save(f)
            record(
                "medical_assistance.warning.export",
                actor=None,
                obj=run,
                after={"file": str(path), "entries": run.entries.count()},
                label="导出因病致贫返贫预警名单",
                citation="鄂州政办发〔2022〕34号 第十四条",
            )
        self.stdout.write(f"已导出{run}（{run.entries.count()}人）到 {path}。")

    def settle_dataset(self, opts: dict[str, Any]) -> None:
        _settle_dataset(self, opts)

    def settle(self, opts: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            tree = batch.apply_parameters(configured(parameters()), opts["params"], opts["sets"])
        except batch.BatchInputError as exc:
            raise CommandError(str(exc)) from None
        tty = sys.stdout.isatty()
        progress = None
        bar = None
        if tty:
            from rich.progress import Progress

            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("医疗救助批量结算", total=4)

            def progress(msg: str) -> None:
                bar.update(task, advance=1, description=msg)

        client = None
        kernel: batch.Kernel = batch.settle
        if opts["engine"] == "dask":
            if not opts["scheduler"]:
                raise CommandError("--engine dask 须同时给出 --scheduler 调度器地址。")
            from dask.distributed import Client

            try:
                client = Client(opts["scheduler"], timeout=30)
            except OSError as exc:
                raise CommandError(f"无法连接 dask 调度器 {opts['scheduler']}：{exc}") from None
            kernel = batch.dask_kernel(client)
        try:
            # the CSV (and its errors file) through a temporary file renamed into place: a killed run leaves the old
            # file or the whole new one, never a torn one (SECURITY.md R2, issue 14 failure 12)
            result = batch.run(
                opts["input"], opts["output"], tree, progress, kernel, open_file=_atomic_binary
            )
        except (batch.BatchInputError, ParameterNotSet) as exc:
            raise CommandError(str(exc)) from None
        finally:
            if bar is not None:
                bar.stop()
            if client is not None:
                client.close()
        seconds = time.perf_counter() - started
        self.stdout.write(f"已结算 {result.settled} 笔，写入 {opts['output']}（{seconds:.2f} 秒）。")
        if result.errors.num_rows:
            self.stdout.write(
                f"{result.failed_rows} 行未通过校验，未结算；明细见 {batch.errors_file(opts['output'])}。"
            )
            sys.exit(1)


def _settle_dataset(command: BaseCommand, opts: dict[str, Any]) -> None:
    """`settle-dataset`: the three rounds of ezhou_rules.medical_assistance.distributed on the cluster."""
    from dask.distributed import Client

    from ezhou_rules.medical_assistance.distributed import settle_dataset

    started = time.perf_counter()
    try:
        tree = batch.apply_parameters(configured(parameters()), opts["params"], opts["sets"])
    except batch.BatchInputError as exc:
        raise CommandError(str(exc)) from None
    try:
        client = Client(opts["scheduler"], timeout=30)
    except OSError as exc:
        raise CommandError(f"无法连接 dask 调度器 {opts['scheduler']}：{exc}") from None
    try:
        result = settle_dataset(client, opts["input"], opts["output"], tree, opts["buckets"])
    except (FileNotFoundError, batch.BatchInputError, ParameterNotSet) as exc:
        raise CommandError(str(exc)) from None
    finally:
        client.close()
    seconds = time.perf_counter() - started
    command.stdout.write(
        f"{result.files} 个文件共 {result.rows} 行，已结算 {result.settled} 笔，写入 {opts['output']}/settled"
        f"（{result.buckets} 个分桶，{seconds:.1f} 秒）。"
    )
    if result.error_rows:
        command.stdout.write(f"{result.error_rows} 行未通过校验，未结算；明细见 {opts['output']}/errors。")
        sys.exit(1)


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"
