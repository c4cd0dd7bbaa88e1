"""JSON API of 医疗救助 (鄂州政办发〔2022〕34号), mounted at /api/v1/medical-assistance/.

Amounts are integer fen, dates ISO 8601. Settlement is for 医疗保障局 clerks (and the hospital systems
that act through their accounts); the estimate is public. Every field of every schema, in and out, carries a
Chinese title: it is the contract other systems read, and the label a validation error names.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import IdentityKind, recipient_class
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from . import services
from .models import Person, Recovery, Settlement

router = Router(tags=["医疗救助"])

MEDICAL = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = "medical_security"
KINDS = "、".join(f"{k.value}（{k.label}）" for k in IdentityKind)  # type: ignore[attr-defined]


def money(title: str, description: str = "", default: Any = ...) -> Any:
    return Field(default, ge=0, title=title, description=f"{title}（分，整数）{description}")


class MedicalTraceStepOut(Schema):
    rule: str = Field(..., title="规则", description="规则（代码中的名称）")
    citation: str | None = Field(..., title="依据条文", description="依据条文（文号和条款）")
    anchor: str | None = Field(..., title="条文锚点", description="条文在政策文件库中的锚点")
    document: str | None = Field(..., title="文件", description="文件文号")
    inputs: dict[str, Any] = Field(..., title="输入", description="输入（本步骤用到的数值）")
    result: Any = Field(..., title="结果", description="结果（本步骤的计算结果）")
    explanation: str = Field(..., title="说明", description="说明（一句中文解释）")


# -- 测算（公开） ------------------------------------------------------------------------------------------


class EstimateClaimIn(Schema):
    settle_date: dt.date = Field(..., title="结算日期", description="结算日期（2022年10月18日至本年度末）")
    kind: Literal["inpatient", "chronic_outpatient"] = Field(
        "inpatient", title="就医类别", description="就医类别：inpatient 住院，chronic_outpatient 门诊慢特病"
    )
    hospital_level: int = Field(2, ge=1, le=3, title="医疗机构级别", description="医疗机构级别 1—3")
    in_city: bool = Field(True, title="市域内", description="市域内定点医疗机构")
    in_province: bool = Field(True, title="省域内", description="省域内就医")
    temporary_out_of_city: bool = Field(
        False, title="临时外出就医", description="临时外出（未经转诊）到市外定点医疗机构"
    )
    total_cost: int = money("医疗总费用")
    out_of_policy_cost: int = money("政策范围外费用", default=0)
    policy_self_pay: int = money("政策范围内个人自付", "：经基本医保、大病保险支付后")


class CalculateIn(Schema):
    person_class: int | None = Field(
        None, ge=1, le=4, title="救助类别", description="救助类别 1—4；或填写救助身份"
    )
    identities: list[str] = Field(
        default_factory=list, title="救助身份", description=f"救助身份代码（多重身份就高不重复）：{KINDS}"
    )
    tilted_approved: bool = Field(False, title="已纳入倾斜救助", description="已纳入倾斜救助（第十二条）")
    claims_so_far: list[EstimateClaimIn] = Field(
        default_factory=list, max_length=500, title="本年度此前各笔", description="本年度此前各笔结算"
    )
    new_claim: EstimateClaimIn = Field(..., title="本笔", description="本笔结算")


class ClaimResultOut(Schema):
    settle_date: dt.date = Field(..., title="结算日期")
    policy_self_pay: int = Field(..., title="政策范围内个人自付", description="政策范围内个人自付（分）")
    basic_aid: int = Field(..., title="基本救助", description="基本救助（分，第十一条）")
    tilted_aid: int = Field(..., title="倾斜救助", description="倾斜救助（分，第十二条）")
    hospital_borne: int = Field(..., title="医疗机构承担", description="医疗机构承担（分，第十三条第三款）")
    remaining_deductible: int = Field(..., title="剩余起付标准", description="本笔后年度剩余起付标准（分）")
    remaining_cap: int = Field(..., title="剩余年度限额", description="本笔后基本救助年度剩余限额（分）")
    tilted_base: int = Field(..., title="倾斜救助基数", description="省域内自付经基本救助后的年度累计（分）")


class CalculateOut(Schema):
    person_class: int = Field(..., title="救助类别")
    class_label: str = Field(..., title="类别名称")
    new_claim: ClaimResultOut = Field(..., title="本笔结果")
    claims: list[ClaimResultOut] = Field(..., title="各笔结果", description="各笔结果（按结算日期）")
    year_basic_aid: int = Field(..., title="年度基本救助合计", description="年度基本救助合计（分）")
    year_tilted_aid: int = Field(..., title="年度倾斜救助合计", description="年度倾斜救助合计（分）")
    explanation: str = Field(..., title="计算说明")
    trace: list[MedicalTraceStepOut] = Field(..., title="计算过程")


def _check_claim(c: EstimateClaimIn, field: str, label: str) -> None:
    """One estimated claim; ``label`` says which (此前第2笔 / 本笔) so a message names the row in Chinese."""
    if c.out_of_policy_cost > c.total_cost:
        raise ApiError(
            "out_of_policy_above_total",
            f"{label}的政策范围外费用不能超过医疗总费用（第十三条第三款）。",
            field=f"{field}.out_of_policy_cost",
            status=422,
        )
    if c.policy_self_pay > c.total_cost - c.out_of_policy_cost:
        raise ApiError(
            "self_pay_above_policy_cost",
            f"{label}的政策范围内个人自付不能超过政策范围内费用（总费用减政策范围外费用）。",
            field=f"{field}.policy_self_pay",
            status=422,
        )
    if c.in_city and (c.temporary_out_of_city or not c.in_province):
        raise ApiError(
            "invalid_location",
            f"{label}：市域内医疗机构在省域内，且不属于临时外出就医。",
            field=f"{field}.in_city",
            status=422,
        )
    year_end = dt.date(clock.today().year, 12, 31)
    if not services.IN_FORCE <= c.settle_date <= year_end:
        raise ApiError(
            "date_out_of_range",
            f"{label}的结算日期应在本办法施行之日（{cn_date(services.IN_FORCE)}）至本年度末"
            f"（{cn_date(year_end)}）之间：以后年度的标准和收入尚未确定。",
            field=f"{field}.settle_date",
            status=422,
        )


@router.post("/calculate", response=CalculateOut, auth=None, summary="医疗救助测算（不保存）")
def calculate(request: HttpRequest, payload: CalculateIn) -> dict[str, Any]:
    """A person's year claim by claim: the claims so far, then the new one; the breakdown and the trace."""
    if payload.person_class is None:
        try:
            kinds = [IdentityKind.of(k) for k in payload.identities]
        except ValueError:
            raise ApiError(
                "invalid_identity",
                f"救助身份代码应为：{'、'.join(k.value for k in IdentityKind)}。",
                field="identities",
                status=422,
            ) from None
        cls = recipient_class(kinds)
        if cls is None:
            raise ApiError(
                "not_a_recipient",
                "所填身份不属于第四条规定的医疗救助对象，或未填写救助类别。",
                field="person_class",
                status=422,
            )
    else:
        cls = payload.person_class
    for i, c in enumerate(payload.claims_so_far):
        _check_claim(c, f"claims_so_far.{i}", f"此前第{i + 1}笔")
    _check_claim(payload.new_claim, "new_claim", "本笔")
    year = payload.new_claim.settle_date.year
    if any(
        c.settle_date.year != year or c.settle_date > payload.new_claim.settle_date
        for c in payload.claims_so_far
    ):
        raise ApiError(
            "claims_out_of_year",
            "本年度此前各笔应在本笔结算日期之前且在同一年度（救助按自然年度累计）。",
            field="claims_so_far",
            status=422,
        )
    ordered = [*sorted(payload.claims_so_far, key=lambda c: c.settle_date), payload.new_claim]
    claims = Claims.from_records(
        [
            {
                "person": 1,
                "person_class": cls,
                "tilted_approved": payload.tilted_approved,
                "inpatient": c.kind == "inpatient",
                **c.model_dump(exclude={"kind"}),
            }
            for c in ordered
        ]
    )
    labels = [f"第{i + 1}笔" for i in range(len(ordered) - 1)] + ["本笔"]
    trace = Trace()
    try:
        result = settle_reference(claims, services.tree(), trace=trace, claim_labels=labels)
    except ParameterNotSet as exc:
        raise services.not_set_error(exc) from None
    rows = [
        {"settle_date": c.settle_date, "policy_self_pay": c.policy_self_pay, **result.row(i)}
        for i, c in enumerate(ordered)
    ]
    return {
        "person_class": cls,
        "class_label": CLASS_LABELS[cls],
        "new_claim": rows[-1],
        "claims": rows,
        "year_basic_aid": int(result.basic_aid.sum()),
        "year_tilted_aid": int(result.tilted_aid.sum()),
        "explanation": trace.explain(),
        "trace": trace.to_list(),
    }


# -- settlements -------------------------------------------------------------------------------------------


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
    "/settlements", response={200: SettleOut, 201: SettleOut}, summary="一站式结算（按结算单号幂等）"
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def create_settlement(request: HttpRequest, payload: ClaimIn) -> Status:
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


@router.get("/settlements/{settlement_id}", response=SettlementOut, summary="结算详情")
@api_requires(*MEDICAL, department=DEPARTMENT)
def get_settlement(request: HttpRequest, settlement_id: int = SettlementId) -> dict[str, Any]:
    return _settlement_out(get_object_or_404(Settlement.objects.select_related("claim"), pk=settlement_id))


@router.post(
    "/settlements/{settlement_id}/reverse",
    response={201: ReversalOut},
    summary="冲销结算（新增冲销记录，本年度其余结算单重新结算）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def reverse_settlement(request: HttpRequest, payload: ReverseIn, settlement_id: int = SettlementId) -> Status:
    original = get_object_or_404(Settlement, pk=settlement_id)
    done = services.reverse_settlement(original, reason=payload.reason, acting_user=request.user)
    return Status(
        201, {**_settlement_out(done.entry), "adjustments": [_settlement_out(a) for a in done.adjustments]}
    )


class IdentityOut(Schema):
    kind: str = Field(..., title="身份代码")
    label: str = Field(..., title="身份")
    valid_from: dt.date = Field(..., title="有效期起")
    valid_until: dt.date | None = Field(..., title="有效期止")


class RecoveryOut(Schema):
    id: int = Field(..., title="应追回记录编号")
    claim_id: str = Field(..., title="结算单号")
    year: int = Field(..., title="救助年度")
    amount: int = Field(..., title="应追回金额", description="应追回金额（分）")
    reason: str = Field(..., title="原因")
    state: Literal["open", "recovered"] = Field(
        ..., title="状态", description="状态：open 待追回，recovered 已追回"
    )
    state_label: str = Field(..., title="状态名称")
    created_on: dt.date | None = Field(..., title="多付调整日期")
    recovered_on: dt.date | None = Field(..., title="追回日期")
    evidence: str = Field(..., title="追回凭证")


class YearSummaryOut(Schema):
    person_id: int = Field(..., title="人员编号")
    masked_resident_id: str = Field(..., title="公民身份号码（脱敏）")
    year: int = Field(..., title="救助年度")
    person_class: int | None = Field(..., title="救助类别")
    class_label: str = Field(..., title="类别名称")
    identities: list[IdentityOut] = Field(..., title="救助身份")
    self_pay: int = Field(..., title="累计政策范围内自付", description="累计政策范围内自付（分）")
    basic_paid: int = Field(..., title="累计基本救助", description="累计基本救助（分）")
    tilted_paid: int = Field(..., title="累计倾斜救助", description="累计倾斜救助（分）")
    tilted_base: int = Field(..., title="倾斜救助基数", description="倾斜救助基数（分）")
    hospital_borne: int = Field(..., title="累计医疗机构承担", description="累计医疗机构承担（分）")
    remaining_deductible: int | None = Field(..., title="剩余起付标准", description="剩余起付标准（分）")
    remaining_cap: int | None = Field(..., title="剩余年度限额", description="剩余年度限额（分）")
    settlements: int = Field(..., title="结算记录数", description="结算记录数（含冲销、调整）")
    pay_after_treatment_eligible: bool = Field(
        ...,
        title="先诊疗后付费对象",
        description="第二十条：属于“先诊疗后付费”对象（经基层首诊转诊到市域内定点医疗机构住院时适用）",
    )
    recoverable: int = Field(
        ..., title="待追回金额", description="待追回金额（分）：重新结算后多付、尚未追回"
    )
    recoveries: list[RecoveryOut] = Field(..., title="多付应追回")


@router.get("/persons/{person_id}/years/{year}", response=YearSummaryOut, summary="人员年度救助汇总")
@api_requires(*MEDICAL, department=DEPARTMENT)
def year_summary(
    request: HttpRequest,
    person_id: int = Path(..., title="人员编号"),
    year: int = Path(..., title="救助年度"),
) -> dict[str, Any]:
    if not 2022 <= year <= 2100:
        raise ApiError("invalid_year", "救助年度应在2022年及以后。", field="year", status=422)
    person = get_object_or_404(Person, pk=person_id)
    return {
        "person_id": person.pk,
        "masked_resident_id": person.masked_id,
        **services.year_summary(person, year),
    }


# -- 多付应追回 ----------------------------------------------------------------------------------------------


class RecoveryFilter(Schema):
    state: Literal["open", "recovered"] | None = Field(
        None, title="状态", description="状态：open 待追回，recovered 已追回"
    )
    year: int | None = Field(None, ge=2022, le=2100, title="救助年度")


class RecoveredIn(Schema):
    recovered_on: dt.date = Field(..., title="追回日期", description="追回日期：不晚于今天")
    evidence: str = Field(
        ..., min_length=1, max_length=200, title="追回凭证", description="追回凭证（缴款凭证号或抵扣说明）"
    )


@router.get("/recoveries", response=list[RecoveryOut], summary="多付应追回清单")
@api_requires(*MEDICAL, department=DEPARTMENT)
def list_recoveries(
    request: HttpRequest,
    state: Literal["open", "recovered"] | None = Query(
        None, title="状态", description="状态：open 待追回，recovered 已追回"
    ),
    year: int | None = Query(None, ge=2022, le=2100, title="救助年度"),
) -> list[dict[str, Any]]:
    """The newest 500 first."""
    qs = Recovery.objects.select_related("adjustment__claim").order_by("-id")
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    return [services.recovery_out(r) for r in qs[:500]]


@router.post(
    "/recoveries/{recovery_id}/recovered", response=RecoveryOut, summary="登记多付救助已追回（第十一条）"
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def recovered(
    request: HttpRequest, payload: RecoveredIn, recovery_id: int = Path(..., title="应追回记录编号")
) -> dict[str, Any]:
    recovery = get_object_or_404(Recovery, pk=recovery_id)
    done = services.record_recovery(
        recovery, day=payload.recovered_on, evidence=payload.evidence, acting_user=request.user
    )
    return services.recovery_out(done)


# -- 第七条 参保资助, 第四条 因病致贫重病患者认定 ----------------------------------------------------------------


class PremiumIn(Schema):
    identities: list[str] = Field(
        ..., title="救助身份", description=f"救助身份代码（多重身份就高不重复）：{KINDS}"
    )
    coverage_year: int = Field(..., ge=2023, le=2100, title="医保年度")


class PremiumOut(Schema):
    premium: int = Field(..., title="个人应缴费标准", description="个人应缴费标准（分）")
    ratio: str = Field(..., title="资助比例", description="资助比例（分数，如 9/10）")
    subsidy: int = Field(..., title="资助金额", description="资助金额（分）")
    basis: str = Field(..., title="资助依据")
    trace: list[MedicalTraceStepOut] = Field(..., title="计算过程")


@router.post(
    "/premium-subsidy", response=PremiumOut, auth=None, summary="城乡居民医保个人缴费资助测算（第七条）"
)
def premium_subsidy_estimate(request: HttpRequest, payload: PremiumIn) -> dict[str, Any]:
    from ezhou_rules.medical_assistance.recipients import premium_subsidy

    try:
        kinds = [IdentityKind.of(k) for k in payload.identities]
    except ValueError:
        raise ApiError(
            "invalid_identity",
            f"救助身份代码应为：{'、'.join(k.value for k in IdentityKind)}。",
            field="identities",
            status=422,
        ) from None
    trace = Trace()
    try:
        result = premium_subsidy(services.tree(), kinds, payload.coverage_year, trace=trace)
    except ParameterNotSet as exc:
        raise services.not_set_error(exc) from None
    return {
        "premium": result.premium,
        "ratio": str(result.ratio),
        "subsidy": result.subsidy,
        "basis": result.basis,
        "trace": trace.to_list(),
    }


class Class4In(Schema):
    application_date: dt.date = Field(..., title="申请日期")
    self_pay_12m: int = money("申请前12个月累计自负医疗费用")
    property_check_passed: bool = Field(
        ..., title="家庭财产符合规定", description="家庭财产符合我市规定（审核认定结论）"
    )
    existing_class: int | None = Field(None, ge=1, le=4, title="现有救助类别")


class Class4Out(Schema):
    eligible: bool = Field(..., title="符合认定条件")
    threshold: int = Field(
        ..., title="认定门槛", description="认定门槛（分）：上年度居民人均可支配收入 × 100%"
    )
    reasons: list[str] = Field(..., title="不符合的原因")
    valid_until: dt.date | None = Field(..., title="身份有效期止")
    trace: list[MedicalTraceStepOut] = Field(..., title="计算过程")


@router.post("/class-4-assessment", response=Class4Out, summary="因病致贫重病患者认定条件审查（第四条）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def class_4_assessment(request: HttpRequest, payload: Class4In) -> dict[str, Any]:
    from ezhou_rules.medical_assistance.recipients import assess_class_4, class_4_valid_until

    services.check_past_date(payload.application_date, "申请日期", "application_date")
    trace = Trace()
    params = services.tree()
    try:
        result = assess_class_4(
            params,
            application_date=payload.application_date,
            self_pay_12m=payload.self_pay_12m,
            property_check_passed=payload.property_check_passed,
            existing_class=payload.existing_class,
            trace=trace,
        )
    except ParameterNotSet as exc:
        raise services.not_set_error(exc) from None
    return {
        "eligible": result.eligible,
        "threshold": result.threshold,
        "reasons": list(result.reasons),
        "valid_until": class_4_valid_until(params, payload.application_date) if result.eligible else None,
        "trace": trace.to_list(),
    }


# -- 第四条 因病致贫重病患者认定（民政局） ------------------------------------------------------------------------

CIVIL_AFFAIRS = "civil_affairs"


class Class4RecognitionIn(Schema):
    resident_id: str = Field(..., title="公民身份号码", description="申请人公民身份号码")
    name: str = Field(
        ..., min_length=1, max_length=50, title="姓名", description="申请人姓名（首次登记时使用）"
    )
    district: str = Field(
        ..., title="所属区", description="所属区代码：echeng、huarong、liangzihu、gedian、linkong"
    )
    submitted_on: dt.date = Field(..., title="申请日期", description="申请日期：不晚于今天")
    self_pay_12m: int = money("申请前12个月累计自负医疗费用")
    self_pay_evidence: str = Field(
        ..., min_length=1, max_length=200, title="自负费用依据", description="自负费用依据（结算单据等）"
    )


class PropertyCheckIn(Schema):
    passed: bool = Field(..., title="家庭财产符合规定", description="家庭财产是否符合我市规定")
    reason: str = Field(..., min_length=1, max_length=500, title="审核意见")


class Class4DecisionIn(Schema):
    decision: Literal["approve", "reject"] = Field(
        ..., title="决定", description="决定：approve 认定，reject 不予认定"
    )
    reason: str = Field("", max_length=500, title="认定意见", description="认定意见（不予认定须填写）")
    recognised_on: dt.date | None = Field(
        None, title="认定日期", description="认定日期，默认当天；不早于申请日期、不晚于今天"
    )


class Class4RecognitionOut(Schema):
    id: int = Field(..., title="认定申请编号")
    masked_resident_id: str = Field(..., title="公民身份号码（脱敏）")
    submitted_on: dt.date = Field(..., title="申请日期")
    self_pay_12m: int = Field(..., title="申请前12个月累计自负医疗费用", description="分")
    income_year: int = Field(..., title="收入统计年度")
    threshold: int = Field(..., title="认定门槛", description="认定门槛（分）")
    self_pay_test_passed: bool = Field(..., title="自负费用超过门槛")
    review_deadline: dt.date | None = Field(..., title="审核期限")
    property_check_passed: bool | None = Field(..., title="家庭财产符合规定")
    property_check_reason: str = Field(..., title="家庭财产审核意见")
    state: str = Field(
        ..., title="状态", description="状态：submitted 已受理，approved 已认定，rejected 不予认定"
    )
    state_label: str = Field(..., title="状态名称")
    decided_on: dt.date | None = Field(..., title="认定日期")
    reason: str = Field(..., title="认定意见")
    valid_until: dt.date | None = Field(..., title="身份有效期止")


def _recognition_out(rec: Any) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "masked_resident_id": rec.person.masked_id,
        "submitted_on": rec.submitted_on,
        "self_pay_12m": rec.self_pay_12m,
        "income_year": rec.income_year,
        "threshold": rec.threshold,
        "self_pay_test_passed": rec.self_pay_test_passed,
        "review_deadline": rec.review_deadline,
        "property_check_passed": rec.property_check_passed,
        "property_check_reason": rec.property_check_reason,
        "state": rec.state,
        "state_label": rec.get_state_display(),
        "decided_on": rec.decided_on,
        "reason": rec.reason,
        "valid_until": rec.valid_until,
    }


RecognitionId = Path(..., title="认定申请编号", description="认定申请编号")


@router.post(
    "/class-4-recognitions",
    response={201: Class4RecognitionOut},
    summary="受理因病致贫重病患者认定申请（第四条，民政局）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=CIVIL_AFFAIRS)
def submit_class_4(request: HttpRequest, payload: Class4RecognitionIn) -> Status:
    from ezhou_platform.common.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.filter(code=payload.district).exclude(code="ezhou").first()
    if jurisdiction is None:
        raise ApiError("invalid_district", "所属区代码无效。", field="district", status=422)
    from django.db import transaction

    with transaction.atomic():  # a refused application leaves no newly registered person behind
        person = services.register_person(
            resident_id=payload.resident_id,
            name=payload.name,
            jurisdiction=jurisdiction,
            acting_user=request.user,
        )
        rec = services.submit_class_4_recognition(
            person,
            submitted_on=payload.submitted_on,
            self_pay_12m=payload.self_pay_12m,
            self_pay_evidence=payload.self_pay_evidence,
            acting_user=request.user,
        )
    return Status(201, _recognition_out(rec))


def _recognition(recognition_id: int) -> Any:
    from .models import Class4Recognition

    return get_object_or_404(Class4Recognition.objects.select_related("person"), pk=recognition_id)


@router.get(
    "/class-4-recognitions/{recognition_id}",
    response=Class4RecognitionOut,
    summary="因病致贫重病患者认定申请",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department=CIVIL_AFFAIRS)
def get_class_4(request: HttpRequest, recognition_id: int = RecognitionId) -> dict[str, Any]:
    return _recognition_out(_recognition(recognition_id))


@router.post(
    "/class-4-recognitions/{recognition_id}/property-check",
    response=Class4RecognitionOut,
    summary="记录家庭财产审核结论（第四条第六款）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=CIVIL_AFFAIRS)
def property_check(
    request: HttpRequest, payload: PropertyCheckIn, recognition_id: int = RecognitionId
) -> dict[str, Any]:
    rec = services.record_property_check(
        _recognition(recognition_id), passed=payload.passed, reason=payload.reason, acting_user=request.user
    )
    return _recognition_out(rec)


@router.post(
    "/class-4-recognitions/{recognition_id}/decision",
    response=Class4RecognitionOut,
    summary="认定或不予认定因病致贫重病患者（第四条第七款）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=CIVIL_AFFAIRS)
def decide_class_4(
    request: HttpRequest, payload: Class4DecisionIn, recognition_id: int = RecognitionId
) -> dict[str, Any]:
    rec = _recognition(recognition_id)
    day = payload.recognised_on or clock.today()
    if payload.decision == "approve":
        rec = services.approve_class_4(rec, acting_user=request.user, day=day, reason=payload.reason)
    else:
        rec = services.reject_class_4(rec, acting_user=request.user, day=day, reason=payload.reason)
    return _recognition_out(rec)
