"""医疗救助 API: 人员年度汇总、多付应追回."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Schema

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role

from .. import services
from ..models import Person, Recovery
from .common import DEPARTMENT, MEDICAL, router


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


@router.get(
    "/persons/{person_id}/years/{year}",
    response=YearSummaryOut,
    summary="人员年度救助汇总",
    operation_id="ezhou_platform_medical_assistance_api_year_summary",
)
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


@router.get(
    "/recoveries",
    response=list[RecoveryOut],
    summary="多付应追回清单",
    operation_id="ezhou_platform_medical_assistance_api_list_recoveries",
)
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
    "/recoveries/{recovery_id}/recovered",
    response=RecoveryOut,
    summary="登记多付救助已追回（第十一条）",
    operation_id="ezhou_platform_medical_assistance_api_recovered",
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
