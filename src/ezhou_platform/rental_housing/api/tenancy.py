"""JSON API of the lease contract (鄂州政发〔2022〕19号 第十八条–第二十三条): signing, filing, renewal,
termination and the exit settlement (operator staff), the tenant's contracts and rent statement.

No `from __future__ import annotations` here (see applications.py).
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

from .. import selectors, services
from ..models import TerminationReason
from .applications import APP_ID
from .calculators import WARNING, HomeIn, RentLineOut, TraceStepOut, router
from .schema import RentalSchema

CONTRACT_ID = Path(..., title="合同编号（记录编号）")


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
    from ..models import Contract

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
    operation_id="ezhou_platform_rental_housing_api_sign",
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


@router.post(
    "/contracts/{contract_id}/file",
    operation_id="ezhou_platform_rental_housing_api_file",
    response=ContractOut,
    summary="合同备案（第十九条）",
)
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
    operation_id="ezhou_platform_rental_housing_api_renew",
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
    operation_id="ezhou_platform_rental_housing_api_terminate",
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
    operation_id="ezhou_platform_rental_housing_api_vacate",
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
    from ..models import Contract

    return Contract.objects.filter(allocation__application__applicant_id=request.user.pk).select_related(
        "allocation__unit__project"
    )


@router.get(
    "/contracts/mine",
    operation_id="ezhou_platform_rental_housing_api_my_contracts",
    response=list[ContractOut],
    summary="我的租赁合同",
)
@api_requires(Role.CITIZEN)
def my_contracts(request: HttpRequest) -> list[dict[str, Any]]:
    return [_contract(c) for c in _own_contracts(request).order_by("-start_date", "-id")]


@router.get(
    "/contracts/{contract_id}/rent-statement",
    operation_id="ezhou_platform_rental_housing_api_rent_statement",
    response=RentStatementOut,
    summary="我的租金清单（含退出租金，第二十条第二款）",
)
@api_requires(Role.CITIZEN)
def rent_statement(request: HttpRequest, contract_id: int = CONTRACT_ID) -> dict[str, Any]:
    return _statement(get_object_or_404(_own_contracts(request), pk=contract_id))
