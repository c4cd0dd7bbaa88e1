"""The supervision API: three routers (`/supervision`, `/vocational-education`, `/rural-delivery`).

The calculators (task state from reports given in the request, funding floors, progression, coverage, the
phase) save nothing and are open to every caller, like the platform's other calculators; the loaded plan
with its load report is for government staff. A rule's refusal is a 422 with its code, the Chinese message
naming the field and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Path, Query, Router

from ezhou_platform.common import scopes
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.registers.organisations import RegisterError, resolve_organisation
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.supervision import json_io
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.state import Report as RulesReport
from ezhou_rules.supervision.state import Supervision

from ..models import Plan
from ..services import coverage as cov
from ..services.tasklists import task_list
from .schemas import (
    FundingIn,
    FundingOut,
    ProgressionIn,
    ProgressionOut,
    TasksOut,
    TaskStateIn,
    TaskStateOut,
)
from .schemas_delivery import PhaseAnswerOut, SupervisionCoverageIn, SupervisionCoverageOut

supervision_router = Router(tags=["任务督办"])
vocational_router = Router(tags=["任务督办：职业教育"])
delivery_router = Router(tags=["任务督办：农村寄递物流"])

T = TypeVar("T")


@contextmanager
def rules_errors() -> Iterator[None]:
    """A rule's refusal as the API's 422: its code, its Chinese message (naming the field) and the field."""
    try:
        yield
    except SupervisionError as exc:
        raise ApiError(exc.code, exc.message, field=exc.field, status=422) from None
    except ParameterNotSet as exc:
        raise ApiError("year_before_plan", f"“年度”：{exc}", field="年度", status=422) from None


def _plan(document: str) -> Plan:
    plan = Plan.objects.filter(slug=document).first() or Plan.objects.filter(document=document).first()
    if plan is None:
        raise ApiError(
            "plan_not_loaded",
            f"督办方案“{document}”不存在或尚未载入（按方案代码如 vocational_education，或文号）。",
            field="文件",
            status=404,
        )
    return plan


PhaseDate = Query(
    ..., title="日期", description="YYYY-MM-DD", ge=dt.date(2000, 1, 1), le=dt.date(2099, 12, 31)
)
DocumentPath = Path(
    ..., title="文件", description="方案代码（vocational_education、rural_delivery）或文号", max_length=60
)


@supervision_router.get(
    "/{document}/tasks", response=TasksOut, summary="方案的任务、载入报告、正文与附件比对、成员比对"
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN, department=scopes.SUPERVISION)
def tasks(request: HttpRequest, document: str = DocumentPath) -> dict[str, Any]:
    plan = _plan(document)
    tl = task_list(plan)
    run = plan.loads.first()
    out = tl.to_dict()
    out.update(
        loaded_at=plan.loaded_at,
        roll_rest_days=plan.roll_rest_days,
        problems=run.problems if run else [],
        unit_names=[{"key": k, "name": v} for k, v in tl.unit_names.items()],
        consistency=run.consistency
        if run
        else {"document": plan.document, "differences": [], "rows": [], "notes": []},
        membership=run.membership
        if run
        else {
            "body": plan.leadership_name,
            "citation": plan.leadership_cite,
            "printed": False,
            "seats": [],
            "tasks_without_seat": [],
            "seats_without_tasks": [],
            "unresolved": [],
            "notes": [],
        },
    )
    return out


def _unit_key(name: str | None, on: dt.date) -> str | None:
    if not name:
        return None
    if name.isdigit():
        return name
    try:
        return str(resolve_organisation(name, on).pk)
    except RegisterError as exc:
        raise ApiError(exc.code, f"报送单位：{exc.message}", field="报送单位", status=422) from None


@supervision_router.post(
    "/task-state",
    response=TaskStateOut,
    auth=None,
    summary="任务在某一日期的状态（按请求中的报告计算，不保存）",
)
def task_state(request: HttpRequest, payload: TaskStateIn) -> dict[str, Any]:
    slug = payload.task.split("/", 1)[0]
    plan = _plan(slug)
    roll = plan.roll_rest_days if payload.roll_rest_days is None else payload.roll_rest_days
    with rules_errors():
        tl = task_list(plan)
        engine = Supervision([tl], roll_rest_days=roll, calendar=platform_calendar() if roll else None)
        reports = [
            RulesReport(
                item_id=r.task or payload.task,
                kind=r.kind,
                date=r.date,
                document_number=r.document_number,
                unit=_unit_key(r.unit, plan.issued),
                note=r.note,
            )
            for r in payload.reports
        ]
        state = engine.state_on(payload.task, reports, payload.date)
        citation = tl.task(state.task_id).citation
    return {**state.to_dict(), "roll_rest_days": roll, "citation": citation}


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with rules_errors():
        return fn(*args, **kwargs)


@vocational_router.post(
    "/funding-floor",
    response=FundingOut,
    auth=None,
    summary="公办职业学校生均拨款是否达到标准（四17，不保存）",
)
def funding_floor(request: HttpRequest, payload: FundingIn) -> dict[str, Any]:
    body = payload.dict()
    for record in body["records"]:
        for line in record["lines"]:
            if line.get("amount_fen") is None:
                line.pop("amount_fen", None)
                if not line.get("amount"):
                    raise ApiError(
                        "field_missing",
                        "经费明细：请填写经费金额（分）或经费金额（元）。",
                        field="经费金额",
                        status=422,
                    )
    return _call(json_io.funding_floor_answer, body)


@vocational_router.post(
    "/progression",
    response=ProgressionOut,
    auth=None,
    summary="中职升学比例70%以上、升职业本科10%以上（三（一）1，不保存）",
)
def progression(request: HttpRequest, payload: ProgressionIn) -> dict[str, Any]:
    return _call(json_io.progression_answer, payload.dict())


@delivery_router.post(
    "/coverage",
    response=SupervisionCoverageOut,
    auth=None,
    summary="三级站点的数量、覆盖率和未覆盖的辖区（二，不保存）",
)
def coverage(request: HttpRequest, payload: SupervisionCoverageIn) -> dict[str, Any]:
    body = payload.dict()
    source = []
    if payload.jurisdictions is None:
        reg = cov.register(payload.date)
        body["jurisdictions"] = [
            {
                "code": j.code,
                "name": j.name,
                "level": j.level,
                "parent": j.parent,
                "development_zone": j.development_zone,
                "dispersed": j.dispersed,
                "valid_from": j.valid_from,
                "valid_until": j.valid_until,
            }
            for j in reg.rows
        ]
        source.append("辖区：平台辖区名录")
    else:
        source.append("辖区：请求")
    if payload.sites is None:
        body["sites"] = [
            {
                "id": s.id,
                "name": s.name,
                "level": s.level,
                "jurisdiction": s.jurisdiction,
                "operators": list(s.operators),
                "functions": list(s.functions),
                "history": [{"since": h.since, "state": h.state} for h in s.history],
            }
            for s in cov.rules_sites()
        ]
        source.append("站点：平台登记的站点")
    else:
        source.append("站点：请求")
    if body.get("series") is None:
        body.pop("series", None)
    out = _call(json_io.coverage_answer, body)
    out["source"] = "；".join(source)
    return out


@delivery_router.get("/phase", response=PhaseAnswerOut, auth=None, summary="某一日期所处的实施阶段（四）")
def phase(request: HttpRequest, date: dt.date = PhaseDate) -> dict[str, Any]:
    return _call(json_io.phase_answer, date)
