"""A real process for the water-plan job tests: `python water_job_harness.py setup N` fills a fresh database with N
units whose 2025 use is above their plan (and the test tiers); any other arguments are passed to `ezhou jobs …`
(start a job, run a worker). The tests kill the worker mid-job and start it again."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "src"))


def setup(n: int) -> None:
    from django.db import transaction

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction, User
    from ezhou_platform.water_plan import services
    from ezhou_platform.water_plan.models import MeterReading, SupplierAccount, WaterUnit
    from ezhou_rules.core.ids import uscc_check_char

    load_demo_accounts()
    clerk = User.objects.get(username="shuiwu_clerk")
    water = Department.objects.get(code="water")
    gedian = Jurisdiction.objects.get(code="gedian")
    with transaction.atomic():
        for i in range(n):
            body = f"91420700{i:09d}"
            unit = WaterUnit.objects.create(
                name=f"测试用水单位{i:04d}",
                uscc=body + uscc_check_char(body),
                department=water,
                jurisdiction=gedian,
                normal_use_started=dt.date(2015, 1, 1),
            )
            account = SupplierAccount.objects.create(unit=unit, number=f"T{i:06d}")
            MeterReading.objects.bulk_create(
                MeterReading(
                    account=account,
                    kind="monthly",
                    period=dt.date(year, month, 1),
                    volume_m3x100=(100 if year < 2025 else 150 + i) * 100,
                )
                for year in (2022, 2023, 2024, 2025)
                for month in range(1, 13)
            )
        for name, value in (
            ("surcharge.band_upper_bounds", ["10%", "30%"]),
            ("surcharge.multipliers", ["0.5", "1", "2"]),
            ("surcharge.base_price", 300),
        ):
            ConfiguredValue.objects.create(
                tree="water_plan", name=name, valid_from=dt.date(2022, 7, 11), value=value, source="测试取值"
            )
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 20))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ezhou_platform.config.settings")
    import django

    django.setup()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        from django.core.management import call_command

        call_command("jobs", *sys.argv[1:])
