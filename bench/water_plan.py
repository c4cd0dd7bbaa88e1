"""Benchmark of 计划用水管理 (鄂州政办发〔2022〕15号): issuing the year's plans and the annual settlement.

N water-using units (default 100,000), each with one supplier account, three years of monthly readings
(2021–2023), for one unit in three coefficient events (附件1 三) and for one unit in ten a recorded 第八条第（一）项
reduction of 100 m³ (PlanFinding, applied as the formula's 增减量); then, end to end with database writes:

  1. `issue 2024`: statistic-method plans with coefficients for every unit (第九条, 附件1), audited per chunk;
  2. `settle 2024`: actual use from the 2024 readings, the progressive surcharge and a numbered notice for each
     unit above its plan (第十四条), with test tiers entered as configuration — since issue 9 each notice also
     opens its collection case and is issued as a numbered document (HTML as issued; PDF on first download).

Both run the chunk functions the background jobs run (``services.issue_chunk``, ``services.settle_chunk``).

Run:  .venv/bin/python bench/water_plan.py [--units 100000]       (SQLite file in a temporary folder)
The set-up (bulk inserts of readings) is timed separately and is not part of the two figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import machine  # bench/machine.py: load and calibration printed beside the figures

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    args = ap.parse_args()
    print(machine.report())  # the machine's speed beside the figures (bench/machine.py)
    tmp = Path(tempfile.mkdtemp(prefix="ezhou-bench-wp-"))
    os.environ.update(
        EZHOU_VAR_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        EZHOU_DEMO="1",  # a throw-away database with the demo accounts
    )
    os.environ.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction, User
    from ezhou_platform.water_plan import services
    from ezhou_platform.water_plan.models import SurchargeNotice, WaterUnit, YearlyPlan
    from ezhou_rules.core.ids import uscc_check_char
    from ezhou_rules.water_plan.plan import COEFFICIENT_CASES

    call_command("migrate", verbosity=0)
    load_demo_accounts()
    clerk = User.objects.get(username="shuiwu_clerk")
    water = Department.objects.get(code="water").pk
    gedian = Jurisdiction.objects.get(code="gedian").pk
    n = args.units
    rng = random.Random(2024)
    t0 = time.perf_counter()
    now = "2024-01-01 00:00:00"
    with transaction.atomic(), connection.cursor() as cur:
        units = []
        for i in range(n):
            body = f"91420700{i:09d}"
            units.append(
                (
                    f"用水单位{i:06d}",
                    body + uscc_check_char(body),
                    water,
                    gedian,
                    "制造业",
                    "statistic",
                    "",
                    "",
                    None,
                    "2015-01-01",
                    "",
                    "",
                    True,
                    now,
                )
            )
        cur.executemany(
            "INSERT INTO water_plan_waterunit (name, uscc, department_id, jurisdiction_id, industry, method, "
            "quota_indicator, quota_unit, quota_quantity, normal_use_started, contact_name, contact_phone, active, "
            "created_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            units,
        )
        ids = list(WaterUnit.objects.order_by("pk").values_list("pk", flat=True))
        cur.executemany(
            "INSERT INTO water_plan_supplieraccount (unit_id, number, construction_meter) VALUES (%s,%s,%s)",
            [(u, f"A{u:08d}", False) for u in ids],
        )
        acct = dict(cur.execute("SELECT unit_id, id FROM water_plan_supplieraccount").fetchall())
        base = {u: rng.randint(50, 5000) for u in ids}
        for year in (2021, 2022, 2023, 2024):
            growth = 1 + 0.03 * (year - 2021)
            cur.executemany(
                "INSERT INTO water_plan_meterreading (account_id, kind, period, volume_m3x100, cumulative_m3x100, "
                "batch_id) VALUES (%s,'monthly',%s,%s,NULL,NULL)",
                [
                    (acct[u], f"{year}-{m:02d}-01", int(base[u] * growth * rng.uniform(0.8, 1.2)) * 100)
                    for u in ids
                    for m in range(1, 13)
                ],
            )
        kinds = list(COEFFICIENT_CASES)
        # cases in effect (confirmed by a second person, W23)
        events = [
            (
                u,
                rng.choice(kinds[1:]),
                f"2023-{rng.randint(1, 12):02d}-15",
                None,
                "监督检查记录",
                clerk.pk,
                now,
                "applied",
                "2023-12-20",
                "2023-12-21",
                "",
            )
            for u in ids
            if u % 3 == 0
        ]
        cur.executemany(
            'INSERT INTO water_plan_coefficientevent (unit_id, kind, "on", until, evidence, '
            "recorded_by_id, recorded_at, status, recorded_on, decided_on, withdraw_reason) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            events,
        )
        findings = [
            (u, 2024, "art8-item1", -10000, "用水水平未达到用水定额标准", "监督检查记录", clerk.pk, now)
            for u in ids
            if u % 10 == 0
        ]
        cur.executemany(
            "INSERT INTO water_plan_planfinding (unit_id, year, basis, delta_m3x100, reason, evidence, "
            "recorded_by_id, recorded_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
            findings,
        )
        for name, value in (
            ("surcharge.band_upper_bounds", ["10%", "30%"]),
            ("surcharge.multipliers", ["0.5", "1", "2"]),
            ("surcharge.base_price", 300),
        ):
            ConfiguredValue.objects.create(
                tree="water_plan",
                name=name,
                valid_from=dt.date(2022, 7, 11),
                value=value,
                source="基准测试取值",
            )
    setup = time.perf_counter() - t0
    print(
        f"set-up: {n} units, {n * 48} monthly readings, {len(events)} coefficient events, "
        f"{len(findings)} findings in {setup:.1f} s"
    )

    t0 = time.perf_counter()
    report = services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 20))
    issue = time.perf_counter() - t0
    assert report.issued == n == YearlyPlan.objects.filter(year=2024).count() and not report.failed
    print(f"issue 2024: {report.issued} plans in {issue:.1f} s ({report.issued / issue:,.0f} units/s)")

    t0 = time.perf_counter()
    again = services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 20))
    print(
        f"issue 2024 again (idempotent): {again.issued} new, {again.already} skipped in {time.perf_counter() - t0:.1f} s"
    )

    t0 = time.perf_counter()
    notices = services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))
    settle = time.perf_counter() - t0
    assert notices == SurchargeNotice.objects.filter(year=2024).count()
    print(f"settle 2024: {n} units assessed, {notices} notices in {settle:.1f} s ({n / settle:,.0f} units/s)")
    print(f"database: {(tmp / 'bench.sqlite3').stat().st_size / 1e6:.0f} MB in {tmp}")


if __name__ == "__main__":
    main()
