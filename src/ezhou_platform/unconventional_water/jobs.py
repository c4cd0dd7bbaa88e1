"""Background jobs of 非常规水资源管理 (docs/jobs.md): the page and `ezhou unconventional-water …` run these.

- ``unconventional_water.reports.import``: lab reports from a file (第二十三条), 1,000 per unit of work,
  resumable; reports already filed are skipped; each row's refusal is in the errors file.
- ``unconventional_water.reports.recheck``: reports checked again (after a standard was entered), 5,000 per
  unit, resumable; each check is a new record, the old ones stay.
- ``unconventional_water.interlock.year``: the year's interlock with the water plan: proposals from the
  records, and the "used" cases recorded through the water plan's service (15号 附件1 三（四））; "able but not
  using" stays proposed for a second person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

IMPORT_CHUNK = 1000
RECHECK_CHUNK = 5000
CLERKS = [Role.CLERK, Role.DEPARTMENT_HEAD]
REFUSALS = (UnconventionalWaterError, ProcedureError)


def _year(params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        year = int(params["year"])
    except (KeyError, TypeError, ValueError):
        raise JobParamError("“年度”应为四位年份。", field="year") from None
    if not 2022 <= year <= clock.today().year:
        raise JobParamError(f"“年度”应在2022年至{clock.today().year}年之间。", field="year")
    return {"year": year}


@job(
    "unconventional_water.reports.import",
    label="导入水质检测报告",
    roles=[Role.ENTERPRISE, *CLERKS],
    department="water",
    resumable=True,
    citation="鄂州政办发〔2022〕14号 第二十三条",
    takes_file=True,
    file_label="水质检测报告文件（CSV 或 Excel，每行一份报告）",
    description="每行一份检测报告，按设施全部用途判定；已备案的报告跳过，无法识别的行列入错误清单。",
)
def import_reports(ctx: JobContext) -> JobOutcome:
    from .services import importing
    from .services.facilities import track_testing
    from .services.interlock import propose_for_facility

    try:
        indicators, data = importing.read_rows(ctx.input_path)
    except importing.FileUnreadable as exc:
        raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
    ctx.set_total(len(data), f"共{len(data)}行")
    start = int(ctx.checkpoint.get("next", 0))
    actor = ctx.run.started_by
    touched: set[int] = set(ctx.checkpoint.get("facilities", []))
    for first in range(start, len(data), IMPORT_CHUNK):
        chunk = data[first : first + IMPORT_CHUNK]
        parsed = []
        problems = []
        for number, cells in chunk:
            row, errors = importing.parse_row(number, cells, indicators)
            problems += errors
            if row is not None:
                parsed.append(row)
        nxt = first + len(chunk)
        with ctx.unit(done=nxt):
            result = importing.store_chunk(parsed, actor=actor, run=ctx.run)
            touched |= result.facilities
            ctx.checkpoint.update({"next": nxt, "facilities": sorted(touched)})
            for e in [*problems, *result.errors]:
                ctx.error(row=e.row, field=e.field, value=e.value, message=e.message, code=e.code)
                ctx.count("未导入")
            for key, n in result.counts.items():
                ctx.count(key, n)
    from .models import Facility

    with ctx.unit(done=len(data), message="更新检测提醒和计划用水联动"):
        for f in Facility.objects.filter(pk__in=touched):
            track_testing(f)
            for year in sorted(
                set(f.reports.filter(import_run=ctx.run).values_list("sampled_on__year", flat=True))
            ):
                propose_for_facility(f, year, actor=actor)
    return JobOutcome(message=f"导入完成，共处理{len(data)}行。")


def _recheck_params(params: Mapping[str, Any]) -> dict[str, Any]:
    only = str(params.get("only_refused", "1")).lower() not in ("0", "false", "no", "")
    return {"only_refused": only}


@job(
    "unconventional_water.reports.recheck",
    label="重新判定水质检测报告",
    roles=CLERKS,
    department="water",
    resumable=True,
    citation="鄂州政办发〔2022〕14号 第十八条",
    clean=_recheck_params,
    description="标准录入或更正后，按现行标准库和设施现在的用途重新判定（默认只判定此前不予判定的报告）；原判定记录保留。",
)
def recheck_reports(ctx: JobContext) -> JobOutcome:
    from .models import LabReport, QualityCheck
    from .services.reports import check_stored

    ids = list(LabReport.objects.order_by("pk").values_list("pk", flat=True))
    if ctx.params.get("only_refused"):
        latest: dict[int, str] = {}
        for rid, verdict in QualityCheck.objects.order_by("checked_at", "id").values_list(
            "report_id", "verdict"
        ):
            latest[rid] = verdict
        ids = [i for i in ids if latest.get(i) == "refused"]
    ctx.set_total(len(ids))
    start = int(ctx.checkpoint.get("next", 0))
    for first in range(start, len(ids), RECHECK_CHUNK):
        chunk = ids[first : first + RECHECK_CHUNK]
        with ctx.unit(done=first + len(chunk), checkpoint={"next": first + len(chunk)}):
            checked = check_stored(chunk)
            QualityCheck.objects.bulk_create(checked.checks, batch_size=2000)
            for verdict, n in checked.counts.items():
                ctx.count(dict(QualityCheck.VERDICTS).get(verdict, verdict), n)
    return JobOutcome(message=f"重新判定{len(ids)}份检测报告。")


@job(
    "unconventional_water.interlock.year",
    label="非常规水资源利用情况计入计划用水",
    roles=CLERKS,
    department="water",
    resumable=True,
    citation="鄂州政办发〔2022〕15号 附件1 三（四）",
    clean=_year,
    description="按本系统的设施、用量、检测报告和认定记录，逐单位提出并记录“使用非常规水资源（+0.1）”；“具备条件而不利用（-0.1）”提出后须由另一名工作人员确认。",
)
def interlock_year(ctx: JobContext) -> JobOutcome:
    from .models import LinkKind, LinkStatus
    from .services import interlock

    year = int(ctx.params["year"])
    units = interlock.units_with_records(year)
    ctx.set_total(len(units))
    start = int(ctx.checkpoint.get("next", 0))
    actor = ctx.run.started_by
    for i in range(start, len(units)):
        unit = units[i]
        with ctx.unit(done=i + 1, checkpoint={"next": i + 1}):
            [(_, uy, link)] = interlock.review_units([unit], year, as_of=clock.today(), actor=actor)
            ctx.count(uy.status_label)
            if link is not None and link.status == LinkStatus.PROPOSED and link.kind == LinkKind.USED:
                try:
                    interlock.record_link(link, actor=actor)
                    ctx.count("已计入计划用水")
                except REFUSALS as exc:  # a refusal of one unit is reported, the others go on
                    ctx.error(
                        row=unit.pk, field="计划用水单位", value=unit.name, message=exc.message, code=exc.code
                    )
            elif link is not None and link.status == LinkStatus.PROPOSED:
                ctx.count("待另一名工作人员确认")
    return JobOutcome(message=f"{year}年度：已核查{len(units)}个计划用水单位。")
