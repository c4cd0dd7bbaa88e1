"""Jobs used by the tests of the job machinery: they register organisations in units of `chunk` rows, so a
test can see exactly which units were committed (one row per item, names 测试单位00000…)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ezhou_platform.common.models import Organisation
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job

PREFIX = "测试单位"


def _clean(params: Mapping[str, Any]) -> dict[str, Any]:
    try:
        n = int(params.get("n", 20))
        chunk = int(params.get("chunk", 5))
        sleep = float(params.get("sleep", 0))
    except (TypeError, ValueError) as exc:
        raise JobParamError("“数量”应为整数。", field="n") from exc
    if n < 1 or chunk < 1:
        raise JobParamError("“数量”应大于0。", field="n")
    return {"n": n, "chunk": chunk, "sleep": sleep, "fail_at": int(params.get("fail_at", -1))}


def _register(ctx: JobContext) -> JobOutcome:
    n, chunk, sleep = ctx.params["n"], ctx.params["chunk"], ctx.params["sleep"]
    start = int(ctx.checkpoint.get("next", 0))
    ctx.set_total(n)
    for first in range(start, n, chunk):
        last = min(first + chunk, n)
        with ctx.unit(done=last, checkpoint={"next": last}, message=f"已登记{last}个"):
            Organisation.objects.bulk_create(
                [
                    Organisation(
                        kind="other", name=f"{PREFIX}{i:05d}", name_key=f"{PREFIX}{i:05d}", source="测试"
                    )
                    for i in range(first, last)
                ]
            )
            ctx.count("新增", last - first)
            if ctx.params["fail_at"] == first:
                ctx.error(row=first, field="名称", message="测试错误", code="test")
                raise RuntimeError("boom inside a unit")
            if sleep:
                time.sleep(sleep)
    return JobOutcome(message=f"登记{n}个")


@job("tests.register", label="测试：分批登记单位（可续跑）", roles=[Role.ADMIN], resumable=True, clean=_clean)
def register_resumable(ctx: JobContext) -> JobOutcome:
    return _register(ctx)


@job("tests.register_once", label="测试：分批登记单位（不续跑）", roles=[Role.ADMIN], clean=_clean)
def register_once(ctx: JobContext) -> JobOutcome:
    return _register(ctx)


@job("tests.refuse", label="测试：拒绝执行", roles=[Role.CLERK], department="water", clean=_clean)
def refuse(ctx: JobContext) -> JobOutcome:
    ctx.error(row=3, field="申请水量", value="abc", message="“申请水量”应为数字。", code="number")
    raise JobFailed("文件中有1处错误，全部未导入。")
