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
