"""``POST /calculate``: one case through a measure's rules and, against the awards the caller names, the ledger —
eligible, amount, reasons, trace, with the sections applied; ``GET /measures``: the 18 measures as in force on a
date. Both public and stateless (nothing is written)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies.calculate import calculate as run_calculation
from ezhou_rules.subsidies.calculate import resolve_component
from ezhou_rules.subsidies.catalogue import catalogue
from ezhou_rules.subsidies.errors import SubsidyError

from ..services import params
from .errors import subsidy_error
from .router import router
from .schemas import (
    COMPONENT_PATTERN,
    DATE_MAX,
    DATE_MIN,
    FEN_MAX,
    PriorAwardIn,
    SubsidyReasonOut,
    SubsidySchema,
    SubsidyTraceStepOut,
)

FactValue = str | int | bool | None


class SubsidyCalculateIn(SubsidySchema):
    measure: str = Field(
        ...,
        pattern=COMPONENT_PATTERN,
        description="措施或奖补事项：12、m12 或 m05.store（多项奖补的措施须指明事项）",
    )
    facts: dict[str, FactValue] = Field(
        ...,
        description="申报信息：以字段名或中文列名为键（见 GET /measures 的各事项字段），金额以元、日期以 YYYY-MM-DD 填写",
    )
    prior_awards: list[PriorAwardIn] = Field(
        default_factory=list,
        max_length=1000,
        description="应当核对的已有奖补（同一对象、同一主体的年度上限等）",
    )
    on: dt.date = Field(..., ge=DATE_MIN, le=DATE_MAX, description="计算日期（按该日适用的规定）")


class KeyOut(SubsidySchema):
    key: str
    limit: int


class LedgerOut(SubsidySchema):
    accepted: bool
    amount_fen: int
    code: str
    message: str
    conflict: str
    supersedes: str
    capped: bool


class SubsidyCalculateOut(SubsidySchema):
    component: str
    measure: int
    eligible: bool
    awardable: bool
    pending_decision: bool
    amount_fen: int = Field(..., ge=0, le=FEN_MAX)
    ceiling_fen: int = Field(..., ge=0, le=FEN_MAX)
    payer: str
    reasons: list[SubsidyReasonOut]
    trace: list[SubsidyTraceStepOut]
    keys: list[KeyOut]
    cap_key: str | None
    ledger: LedgerOut


@router.post(
    "/calculate", response=SubsidyCalculateOut, auth=None, summary="测算一项奖补（无状态，不写入任何数据）"
)
def calculate(request: HttpRequest, payload: SubsidyCalculateIn) -> dict[str, Any]:
    tree = params.tree()
    try:
        comp = resolve_component(payload.measure, tree, payload.on)
        facts = {k: ("" if v is None else v) for k, v in payload.facts.items()}
        result = run_calculation(
            comp.code,
            facts,
            on=payload.on,
            prior_awards=[a.dict() for a in payload.prior_awards],
            params=tree,
            context=params.context_for(comp.code),
        )
    except SubsidyError as exc:
        error = subsidy_error(exc)
        if error.field == "component":  # the input is called measure here
            error.field = "measure"
        raise error from exc
    except ParameterNotSet as exc:
        raise ApiError("parameter_not_set", str(exc), field="on", status=422) from exc
    return result.to_dict()


class ParameterOut(SubsidySchema):
    name: str
    description: str
    unit: str
    value: Any = Field(None, title="取值", description="该日适用的取值；尚未录入为 null")
    reference: str
    configurable: bool


class ComponentOut(SubsidySchema):
    code: str = Field(..., title="事项代码")
    title: str


class MeasureOut(SubsidySchema):
    number: int = Field(..., ge=1, le=18)
    name: str
    title: str
    kind: str = Field(..., title="类别", description="computed（计算金额）或 tracking（只跟踪落实）")
    payer: str | None = Field(
        None, title="兑现单位", description="city（市级财政）、territory（按属地）、none（不涉及资金）"
    )
    responsible_units: list[str]
    citation: str
    anchor: str
    components: list[ComponentOut]
    tracking: list[str]
    parameters: list[ParameterOut]


class MeasuresQuery(SubsidySchema):
    on: dt.date | None = Field(
        None, ge=DATE_MIN, le=DATE_MAX, description="日期（按该日适用的规定，默认今天）"
    )


@router.get("/measures", response=list[MeasureOut], auth=None, summary="十八条措施及其参数")
def measures(request: HttpRequest, query: Query[MeasuresQuery]) -> list[dict[str, Any]]:
    on = query.on or clock.today()
    return [m.to_dict() for m in catalogue(on, params.tree())]
