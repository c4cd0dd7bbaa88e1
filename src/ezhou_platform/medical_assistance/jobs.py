"""Long work of 医疗救助 as background jobs (docs/jobs.md): started from a page or from the command line
(`ezhou medical-assistance receive|resettle|settle`, `ezhou jobs run …`), the same code either way.

- ``medical_assistance.claims.receive``: a file of claims received at the window, each row settled as on the
  page (``settle_claim``); a unit of work per 100 rows, resumed after a restart from the last committed unit.
- ``medical_assistance.year.resettle``: a year settled again for every person with settled claims, with the
  parameters in force (a 第二十六条 adjustment, an income entered or corrected, M28); a unit per 50 persons,
  resumed from the last person committed.
- ``medical_assistance.claims.calculate``: a claims file in the batch format settled by the vectorised kernel,
  file to file, nothing written to the database — the code of `ezhou medical-assistance settle`
  (``ezhou_rules.medical_assistance.batch.run``); the rows it refuses go to the errors file by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.files import write_xlsx
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_platform.security.atomic import atomic_write
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance import batch

from . import services
from .cites import CITE_ONE_STOP, CITE_SETTLE, IN_FORCE, MEDICAL
from .models import Claim, Settlement
from .services import claims_file

RECEIVE = "medical_assistance.claims.receive"
RESETTLE = "medical_assistance.year.resettle"
CALCULATE = "medical_assistance.claims.calculate"
ROWS_PER_UNIT = 100
PERSONS_PER_UNIT = 50
STAFF = [Role.CLERK, Role.DEPARTMENT_HEAD]

# The batch file's columns by their Chinese labels, for the errors file (the kernel names them in English).
BATCH_LABELS = {
    "claim_id": "结算单号",
    "person_id": "人员编号",
    "person_class": "救助类别",
    "settle_date": "结算日期",
    "kind": "就医类别",
    "hospital_level": "医疗机构级别",
    "in_city": "市域内",
    "in_province": "省域内",
    "temporary_out_of_city": "临时外出就医",
    "tilted_approved": "已纳入倾斜救助",
    "total_cost": "医疗总费用（元）",
    "out_of_policy_cost": "政策范围外费用（元）",
    "policy_self_pay": "政策范围内个人自付（元）",
}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


@job(
    RECEIVE,
    label="接收并结算结算单文件",
    roles=STAFF,
    department=MEDICAL,
    resumable=True,
    citation=CITE_ONE_STOP,
    takes_file=True,
    file_label="结算单文件（CSV 或 Excel）",
    description="未通过“一站式”直接结算的结算单（第十八条）逐行接收并结算，与逐笔录入相同；同一结算单号只结算一次。",
)
def receive_claims(ctx: JobContext) -> JobOutcome:
    """Units of 100 rows, each committed with its checkpoint; a row that fails is reported and skipped."""
    user = ctx.run.started_by
    try:
        rows = claims_file.read_claims(ctx.input_path)
    except claims_file.ClaimsFileError as exc:
        raise JobFailed(f"文件无法接收：{exc}", code="file_unreadable") from exc
    ctx.set_total(len(rows), f"共{len(rows)}行，逐行接收并结算")
    start = int(ctx.checkpoint.get("next", 0))
    for first in range(start, len(rows), ROWS_PER_UNIT):
        chunk = rows[first : first + ROWS_PER_UNIT]
        with ctx.unit(done=first + len(chunk), checkpoint={"next": first + len(chunk)}):
            for number, cells in chunk:
                _receive_row(ctx, number, cells, user)
    path = ctx.result_path(".xlsx")
    write_xlsx(path, "结算结果", RESULT_HEADER, _result_rows(rows))
    c = ctx.counts
    return JobOutcome(
        message=f"接收完成：已结算{c.get('已结算', 0)}笔、已接收未结算{c.get('已接收未结算', 0)}笔、"
        f"重复提交{c.get('重复提交', 0)}笔、未通过校验{c.get('未通过校验', 0)}行。",
        result_path=path,
        result_name="结算单文件结算结果.xlsx",
    )


def _receive_row(ctx: JobContext, number: int, cells: dict[str, Any], user: Any) -> None:
    row, errors = claims_file.parse_row(number, cells)
    for e in errors:
        ctx.error(row=e.row, field=e.field, value=e.value, message=e.message, code=e.code)
    if row is None:
        ctx.count("未通过校验")
        return
    try:
        result = services.settle_claim(row.claim, acting_user=user)
    except ApiError as exc:
        label = claims_file.LABELS.get(exc.field or "", "")
        value = getattr(row.claim, exc.field, "") if exc.field else ""
        ctx.error(row=number, field=label, value=value, message=exc.message, code=exc.code)
        ctx.count("未通过校验")
        return
    if not result.created:
        ctx.count("重复提交")
    elif result.settlement is not None:
        ctx.count("已结算")
    else:
        ctx.count("已接收未结算")


RESULT_HEADER = ("行号", "结算单号", "结果", "基本救助（元）", "倾斜救助（元）", "未结算原因")


def _result_rows(rows: list[tuple[int, dict[str, Any]]]) -> list[list[Any]]:
    """Each row of the file with what became of its claim, read back from the database (whole across resumes)."""
    ids = [str(cells.get("claim_id") or "").strip() for _, cells in rows]
    claims = {c.claim_id: c for c in Claim.objects.filter(claim_id__in=[i for i in ids if i])}
    out = []
    for (number, _), claim_id in zip(rows, ids, strict=True):
        claim = claims.get(claim_id)
        if claim is None:
            out.append([number, claim_id, "未接收（见错误清单）", None, None, ""])
            continue
        sums = claim.sums()
        out.append(
            [
                number,
                claim_id,
                claim.get_status_display(),
                str(_yuan(sums["basic_aid"])),
                str(_yuan(sums["tilted_aid"])),
                claim.pending_reason,
            ]
        )
    return out


def _clean_year(params: Mapping[str, Any]) -> dict[str, Any]:
    text = str(params.get("year", "")).strip()
    today = clock.today()
    if not text.isdigit() or not IN_FORCE.year <= int(text) <= today.year:
        raise JobParamError(
            f"“年度”应为{IN_FORCE.year}年至{today.year}年之间的年份（第十一条：救助按自然年度累计）。",
            field="year",
        )
    return {"year": int(text)}


@job(
    RESETTLE,
    label="按现行参数重新结算年度",
    roles=STAFF,
    department=MEDICAL,
    resumable=True,
    citation=CITE_SETTLE,
    clean=_clean_year,
    description="第二十六条标准调整或收入数值录入、更正后，按现行参数重新结算该年度每人的结算单；"
    "金额有变化的记“重新结算调整”，多付的列入多付应追回。重复运行不会重复调整。",
)
def resettle_year(ctx: JobContext) -> JobOutcome:
    """Units of 50 persons; the checkpoint is the last person committed, so persons whose first claim arrives
    while the job runs are neither skipped nor done twice."""
    year = int(ctx.params["year"])
    user = ctx.run.started_by
    reason = services.resettle_reason(year, f"后台作业第{ctx.run.pk}号")
    persons = services.persons_with_claims(year)
    ctx.set_total(len(persons), f"{year}年度共{len(persons)}人有已结算的结算单")
    after = int(ctx.checkpoint.get("after", 0))
    todo = [p for p in persons if p > after]
    done = len(persons) - len(todo)
    for first in range(0, len(todo), PERSONS_PER_UNIT):
        chunk = todo[first : first + PERSONS_PER_UNIT]
        done += len(chunk)
        with ctx.unit(done=done, checkpoint={"after": chunk[-1]}):
            for pid in chunk:
                _resettle_one(ctx, pid, year, user, reason)
    path = ctx.result_path(".xlsx")
    write_xlsx(path, "重新结算调整", ADJUST_HEADER, _adjustment_rows(ctx.run.pk))
    c = ctx.counts
    return JobOutcome(
        message=f"{year}年度重新结算完成：{c.get('已重新结算', 0)}人，其中{c.get('有调整', 0)}人金额有变化"
        f"（调整记录{c.get('调整记录', 0)}条）。",
        result_path=path,
        result_name=f"{year}年度重新结算调整.xlsx",
    )


def _resettle_one(ctx: JobContext, pid: int, year: int, user: Any, reason: str) -> None:
    try:
        adjustments = services.resettle_person_year(pid, year, acting_user=user, reason=reason)
    except ApiError as exc:  # a parameter nobody entered (e.g. last year's income for tilted aid)
        ctx.error(row=pid, field="人员编号", value=pid, message=exc.message, code=exc.code)
        ctx.count("未能重新结算")
        return
    ctx.count("已重新结算")
    if adjustments:
        ctx.count("有调整")
        ctx.count("调整记录", len(adjustments))


ADJUST_HEADER = ("结算单号", "人员", "所属区", "基本救助调整（元）", "倾斜救助调整（元）", "说明")


def _adjustment_rows(run_id: int) -> list[list[Any]]:
    marker = f"后台作业第{run_id}号"
    rows = Settlement.objects.filter(kind=Settlement.Kind.ADJUST, reason__contains=marker).select_related(
        "claim", "person", "jurisdiction"
    )
    return [
        [
            s.claim.claim_id,
            str(s.person),
            s.jurisdiction.name,
            str(_yuan(s.basic_aid)),
            str(_yuan(s.tilted_aid)),
            s.reason,
        ]
        for s in rows.order_by("id")
    ]


@job(
    CALCULATE,
    label="结算单文件批量测算（不入账）",
    roles=STAFF,
    department=MEDICAL,
    citation=CITE_SETTLE,
    takes_file=True,
    file_label="批量测算文件（CSV 或 Excel，列同命令行 settle）",
    description="按向量化内核测算整份文件（与命令 ezhou medical-assistance settle 相同），结果文件可下载，不写入结算记录；"
    "未通过校验的行列入错误清单。",
)
def calculate_claims(ctx: JobContext) -> JobOutcome:
    """File to file, nothing written but the run's record: the rows the kernel refuses are the errors file."""
    output = ctx.result_path(".csv")
    try:
        tree = services.tree()
        result = batch.run(
            ctx.input_path,
            output,
            tree,
            lambda msg: ctx.progress(0, msg, force=True),
            open_file=lambda path: atomic_write(path, "wb"),  # never a torn result file (SECURITY.md R2)
        )
    except batch.BatchInputError as exc:
        raise JobFailed(f"文件无法测算：{exc}", code="file_unreadable") from exc
    except ParameterNotSet as exc:
        raise JobFailed(services.not_set_error(exc).message, code="parameter_not_set") from exc
    total = result.settled + result.failed_rows
    ctx.set_total(total)
    ctx.progress(total, force=True)
    for r in result.errors.to_pylist():
        field = BATCH_LABELS.get(r["field"], r["field"])
        ctx.error(row=r["row"], field=field, value=r["value"], message=r["rule"], code="row_invalid")
    ctx.count("已测算", result.settled)
    ctx.count("未通过校验的行", result.failed_rows)
    return JobOutcome(
        message=f"测算完成：{result.settled}笔已测算，{result.failed_rows}行未通过校验（见错误清单）。",
        result_path=output,
        result_name="批量测算结果.csv",
    )
