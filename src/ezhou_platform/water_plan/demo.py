"""Demo records for a fresh `make run`: units (one of them the demo enterprise's), three years of readings,
issued plans, requests waiting on the deadline board, and a surcharge notice (with demo tiers entered)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction, User
from ezhou_rules.core.ids import uscc_check_char

from . import services
from .models import AdjustmentRequest, MeterReading, SupplierAccount, SurchargeNotice, WaterUnit, YearlyPlan

DEMO_UNITS = (
    # name, USCC body (17 chars; the check character is computed), jurisdiction, industry, started, monthly m³
    ("鄂州示范制造有限公司", "91420700MA49XK5L2Y", "gedian", "通用设备制造", dt.date(2019, 3, 1), 1200),
    ("鄂州市第一中学", "12420700MB1234567", "echeng", "教育", dt.date(2015, 9, 1), 800),
    ("华容区人民医院", "12420703MB7654321", "huarong", "卫生", dt.date(2022, 5, 1), 950),
    ("葛店食品饮料有限公司", "91420700MA4ABCDE1", "gedian", "饮料制造", dt.date(2018, 1, 1), 3000),
)


def _uscc(body: str) -> str:
    return body if len(body) == 18 else body + uscc_check_char(body)


@transaction.atomic
def load_demo() -> None:
    water = Department.objects.get(code="water")
    clerk = User.objects.get(username="shuiwu_clerk")
    for name, body, juris, industry, started, monthly in DEMO_UNITS:
        unit, _ = WaterUnit.objects.update_or_create(
            uscc=_uscc(body),
            defaults={
                "name": name,
                "department": water,
                "jurisdiction": Jurisdiction.objects.get(code=juris),
                "industry": industry,
                "normal_use_started": started,
                "contact_name": "联系人",
            },
        )
        acct, _ = SupplierAccount.objects.get_or_create(number=f"EZ{unit.pk:06d}", defaults={"unit": unit})
        for year in (2022, 2023, 2024, 2025):
            for month in range(1, 13):
                MeterReading.objects.get_or_create(
                    account=acct,
                    kind="monthly",
                    period=dt.date(year, month, 1),
                    defaults={"volume_m3x100": (monthly + 10 * (year - 2022) + month) * 100},
                )
    for year in (2025,):
        if not YearlyPlan.objects.filter(year=year).exists():
            services.issue_plans(year, actor=clerk, issued_on=dt.date(year, 1, 20))
    for name, value in (
        ("surcharge.band_upper_bounds", ["10%", "30%"]),
        ("surcharge.multipliers", ["0.5", "1", "2"]),
        ("surcharge.base_price", 258),
    ):
        if not ConfiguredValue.objects.filter(tree="water_plan", name=name).exists():
            ConfiguredValue.objects.create(
                tree="water_plan",
                name=name,
                valid_from=dt.date(2024, 1, 1),
                value=value,
                source="演示数据（非鄂州实际取值）",
                department=water,
                entered_by=clerk,
            )
    plan = YearlyPlan.objects.filter(year=2025, unit__name="鄂州示范制造有限公司").first()
    if plan and not AdjustmentRequest.objects.filter(plan=plan).exists():
        services.file_adjustment(
            plan,
            dt.date(2025, 2, 20),
            50000,
            "新增一条生产线，用水人员增加40人",
            actor=clerk,
            has_form=True,
            has_change_evidence=True,
            has_balance_test=True,
        )
    if not SurchargeNotice.objects.filter(year=2025).exists():
        services.settle_year(2025, actor=clerk, issued_on=dt.date(2026, 1, 15))
    notice = SurchargeNotice.objects.filter(year=2025).first()
    if notice and not notice.received_on:
        services.deliver_notice(notice, dt.date(2026, 1, 16), actor=clerk)
