"""Fixtures of the water-plan platform tests: a unit with three years of readings, the demo clerk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction
from ezhou_platform.water_plan.models import MeterReading, SupplierAccount, WaterUnit
from ezhou_rules.core.ids import uscc_check_char

ENTERPRISE_USCC = "91420700MA49XK5L2Y"  # the demo enterprise account's USCC


def make_unit(name: str, body: str, *, started: dt.date | None = dt.date(2019, 1, 1), **kw: Any) -> WaterUnit:
    uscc = body if len(body) == 18 else body + uscc_check_char(body)
    return WaterUnit.objects.create(
        name=name,
        uscc=uscc,
        department=Department.objects.get(code="water"),
        jurisdiction=Jurisdiction.objects.get(code="gedian"),
        normal_use_started=started,
        **kw,
    )


def monthly(account: SupplierAccount, year: int, m3_per_month: int) -> None:
    MeterReading.objects.bulk_create(
        [
            MeterReading(
                account=account, kind="monthly", period=dt.date(year, m, 1), volume_m3x100=m3_per_month * 100
            )
            for m in range(1, 13)
        ]
    )


@pytest.fixture
def clerk(demo_users: dict[str, Any]) -> Any:
    return demo_users["shuiwu_clerk"]


@pytest.fixture
def unit(demo_users: dict[str, Any]) -> WaterUnit:
    """The demo enterprise's unit: 2021 100 m³/month (1200), 2022 1500 (125/month), 2023 1800 (150/month)."""
    u = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC)
    acct = SupplierAccount.objects.create(unit=u, number="EZ-0001")
    monthly(acct, 2021, 100)
    monthly(acct, 2022, 125)
    monthly(acct, 2023, 150)
    return u


@pytest.fixture
def other_unit(demo_users: dict[str, Any]) -> WaterUnit:
    u = make_unit("另一家公司", "91420700MA4ABCDE1")
    SupplierAccount.objects.create(unit=u, number="EZ-0002")
    return u


@pytest.fixture
def tiers(demo_users: dict[str, Any]) -> None:
    """Test tiers (Ezhou's are not known): ≤10% ×0.5, 10–30% ×1, >30% ×2, base price 3.00 yuan/m³."""
    for name, value in (
        ("surcharge.band_upper_bounds", ["10%", "30%"]),
        ("surcharge.multipliers", ["0.5", "1", "2"]),
        ("surcharge.base_price", 300),
    ):
        ConfiguredValue.objects.create(
            tree="water_plan", name=name, valid_from=dt.date(2022, 7, 11), value=value, source="测试取值"
        )


def file_complete_adjustment(plan: Any, clerk: Any, received_on: dt.date, volume_m3x100: int) -> Any:
    """A 第十条 adjustment with the three required materials declared (handed in on paper)."""
    from ezhou_platform.water_plan import services

    return services.file_adjustment(
        plan,
        received_on,
        volume_m3x100,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )


@pytest.fixture
def head(demo_users: dict[str, Any]) -> Any:
    """The water department's head: takes the decisions a clerk who filed or issued a case may not (四眼原则)."""
    return demo_users["shuiwu_head"]


def open_notice(actor: Any = None, **fields: Any) -> Any:
    """A surcharge notice made by hand for a test, with its collection case opened (as the settlement does)."""
    from django.db import transaction

    from ezhou_platform.procedures import engine
    from ezhou_platform.water_plan.models import SurchargeNotice

    with transaction.atomic():
        notice = SurchargeNotice.objects.create(**fields)
        engine.start(
            notice,
            actor=actor,
            on=notice.issued_on,
            label="开具通知单",
            cites="鄂州政办发〔2022〕15号 第十四条",
        )
    return notice
