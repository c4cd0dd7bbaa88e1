"""Long work of 计划用水管理 as background jobs (docs/jobs.md): issuing a year's plans (第九条), settling a year
(第十四条) and importing the supplier's readings (第五条). The page (``/water-plan/jobs/``), ``ezhou jobs run`` and
``ezhou water-plan issue|settle|import`` all run these functions.

Issuing and settling commit one chunk of units per unit of work (``ctx.unit``), resumable after a restart from
the last unit committed; the import is one unit (all its accepted rows or none).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label

from . import services

ISSUE = "water_plan.plans.issue"
SETTLE = "water_plan.settle"
IMPORT = "water_plan.readings.import"
CLERKS = [Role.CLERK, Role.DEPARTMENT_HEAD]
CHUNK = 500  # units per unit of work: committed in about a second on SQLite


def _year_and_day(params: Mapping[str, Any], check: Any) -> dict[str, Any]:
    """年度 (four digits), the day (下达/开具日期, today when not given), the chunk and the pause between chunks."""
    try:
        year = int(params["year"])
    except (KeyError, TypeError, ValueError):
        raise JobParamError("年度：应为四位年份。", field="year") from None
    raw = params.get("on") or ""
    try:
        on = dt.date.fromisoformat(str(raw)) if raw else clock.today()
    except ValueError:
        raise JobParamError(f"日期：“{raw}”不是日期，请按“年-月-日”填写。", field="on") from None
    try:
        chunk = int(params.get("chunk") or CHUNK)
        pause = float(params.get("pause") or 0)
    except (TypeError, ValueError):
        raise JobParamError("每批单位数、批间停顿：应为数字。", field="chunk") from None
    if not 1 <= chunk <= 10_000 or not 0 <= pause <= 60:
        raise JobParamError("每批单位数应在1至10000之间，批间停顿在0至60秒之间。", field="chunk")
    try:
        check(year, on)
    except WaterPlanError as exc:
        raise JobParamError(with_label(exc.field, exc.message), field=exc.field, code=exc.code) from None
    except ParameterNotSet as exc:
        raise JobParamError(str(exc), field=exc.name, code="parameter_not_set") from None
    return {"year": year, "on": on.isoformat(), "chunk": chunk, "pause": pause}


def _clean_issue(params: Mapping[str, Any]) -> dict[str, Any]:
    return _year_and_day(params, services.check_issue_date)


def _clean_settle(params: Mapping[str, Any]) -> dict[str, Any]:
    def check(year: int, on: dt.date) -> None:
        services.check_settle_date(year, on)
        services.tiers_for(year)  # stops here, naming the parameter, until the tiers are entered (W5)

    return _year_and_day(params, check)


def _actor(ctx: JobContext) -> Any:
    """Plans and notices record who issued them: the run needs a water clerk or head (``--user`` on the CLI)."""
    user = ctx.run.started_by
    if user is None or user.role not in CLERKS or not user.department or user.department.code != "water":
        raise JobFailed(
            "此作业须由市水利和湖泊局的经办人员或负责人发起（命令行请加 --user 用户名）。",
            code="actor_required",
        )
    return user


@job(
    ISSUE,
    label="下达年度用水计划",
    roles=CLERKS,
    department="water",
    resumable=True,
    citation="鄂州政办发〔2022〕15号 第九条第一款",
    clean=_clean_issue,
    description="按附件1 核定并下达全部用水单位的年度用水计划；已下达的单位跳过，中断后从中断处续跑。",
)
def issue_plans(ctx: JobContext) -> JobOutcome:
    actor = _actor(ctx)
    year, on = ctx.params["year"], dt.date.fromisoformat(ctx.params["on"])
    chunk, pause = ctx.params["chunk"], ctx.params["pause"]
    after = int(ctx.checkpoint.get("after", 0))
    todo, already = services.units_to_issue(year)
    todo = [u for u in todo if u > after]  # a resumed run: units after the last committed chunk
    if not ctx.checkpoint:
        ctx.count("此前已下达", already)
    ctx.set_total(already + len(todo), f"{year}年度：共{already + len(todo)}个用水单位")
    report = services.IssueReport()
    quotas = services.quota_entries()
    done = already
    for start in range(0, len(todo), chunk):
        ids = todo[start : start + chunk]
        done += len(ids)
        with ctx.unit(done=done, checkpoint={"after": ids[-1]}, message=f"已核定{done}个单位"):
            seen = len(report.problems)
            issued = services.issue_chunk(ids, year, actor=actor, issued_on=on, report=report, quotas=quotas)
            ctx.count("本次下达", issued)
            for unit_id, name, message, code in report.problems[seen:]:
                ctx.error(row=unit_id, field="用水单位", value=name, message=message, code=code)
                ctx.count("须经办人员核定" if code == "needs_clerk" else "未能核定")
        if pause:
            time.sleep(pause)
    counts = ctx.counts
    return JobOutcome(
        message=f"{year}年度用水计划：本次下达{counts.get('本次下达', 0)}个单位，此前已下达{counts.get('此前已下达', 0)}个；"
        f"须经办人员核定{counts.get('须经办人员核定', 0)}个，未能核定{counts.get('未能核定', 0)}个（见错误清单）。"
    )


@job(
    SETTLE,
    label="年度考核并开具加价收费通知单",
    roles=CLERKS,
    department="water",
    resumable=True,
    citation="鄂州政办发〔2022〕15号 第十四条",
    clean=_clean_settle,
    description="考核该年度全部计划，对超计划用水的单位开具编号连续的《超计划、超定额用水加价收费通知单》；"
    "已开具的单位跳过，中断后从中断处续跑。",
)
def settle_year(ctx: JobContext) -> JobOutcome:
    actor = _actor(ctx)
    year, on = ctx.params["year"], dt.date.fromisoformat(ctx.params["on"])
    chunk, pause = ctx.params["chunk"], ctx.params["pause"]
    after = int(ctx.checkpoint.get("after", 0))
    try:
        tiers = services.tiers_for(year)
    except ParameterNotSet as exc:
        raise JobFailed(str(exc), code="parameter_not_set") from None
    todo = [p for p in services.plans_to_settle(year) if p > after]
    ctx.set_total(len(todo) + int(ctx.checkpoint.get("done", 0)), f"{year}年度：待考核{len(todo)}个计划")
    done = int(ctx.checkpoint.get("done", 0))
    for start in range(0, len(todo), chunk):
        ids = todo[start : start + chunk]
        done += len(ids)
        with ctx.unit(done=done, checkpoint={"after": ids[-1], "done": done}, message=f"已考核{done}个计划"):
            ctx.count("考核计划", len(ids))
            ctx.count("开具通知单", services.settle_chunk(ids, year, actor=actor, issued_on=on, tiers=tiers))
        if pause:
            time.sleep(pause)
    return JobOutcome(
        message=f"{year}年度考核完成：考核{ctx.counts.get('考核计划', 0)}个计划，"
        f"开具超计划用水加价收费通知单{ctx.counts.get('开具通知单', 0)}份。"
    )


@job(
    IMPORT,
    label="导入供水企业抄表数据",
    roles=CLERKS,
    department="water",
    citation="鄂州政办发〔2022〕15号 第五条第一款",
    takes_file=True,
    file_label="抄表数据文件（CSV 或 Excel：account、kind、period、volume、cumulative）",
    description="逐行检查：未知户号、负数、表底数回落、重复等逐行拒收并说明原因；同一文件再次导入不作任何改动。",
)
def import_readings(ctx: JobContext) -> JobOutcome:
    actor = _actor(ctx)
    content = ctx.input_path.read_bytes()
    name = ctx.run.input_name or ctx.input_path.name
    try:
        with ctx.unit(done=1, message="正在写入"):
            ctx.set_total(1)
            result = services.import_readings(content, name, actor=actor)
            batch = result.batch
            if not result.already_imported:
                for r in batch.rejects:
                    ctx.error(
                        row=r.get("line"),
                        field="抄表数据",
                        value=f"{r.get('account', '')} {r.get('period', '')}".strip(),
                        message=r["reason"],
                        code="reading_rejected",
                    )
                ctx.count("接收行数", batch.accepted)
                ctx.count("拒收行数", batch.rejected)
    except WaterPlanError as exc:
        raise JobFailed(with_label(exc.field, exc.message), code=exc.code) from None
    if result.already_imported:
        at = timezone.localtime(batch.imported_at)
        return JobOutcome(
            message=f"该文件已于{cn_date(at)} {at:%H:%M}导入过，本次未作任何改动（接收{batch.accepted}行，拒收{batch.rejected}行）。"
        )
    return JobOutcome(
        message=f"导入完成：接收{batch.accepted}行，拒收{batch.rejected}行（拒收原因见错误清单）。"
    )
