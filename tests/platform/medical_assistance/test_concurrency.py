"""Two claims of one person at once never use the deductible or the cap twice; a claim_id settles once.

PostgreSQL: threads, each with its own connection (the person's row lock serialises them).
SQLite: processes on a real database file (BEGIN IMMEDIATE serialises them).

20 claims of 500.00 yuan for a class-3 person: the first 3000.00 of the year is the deductible, so exactly
14 claims × 500 × 65% = 4550.00 is paid, whatever the order. Using the deductible twice would pay more.
Every worker also submits the same claim "SHARED": it is settled once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[3]
WORKERS, PER_WORKER = 4, 5

SETUP = """
import sys
sys.path.insert(0, "src")
import django, datetime as dt
django.setup()
from ezhou_platform.common.demo import load_demo_accounts
from ezhou_platform.common.models import Department, Jurisdiction, User
from ezhou_platform.medical_assistance import services
load_demo_accounts()
p = services.register_person(resident_id=sys.argv[1], name="并发", jurisdiction=Jurisdiction.objects.get(code="echeng"), acting_user=None)
services.record_identity(p, kind="low_income_marginal", source_department=Department.objects.get(code="civil_affairs"), valid_from=dt.date(2024, 1, 1), evidence="测试", acting_user=None)
a = services.submit_application(p, kind="class_aid", year=2024, submitted_on=dt.date(2024, 1, 2), acting_user=None)
services.approve_application(a, acting_user=User.objects.get(username="yibao_head"), day=dt.date(2024, 1, 3))
"""

WORKER = """
import sys, time
sys.path.insert(0, "src")
import django
django.setup()
from tests.platform.medical_assistance.test_concurrency import submit_all
start, rid, n = float(sys.argv[-3]), sys.argv[-2], int(sys.argv[-1])
time.sleep(max(0.0, start - time.time()))
submit_all(rid, n)
"""


def submit_all(resident_id: str, n: int) -> None:
    import datetime as dt

    from ezhou_platform.medical_assistance import services

    def claim(claim_id: str) -> Any:
        return services.ClaimInput(
            claim_id=claim_id,
            resident_id=resident_id,
            settle_date=dt.date(2024, 3, 1),
            kind="inpatient",
            hospital_name="鄂州市中心医院",
            hospital_level=3,
            in_city=True,
            in_province=True,
            temporary_out_of_city=False,
            total_cost=50_000,
            out_of_policy_cost=0,
            policy_self_pay=50_000,
        )

    services.settle_claim(claim("SHARED"), acting_user=None)
    for i in range(PER_WORKER):
        services.settle_claim(claim(f"W{n}-{i}"), acting_user=None)
        time.sleep(0.002)


def check(totals: tuple[int, int, int, int]) -> None:
    settlements, shared, basic, self_pay = totals
    assert settlements == WORKERS * PER_WORKER + 1
    assert shared == 1
    # 21 claims × 500 = 10500 self-pay; (10500 − 3000) × 65% = 4875.00 in claims of 500 × 65% = 325.00
    assert self_pay == 1_050_000
    assert basic == 487_500


def _rid() -> str:
    from ezhou_platform.medical_assistance.demo import demo_resident_id

    return demo_resident_id("42070419800101999")


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_postgresql(demo_users: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database; the SQLite case runs in processes below")
    import datetime as dt

    from ezhou_platform.common.models import Department, Jurisdiction
    from ezhou_platform.medical_assistance import services
    from ezhou_platform.medical_assistance.models import Settlement, YearAccount

    p = services.register_person(
        resident_id=_rid(),
        name="并发",
        jurisdiction=Jurisdiction.objects.get(code="echeng"),
        acting_user=None,
    )
    services.record_identity(
        p,
        kind="low_income_marginal",
        source_department=Department.objects.get(code="civil_affairs"),
        valid_from=dt.date(2024, 1, 1),
        evidence="测试",
        acting_user=None,
    )
    a = services.submit_application(
        p, kind="class_aid", year=2024, submitted_on=dt.date(2024, 1, 2), acting_user=None
    )
    services.approve_application(a, acting_user=demo_users["yibao_head"], day=dt.date(2024, 1, 3))
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            submit_all(p.resident_id, n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    account = YearAccount.objects.get(person=p, year=2024)
    check(
        (
            Settlement.objects.count(),
            Settlement.objects.filter(claim__claim_id="SHARED").count(),
            account.basic_paid,
            account.self_pay,
        )
    )
    assert sum(Settlement.objects.values_list("basic_aid", flat=True)) == account.basic_paid


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PYTEST")}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_AUDIT_HMAC_KEY="test-key-for-the-file-database-0123456789",
        EZHOU_SECRET_KEY="test-secret-key-for-the-file-database-0123456789",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        PYTHONPATH=str(ROOT),
        EZHOU_DEMO="1",  # the setup loads the demo accounts, which only a demo installation may
    )
    return env


def test_concurrent_claims_sqlite_processes(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite file scenario runs in the SQLite pass of the suite")
    import sqlite3

    # imported here: the worker processes import this module without tests/support on their path
    from migrated_db import migrated_database

    env = _env(tmp_path)
    migrated_database(env, tmp_path)
    rid = _rid()
    subprocess.run(
        [sys.executable, "-c", SETUP, rid], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )
    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(start), rid, str(n)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    con = sqlite3.connect(tmp_path / "ezhou.sqlite3")
    count = con.execute("SELECT COUNT(*) FROM medical_assistance_settlement").fetchone()[0]
    shared = con.execute(
        "SELECT COUNT(*) FROM medical_assistance_settlement s JOIN medical_assistance_claim c ON c.id = s.claim_id"
        " WHERE c.claim_id = 'SHARED'"
    ).fetchone()[0]
    basic, self_pay = con.execute(
        "SELECT basic_paid, self_pay FROM medical_assistance_yearaccount"
    ).fetchone()
    paid = con.execute("SELECT SUM(basic_aid) FROM medical_assistance_settlement").fetchone()[0]
    con.close()
    check((count, shared, basic, self_pay))
    assert paid == basic
