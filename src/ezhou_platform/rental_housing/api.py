"""JSON API of 保障性租赁住房 (鄂州政发〔2022〕19号), mounted at /api/v1/rental-housing/.

No `from __future__ import annotations` here: the endpoints are wrapped by `api_requires`, and django-ninja
resolves string annotations in the wrapper's module, where the schemas are unknown.

Amounts are integer fen, areas decimal m² (at most 2 decimals), dates ISO 8601.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Status

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.money import format_yuan
from ezhou_rules.rental_housing import validity_warning
from ezhou_rules.rental_housing.tenancy import exit_rent_statement, rent_schedule

from . import selectors, services
from .api_calculators import WARNING, HomeIn, RentLineOut, TraceStepOut, router
from .api_schema import RentalSchema
from .models import Application, ApplicationStatus, Project, TerminationReason, UnitStatus

# One router for the domain: the stateless calculators (api_calculators) first, the records below.
__all__ = ["router"]

APP_ID = Path(..., title="申请编号")
CONTRACT_ID = Path(..., title="合同编号（记录编号）")
OFFER_ID = Path(..., title="轮候配租通知编号")


# -- public lists ----------------------------------------------------------------------------------------------
class UnitOut(RentalSchema):
    id: int
    number: str = Field(..., title="房号")
    layout: str
    area_m2: str = Field(..., title="建筑面积（平方米）")
    rent_fen: int = Field(..., title="月租金（分）")
    property_fee_fen: int
    status: str


class ProjectOut(RentalSchema):
    id: int
    name: str = Field(..., title="项目名称")
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


class PublicityOut(RentalSchema):
    project: str
    name: str = Field(..., title="姓名（脱敏）")
    id_number: str = Field(..., title="身份证号码（脱敏）")
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
class ApplicationIn(RentalSchema):
    project_id: int
    name: str = Field(
        ..., title="申请人姓名", description="申请人姓名（网上申请须为本账户实名核验的姓名或被代理人姓名）"
    )
    id_number: str = Field(..., title="申请人身份证号码")
    phone: str = Field(..., title="联系电话", description="联系电话（手机号码，或带区号的固定电话）")
    full_civil_capacity: bool
    has_spouse: bool = False
    minor_children: int = Field(0, ge=0, le=20)
    homes: list[HomeIn] = Field(default_factory=list, description="申请人、配偶、未成年子女在申请辖区的住房")
    other_subsidised_housing: bool = False
    work_unit: str = ""
    priority_public_service: bool = False
    priority_multi_child: bool = False
    priority_three_generation: bool = False
    materials: list[str] = Field(
        default_factory=list, description="已提交的第十三条材料：form, identity, marriage, housing, other"
    )


class ApplicationOut(RentalSchema):
    id: int
    project_id: int
    project: str
    applicant_name: str = Field(..., description="申请人（为谁申请）")
    on_behalf: bool = Field(..., description="由代理人账户为被代理人申请")
    agent_relation: str = Field("", description="代理关系（代理申请时）")
    status: str
    status_label: str
    submitted_on: dt.date
    review_deadline: dt.date
    publicity_end: dt.date | None
    queue_position: int | None
    unit: str | None = Field(None, title="已选房号")
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
        "applicant_name": app.name,
        "on_behalf": app.agent_id is not None,
        "agent_relation": app.agent.get_relation_display() if app.agent else "",
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
    """For the account's own verified identity, or for a principal of its recorded agent relationship; any
    other name and ID number is refused (403 not_own_identity)."""
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
        .select_related("project", "agent")
        .order_by("-submitted_at")
    )
    return [_application(a) for a in qs]


class ChooseIn(RentalSchema):
    unit_id: int | None = Field(None, description="所选房源；不填则分配本项目房号最小的空闲房源")


class ChooseOut(RentalSchema):
    allocated: bool
    unit_id: int | None
    unit: str | None = Field(None, title="已选房号")
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
def choose(request: HttpRequest, payload: ChooseIn, app_id: int = APP_ID) -> dict[str, Any]:
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


class ReviewIn(RentalSchema):
    approve: bool
    reason: str = Field("", title="不予通过理由", description="不予通过理由（不通过时必填）")


@router.post("/applications/{app_id}/review", response=ApplicationOut, summary="运营单位审核（5个工作日内）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def review(request: HttpRequest, payload: ReviewIn, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    if payload.approve:
        app = services.review_approve(app, acting_user=request.user)
    else:
        app = services.review_reject(app, acting_user=request.user, reason=payload.reason)
    return _application(app)


@router.post("/applications/{app_id}/qualify", response=ApplicationOut, summary="公示期满确认承租资格")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def qualify(request: HttpRequest, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _application(services.close_publicity(app, acting_user=request.user))


@router.post("/applications/{app_id}/choose-for", response=ChooseOut, summary="运营单位为线下申请人登记选房")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def choose_for(request: HttpRequest, payload: ChooseIn, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _choose(request, app, payload.unit_id)


# -- maintenance and complaints --------------------------------------------------------------------------------
class MaintenanceIn(RentalSchema):
    description: str = Field(..., title="报修内容")


class CreatedOut(RentalSchema):
    id: int
    received_on: dt.date


@router.post(
    "/contracts/{contract_id}/maintenance", response={201: CreatedOut}, summary="承租人报修（第二十四条）"
)
@api_requires(Role.CITIZEN)
def maintenance(request: HttpRequest, payload: MaintenanceIn, contract_id: int = CONTRACT_ID) -> Status:
    from .models import Contract

    contract = get_object_or_404(Contract, pk=contract_id, allocation__application__applicant=request.user)
    req = services.report_maintenance(contract, acting_user=request.user, description=payload.description)
    return Status(201, {"id": req.pk, "received_on": req.reported_on})


class ComplaintIn(RentalSchema):
    content: str
    project_id: int | None = Field(None, title="涉及项目编号")
    complainant: str = Field("", description="投诉人（可匿名）")
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
class ContractOut(RentalSchema):
    id: int
    number: str = Field(..., title="合同编号")
    application_id: int
    project: str
    unit: str = Field(..., title="房号")
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
    validity_warning: str = WARNING


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
        "validity_warning": validity_warning(c.start_date),
    }


def _staff_contract(request: HttpRequest, contract_id: int) -> Any:
    from .models import Contract

    qs = Contract.objects.filter(
        allocation__application__in=selectors.applications_for(request.user)
    ).select_related("allocation__unit__project")
    return get_object_or_404(qs, pk=contract_id)


class SignIn(RentalSchema):
    number: str = Field(..., min_length=1, max_length=40, title="合同编号")
    start_date: dt.date = Field(..., description="起租日期（租赁期限的第一日）")
    end_date: dt.date = Field(..., description="到期日期（租赁期限的最后一日，租期1至3年，第二十条第一款）")
    payment_period_months: int = Field(..., description="租金收取周期（月，1–3）")
    deposit_fen: int = Field(0, description="押金（分）")
    originals_checked: bool = Field(..., description="运营单位确认申请资料已与原件核对一致（第十八条）")


@router.post(
    "/applications/{app_id}/contract",
    response={201: ContractOut},
    summary="签订租赁合同（第十八条：须核对原件一致）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def sign(request: HttpRequest, payload: SignIn, app_id: int = APP_ID) -> Status:
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
def file(request: HttpRequest, contract_id: int = CONTRACT_ID) -> dict[str, Any]:
    c = services.file_contract(_staff_contract(request, contract_id), acting_user=request.user)
    return _contract(_staff_contract(request, c.pk))


class RenewIn(RentalSchema):
    number: str = Field(..., min_length=1, max_length=40, title="新合同编号")
    end_date: dt.date = Field(..., description="新合同到期日期（新合同自原合同到期次日起租，1至3年）")
    payment_period_months: int = Field(..., description="租金收取周期（月，1–3）")
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
def renew(request: HttpRequest, payload: RenewIn, contract_id: int = CONTRACT_ID) -> Status:
    c = services.renew_contract(
        _staff_contract(request, contract_id),
        acting_user=request.user,
        **payload.dict(exclude={"homes"}),
        homes=[{k: str(v) if k == "area_m2" else v for k, v in h.dict().items()} for h in payload.homes],
    )
    return Status(201, _contract(_staff_contract(request, c.pk)))


class TerminateIn(RentalSchema):
    reason: str = Field(
        ...,
        title="终止原因",
        description="终止原因："
        + "；".join(f"{value} {label}" for value, label in TerminationReason.choices),
    )
    terminated_on: dt.date = Field(..., description="终止日期（租赁关系的最后一日，不晚于今天）")
    record_text: str = Field("", description="违规情况记录（第二十三条情形必填）")
    move_out_months: int = Field(0, description="腾退搬迁期（月，0–3，第二十条第二款）")


@router.post(
    "/contracts/{contract_id}/terminate",
    response=ContractOut,
    summary="终止合同（第十九条、第二十条、第二十三条）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def terminate(request: HttpRequest, payload: TerminateIn, contract_id: int = CONTRACT_ID) -> dict[str, Any]:
    c = services.terminate_contract(
        _staff_contract(request, contract_id),
        acting_user=request.user,
        reason=payload.reason,
        on=payload.terminated_on,
        record_text=payload.record_text,
        move_out_months=payload.move_out_months,
    )
    return _contract(_staff_contract(request, c.pk))


class VacateIn(RentalSchema):
    vacated_on: dt.date = Field(..., description="腾退日期（交还房屋之日，计租至当日，不晚于今天）")
    market_rent_fen: int = Field(..., ge=0, description="同地段市场月租金（分）")


class RentStatementOut(RentalSchema):
    contract: ContractOut
    schedule: list[RentLineOut] = Field(..., description="租期内各期租金（按合同的收取周期，第二十条第一款）")
    move_out_end: dt.date | None
    lines: list[RentLineOut] = Field(..., title="退出租金明细")
    total_fen: int | None = Field(None, title="退出期间应缴租金合计（分）")
    total: str = Field(..., title="退出期间应缴租金合计")
    trace: list[TraceStepOut]


def _statement(c: Any) -> dict[str, Any]:
    schedule = rent_schedule(
        start=c.start_date,
        end=c.end_date,
        monthly_rent_fen=c.monthly_rent_fen,
        payment_period_months=c.payment_period_months,
    )
    out: dict[str, Any] = {
        "contract": _contract(c),
        "schedule": [line.to_dict() for line in schedule],
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
def vacate(request: HttpRequest, payload: VacateIn, contract_id: int = CONTRACT_ID) -> dict[str, Any]:
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
def rent_statement(request: HttpRequest, contract_id: int = CONTRACT_ID) -> dict[str, Any]:
    return _statement(get_object_or_404(_own_contracts(request), pk=contract_id))


# -- 轮候配租通知 (第十七条) ----------------------------------------------------------------------------------
class OfferOut(RentalSchema):
    id: int
    application_id: int
    project: str
    unit_id: int
    unit: str = Field(..., title="房号")
    layout: str
    area_m2: str = Field(..., title="建筑面积（平方米）")
    rent_fen: int = Field(..., title="月租金（分）")
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


class AnswerIn(RentalSchema):
    accept: bool = Field(..., description="true 接受；false 放弃（房源按申请顺序通知下一位轮候人）")


@router.post("/offers/{offer_id}/answer", response=OfferOut, summary="答复轮候配租通知：接受或放弃")
@api_requires(Role.CITIZEN)
def answer(request: HttpRequest, payload: AnswerIn, offer_id: int = OFFER_ID) -> dict[str, Any]:
    from .models import UnitOffer

    offer = get_object_or_404(
        UnitOffer.objects.select_related("unit__project"), pk=offer_id, application__applicant=request.user
    )
    return _offer(services.answer_offer(offer, acting_user=request.user, accept=payload.accept))
