"""Background jobs of the supervision system: loading a plan's tasks from the policy library.

The load page and `ezhou supervision load-tasks` run this same job; the whole load is one unit of work (all
or nothing), and loading again is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job
from ezhou_rules.supervision.errors import SupervisionError

LOAD_JOB = "supervision.tasks.load"


def _clean(params: Mapping[str, Any]) -> dict[str, Any]:
    from .services.loading import platform_slugs

    slug = str(params.get("plan") or "").strip()
    if slug not in platform_slugs():
        raise JobParamError(f"“督办方案”应为{'、'.join(platform_slugs())}之一。", field="plan")
    return {"plan": slug}


@job(
    LOAD_JOB,
    label="载入督办任务",
    roles=[Role.CLERK, Role.DEPARTMENT_HEAD, Role.ADMIN],
    department="supervision_office",
    citation="鄂州政发〔2022〕15号 附件2",
    clean=_clean,
    description="从政策文件库读取方案的任务、责任单位和时限，按单位名录归并单位，生成载入报告；可重复执行。",
)
def load_tasks_job(ctx: JobContext) -> JobOutcome:
    from .services.loading import load_plan

    ctx.set_total(1, "正在读取政策文件库")
    try:
        with ctx.unit(done=1, message="正在写入"):
            run = load_plan(ctx.params["plan"], actor=ctx.run.started_by)
            for key, value in run.counts.items():
                ctx.count(key, value)
    except SupervisionError as exc:
        raise JobFailed(exc.message, code=exc.code) from exc
    errors = len(run.errors)
    return JobOutcome(
        message=f"{run.plan.document}载入完成：任务{len(run.plan.tasks.all())}项，督办事项{run.counts.get('督办事项', 0)}项，"
        f"无法读取{errors}处，按解释读取{len(run.notes)}处（见载入报告）。"
    )
