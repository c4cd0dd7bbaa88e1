"""A surcharge notice's amount under a MAC (SECURITY.md C21), set on the bulk path of the year's settlement
and on the single save of a re-issued notice; an edit in the database is named by `audit verify`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from ezhou_platform.common.audit.verify import MONEY, verify
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import SurchargeNotice

from .conftest import monthly, open_notice

pytestmark = pytest.mark.django_db


def test_notices_of_the_bulk_settlement_carry_a_mac_and_an_edit_is_named(
    unit: Any, clerk: Any, tiers: Any
) -> None:
    monthly(unit.accounts.get(), 2024, 160)
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))
    n = SurchargeNotice.objects.get()
    assert n.amount_fen > 0 and n.money_mac == n.compute_money_mac()
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute("UPDATE water_plan_surchargenotice SET amount_fen = 0 WHERE id = %s", [n.pk])
    [problem] = verify().of_kind(MONEY)
    assert problem.message == f"加价水费通知单 #{n.pk} 的金额与其校验码不符"


def test_a_notice_saved_one_by_one_carries_a_mac(unit: Any) -> None:
    n = open_notice(
        unit=unit,
        year=2023,
        number="〔2023〕测试1",
        actual_m3x100=100,
        plan_m3x100=50,
        excess_m3x100=50,
        bands={},
        amount_fen=1234,
        issued_on=dt.date(2024, 1, 10),
    )
    assert n.money_mac == n.compute_money_mac() and verify().ok


def test_macs_of_a_batch_are_the_macs_of_each_row() -> None:
    # money.macs_for writes an all-integer row's message from a template with the keys sorted; a row with any
    # other value goes through mac_for's json.dumps. Both must give mac_for's MAC, row by row.
    from ezhou_platform.common.audit import money

    key = b"k" * 32
    label = "water_plan.surchargenotice"
    columns = {
        "unit_id": [3, 4, 5],
        "year": [2024, 2024, 2024],
        "version": [1, 2, 1],
        "actual_m3x100": [1976900, 0, 12],
        "plan_m3x100": [1913850, 5, 10],
        "excess_m3x100": [63050, 0, 2],
        "amount_fen": [94575, 0, None],  # the third row is not all integers: None is canonical ""
    }
    batch = money.macs_for(label, [10, 11, 12], columns, key)
    one_by_one = [
        money.mac_for(label, pk, {name: values[i] for name, values in columns.items()}, key)
        for i, pk in enumerate([10, 11, 12])
    ]
    assert batch == one_by_one
    assert len(set(batch)) == 3  # id and amounts are in the message
