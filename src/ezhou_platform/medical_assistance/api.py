"""JSON API of 医疗救助 (鄂州政办发〔2022〕34号), mounted at /api/v1/medical-assistance/.

Amounts are integer fen, dates ISO 8601. Settlement is for 医疗保障局 clerks (and the hospital systems
that act through their accounts); the estimate is public.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import IdentityKind, recipient_class
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from . import services
from .models import Person, Settlement

router = Router(tags=["医疗救助"])

MEDICAL = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = "medical_security"

Money = Field(..., ge=0, description="金额（分，整数）")


class TraceStepOut(Schema):
    rule: str
    citation: str | None
    anchor: str | None
    document: str | None
    inputs: dict[str, Any]
    result: Any
    explanation: str


class EstimateClaimIn(Schema):
    settle_date: dt.date
    kind: Literal["inpatient", "chronic_outpatient"] = "inpatient"
    hospital_level: int = Field(2, ge=1, le=3, description="医疗机构级别 1—3")
    in_city: bool = Field(True, description="市域内定点医疗机构")
    in_province: bool = Field(True, description="省域内")
    temporary_out_of_city: bool = Field(False, description="临时外出（未经转诊）到市外定点医疗机构")
    total_cost: int = Money
    out_of_policy_cost: int = Field(0, ge=0, description="政策范围外费用（分）")
    policy_self_pay: int = Field(
        ..., ge=0, description="经基本医保、大病保险支付后的政策范围内个人自付（分）"
    )


class CalculateIn(Schema):
    person_class: int | None = Field(None, ge=1, le=4, description="救助类别 1—4；或填写 identities")
    identities: list[str] = Field(default_factory=list, description="身份代码（多重身份就高不重复）")
    tilted_approved: bool = Field(False, description="已纳入倾斜救助（第十二条）")
    claims_so_far: list[EstimateClaimIn] = Field(
        default_factory=list, max_length=500, description="本年度此前各笔"
    )
    new_claim: EstimateClaimIn


class ClaimResultOut(Schema):
    settle_date: dt.date
    policy_self_pay: int
    basic_aid: int
    tilted_aid: int
    hospital_borne: int
    remaining_deductible: int
    remaining_cap: int
    tilted_base: int


class CalculateOut(Schema):
    person_class: int
    class_label: str
    new_claim: ClaimResultOut
    claims: list[ClaimResultOut]
    year_basic_aid: int
    year_tilted_aid: int
    explanation: str
    trace: list[TraceStepOut]


def _check_claim(c: EstimateClaimIn, field: str) -> None:
    if c.out_of_policy_cost > c.total_cost:
        raise ApiError(
            "out_of_policy_above_total",
            "政策范围外费用不能超过医疗总费用（第十三条第三款）。",
            field=f"{field}.out_of_policy_cost",
            status=422,
        )
    if c.policy_self_pay > c.total_cost - c.out_of_policy_cost:
        raise ApiError(
            "self_pay_above_policy_cost",
            "政策范围内个人自付不能超过政策范围内费用。",
            field=f"{field}.policy_self_pay",
            status=422,
        )
    if c.in_city and (c.temporary_out_of_city or not c.in_province):
        raise ApiError(
            "invalid_location",
            "市域内医疗机构在省域内，且不属于临时外出就医。",
            field=f"{field}.in_city",
            status=422,
        )
    if c.settle_date < dt.date(2022, 10, 18):
        raise ApiError(
            "before_document",
            "结算日期早于本办法印发日期（2022年10月18日）。",
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
                f"身份代码应为：{'、'.join(k.value for k in IdentityKind)}。",
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
        _check_claim(c, f"claims_so_far.{i}")
    _check_claim(payload.new_claim, "new_claim")
    year = payload.new_claim.settle_date.year
    if any(
        c.settle_date.year != year or c.settle_date > payload.new_claim.settle_date
        for c in payload.claims_so_far
    ):
        raise ApiError(
            "claims_out_of_year",
            "此前各笔应在新一笔结算日期之前且在同一年度（救助按自然年度累计）。",
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
        raise ApiError("parameter_not_set", str(exc), status=409) from None
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
    claim_id: str = Field(..., min_length=1, max_length=64, description="医疗机构结算单号（幂等键）")
    resident_id: str = Field(..., description="参保人公民身份号码")
    settle_date: dt.date
    kind: Literal["inpatient", "chronic_outpatient"]
    hospital_name: str = Field(..., min_length=1, max_length=100)
    hospital_level: int = Field(..., ge=1, le=3)
    in_city: bool
    in_province: bool
    temporary_out_of_city: bool = False
    total_cost: int = Money
    out_of_policy_cost: int = Money
    policy_self_pay: int = Money
    referred_from_primary_care: bool = Field(
        False, description="经基层首诊转诊（第二十条先诊疗后付费的条件）"
    )


class SettlementOut(Schema):
    id: int
    claim_id: str
    kind: str
    reverses_id: int | None
    year: int
    person_class: int
    tilted_approved: bool
    basic_aid: int
    tilted_aid: int
    hospital_borne: int
    remaining_deductible: int
    remaining_cap: int
    pay_after_treatment: bool = Field(
        ..., description="第二十条：本笔住院适用“先诊疗后付费”（入院只缴基本医保住院起付标准费用）"
    )
    created_at: dt.datetime
    trace: list[dict[str, Any]]


class SettleOut(Schema):
    claim_id: str
    status: Literal["settled", "pending"]
    pending_reason: str
    repeated: bool
    settlement: SettlementOut | None


class ReverseIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


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
        "created_at": s.created_at,
        "trace": s.trace,
    }


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
        },
    )


@router.get("/settlements/{settlement_id}", response=SettlementOut, summary="结算详情")
@api_requires(*MEDICAL, department=DEPARTMENT)
def get_settlement(request: HttpRequest, settlement_id: int) -> dict[str, Any]:
    return _settlement_out(get_object_or_404(Settlement.objects.select_related("claim"), pk=settlement_id))


@router.post(
    "/settlements/{settlement_id}/reverse", response={201: SettlementOut}, summary="冲销结算（新增冲销记录）"
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def reverse_settlement(request: HttpRequest, settlement_id: int, payload: ReverseIn) -> Status:
    original = get_object_or_404(Settlement, pk=settlement_id)
    reversal = services.reverse_settlement(original, reason=payload.reason, acting_user=request.user)
    reversal.claim = original.claim
    return Status(201, _settlement_out(reversal))


class IdentityOut(Schema):
    kind: str
    label: str
    valid_from: dt.date
    valid_until: dt.date | None


class YearSummaryOut(Schema):
    person_id: int
    masked_resident_id: str
    year: int
    person_class: int | None
    class_label: str
    identities: list[IdentityOut]
    self_pay: int
    basic_paid: int
    tilted_paid: int
    tilted_base: int
    hospital_borne: int
    remaining_deductible: int | None
    remaining_cap: int | None
    settlements: int
    pay_after_treatment_eligible: bool = Field(
        ..., description="第二十条：属于“先诊疗后付费”对象（经基层首诊转诊到市域内定点医疗机构住院时适用）"
    )


@router.get("/persons/{person_id}/years/{year}", response=YearSummaryOut, summary="人员年度救助汇总")
@api_requires(*MEDICAL, department=DEPARTMENT)
def year_summary(request: HttpRequest, person_id: int, year: int) -> dict[str, Any]:
    if not 2022 <= year <= 2100:
        raise ApiError("invalid_year", "年度应在2022年及以后。", field="year", status=422)
    person = get_object_or_404(Person, pk=person_id)
    return {
        "person_id": person.pk,
        "masked_resident_id": person.masked_id,
        **services.year_summary(person, year),
    }


# -- 第七条 参保资助, 第四条 因病致贫重病患者认定 ----------------------------------------------------------------


class PremiumIn(Schema):
    identities: list[str] = Field(..., description="身份代码（多重身份就高不重复）")
    coverage_year: int = Field(..., ge=2023, le=2100, description="医保年度")


class PremiumOut(Schema):
    premium: int
    ratio: str
    subsidy: int
    basis: str
    trace: list[TraceStepOut]


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
            f"身份代码应为：{'、'.join(k.value for k in IdentityKind)}。",
            field="identities",
            status=422,
        ) from None
    trace = Trace()
    try:
        result = premium_subsidy(services.tree(), kinds, payload.coverage_year, trace=trace)
    except ParameterNotSet as exc:
        raise ApiError("parameter_not_set", str(exc), status=409) from None
    return {
        "premium": result.premium,
        "ratio": str(result.ratio),
        "subsidy": result.subsidy,
        "basis": result.basis,
        "trace": trace.to_list(),
    }


class Class4In(Schema):
    application_date: dt.date
    self_pay_12m: int = Field(..., ge=0, description="申请前12个月累计自负医疗费用（分）")
    property_check_passed: bool = Field(..., description="家庭财产符合我市规定（审核认定结论）")
    existing_class: int | None = Field(None, ge=1, le=4, description="现有救助类别")


class Class4Out(Schema):
    eligible: bool
    threshold: int
    reasons: list[str]
    valid_until: dt.date | None
    trace: list[TraceStepOut]


@router.post("/class-4-assessment", response=Class4Out, summary="因病致贫重病患者认定条件审查（第四条）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=DEPARTMENT)
def class_4_assessment(request: HttpRequest, payload: Class4In) -> dict[str, Any]:
    from ezhou_rules.medical_assistance.recipients import assess_class_4, class_4_valid_until

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
        raise ApiError("parameter_not_set", str(exc), status=409) from None
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
    resident_id: str = Field(..., description="申请人公民身份号码")
    name: str = Field(..., min_length=1, max_length=50, description="申请人姓名（首次登记时使用）")
    district: str = Field(..., description="所属区代码：echeng、huarong、liangzihu、gedian、linkong")
    submitted_on: dt.date = Field(..., description="申请日期")
    self_pay_12m: int = Field(..., ge=0, description="申请前12个月累计自负医疗费用（分）")
    self_pay_evidence: str = Field(
        ..., min_length=1, max_length=200, description="自负费用依据（结算单据等）"
    )


class PropertyCheckIn(Schema):
    passed: bool = Field(..., description="家庭财产是否符合我市规定")
    reason: str = Field(..., min_length=1, max_length=500, description="审核意见")


class Class4DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=500, description="认定意见（不予认定须填写）")
    recognised_on: dt.date | None = Field(None, description="认定日期，默认当天")


class Class4RecognitionOut(Schema):
    id: int
    masked_resident_id: str
    submitted_on: dt.date
    self_pay_12m: int
    income_year: int
    threshold: int
    self_pay_test_passed: bool
    review_deadline: dt.date | None
    property_check_passed: bool | None
    property_check_reason: str
    state: str
    state_label: str
    decided_on: dt.date | None
    reason: str
    valid_until: dt.date | None


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
def get_class_4(request: HttpRequest, recognition_id: int) -> dict[str, Any]:
    return _recognition_out(_recognition(recognition_id))


@router.post(
    "/class-4-recognitions/{recognition_id}/property-check",
    response=Class4RecognitionOut,
    summary="记录家庭财产审核结论（第四条第六款）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=CIVIL_AFFAIRS)
def property_check(request: HttpRequest, recognition_id: int, payload: PropertyCheckIn) -> dict[str, Any]:
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
def decide_class_4(request: HttpRequest, recognition_id: int, payload: Class4DecisionIn) -> dict[str, Any]:

    rec = _recognition(recognition_id)
    today = clock.today()
    day = payload.recognised_on or today
    if day > today:
        raise ApiError("invalid_date", "认定日期不能晚于今天。", field="recognised_on", status=422)
    if payload.decision == "approve":
        rec = services.approve_class_4(rec, acting_user=request.user, day=day, reason=payload.reason)
    else:
        rec = services.reject_class_4(rec, acting_user=request.user, day=day, reason=payload.reason)
    return _recognition_out(rec)
