"""医疗救助 API: 参保资助测算（第七条）."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.recipients import IdentityKind

from .. import services
from .common import KINDS, MedicalTraceStepOut, router

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
    "/premium-subsidy",
    response=PremiumOut,
    auth=None,
    summary="城乡居民医保个人缴费资助测算（第七条）",
    operation_id="ezhou_platform_medical_assistance_api_premium_subsidy_estimate",
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
