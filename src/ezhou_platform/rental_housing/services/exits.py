"""Exit and move-out (第十九条, 第二十条第二款, 第二十三条): the contract is terminated — at the end of the term,
at the tenant's request, or for a breach of 第二十三条 with the facts recorded — with a move-out period of at
most 3 months (the tenant's period, in the numbered exit notice); when the unit is handed back the exit rent
is settled (contract rent within the period, market rent after it, R6) in a numbered statement, the
application ends and the unit goes to the head of the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.common import RentalHousingInputError, in_force
from ezhou_rules.rental_housing.tenancy import exit_rent_statement

from ..models import BREACH_REASONS, Application, Contract, TerminationReason
from .allocation import release_unit
from .common import input_error, not_future


def terminate_contract(
    contract: Contract,
    *,
    acting_user: Any,
    reason: str,
    on: dt.date,
    record_text: str = "",
    move_out_months: int = 0,
) -> Contract:
    """终止 (第十九条) or 解除 for a breach of 第二十三条 (the facts must be recorded). The move-out period granted
    (at most 3 months, 第二十条第二款) starts the day after `on`."""
    if reason not in TerminationReason.values:
        raise ApiError(
            "invalid_input",
            "终止原因：不在规定范围内（第十九条、第二十条、第二十三条）。",
            field="reason",
            status=422,
        )
    try:
        most = in_force(parameters(), "contract.max_move_out_months", on, field="terminated_on")
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    not_future(on, "terminated_on", "终止日期")
    if on < contract.start_date:
        raise ApiError(
            "invalid_date",
            f"终止日期：{cn_date(on)}早于合同起租日期{cn_date(contract.start_date)}。",
            field="terminated_on",
            status=422,
        )
    if isinstance(move_out_months, bool) or not 0 <= move_out_months <= most:
        raise ApiError(
            "move_out_period",
            f"腾退搬迁期：最长不超过{most}个月（第二十条第二款）。",
            field="move_out_months",
            status=422,
        )
    step = "terminate_for_breach" if reason in BREACH_REASONS else "terminate"
    engine.take(
        contract,
        step,
        actor=acting_user,
        on=on,
        data={
            "reason": reason,
            "terminated_on": on,
            "record_text": record_text,
            "move_out_months": move_out_months,
        },
    )
    return contract


def record_vacated(
    contract: Contract, *, acting_user: Any, vacated_on: dt.date, market_rent_fen: int
) -> Contract:
    """The unit is handed back: the exit rent statement (第二十条第二款, R6) is computed and kept in a numbered
    statement, the application ends, and the unit is released to the queue."""
    not_future(vacated_on, "vacated_on", "腾退日期")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("allocation").get(pk=contract.pk)
        engine.check_step(contract, "vacate")
        assert contract.terminated_on is not None  # set by the termination step
        trace = Trace()
        try:
            statement = exit_rent_statement(
                exit_date=contract.terminated_on,
                move_out_months=contract.move_out_months or 0,
                vacated_date=vacated_on,
                contract_rent_fen=contract.monthly_rent_fen,
                market_rent_fen=market_rent_fen,
                trace=trace,
            )
        except RentalHousingInputError as exc:
            raise input_error(exc, {"vacated_date": "vacated_on", "exit_date": "terminated_on"}) from exc
        engine.take(
            contract,
            "vacate",
            actor=acting_user,
            on=vacated_on,
            data={
                "vacated_on": vacated_on,
                "market_rent_fen": market_rent_fen,
                "exit_rent_fen": statement.total_fen,
                "exit_statement": trace.to_list(),
            },
        )
        app = Application.objects.select_for_update().get(pk=contract.allocation.application_id)
        engine.take(app, "exit", actor=acting_user, on=vacated_on, note=f"合同{contract.number}腾退结清")
        release_unit(contract.allocation, acting_user=acting_user, reason="腾退", on=vacated_on)
    return contract
