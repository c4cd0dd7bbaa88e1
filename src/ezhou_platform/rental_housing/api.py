"""JSON API of 保障性租赁住房 (鄂州政发〔2022〕19号), mounted at /api/v1/rental-housing/.

No `from __future__ import annotations` here: the endpoints are wrapped by `api_requires`, and django-ninja
resolves string annotations in the wrapper's module, where the schemas are unknown.

Amounts are integer fen, areas decimal m² (at most 2 decimals), dates ISO 8601.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.ids import InvalidIdentifier, birth_date, validate_resident_id
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing.common import RentalHousingInputError, format_m2
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.tenancy import exit_rent_statement, rent_to_own

from . import selectors, services
from .models import Application, ApplicationStatus, Project, TerminationReason, UnitStatus

router = Router(tags=["保障性租赁住房"])


class TraceStepOut(Schema):
    rule: str
    citation: str | None
    anchor: str | None
    document: str | None
    inputs: dict[str, Any]
    result: Any
    explanation: str


class HomeIn(Schema):
    area_m2: Decimal = Field(..., description="建筑面积（平方米，最多两位小数）")
    in_district: bool = Field(True, description="是否在申请辖区内")
    delivered: bool = Field(True, description="已交付；已签订预售合同尚未交付的填 false（视同无房）")


class EligibilityIn(Schema):
    application_date: dt.date
    birth_date: dt.date | None = Field(None, description="出生日期；或填写 id_number")
    id_number: str | None = Field(None, description="申请人身份证号码（据此取出生日期）")
    full_civil_capacity: bool = Field(..., description="申请人声明具有完全民事行为能力")
    has_spouse: bool = False
    minor_children: int = Field(0, ge=0, le=20)
    homes: list[HomeIn] = Field(default_factory=list, description="申请人、配偶、未成年子女名下住房")
    other_subsidised_housing: bool = Field(False, description="在本市已享受其他形式的保障性住房")


class ReasonOut(Schema):
    code: str
    message: str
    citation: str


class EligibilityOut(Schema):
    eligible: bool
    age: int
    household_size: int
    counted_homes: int
    counted_area_m2: str
    per_capita_m2: str
    reasons: list[ReasonOut]
    trace: list[TraceStepOut]


def _rules_error(exc: Exception) -> ApiError:
    if isinstance(exc, RentalHousingInputError):
        return ApiError(exc.code, exc.message, field=exc.field, status=422)
    return ApiError("parameter_not_set", str(exc), field="application_date", status=422)


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
            "请填写出生日期或身份证号码（第十二条第（一）项）。",
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
    except (RentalHousingInputError, ParameterNotSet) as exc:
        raise _rules_error(exc) from exc
    return {
        "eligible": result.eligible,
        "age": result.age,
        "household_size": result.household_size,
        "counted_homes": result.counted_homes,
        "counted_area_m2": format_m2(result.counted_area_centi_m2),
        "per_capita_m2": format_m2(result.per_capita_centi_m2),
        "reasons": result.reasons,
        "trace": trace.to_list(),
    }


class ExitRentIn(Schema):
    exit_date: dt.date = Field(..., description="租赁关系终止日（腾退搬迁期自次日起算）")
    move_out_months: int = Field(..., description="给予的腾退搬迁期（月，0–3）")
    vacated_date: dt.date = Field(..., description="腾退房屋之日（计租至当日）")
    contract_rent_fen: int = Field(..., ge=0, description="原合同月租金（分）")
    market_rent_fen: int = Field(..., ge=0, description="市场月租金（分）")


class RentLineOut(Schema):
    kind: str
    first_day: dt.date
    last_day: dt.date
    monthly_rent_fen: int
    whole_months: int
    extra_days: int
    extra_period_days: int
    amount_fen: int


class ExitRentOut(Schema):
    move_out_end: dt.date
    lines: list[RentLineOut]
    total_fen: int
    total: str
    trace: list[TraceStepOut]


@router.post("/exit-rent", response=ExitRentOut, auth=None, summary="退出租金清单（第二十条第二款，无状态）")
def exit_rent(request: HttpRequest, payload: ExitRentIn) -> dict[str, Any]:
    trace = Trace()
    try:
        s = exit_rent_statement(**payload.dict(), trace=trace)
    except (RentalHousingInputError, ParameterNotSet) as exc:
        raise _rules_error(exc) from exc
    return {
        "move_out_end": s.move_out_end,
        "lines": [line.to_dict() for line in s.lines],
        "total_fen": s.total_fen,
        "total": format_yuan(s.total_fen),
        "trace": trace.to_list(),
    }


class RentToOwnIn(Schema):
    housing_type: str = Field(..., description="rent_then_sell（允许先租后售）或 rent_only（只租不售）")
    tenancy_start: dt.date
    on: dt.date = Field(..., description="计算日")
    rent_paid_fen: int = Field(..., ge=0, description="已交租金合计（分）")
    price_fen: int | None = Field(None, ge=0, description="拟购产权份额的购房款（分）")
    shared_ownership_from: dt.date | None = None
    full_ownership: bool = False


class RentToOwnOut(Schema):
    allowed: bool
    reason: str
    conversion_from: dt.date | None
    may_apply_now: bool
    credited_rent_fen: int
    payable_fen: int | None
    uncredited_rent_fen: int
    market_sale_from: dt.date | None
    may_sell_now: bool
    trace: list[TraceStepOut]


@router.post(
    "/rent-to-own", response=RentToOwnOut, auth=None, summary="先租后售：转共有产权日期与租金抵扣（无状态）"
)
def rent_to_own_view(request: HttpRequest, payload: RentToOwnIn) -> dict[str, Any]:
    trace = Trace()
    try:
        r = rent_to_own(**payload.dict(), trace=trace)
    except (RentalHousingInputError, ParameterNotSet) as exc:
        raise _rules_error(exc) from exc
    return {**r.__dict__, "trace": trace.to_list()}


# -- public lists ----------------------------------------------------------------------------------------------
class UnitOut(Schema):
    id: int
    number: str
    layout: str
    area_m2: str
    rent_fen: int
    property_fee_fen: int
    status: str


class ProjectOut(Schema):
    id: int
    name: str
    jurisdiction: str
    housing_type: str
    certificate_number: str
    operator: str
    announcement: str
    free_units: int
    units: list[UnitOut]


def _project(p: Project) -> dict[str, Any]:
    units = [u for u in p.units.all() if u.fitted_out]
    return {
        "id": p.pk,
        "name": p.name,
        "jurisdiction": p.jurisdiction.name,
        "housing_type": p.get_housing_type_display(),
        "certificate_number": p.certificate_number,
        "operator": p.operator.name,
        "announcement": p.announcement,
        "free_units": sum(1 for u in units if u.status == UnitStatus.AVAILABLE),
        "units": [
            {
                "id": u.pk,
                "number": u.number,
                "layout": u.layout,
                "area_m2": str(u.area_m2),
                "rent_fen": u.rent_fen,
                "property_fee_fen": u.property_fee_fen,
                "status": u.status,
            }
            for u in units
        ],
    }


@router.get("/projects", response=list[ProjectOut], auth=None, summary="招租公告：项目与房源（第十六条）")
def projects(request: HttpRequest) -> list[dict[str, Any]]:
    qs = (
        Project.objects.exclude(announced_on=None)
        .select_related("jurisdiction", "operator")
        .prefetch_related("units")
    )
    return [_project(p) for p in qs]


class PublicityOut(Schema):
    project: str
    name: str
    id_number: str
    publicity_start: dt.date
    publicity_end: dt.date


@router.get(
    "/publicity", response=list[PublicityOut], auth=None, summary="资格审核公示名单（姓名、身份证号码脱敏）"
)
def publicity(request: HttpRequest) -> list[dict[str, Any]]:
    from ezhou_rules.core.ids import mask_name, mask_resident_id

    qs = Application.objects.filter(status=ApplicationStatus.PUBLICITY).select_related("project")
    return [
        {
            "project": a.project.name,
            "name": mask_name(a.name),
            "id_number": mask_resident_id(a.id_number),
            "publicity_start": a.publicity_start,
            "publicity_end": a.publicity_end,
        }
        for a in qs.order_by("publicity_end", "id")
    ]


# -- applying and choosing (citizen) ---------------------------------------------------------------------------
class ApplicationIn(Schema):
    project_id: int
    name: str
    id_number: str
    phone: str
    full_civil_capacity: bool
    has_spouse: bool = False
    minor_children: int = Field(0, ge=0, le=20)
    homes: list[HomeIn] = Field(default_factory=list)
    other_subsidised_housing: bool = False
    work_unit: str = ""
    priority_public_service: bool = False
    priority_multi_child: bool = False
    priority_three_generation: bool = False
    materials: list[str] = Field(
        default_factory=list, description="已提交的第十三条材料：form, identity, marriage, housing, other"
    )


class ApplicationOut(Schema):
    id: int
    project_id: int
    project: str
    status: str
    status_label: str
    submitted_on: dt.date
    review_deadline: dt.date
    publicity_end: dt.date | None
    queue_position: int | None
    unit: str | None
    missing_materials: list[str]
    offer_id: int | None = Field(None, description="待答复的轮候配租通知（第十七条）")
    offer_unit: str | None = None


def _application(app: Application) -> dict[str, Any]:
    position = None
    if app.status == ApplicationStatus.QUALIFIED:
        position = services.queue_position(app).queue_position
    alloc = app.allocations.filter(active=True).select_related("unit").first()
    offer = services.open_offer(app)
    return {
        "id": app.pk,
        "project_id": app.project_id,
        "project": app.project.name,
        "status": app.status,
        "status_label": app.get_status_display(),
        "submitted_on": app.submitted_on,
        "review_deadline": app.review_deadline,
        "publicity_end": app.publicity_end,
        "queue_position": position,
        "unit": alloc.unit.number if alloc else None,
        "missing_materials": app.missing_materials(),
        "offer_id": offer.pk if offer else None,
        "offer_unit": offer.unit.number if offer else None,
    }


VALID_MATERIALS = {"form", "identity", "marriage", "housing", "other"}


def _application_input(payload: ApplicationIn, project: Project) -> services.ApplicationInput:
    bad = set(payload.materials) - VALID_MATERIALS
    if bad:
        raise ApiError(
            "invalid_input",
            f"未知的材料类别：{'、'.join(sorted(bad))}（第十三条）。",
            field="materials",
            status=422,
        )
    return services.ApplicationInput(
        project=project,
        **payload.dict(exclude={"project_id", "homes", "materials"}),
        homes=[{k: str(v) if k == "area_m2" else v for k, v in h.dict().items()} for h in payload.homes],
        materials=tuple(payload.materials),
    )


@router.post(
    "/applications", response={201: ApplicationOut}, summary="网上申请承租资格（第十四条第（一）项）"
)
@api_requires(Role.CITIZEN)
def apply(request: HttpRequest, payload: ApplicationIn) -> Status:
    # only projects with a published letting announcement take applications (第十六条)
    project = get_object_or_404(Project.objects.exclude(announced_on=None), pk=payload.project_id)
    app, _ = services.submit_application(
        _application_input(payload, project),
        acting_user=request.user,
        channel=Application.Channel.ONLINE,
        applicant=request.user,
    )
    return Status(201, _application(app))


@router.get("/applications/mine", response=list[ApplicationOut], summary="我的申请")
@api_requires(Role.CITIZEN)
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    qs = (
        Application.objects.filter(applicant_id=request.user.pk)
        .select_related("project")
        .order_by("-submitted_at")
    )
    return [_application(a) for a in qs]


class ChooseIn(Schema):
    unit_id: int | None = Field(None, description="所选房源；不填则分配本项目房号最小的空闲房源")


class ChooseOut(Schema):
    allocated: bool
    unit_id: int | None
    unit: str | None
    queue_position: int | None
    earlier_waiting: int
    free_units: int


def _choose(request: HttpRequest, app: Application, unit_id: int | None) -> dict[str, Any]:
    result = services.choose_unit(app, acting_user=request.user, unit_id=unit_id)
    a = result.allocation
    return {
        "allocated": a is not None,
        "unit_id": a.unit_id if a else None,
        "unit": a.unit.number if a else None,
        "queue_position": result.queue_position,
        "earlier_waiting": result.earlier_waiting,
        "free_units": result.free_units,
    }


@router.post(
    "/applications/{app_id}/choose",
    response=ChooseOut,
    summary="选房：按申请先后先到先租，房源不足时轮候（第十七条）",
)
@api_requires(Role.CITIZEN)
def choose(request: HttpRequest, app_id: int, payload: ChooseIn) -> dict[str, Any]:
    app = get_object_or_404(Application, pk=app_id, applicant=request.user)
    return _choose(request, app, payload.unit_id)


# -- operator / housing staff ---------------------------------------------------------------------------------
@router.post(
    "/applications/offline",
    response={201: ApplicationOut},
    summary="运营单位代录线下申请（第十四条第（一）项）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def apply_offline(request: HttpRequest, payload: ApplicationIn) -> Status:
    project = get_object_or_404(selectors.projects_for(request.user), pk=payload.project_id)
    app, _ = services.submit_application(
        _application_input(payload, project), acting_user=request.user, channel=Application.Channel.OFFLINE
    )
    return Status(201, _application(app))


class ReviewIn(Schema):
    approve: bool
    reason: str = ""


@router.post("/applications/{app_id}/review", response=ApplicationOut, summary="运营单位审核（5个工作日内）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def review(request: HttpRequest, app_id: int, payload: ReviewIn) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    if payload.approve:
        app = services.review_approve(app, acting_user=request.user)
    else:
        app = services.review_reject(app, acting_user=request.user, reason=payload.reason)
    return _application(app)


@router.post("/applications/{app_id}/qualify", response=ApplicationOut, summary="公示期满确认承租资格")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def qualify(request: HttpRequest, app_id: int) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _application(services.close_publicity(app, acting_user=request.user))


@router.post("/applications/{app_id}/choose-for", response=ChooseOut, summary="运营单位为线下申请人登记选房")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def choose_for(request: HttpRequest, app_id: int, payload: ChooseIn) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _choose(request, app, payload.unit_id)


# -- maintenance and complaints --------------------------------------------------------------------------------
class MaintenanceIn(Schema):
    description: str


class CreatedOut(Schema):
    id: int
    received_on: dt.date


@router.post(
    "/contracts/{contract_id}/maintenance", response={201: CreatedOut}, summary="承租人报修（第二十四条）"
)
@api_requires(Role.CITIZEN)
def maintenance(request: HttpRequest, contract_id: int, payload: MaintenanceIn) -> Status:
    from .models import Contract

    contract = get_object_or_404(Contract, pk=contract_id, allocation__application__applicant=request.user)
    req = services.report_maintenance(contract, acting_user=request.user, description=payload.description)
    return Status(201, {"id": req.pk, "received_on": req.reported_on})


class ComplaintIn(Schema):
    content: str
    project_id: int | None = None
    complainant: str = ""
    phone: str = ""


@router.post("/complaints", response={201: CreatedOut}, summary="投诉举报（第二十七条）")
@api_requires(Role.CITIZEN, Role.ENTERPRISE)
def complaint(request: HttpRequest, payload: ComplaintIn) -> Status:
    project = get_object_or_404(Project, pk=payload.project_id) if payload.project_id else None
    c = services.submit_complaint(
        acting_user=request.user,
        content=payload.content,
        project=project,
        complainant=payload.complainant,
        phone=payload.phone,
    )
    return Status(201, {"id": c.pk, "received_on": c.received_on})


# -- contracts and tenancy (第十八条–第二十三条) ------------------------------------------------------------------
class ContractOut(Schema):
    id: int
    number: str
    application_id: int
    project: str
    unit: str
    status: str
    status_label: str
    start_date: dt.date
    end_date: dt.date
    monthly_rent_fen: int
    deposit_fen: int
    payment_period_months: int
    rent_per_payment_fen: int
    signed_on: dt.date
    filed_on: dt.date | None
    terminated_on: dt.date | None
    termination_reason: str
    move_out_months: int | None
    vacated_on: dt.date | None
    exit_rent_fen: int | None


def _contract(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "application_id": c.allocation.application_id,
        "project": c.allocation.unit.project.name,
        "unit": c.allocation.unit.number,
        "status": c.status,
        "status_label": c.get_status_display(),
        "start_date": c.start_date,
        "end_date": c.end_date,
        "monthly_rent_fen": c.monthly_rent_fen,
        "deposit_fen": c.deposit_fen,
        "payment_period_months": c.payment_period_months,
        "rent_per_payment_fen": c.monthly_rent_fen * c.payment_period_months,
        "signed_on": c.signed_on,
        "filed_on": c.filed_on,
        "terminated_on": c.terminated_on,
        "termination_reason": c.termination_reason,
        "move_out_months": c.move_out_months,
        "vacated_on": c.vacated_on,
        "exit_rent_fen": c.exit_rent_fen,
    }


def _staff_contract(request: HttpRequest, contract_id: int) -> Any:
    from .models import Contract

    qs = Contract.objects.filter(
        allocation__application__in=selectors.applications_for(request.user)
    ).select_related("allocation__unit__project")
    return get_object_or_404(qs, pk=contract_id)


class SignIn(Schema):
    number: str = Field(..., min_length=1, max_length=40, description="合同编号")
    start_date: dt.date
    end_date: dt.date = Field(..., description="到期日（租期1至3年，第二十条第一款）")
    payment_period_months: int = Field(..., description="租金收取周期（月，1–3）")
    deposit_fen: int = Field(0, description="押金（分）")
    originals_checked: bool = Field(..., description="运营单位确认申请资料已与原件核对一致（第十八条）")


@router.post(
    "/applications/{app_id}/contract",
    response={201: ContractOut},
    summary="签订租赁合同（第十八条：须核对原件一致）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def sign(request: HttpRequest, app_id: int, payload: SignIn) -> Status:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    alloc = app.allocations.filter(active=True).first()
    if alloc is None:
        raise ApiError(
            "invalid_state", "申请人尚未选定房源，不能签订合同（第十七条）。", field="allocation", status=409
        )
    c = services.sign_contract(alloc, acting_user=request.user, **payload.dict())
    return Status(201, _contract(_staff_contract(request, c.pk)))


@router.post("/contracts/{contract_id}/file", response=ContractOut, summary="合同备案（第十九条）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def file(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    c = services.file_contract(_staff_contract(request, contract_id), acting_user=request.user)
    return _contract(_staff_contract(request, c.pk))


class RenewIn(Schema):
    number: str = Field(..., min_length=1, max_length=40, description="新合同编号")
    end_date: dt.date
    payment_period_months: int
    has_spouse: bool = False
    minor_children: int = Field(0, ge=0, le=20)
    homes: list[HomeIn] = Field(default_factory=list, description="续签时申请人、配偶、未成年子女名下住房")
    other_subsidised_housing: bool = False
    full_civil_capacity: bool = True


@router.post(
    "/contracts/{contract_id}/renew",
    response={201: ContractOut},
    summary="期满续签：复核承租条件（第二十条第一款）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def renew(request: HttpRequest, contract_id: int, payload: RenewIn) -> Status:
    c = services.renew_contract(
        _staff_contract(request, contract_id),
        acting_user=request.user,
        **payload.dict(exclude={"homes"}),
        homes=[{k: str(v) if k == "area_m2" else v for k, v in h.dict().items()} for h in payload.homes],
    )
    return Status(201, _contract(_staff_contract(request, c.pk)))


class TerminateIn(Schema):
    reason: str = Field(
        ...,
        description="终止原因："
        + "；".join(f"{value} {label}" for value, label in TerminationReason.choices),
    )
    terminated_on: dt.date
    record_text: str = Field("", description="违规情况记录（第二十三条情形必填）")
    move_out_months: int = Field(0, description="腾退搬迁期（月，0–3，第二十条第二款）")


@router.post(
    "/contracts/{contract_id}/terminate",
    response=ContractOut,
    summary="终止合同（第十九条、第二十条、第二十三条）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def terminate(request: HttpRequest, contract_id: int, payload: TerminateIn) -> dict[str, Any]:
    c = services.terminate_contract(
        _staff_contract(request, contract_id),
        acting_user=request.user,
        reason=payload.reason,
        on=payload.terminated_on,
        record_text=payload.record_text,
        move_out_months=payload.move_out_months,
    )
    return _contract(_staff_contract(request, c.pk))


class VacateIn(Schema):
    vacated_on: dt.date
    market_rent_fen: int = Field(..., ge=0, description="同地段市场月租金（分）")


class RentStatementOut(Schema):
    contract: ContractOut
    move_out_end: dt.date | None
    lines: list[RentLineOut]
    total_fen: int | None
    total: str
    trace: list[TraceStepOut]


def _statement(c: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contract": _contract(c),
        "move_out_end": None,
        "lines": [],
        "total_fen": c.exit_rent_fen,
        "total": format_yuan(c.exit_rent_fen) if c.exit_rent_fen is not None else "",
        "trace": c.exit_statement,
    }
    if c.vacated_on and c.terminated_on and c.market_rent_fen is not None:
        s = exit_rent_statement(
            exit_date=c.terminated_on,
            move_out_months=c.move_out_months or 0,
            vacated_date=c.vacated_on,
            contract_rent_fen=c.monthly_rent_fen,
            market_rent_fen=c.market_rent_fen,
        )
        out["move_out_end"] = s.move_out_end
        out["lines"] = [line.to_dict() for line in s.lines]
    return out


@router.post(
    "/contracts/{contract_id}/vacate",
    response=RentStatementOut,
    summary="腾退并结算退出租金（第二十条第二款）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def vacate(request: HttpRequest, contract_id: int, payload: VacateIn) -> dict[str, Any]:
    c = services.record_vacated(
        _staff_contract(request, contract_id),
        acting_user=request.user,
        vacated_on=payload.vacated_on,
        market_rent_fen=payload.market_rent_fen,
    )
    return _statement(_staff_contract(request, c.pk))


def _own_contracts(request: HttpRequest) -> Any:
    from .models import Contract

    return Contract.objects.filter(allocation__application__applicant_id=request.user.pk).select_related(
        "allocation__unit__project"
    )


@router.get("/contracts/mine", response=list[ContractOut], summary="我的租赁合同")
@api_requires(Role.CITIZEN)
def my_contracts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_contract(c) for c in _own_contracts(request).order_by("-start_date", "-id")]


@router.get(
    "/contracts/{contract_id}/rent-statement",
    response=RentStatementOut,
    summary="我的租金清单（含退出租金，第二十条第二款）",
)
@api_requires(Role.CITIZEN)
def rent_statement(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    return _statement(get_object_or_404(_own_contracts(request), pk=contract_id))


# -- 轮候配租通知 (第十七条) ----------------------------------------------------------------------------------
class OfferOut(Schema):
    id: int
    application_id: int
    project: str
    unit_id: int
    unit: str
    layout: str
    area_m2: str
    rent_fen: int
    status: str
    status_label: str
    offered_at: dt.datetime


def _offer(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "application_id": o.application_id,
        "project": o.unit.project.name,
        "unit_id": o.unit_id,
        "unit": o.unit.number,
        "layout": o.unit.layout,
        "area_m2": str(o.unit.area_m2),
        "rent_fen": o.unit.rent_fen,
        "status": o.status,
        "status_label": o.get_status_display(),
        "offered_at": o.offered_at,
    }


@router.get("/offers/mine", response=list[OfferOut], summary="我的轮候配租通知（第十七条）")
@api_requires(Role.CITIZEN)
def my_offers(request: HttpRequest) -> list[dict[str, Any]]:
    from .models import UnitOffer

    qs = UnitOffer.objects.filter(application__applicant_id=request.user.pk).select_related("unit__project")
    return [_offer(o) for o in qs.order_by("-offered_at", "-id")]


class AnswerIn(Schema):
    accept: bool = Field(..., description="true 接受；false 放弃（房源按申请顺序通知下一位轮候人）")


@router.post("/offers/{offer_id}/answer", response=OfferOut, summary="答复轮候配租通知：接受或放弃")
@api_requires(Role.CITIZEN)
def answer(request: HttpRequest, offer_id: int, payload: AnswerIn) -> dict[str, Any]:
    from .models import UnitOffer

    offer = get_object_or_404(
        UnitOffer.objects.select_related("unit__project"), pk=offer_id, application__applicant=request.user
    )
    return _offer(services.answer_offer(offer, acting_user=request.user, accept=payload.accept))
