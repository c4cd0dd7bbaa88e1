"""医疗救助 API: 因病致贫重病患者认定（第四条第六款、第七款）."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Schema, Status

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace

from .. import services
from .common import DEPARTMENT, MedicalTraceStepOut, money, router


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


@router.post(
    "/class-4-assessment",
    response=Class4Out,
    summary="因病致贫重病患者认定条件审查（第四条）",
    operation_id="ezhou_platform_medical_assistance_api_class_4_assessment",
)
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
    operation_id="ezhou_platform_medical_assistance_api_submit_class_4",
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
    from ..models import Class4Recognition

    return get_object_or_404(Class4Recognition.objects.select_related("person"), pk=recognition_id)


@router.get(
    "/class-4-recognitions/{recognition_id}",
    response=Class4RecognitionOut,
    summary="因病致贫重病患者认定申请",
    operation_id="ezhou_platform_medical_assistance_api_get_class_4",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department=CIVIL_AFFAIRS)
def get_class_4(request: HttpRequest, recognition_id: int = RecognitionId) -> dict[str, Any]:
    return _recognition_out(_recognition(recognition_id))


@router.post(
    "/class-4-recognitions/{recognition_id}/property-check",
    response=Class4RecognitionOut,
    summary="记录家庭财产审核结论（第四条第六款）",
    operation_id="ezhou_platform_medical_assistance_api_property_check",
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
    operation_id="ezhou_platform_medical_assistance_api_decide_class_4",
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
