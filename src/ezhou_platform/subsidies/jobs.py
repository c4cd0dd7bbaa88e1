"""Long work of the subsidies system as background jobs (docs/jobs.md), started from the pages or `ezhou subsidies`:

- the four imports of the data holders' tables (all or nothing per file, idempotent);
- batch applications from a file (批量申报: a dealer's car trade-ins …) and the interest subsidies generated from
  the banks' loan reports — chunked, resumable, each chunk one unit: its applications, ledger keys and cases;
- 第十六条 免申即享 from the 医保局's data (all or nothing);
- the what-if of a year (no writes but its result).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import IntegrityError

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.files import write_xlsx
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.components import component
from ezhou_rules.subsidies.errors import RowError, SubsidyError
from ezhou_rules.subsidies.fields import parse_rows
from ezhou_rules.subsidies.imports import SPECS
from ezhou_rules.subsidies.interest import LOAN_FIELDS, interest_subsidy

from .models import Application, ReferenceRow, WhatIf
from .services import exempt, imports, intake, params, whatif
from .services.files import FileUnreadable, read_table

STAFF = [Role.CLERK, Role.DEPARTMENT_HEAD]
DOC = "鄂州政办发〔2022〕32号"
CHUNK = 5000
IMPORT_DEPARTMENT = {
    "bank_loans": "finance",
    "above_limit": "commerce",
    "freight": "transport",
    "dealers": "commerce",
}
BATCH_COMPONENTS = (
    "m12",
    "m05.store",
    "m05.operator",
    "m09.legal_person",
    "m09.individual_first",
    "m09.individual_second",
    "m09.retail_growth",
)


def _errors(ctx: JobContext, errors: list[RowError]) -> None:
    for e in errors:
        ctx.error(row=e.row, field=e.label, value=e.value, message=e.message, code=e.code)


def _fail_on_errors(ctx: JobContext, errors: list[RowError], total: int) -> None:
    if errors:
        _errors(ctx, errors)
        raise JobFailed(
            f"文件共{total}行，其中{len({e.row for e in errors})}行有错误（共{len(errors)}处），全部未导入；"
            "请按错误清单修改后重新上传。",
            code="rows_invalid",
        )


def _import_job(kind: str) -> None:
    spec = SPECS[kind]

    @job(
        f"subsidies.import.{kind}",
        label=f"导入{spec.title}",
        roles=STAFF,
        department=IMPORT_DEPARTMENT[kind],
        takes_file=True,
        file_label=f"{spec.title}（CSV 或 Excel）",
        citation=DOC,
        description="整份文件逐行检查；有任何错误时全部不导入，错误清单列明行号、列名和规则。按唯一标识更新，重复导入同一文件不产生变化。",
    )
    def run(ctx: JobContext) -> JobOutcome:
        try:
            checked = imports.check_file(kind, ctx.input_path, on=clock.today())
        except FileUnreadable as exc:
            raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
        ctx.set_total(checked.total, f"共{checked.total}行，已逐行检查")
        _fail_on_errors(ctx, checked.errors, checked.total)
        with ctx.unit(done=checked.total, message="正在写入"):
            counts = imports.apply(checked, run=ctx.run, actor=ctx.run.started_by)
            for key, value in counts.items():
                ctx.count(key, value)
        return JobOutcome(
            message=f"导入完成：新增{counts['新增']}行、更新{counts['更新']}行、未变{counts['未变']}行。"
        )

    run.__qualname__ = f"import_{kind}"


for _kind in SPECS:
    _import_job(_kind)


def _component_param(params_: Mapping[str, Any]) -> dict[str, Any]:
    code = str(params_.get("component", "")).strip()
    if code not in BATCH_COMPONENTS:
        raise JobParamError(
            f"“奖补事项”应为{'、'.join(BATCH_COMPONENTS)}之一（就高不就低和须逐户决定的事项不批量申报）。",
            field="component",
        )
    return {"component": code}


def _take_chunks(ctx: JobContext, prepared: intake.Prepared, *, source: str, resume: bool = True) -> None:
    """Chunks of CHUNK rows, one unit each (applications, keys, cases, refused rows). ``resume``: start at the
    run's checkpoint (a file's rows keep their positions); otherwise the caller has left out what is done."""
    comp = component(prepared.code)
    tree = params.tree()
    context = params.context_for(prepared.code)
    snapshot = intake.Snapshot.load(comp)
    start = int(ctx.checkpoint.get("next", 0)) if resume else 0
    on = clock.today()
    for first in range(start, len(prepared), CHUNK):
        stop = min(first + CHUNK, len(prepared))
        part = prepared.chunk(first, stop)
        for attempt in (1, 2):
            try:
                with ctx.unit(
                    checkpoint={"next": stop}, message=f"{comp.title}：已处理{stop}/{len(prepared)}行"
                ):
                    result = intake.intake(
                        part,
                        source=source,
                        actor=ctx.run.started_by,
                        on=on,
                        snapshot=snapshot,
                        tree=tree,
                        context=context,
                    )
                    _errors(ctx, result.errors)
                    ctx.count("受理", len(result.application_ids))
                    ctx.count("重复申请未受理", result.refused_duplicates)
                    ctx.count("不符合条件未受理", result.refused_ineligible)
                    ctx.run.done += stop - first
                break
            except IntegrityError:
                # An online application took one of these keys after the snapshot: look again, once.
                if attempt == 2:
                    raise
                snapshot = intake.Snapshot.load(comp)
        snapshot.held.update(result.keys)


@job(
    "subsidies.applications.import",
    label="批量申报奖补（文件）",
    roles=STAFF,
    department="commerce",
    resumable=True,
    takes_file=True,
    file_label="批量申报文件（CSV 或 Excel，按模板）",
    citation=DOC,
    clean=_component_param,
    description="如经销商集中申报的汽车以旧换新补贴：整份文件先逐格检查（有错误则全部不受理），再逐行按规则和台账查重，"
    "重复或不符合条件的行列入未受理清单。",
)
def import_applications(ctx: JobContext) -> JobOutcome:
    with _without_cycle_collection():
        return _import_applications(ctx)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a file of many thousands of rows is taken: the rows, their columns and
    errors are hundreds of thousands of young objects without cycles, and each collection would walk them and
    the whole heap again (a 30,000-row file: 34.5 s with it, 15.1 s without, on this machine under load 4). Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_applications(ctx: JobContext) -> JobOutcome:
    code = ctx.params["component"]
    try:
        table = read_table(ctx.input_path, intake.batch_fields(code))
    except FileUnreadable as exc:
        raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
    ctx.set_total(len(table), f"共{len(table)}行，正在逐行检查")
    prepared = intake.prepare(code, table.rows, table.numbers, on=clock.today())
    if prepared.errors and not ctx.checkpoint:
        _fail_on_errors(ctx, prepared.errors, len(table))
    try:
        _take_chunks(ctx, prepared, source=Application.Source.BATCH)
    except SubsidyError as exc:
        raise JobFailed(exc.message, code=exc.code) from exc
    c = ctx.counts
    return JobOutcome(
        message=f"批量申报处理完成：受理{c.get('受理', 0)}份，重复申请未受理{c.get('重复申请未受理', 0)}份，"
        f"不符合条件未受理{c.get('不符合条件未受理', 0)}份（见未受理清单）。"
    )


def best_measures(columns: dict[str, np.ndarray], on: Any) -> np.ndarray:
    """For each loan, the measure (1, 2 or 3) under which it is eligible with the highest subsidy; 0 if none.
    A loan gets one fiscal interest subsidy (S3): the borrower's best one (ties: the lower measure)."""
    tree = params.tree()
    n = len(columns["principal"])
    best = np.zeros(n, dtype=np.int64)
    amount = np.full(n, -1, dtype=np.int64)
    for m in (1, 2, 3):
        d = interest_subsidy(m, columns, tree, on)
        better = d.eligible & (d.amount > amount)
        best[better], amount[better] = m, d.amount[better]
    return best


@job(
    "subsidies.interest.run",
    label="按银行报送生成贷款贴息申请（第一至三条）",
    roles=STAFF,
    department="finance",
    resumable=True,
    citation=cite(1),
    description="对已导入的银行贷款报送逐笔按第一至三条测算贴息，每笔贷款按其可享受的最高一项生成申请（一笔贷款只享受一项财政贴息）；"
    "已生成申请的贷款不再重复生成，可随时重新运行。",
)
def interest_run(ctx: JobContext) -> JobOutcome:
    """Idempotent without a checkpoint: loans whose key the ledger holds are left out on every (re)start."""
    on = clock.today()
    loans = list(ReferenceRow.objects.filter(kind=ReferenceRow.Kind.BANK_LOANS).order_by("key"))
    if not loans:
        raise JobFailed("尚未导入银行贷款报送数据。", code="no_loans")
    held = intake.Snapshot.load(component("m01")).held
    fresh = [r for r in loans if f"interest|{r.key.replace('|', ':', 1)}" not in held]
    if not fresh:
        return JobOutcome(message=f"银行报送的{len(loans)}笔贷款均已生成申请，没有新的贷款。")
    rows = []
    for r in fresh:
        row = {f.name: r.data[f.name] for f in LOAN_FIELDS}
        name = r.data["borrower_name"]
        row.update(
            subject_name=name,
            payee_name=name,
            payee_bank=r.data["bank_code"],
            payee_account=r.data["payee_account"],
        )
        rows.append(row)
    parsed = parse_rows(LOAN_FIELDS, rows, on=on)
    try:
        chosen = best_measures(parsed.columns, on)
    except ParameterNotSet as exc:
        raise JobFailed(f"不能测算贴息：{exc}", code="parameter_not_set") from exc
    ctx.set_total(len(rows), f"共{len(rows)}笔尚未生成申请的贷款")
    numbers = {id(r): i + 1 for i, r in enumerate(fresh)}
    for m in (1, 2, 3):
        picked = np.flatnonzero(chosen == m).tolist()
        if picked:
            prepared = intake.prepare(
                f"m0{m}", [rows[i] for i in picked], [numbers[id(fresh[i])] for i in picked], on=on
            )
            _take_chunks(ctx, prepared, source=Application.Source.BANK, resume=False)
    with ctx.unit(done=len(rows)):
        ctx.count("不符合贴息条件的贷款", int((chosen == 0).sum()))
    c = ctx.counts
    return JobOutcome(
        message=f"生成贷款贴息申请{c.get('受理', 0)}份；不符合第一至三条条件的贷款{c.get('不符合贴息条件的贷款', 0)}笔。"
    )


@job(
    "subsidies.deferral.run",
    label="职工医保单位缴费缓缴（免申即享，第十六条）",
    roles=STAFF,
    department="medical_security",
    takes_file=True,
    file_label="参保单位缴费数据（CSV 或 Excel）",
    citation=cite(16),
    description="按医保部门数据逐单位逐月判断是否缓缴2022年8月至10月的单位保费，无需申请，缓缴期间免收滞纳金；"
    "数据有任何错误时全部不写入；同一单位同一月份重复运行不产生变化。",
)
def deferral_run(ctx: JobContext) -> JobOutcome:
    try:
        checked = exempt.check_file(ctx.input_path, on=clock.today())
    except FileUnreadable as exc:
        raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
    ctx.set_total(checked.total, f"共{checked.total}行")
    _fail_on_errors(ctx, checked.errors, checked.total)
    with ctx.unit(done=checked.total, message="正在写入"):
        counts = exempt.apply(checked, run=ctx.run, actor=ctx.run.started_by)
        for key, value in counts.items():
            ctx.count(key, value)
    return JobOutcome(
        message=f"免申即享完成：缓缴{counts['缓缴（单位月）']}个单位月，不符合缓缴条件{counts['不符合缓缴条件（单位月）']}个单位月。"
    )


def _whatif_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        year = int(str(raw.get("year", "")).strip())
    except ValueError:
        raise JobParamError("“年度”应为四位年份，如 2022。", field="year") from None
    if not 2022 <= year <= 2100:
        raise JobParamError("“年度”应在2022年至2100年之间。", field="year")
    overrides = raw.get("overrides") or {}
    if isinstance(overrides, str):
        overrides = dict(
            part.split("=", 1) for part in overrides.replace("；", ";").split(";") if "=" in part
        )
    try:
        whatif.clean_overrides({str(k).strip(): v for k, v in overrides.items()})
    except SubsidyError as exc:
        raise JobParamError(exc.message, field="overrides") from None
    return {"year": year, "overrides": {str(k).strip(): str(v).strip() for k, v in overrides.items()}}


@job(
    "subsidies.whatif",
    label="奖补测算（调整参数后的年度奖补）",
    roles=STAFF,
    department="finance",
    citation=DOC,
    clean=_whatif_params,
    description="把某一年度的全部申请按现行参数和调整后的参数（如利率、标准、上限）各算一遍，按措施和兑现单位汇总，不改变任何申请。",
)
def what_if_run(ctx: JobContext) -> JobOutcome:
    year = int(ctx.params["year"])
    try:
        overrides = whatif.clean_overrides(ctx.params["overrides"])
        result, n = whatif.run(year, overrides, on=clock.today())
    except (SubsidyError, ParameterNotSet) as exc:
        raise JobFailed(
            getattr(exc, "message", str(exc)), code=getattr(exc, "code", "parameter_not_set")
        ) from exc
    ctx.set_total(n)
    rows = [{**r, "measure_name": measure_name(r["measure"])} for r in result.rows]
    clipped = sum(result.scenario.clipped.values())
    with ctx.unit(done=n):
        WhatIf.objects.create(
            run=ctx.run,
            year=year,
            overrides=ctx.params["overrides"],
            rows=rows,
            applications=n,
            total_baseline_fen=result.total_baseline_fen,
            total_scenario_fen=result.total_scenario_fen,
            clipped=clipped,
        )
        ctx.count("测算的申请", n)
    path = write_xlsx(
        ctx.result_path(".xlsx"),
        f"{year}年度奖补测算",
        ("措施", "兑现单位", "现行笔数", "现行金额（元）", "调整后笔数", "调整后金额（元）", "差额（元）"),
        (
            [
                r["measure_name"],
                r["payer"],
                r["baseline_count"],
                format_yuan(r["baseline_fen"]),
                r["scenario_count"],
                format_yuan(r["scenario_fen"]),
                format_yuan(r["difference_fen"]),
            ]
            for r in rows
        ),
    )
    return JobOutcome(
        message=f"{year}年度{n}份申请：现行参数合计{format_yuan(result.total_baseline_fen)}，调整后合计"
        f"{format_yuan(result.total_scenario_fen)}，差额{format_yuan(result.difference_fen)}。",
        result_path=path,
        result_name=f"{year}年度奖补测算.xlsx",
    )
