"""医疗救助 API: 测算（公开, 第九条至第十三条）."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import IdentityKind, recipient_class
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from .. import services
from .common import KINDS, MedicalTraceStepOut, money, router


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


@router.post(
    "/calculate",
    response=CalculateOut,
    auth=None,
    summary="医疗救助测算（不保存）",
    operation_id="ezhou_platform_medical_assistance_api_calculate",
)
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
