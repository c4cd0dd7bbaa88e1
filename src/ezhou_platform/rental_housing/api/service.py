"""JSON API of maintenance requests (第二十四条) and complaints (第二十七条).

No `from __future__ import annotations` here (see applications.py).
"""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Status

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role

from .. import services
from ..models import Project
from .calculators import router
from .schema import RentalSchema
from .tenancy import CONTRACT_ID


# -- maintenance and complaints --------------------------------------------------------------------------------
class MaintenanceIn(RentalSchema):
    description: str = Field(..., title="报修内容")


class CreatedOut(RentalSchema):
    id: int
    received_on: dt.date


@router.post(
    "/contracts/{contract_id}/maintenance",
    operation_id="ezhou_platform_rental_housing_api_maintenance",
    response={201: CreatedOut},
    summary="承租人报修（第二十四条）",
)
@api_requires(Role.CITIZEN)
def maintenance(request: HttpRequest, payload: MaintenanceIn, contract_id: int = CONTRACT_ID) -> Status:
    from ..models import Contract

    contract = get_object_or_404(Contract, pk=contract_id, allocation__application__applicant=request.user)
    req = services.report_maintenance(contract, acting_user=request.user, description=payload.description)
    return Status(201, {"id": req.pk, "received_on": req.reported_on})


class ComplaintIn(RentalSchema):
    content: str
    project_id: int | None = Field(None, title="涉及项目编号")
    complainant: str = Field("", description="投诉人（可匿名）")
    phone: str = ""


@router.post(
    "/complaints",
    operation_id="ezhou_platform_rental_housing_api_complaint",
    response={201: CreatedOut},
    summary="投诉举报（第二十七条）",
)
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
