"""The stateless calculators of 保障性租赁住房 (no login, nothing written): eligibility (第十二条), exit rent
(第二十条第二款), rent-to-own (三（四）), unit area (第八条) and the review and publicity deadlines (第十四条第（二）项).

Each takes the date it applies to as an input and answers with the rule, the citation, the trace and — after
鄂州政发〔2022〕19号 expired on 2027-10-27 — `validity_warning`. No `from __future__ import annotations`: see api.py.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router

from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.ids import InvalidIdentifier, birth_date, validate_resident_id
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.periods import Deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import validity_warning
from ezhou_rules.rental_housing.common import RentalHousingInputError, centi_m2, format_m2
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.housing import RENT_ONLY, TYPE_LABELS, check_unit_area, project_type
from ezhou_rules.rental_housing.tenancy import exit_rent_statement, rent_to_own

from .. import services
from .schema import RentalSchema

router = Router(tags=["保障性租赁住房"])

HousingType = Literal["rent_then_sell", "rent_only"]
WARNING = Field(
    "", title="文件有效期提示", description="鄂州政发〔2022〕19号有效期届满后适用时的提示；有效期内为空"
)


class TraceStepOut(RentalSchema):
    rule: str
    citation: str | None
    anchor: str | None
    document: str | None
    inputs: dict[str, Any]
    result: Any
    explanation: str


class HomeIn(RentalSchema):
    area_m2: Decimal = Field(..., title="建筑面积", description="建筑面积（平方米，最多两位小数）")
    in_district: bool = Field(True, description="是否在申请辖区内")
    delivered: bool = Field(True, description="已交付；已签订预售合同尚未交付的填 false（视同无房）")


class EligibilityIn(RentalSchema):
    application_date: dt.date = Field(..., description="申请日期（按该日计算年龄和适用的规定）")
    birth_date: dt.date | None = Field(None, description="出生日期；或填写身份证号码")
    id_number: str | None = Field(None, description="申请人身份证号码（据此取出生日期）")
    full_civil_capacity: bool = Field(..., description="申请人声明具有完全民事行为能力")
    has_spouse: bool = False
    minor_children: int = Field(0, ge=0, le=20)
    homes: list[HomeIn] = Field(default_factory=list, description="申请人、配偶、未成年子女名下住房")
    other_subsidised_housing: bool = Field(False, description="在本市已享受其他形式的保障性住房")


class ReasonOut(RentalSchema):
    code: str
    message: str
    citation: str


class EligibilityOut(RentalSchema):
    eligible: bool
    age: int
    household_size: int
    counted_homes: int
    counted_area_m2: str
    per_capita_m2: str
    reasons: list[ReasonOut]
    trace: list[TraceStepOut]
    validity_warning: str = WARNING


def rules_error(exc: RentalHousingInputError) -> ApiError:
    return ApiError(exc.code, exc.message, field=exc.field, status=422)


@router.post("/eligibility", response=EligibilityOut, auth=None, summary="承租条件核验（第十二条，无状态）")
def eligibility(request: HttpRequest, payload: EligibilityIn) -> dict[str, Any]:
    born = payload.birth_date
    if payload.id_number:
        try:
            born = birth_date(validate_resident_id(payload.id_number))
        except InvalidIdentifier as exc:
            raise ApiError("invalid_id_number", f"身份证号码：{exc}", field="id_number", status=422) from exc
    if born is None:
        raise ApiError(
            "invalid_input",
            "出生日期：请填写出生日期或身份证号码（第十二条第（一）项）。",
            field="birth_date",
            status=422,
        )
    trace = Trace()
    try:
        result = check_applicant(
            application_date=payload.application_date,
            birth_date=born,
            full_civil_capacity=payload.full_civil_capacity,
            has_spouse=payload.has_spouse,
            minor_children=payload.minor_children,
            homes=parse_homes([h.dict() for h in payload.homes]),
            other_subsidised_housing=payload.other_subsidised_housing,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise rules_error(exc) from exc
    return {
        "eligible": result.eligible,
        "age": result.age,
        "household_size": result.household_size,
        "counted_homes": result.counted_homes,
        "counted_area_m2": format_m2(result.counted_area_centi_m2),
        "per_capita_m2": format_m2(result.per_capita_centi_m2),
        "reasons": result.reasons,
        "trace": trace.to_list(),
        "validity_warning": result.warning,
    }


class ExitRentIn(RentalSchema):
    exit_date: dt.date = Field(..., description="租赁关系终止日（腾退搬迁期自次日起算）")
    move_out_months: int = Field(..., description="给予的腾退搬迁期（月，0–3）")
    vacated_date: dt.date = Field(..., description="腾退房屋之日（计租至当日）")
    contract_rent_fen: int = Field(..., ge=0, description="原合同月租金（分）")
    market_rent_fen: int = Field(..., ge=0, description="市场月租金（分）")


class RentLineOut(RentalSchema):
    kind: str = Field(..., description="contract 搬迁期内按原合同租金；market 搬迁期满后按市场租金")
    first_day: dt.date
    last_day: dt.date
    monthly_rent_fen: int
    whole_months: int
    extra_days: int
    extra_period_days: int
    amount_fen: int


class ExitRentOut(RentalSchema):
    move_out_end: dt.date
    lines: list[RentLineOut]
    total_fen: int
    total: str
    trace: list[TraceStepOut]
    validity_warning: str = WARNING


@router.post("/exit-rent", response=ExitRentOut, auth=None, summary="退出租金清单（第二十条第二款，无状态）")
def exit_rent(request: HttpRequest, payload: ExitRentIn) -> dict[str, Any]:
    trace = Trace()
    try:
        s = exit_rent_statement(**payload.dict(), trace=trace)
    except RentalHousingInputError as exc:
        raise rules_error(exc) from exc
    return {
        "move_out_end": s.move_out_end,
        "lines": [line.to_dict() for line in s.lines],
        "total_fen": s.total_fen,
        "total": format_yuan(s.total_fen),
        "trace": trace.to_list(),
        "validity_warning": s.warning,
    }


class RentToOwnIn(RentalSchema):
    housing_type: HousingType = Field(
        ..., description="房源类型：rent_then_sell 允许先租后售，rent_only 只租不售"
    )
    tenancy_start: dt.date = Field(..., description="起租日期（租赁期限的第一日）")
    on: dt.date = Field(..., description="计算日期")
    rent_paid_fen: int = Field(..., ge=0, description="已交租金合计（分）")
    price_fen: int | None = Field(None, ge=0, description="拟购产权份额的购房款（分）")
    shared_ownership_from: dt.date | None = Field(None, description="取得共有产权住房日期（持有的第一日）")
    full_ownership: bool = Field(False, description="已购买全部产权")


class RentToOwnOut(RentalSchema):
    allowed: bool
    reason: str = Field(..., title="不能先租后售的原因")
    conversion_from: dt.date | None
    may_apply_now: bool
    credited_rent_fen: int
    payable_fen: int | None
    uncredited_rent_fen: int
    market_sale_from: dt.date | None
    may_sell_now: bool
    trace: list[TraceStepOut]
    validity_warning: str = WARNING


@router.post(
    "/rent-to-own", response=RentToOwnOut, auth=None, summary="先租后售：转共有产权日期与租金抵扣（无状态）"
)
def rent_to_own_view(request: HttpRequest, payload: RentToOwnIn) -> dict[str, Any]:
    trace = Trace()
    try:
        r = rent_to_own(**payload.dict(), trace=trace)
    except RentalHousingInputError as exc:
        raise rules_error(exc) from exc
    out = {k: v for k, v in r.__dict__.items() if k not in ("price_fen", "warning")}
    return {**out, "trace": trace.to_list(), "validity_warning": r.warning}


# -- 第八条: unit area ----------------------------------------------------------------------------------------
class AreaCheckIn(RentalSchema):
    on: dt.date = Field(..., description="适用日期（按该日的规定核对）")
    housing_type: HousingType | None = Field(
        None, description="房源类型：rent_then_sell 允许先租后售，rent_only 只租不售；或填写筹集方式"
    )
    sourcing_method: int | None = Field(
        None, ge=1, le=8, description="筹集方式（第六条第（一）至第（八）项，1–8）；据此确定房源类型"
    )
    construction: Literal["new_build", "started_or_converted"] = Field(
        "new_build",
        description="建设情况：new_build 新建（尚未开工），started_or_converted 已开工建设或由现有建成住房转化",
    )
    area_m2: Decimal = Field(..., title="建筑面积", description="单套建筑面积（平方米，最多两位小数）")


class AreaCheckOut(RentalSchema):
    housing_type: HousingType
    housing_type_label: str = Field(..., title="房源类型名称")
    construction: str
    area_m2: str
    status: Literal["ok", "warning", "refused"] = Field(
        ...,
        title="结论",
        description="ok 符合；warning 允许但超过原则上控制面积，须记录理由；refused 超过上限",
    )
    within: bool
    limit_m2: str
    guide_m2: str | None
    message: str
    citation: str
    trace: list[TraceStepOut]
    validity_warning: str = WARNING


@router.post("/area-check", response=AreaCheckOut, auth=None, summary="单套建筑面积是否符合第八条（无状态）")
def area_check(request: HttpRequest, payload: AreaCheckIn) -> dict[str, Any]:
    trace = Trace()
    try:
        kind: str
        if payload.housing_type is not None:
            kind = payload.housing_type
            if (
                payload.sourcing_method is not None
                and str(project_type([payload.sourcing_method])[0]) != kind
            ):
                raise ApiError(
                    "type_mismatch",
                    f"房源类型：第六条第（{payload.sourcing_method}）项筹集的房源不是"
                    f"{TYPE_LABELS[kind]}（第六条第二款、第三款）。",
                    field="housing_type",
                    status=422,
                )
        elif payload.sourcing_method is not None:
            kind = str(project_type([payload.sourcing_method])[0])
        else:
            raise ApiError(
                "invalid_input", "房源类型：请填写房源类型或筹集方式。", field="housing_type", status=422
            )
        area = centi_m2(payload.area_m2, field="area_m2")
        started = payload.construction == "started_or_converted"
        r = check_unit_area(kind, area, started, payload.on, trace=trace)
    except RentalHousingInputError as exc:
        raise rules_error(exc) from exc
    return {
        "housing_type": kind,
        "housing_type_label": TYPE_LABELS[kind],
        "construction": payload.construction if kind == RENT_ONLY else "new_build",
        "area_m2": format_m2(area),
        "status": r.status,
        "within": r.within,
        "limit_m2": format_m2(r.limit_centi_m2),
        "guide_m2": format_m2(r.guide_centi_m2) if r.guide_centi_m2 is not None else None,
        "message": r.message,
        "citation": r.citation,
        "trace": trace.to_list(),
        "validity_warning": r.warning,
    }


# -- 第十四条第（二）项: review and publicity deadlines ------------------------------------------------------------
class RentalDeadlineOut(RentalSchema):
    start: dt.date
    due: dt.date
    nominal: dt.date
    provisional: bool = Field(..., description="期限所在年度的节假日安排尚未录入，暂按周一至周五计算")
    reason: str = Field(
        ..., title="暂定原因", description="暂定原因，如“2027年节假日安排尚未录入”；非暂定为空"
    )
    skipped: list[dt.date]
    rule_text: str = Field(..., description="计算规则与结果的中文说明")
    citation: str


class DeadlinesIn(RentalSchema):
    start: dt.date = Field(..., title="申请日期", description="申请日期（审核期限自次日起算）")
    publicity_start: dt.date | None = Field(
        None, description="公示开始（审核通过、公示发布之日）；不填则假定在审核期限当日公示"
    )


class DeadlinesOut(RentalSchema):
    review: RentalDeadlineOut
    publicity: RentalDeadlineOut
    validity_warning: str = WARNING


def _deadline(d: Deadline, citation: str) -> dict[str, Any]:
    return {
        "start": d.start,
        "due": d.due,
        "nominal": d.nominal,
        "provisional": d.provisional,
        "reason": d.reason,
        "skipped": list(d.skipped),
        "rule_text": d.explain(),
        "citation": citation,
    }


@router.post(
    "/deadlines",
    response=DeadlinesOut,
    auth=None,
    summary="审核期限与公示期（第十四条第（二）项：5个工作日，按平台工作日历；无状态）",
)
def deadlines(request: HttpRequest, payload: DeadlinesIn) -> dict[str, Any]:
    cite = "鄂州政发〔2022〕19号 第十四条第（二）项"
    review = services.review_deadline(payload.start, field="start")
    published = payload.publicity_start or review.due
    if published < payload.start:
        raise ApiError("invalid_date", "公示开始：不能早于申请日期。", field="publicity_start", status=422)
    publicity = services.publicity_deadline(published, field="publicity_start")
    return {
        "review": _deadline(review, cite),
        "publicity": _deadline(publicity, cite),
        "validity_warning": validity_warning(payload.start),
    }
