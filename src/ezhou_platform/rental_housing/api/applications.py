"""JSON API of the application procedure (鄂州政发〔2022〕19号 第十四条–第十七条): the letting announcements and the
publicity list (public), applying and choosing (citizen), the operator's review, qualification and offline
entries, and the 轮候配租通知. Every write is a service call (`..services`), every step the layer's.

No `from __future__ import annotations` here: the endpoints are wrapped by `api_requires`, and django-ninja
resolves string annotations in the wrapper's module, where the schemas are unknown.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Status

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.security import consent

from .. import selectors, services
from ..models import Application, ApplicationStatus, Project, UnitStatus
from .calculators import HomeIn, router
from .schema import RentalSchema

APP_ID = Path(..., title="申请编号")
OFFER_ID = Path(..., title="轮候配租通知编号")


# -- public lists ----------------------------------------------------------------------------------------------
class RentalUnitOut(RentalSchema):
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
    units: list[RentalUnitOut]


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


@router.get(
    "/projects",
    operation_id="ezhou_platform_rental_housing_api_projects",
    response=list[ProjectOut],
    auth=None,
    summary="招租公告：项目与房源（第十六条）",
)
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
    "/publicity",
    operation_id="ezhou_platform_rental_housing_api_publicity",
    response=list[PublicityOut],
    auth=None,
    summary="资格审核公示名单（姓名、身份证号码脱敏）",
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


class CitizenApplicationIn(ApplicationIn, consent.ConsentIn):
    """A citizen's own application: with the version of the notice shown (C26; GET /api/v1/notices/
    rental-housing-application)."""


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
        **payload.dict(exclude={"project_id", "homes", "materials", *consent.CONSENT_FIELDS}),
        homes=[{k: str(v) if k == "area_m2" else v for k, v in h.dict().items()} for h in payload.homes],
        materials=tuple(payload.materials),
    )


@router.post(
    "/applications",
    operation_id="ezhou_platform_rental_housing_api_apply",
    response={201: ApplicationOut},
    summary="网上申请承租资格（第十四条第（一）项）",
)
@api_requires(Role.CITIZEN)
def apply(request: HttpRequest, payload: CitizenApplicationIn) -> Status:
    """For the account's own verified identity, or for a principal of its recorded agent relationship; any
    other name and ID number is refused (403 not_own_identity). Without the current notice acknowledged
    (`notice_version`, `sensitive_acknowledged`): 400 and nothing written (C26)."""
    # only projects with a published letting announcement take applications (第十六条)
    project = get_object_or_404(Project.objects.exclude(announced_on=None), pk=payload.project_id)
    with consent.submission(consent.from_payload(payload, consent.RENTAL_APPLICATION), request) as c:
        app, _ = services.submit_application(
            _application_input(payload, project),
            acting_user=request.user,
            channel=Application.Channel.ONLINE,
            applicant=request.user,
        )
        c.subject = app
    return Status(201, _application(app))


@router.get(
    "/applications/mine",
    operation_id="ezhou_platform_rental_housing_api_my_applications",
    response=list[ApplicationOut],
    summary="我的申请",
)
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
    operation_id="ezhou_platform_rental_housing_api_choose",
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
    operation_id="ezhou_platform_rental_housing_api_apply_offline",
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


@router.post(
    "/applications/{app_id}/review",
    operation_id="ezhou_platform_rental_housing_api_review",
    response=ApplicationOut,
    summary="运营单位审核（5个工作日内）",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def review(request: HttpRequest, payload: ReviewIn, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    if payload.approve:
        app = services.review_approve(app, acting_user=request.user)
    else:
        app = services.review_reject(app, acting_user=request.user, reason=payload.reason)
    return _application(app)


@router.post(
    "/applications/{app_id}/qualify",
    operation_id="ezhou_platform_rental_housing_api_qualify",
    response=ApplicationOut,
    summary="公示期满确认承租资格",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def qualify(request: HttpRequest, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _application(services.close_publicity(app, acting_user=request.user))


@router.post(
    "/applications/{app_id}/choose-for",
    operation_id="ezhou_platform_rental_housing_api_choose_for",
    response=ChooseOut,
    summary="运营单位为线下申请人登记选房",
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department="housing")
def choose_for(request: HttpRequest, payload: ChooseIn, app_id: int = APP_ID) -> dict[str, Any]:
    app = get_object_or_404(selectors.applications_for(request.user), pk=app_id)
    return _choose(request, app, payload.unit_id)


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


@router.get(
    "/offers/mine",
    operation_id="ezhou_platform_rental_housing_api_my_offers",
    response=list[OfferOut],
    summary="我的轮候配租通知（第十七条）",
)
@api_requires(Role.CITIZEN)
def my_offers(request: HttpRequest) -> list[dict[str, Any]]:
    from ..models import UnitOffer

    qs = UnitOffer.objects.filter(application__applicant_id=request.user.pk).select_related("unit__project")
    return [_offer(o) for o in qs.order_by("-offered_at", "-id")]


class AnswerIn(RentalSchema):
    accept: bool = Field(..., description="true 接受；false 放弃（房源按申请顺序通知下一位轮候人）")


@router.post(
    "/offers/{offer_id}/answer",
    operation_id="ezhou_platform_rental_housing_api_answer",
    response=OfferOut,
    summary="答复轮候配租通知：接受或放弃",
)
@api_requires(Role.CITIZEN)
def answer(request: HttpRequest, payload: AnswerIn, offer_id: int = OFFER_ID) -> dict[str, Any]:
    from ..models import UnitOffer

    offer = get_object_or_404(
        UnitOffer.objects.select_related("unit__project"), pk=offer_id, application__applicant=request.user
    )
    return _offer(services.answer_offer(offer, acting_user=request.user, accept=payload.accept))
