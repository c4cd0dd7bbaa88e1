"""先租后售 (鄂州政办发〔2022〕19号 三（四）; 鄂州政发〔2022〕19号 第六条第二款) as a procedure: a tenant of a
允许先租后售 unit applies, after 5 full years of tenancy, to convert it into 共有产权住房 → the housing department
assesses the price of the share (by the standard the city approves, named as the price basis) and credits the
rent paid → another person approves (the decision pays money: four eyes), or it is refused with the reason.

The tenancy counts from the first contract's start: renewals continue it (第二十条第一款)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing.common import RentalHousingInputError
from ezhou_rules.rental_housing.tenancy import rent_to_own

from .. import steps as S
from ..models import Contract, ContractStatus, RentToOwnRequest
from .common import input_error, today

LIVE = (ContractStatus.SIGNED, ContractStatus.FILED)


def tenancy_start(contract: Contract) -> dt.date:
    """The first day of the tenancy: the earliest start of the allocation's contracts (renewals continue it)."""
    first = Contract.objects.filter(allocation_id=contract.allocation_id).aggregate(d=Min("start_date"))["d"]
    return first or contract.start_date


def _share_ratio(share: str, ratio: str) -> str:
    if share == RentToOwnRequest.Share.FULL:
        return ""
    text = ratio.strip().replace("％", "%")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not text.endswith("%") or not 0 < value < 100:
        raise ApiError(
            "invalid_input",
            "拟购产权份额：部分产权应写成大于0、小于100的百分比，如“60%”（三（四）：购买部分或者全部产权）。",
            field="share_ratio",
            status=422,
        )
    return text


def file_rent_to_own(
    contract: Contract,
    *,
    acting_user: Any,
    share: str,
    share_ratio: str = "",
    applicant: Any = None,
    on: dt.date | None = None,
) -> RentToOwnRequest:
    """The tenant's application (online, or entered by the operator): only for a live contract of a 允许先租后售
    unit, from the day after 5 full years of tenancy (R8); one open request per contract."""
    day = on or today()
    if share not in RentToOwnRequest.Share.values:
        raise ApiError("invalid_input", "拟购产权：请选择全部产权或部分产权。", field="share", status=422)
    ratio = _share_ratio(share, share_ratio)
    contract = Contract.objects.select_related("allocation__unit__project").get(pk=contract.pk)
    if contract.status not in LIVE:
        raise ApiError(
            "bad_state",
            f"合同当前状态为“{contract.get_status_display()}”，不能申请先租后售（{S.CITE_RENT_TO_OWN}）。",
            field="contract",
            status=409,
        )
    first = tenancy_start(contract)
    trace = Trace()
    try:
        r = rent_to_own(
            housing_type=contract.allocation.unit.project.housing_type,
            tenancy_start=first,
            on=day,
            rent_paid_fen=0,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    if not r.allowed:
        raise ApiError("rent_only", r.reason, field="contract", status=422)
    if not r.may_apply_now:
        assert r.conversion_from is not None
        raise ApiError(
            "tenancy_not_full",
            f"租赁期自{cn_date(first)}起算，{cn_date(r.conversion_from)}起方可申请转为共有产权住房"
            f"（{S.CITE_RENT_TO_OWN}：租赁满5年后）。",
            field="filed_on",
            status=422,
        )
    try:
        with transaction.atomic():
            req = RentToOwnRequest.objects.create(
                contract=contract,
                applicant=applicant,
                filed_on=day,
                tenancy_start=first,
                share=share,
                share_ratio=ratio,
                assessment_trace=trace.to_list(),
            )
            engine.start(req, actor=acting_user, on=day, label="申请先租后售", cites=S.CITE_RENT_TO_OWN)
            record(
                "rental_housing.rent_to_own.file",
                actor=acting_user,
                obj=req,
                after={"contract": contract.number, "share": share, "share_ratio": ratio},
                label="申请先租后售（转为共有产权住房）",
                citation=S.CITE_RENT_TO_OWN,
            )
    except IntegrityError as exc:
        raise ApiError(
            "duplicate_request", "该合同已有未办结的先租后售申请。", field="contract", status=409
        ) from exc
    return req


def assess_rent_to_own(
    req: RentToOwnRequest,
    *,
    acting_user: Any,
    price_fen: int,
    rent_paid_fen: int,
    price_basis: str,
    share: str | None = None,
    share_ratio: str | None = None,
    on: dt.date | None = None,
) -> RentToOwnRequest:
    """核定: the price of the share (by the approved standard, named in `price_basis`) and the rent paid,
    credited to the price (三（四）: 已交的租金，可计入购房款); the rule gives what is still payable."""
    day = on or today()
    share = share or req.share
    ratio = _share_ratio(share, share_ratio if share_ratio is not None else req.share_ratio)
    trace = Trace()
    try:
        r = rent_to_own(
            housing_type=req.contract.allocation.unit.project.housing_type,
            tenancy_start=req.tenancy_start,
            on=day,
            rent_paid_fen=rent_paid_fen,
            price_fen=price_fen,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    engine.take(
        req,
        "assess",
        actor=acting_user,
        on=day,
        data={
            "share": share,
            "share_ratio": ratio,
            "price_basis": price_basis.strip(),
            "price_fen": price_fen,
            "rent_paid_fen": rent_paid_fen,
            "credited_rent_fen": min(r.credited_rent_fen, price_fen),
            "payable_fen": r.payable_fen,
            "uncredited_rent_fen": r.uncredited_rent_fen,
            "assessment_trace": trace.to_list(),
        },
    )
    return req


def approve_rent_to_own(
    req: RentToOwnRequest, *, acting_user: Any, on: dt.date | None = None
) -> RentToOwnRequest:
    """准予 (another person than the filer and the assessor), with the numbered decision."""
    engine.take(req, "approve", actor=acting_user, on=on or today())
    return req


def refuse_rent_to_own(
    req: RentToOwnRequest, *, acting_user: Any, reason: str, on: dt.date | None = None
) -> RentToOwnRequest:
    engine.take(req, "refuse", actor=acting_user, on=on or today(), data={"reason": reason})
    return req
