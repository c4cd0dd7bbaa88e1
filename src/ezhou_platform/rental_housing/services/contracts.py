"""The lease contract as a procedure (第十八条–第二十条第一款): signed on the model text once the application
materials were checked against the originals (第十八条) → filed on the platform with a numbered filing
certificate (第十九条) → at the end of the term renewed after the conditions of 第十二条 are checked again
(第二十条第一款, P5). Termination and exit are in exits.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import fields_snapshot as _snap
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing.common import RentalHousingInputError
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.tenancy import check_contract_terms

from .. import steps as S
from ..models import Allocation, Application, Contract
from .common import input_error, today


def _create(allocation: Allocation, acting_user: Any, day: dt.date, **fields: Any) -> Contract:
    """The contract row and its case, in the caller's transaction; a number already used is refused."""
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                allocation=allocation, originals_checked=True, signed_on=day, **fields
            )
    except IntegrityError as exc:
        raise ApiError("duplicate_number", "合同编号已存在。", field="number", status=409) from exc
    engine.start(contract, actor=acting_user, on=day, label="签订租赁合同", cites=S.CITE_SIGN)
    record(
        "rental_housing.contract.sign",
        actor=acting_user,
        obj=contract,
        after=_snap(contract, ["number", "start_date", "end_date", "monthly_rent_fen", "deposit_fen"]),
        label="签订保障性租赁住房租赁合同",
        citation=S.CITE_SIGN,
    )
    return contract


def sign_contract(
    allocation: Allocation,
    *,
    acting_user: Any,
    number: str,
    start_date: dt.date,
    end_date: dt.date,
    payment_period_months: int,
    deposit_fen: int,
    originals_checked: bool,
    on: dt.date | None = None,
) -> Contract:
    """签订 (第十八条): only after the originals were checked; the term and payment period of 第二十条第一款."""
    if not originals_checked:
        raise ApiError(
            "originals_not_checked",
            "签订合同前须将申请资料与原件核对一致；核对不一致的不得签订合同（第十八条）。",
            field="originals_checked",
            status=422,
        )
    try:
        check_contract_terms(start_date, end_date, payment_period_months)
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    if deposit_fen < 0:
        raise ApiError("invalid_input", "押金：不能为负数。", field="deposit_fen", status=422)
    day = on or today()
    with transaction.atomic():
        allocation = (
            Allocation.objects.select_for_update().select_related("unit", "application").get(pk=allocation.pk)
        )
        if not allocation.active or allocation.contracts.exists():
            raise ProcedureError(
                "bad_state",
                f"该配租已签约或已释放，不能签订合同（{S.CITE_SIGN}）。",
                field="allocation",
                status=409,
            )
        app = Application.objects.select_for_update().get(pk=allocation.application_id)
        engine.check_step(app, "contract")
        contract = _create(
            allocation,
            acting_user,
            day,
            number=number,
            start_date=start_date,
            end_date=end_date,
            monthly_rent_fen=allocation.unit.rent_fen,
            deposit_fen=deposit_fen,
            payment_period_months=payment_period_months,
        )
        engine.take(app, "contract", actor=acting_user, on=day, note=f"合同{number}")
    return contract


def file_contract(contract: Contract, *, acting_user: Any, on: dt.date | None = None) -> Contract:
    """备案 (第十九条) with the numbered filing certificate."""
    engine.take(contract, "file", actor=acting_user, on=on or today())
    return contract


def renew_contract(
    contract: Contract,
    *,
    acting_user: Any,
    number: str,
    end_date: dt.date,
    payment_period_months: int,
    has_spouse: bool,
    minor_children: int,
    homes: list[dict[str, Any]],
    other_subsidised_housing: bool,
    full_civil_capacity: bool = True,
    on: dt.date | None = None,
) -> Contract:
    """续签 (第二十条第一款): 租赁期满后，承租人经审核仍符合承租条件的，可以续签；不符合的，应当退出.

    The conditions of 第十二条 are checked again with the household's situation on the renewal date; if they
    are not met nothing is written and the message says the tenant must exit. The new contract starts the
    day after the old one ends, at the unit's current (filed) rent, and is a case of its own.
    """
    day = on or today()
    start = contract.end_date + dt.timedelta(days=1)
    try:
        check_contract_terms(start, end_date, payment_period_months)
        trace = Trace()
        result = check_applicant(
            application_date=day,
            birth_date=contract.allocation.application.birth_date,
            full_civil_capacity=full_civil_capacity,
            has_spouse=has_spouse,
            minor_children=minor_children,
            homes=parse_homes(homes),
            other_subsidised_housing=other_subsidised_housing,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    if not result.eligible:
        raise ApiError(
            "not_eligible_for_renewal",
            "经复核不再符合承租条件，不能续签，应当退出（第二十条第一款）："
            + "".join(r["message"] for r in result.reasons),
            field="eligibility",
            status=422,
        )
    with transaction.atomic():
        old = Contract.objects.select_for_update().select_related("allocation__unit").get(pk=contract.pk)
        engine.take(old, "renew", actor=acting_user, on=day, note=f"续签为合同{number}")
        new = _create(
            old.allocation,
            acting_user,
            day,
            number=number,
            start_date=start,
            end_date=end_date,
            monthly_rent_fen=old.allocation.unit.rent_fen,
            deposit_fen=old.deposit_fen,
            payment_period_months=payment_period_months,
            renewal_check=trace.to_list(),
        )
    contract.refresh_from_db()
    return new
