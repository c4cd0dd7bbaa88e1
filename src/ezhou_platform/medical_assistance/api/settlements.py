"""医疗救助 API: 结算、冲销（第十一条至第十三条）."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Schema, Status

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role

from .. import services
from ..models import Settlement
from .common import DEPARTMENT, MEDICAL, money, router


class ClaimIn(Schema):
    claim_id: str = Field(
        ..., min_length=1, max_length=64, title="结算单号", description="医疗机构结算单号（幂等键）"
    )
    resident_id: str = Field(..., title="公民身份号码", description="参保人公民身份号码")
    settle_date: dt.date = Field(
        ..., title="结算日期", description="结算日期：已经发生的结算，不早于2022年10月18日、不晚于今天"
    )
    kind: Literal["inpatient", "chronic_outpatient"] = Field(
        ..., title="就医类别", description="就医类别：inpatient 住院，chronic_outpatient 门诊慢特病"
    )
    hospital_name: str = Field(..., min_length=1, max_length=100, title="医疗机构名称")
    hospital_level: int = Field(..., ge=1, le=3, title="医疗机构级别", description="医疗机构级别 1—3")
    in_city: bool = Field(..., title="市域内", description="市域内定点医疗机构")
    in_province: bool = Field(..., title="省域内", description="省域内就医")
    temporary_out_of_city: bool = Field(
        False, title="临时外出就医", description="临时外出（未经转诊）到市外定点医疗机构"
    )
    total_cost: int = money("医疗总费用")
    out_of_policy_cost: int = money("政策范围外费用")
    policy_self_pay: int = money("政策范围内个人自付", "：经基本医保、大病保险支付后")
    referred_from_primary_care: bool = Field(
        False, title="经基层首诊转诊", description="经基层首诊转诊（第二十条先诊疗后付费的条件）"
    )


class SettlementOut(Schema):
    id: int = Field(..., title="结算记录编号")
    claim_id: str = Field(..., title="结算单号")
    kind: Literal["settle", "reverse", "adjust"] = Field(
        ..., title="记录类型", description="记录类型：settle 结算，reverse 冲销，adjust 重新结算调整"
    )
    reverses_id: int | None = Field(..., title="冲销的结算记录编号")
    year: int = Field(..., title="救助年度")
    person_class: int = Field(..., title="救助类别")
    tilted_approved: bool = Field(..., title="已纳入倾斜救助")
    basic_aid: int = Field(..., title="基本救助", description="基本救助（分；冲销、调整为差额，可为负数）")
    tilted_aid: int = Field(..., title="倾斜救助", description="倾斜救助（分；冲销、调整为差额，可为负数）")
    hospital_borne: int = Field(..., title="医疗机构承担", description="医疗机构承担（分）")
    remaining_deductible: int = Field(..., title="剩余起付标准", description="年度剩余起付标准（分）")
    remaining_cap: int = Field(..., title="剩余年度限额", description="基本救助年度剩余限额（分）")
    pay_after_treatment: bool = Field(
        ...,
        title="先诊疗后付费",
        description="第二十条：本笔住院适用“先诊疗后付费”（入院只缴基本医保住院起付标准费用）",
    )
    reason: str = Field(..., title="原因", description="原因（冲销、重新结算调整）")
    entry_date: dt.date | None = Field(..., title="记账日期")
    created_at: dt.datetime = Field(..., title="登记时间")
    trace: list[dict[str, Any]] = Field(..., title="计算过程")


class SettleOut(Schema):
    claim_id: str = Field(..., title="结算单号")
    status: Literal["settled", "pending"] = Field(
        ..., title="结算状态", description="结算状态：settled 已结算，pending 已接收未结算"
    )
    pending_reason: str = Field(..., title="未结算原因")
    repeated: bool = Field(..., title="重复提交", description="重复提交（同一结算单号已结算过）")
    settlement: SettlementOut | None = Field(..., title="结算记录")
    adjustments: list[SettlementOut] = Field(
        ..., title="重新结算调整", description="重新结算调整：本笔早于本年度已结算的结算单时，其余各笔的调整"
    )


class ReverseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, title="冲销原因")


class ReversalOut(SettlementOut):
    adjustments: list[SettlementOut] = Field(
        ..., title="重新结算调整", description="重新结算调整：冲销后本年度其余结算单的调整（多付的应追回）"
    )


def _settlement_out(s: Settlement) -> dict[str, Any]:
    return {
        "id": s.pk,
        "claim_id": s.claim.claim_id,
        "kind": s.kind,
        "reverses_id": s.reverses_id,
        "year": s.year,
        "person_class": s.person_class,
        "tilted_approved": s.tilted_approved,
        "basic_aid": s.basic_aid,
        "tilted_aid": s.tilted_aid,
        "hospital_borne": s.hospital_borne,
        "remaining_deductible": s.remaining_deductible,
        "remaining_cap": s.remaining_cap,
        "pay_after_treatment": services.claim_pay_after_treatment(s.claim),
        "reason": s.reason,
        "entry_date": s.entry_date,
        "created_at": s.created_at,
        "trace": s.trace,
    }


SettlementId = Path(..., title="结算记录编号", description="结算记录编号")


@router.post(
    "/settlements",
    response={200: SettleOut, 201: SettleOut},
    summary="一站式结算（按结算单号幂等）",
    operation_id="ezhou_platform_medical_assistance_api_create_settlement",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def create_settlement(request: HttpRequest, payload: ClaimIn) -> Status:
    # The answer's 先诊疗后付费 reads the identities the settlement has just read (no identity is written here).
    with services.same_identities():
        result = services.settle_claim(services.ClaimInput(**payload.model_dump()), acting_user=request.user)
        s = result.settlement
        return Status(
            201 if result.created else 200,
            {
                "claim_id": result.claim.claim_id,
                "status": "settled" if s else "pending",
                "pending_reason": result.claim.pending_reason,
                "repeated": not result.created,
                "settlement": _settlement_out(s) if s else None,
                "adjustments": [_settlement_out(a) for a in result.adjustments],
            },
        )


@router.get(
    "/settlements/{settlement_id}",
    response=SettlementOut,
    summary="结算详情",
    operation_id="ezhou_platform_medical_assistance_api_get_settlement",
)
@api_requires(*MEDICAL, department=DEPARTMENT)
def get_settlement(request: HttpRequest, settlement_id: int = SettlementId) -> dict[str, Any]:
    return _settlement_out(get_object_or_404(Settlement.objects.select_related("claim"), pk=settlement_id))


@router.post(
    "/settlements/{settlement_id}/reverse",
    response={201: ReversalOut},
    summary="冲销结算（新增冲销记录，本年度其余结算单重新结算）",
    operation_id="ezhou_platform_medical_assistance_api_reverse_settlement",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def reverse_settlement(request: HttpRequest, payload: ReverseIn, settlement_id: int = SettlementId) -> Status:
    original = get_object_or_404(Settlement, pk=settlement_id)
    done = services.reverse_settlement(original, reason=payload.reason, acting_user=request.user)
    return Status(
        201, {**_settlement_out(done.entry), "adjustments": [_settlement_out(a) for a in done.adjustments]}
    )
