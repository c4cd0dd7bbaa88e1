"""Background jobs of the licensing system: the daily overdue sweep and loading the catalogue.

`ezhou licensing sweep` / `ezhou licensing load-catalogue`, the pages and `ezhou jobs run …` run the same code.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_rules.licensing import CITE_ANNEX, CITE_OVERSIGHT

from .models import SweepRun
from .services import catalogue, sweep

SWEEP_JOB = "licensing.sweep"
LOAD_JOB = "licensing.catalogue.load"
UNIT = 20_000  # cases written per unit of work


def _clean_sweep(params: Mapping[str, Any]) -> dict[str, Any]:
    raw = params.get("on") or clock.today().isoformat()
    try:
        day = dt.date.fromisoformat(str(raw))
    except ValueError:
        raise JobParamError(f"“检查日期”应为日期，如 2026-06-15，收到“{raw}”。", field="on") from None
    return {"on": day.isoformat()}


@job(
    SWEEP_JOB,
    label="告知承诺案件逾期检查",
    roles=[Role.CLERK, Role.DEPARTMENT_HEAD],
    resumable=True,
    citation=CITE_OVERSIGHT,
    clean=_clean_sweep,
    description="检查全部在办案件：材料、具备条件、整改、核查、决定和承诺的期限是否届满，标出需要经办人员处理的事项；"
    "不自动责令整改、不自动撤销、不自动记入信用记录。",
)
def run_sweep(ctx: JobContext) -> JobOutcome:
    """Computed once over all open cases (vectorised), then written in units of 20,000 cases, each unit one
    transaction; re-running is idempotent, so a resumed run simply recomputes and writes what is left."""
    on = dt.date.fromisoformat(ctx.params["on"])
    started = time.perf_counter()
    attention, flags, result = sweep.compute(on)
    ids = sorted(attention)
    ctx.set_total(len(ids), f"共{len(ids)}件在办案件")
    start = int(ctx.checkpoint.get("next", 0))
    changed = 0
    for first in range(start, max(len(ids), 1), UNIT):
        chunk = ids[first : first + UNIT]
        chunk_flags = flags if first == start else {}
        with ctx.unit(done=first + len(chunk), checkpoint={"next": first + len(chunk)}):
            changed += sweep.write({i: attention[i] for i in chunk}, chunk_flags, on)
    result.changed = changed
    result.seconds = time.perf_counter() - started
    ctx.counts = dict(result.summary())  # a resumed run reports the whole sweep, not a sum of attempts
    with ctx.unit(message="记录检查结果"):
        SweepRun.objects.create(on=on, seconds=round(result.seconds, 3), counts=result.summary(), job=ctx.run)
        record(
            "licensing.sweep.run",
            actor=ctx.run.started_by,
            obj=ctx.run,
            after={"on": on.isoformat(), **result.counts},
            label="告知承诺案件逾期检查",
            citation=CITE_OVERSIGHT,
        )
    return JobOutcome(
        message=f"{on.isoformat()} 逾期检查完成：在办案件{result.cases}件，状态变化{changed}件，用时{result.seconds:.1f}秒。"
    )


@job(
    LOAD_JOB,
    label="载入告知承诺事项清单",
    roles=[Role.ADMIN],
    citation=CITE_ANNEX,
    description="从政策文件库读取鄂州政办发〔2022〕27号附件清单；内容有变化时载入新版本，并列出无法读取的内容。",
)
def load_catalogue(ctx: JobContext) -> JobOutcome:
    ctx.set_total(1)
    with ctx.unit(done=1):
        result = catalogue.load(actor=ctx.run.started_by)
        ctx.count("事项", result.version.items_count)
        ctx.count("无法读取", len(result.problems))
    return JobOutcome(message=result.message())
