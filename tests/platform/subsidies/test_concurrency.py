"""The ledger under real concurrency: applications filed at the same moment for the same car (or by the same
person) — exactly one takes the key, every other one is refused naming it; decisions taken at the same moment
for one enterprise's year never exceed its cap (四: 200万 per enterprise and year for supply-chain bills).

PostgreSQL: threads in this process, each with its own connection — the partial unique index decides the key,
the cap row's lock serialises the decisions. SQLite: processes on a real database file (the in-memory test
database cannot show file locking) — BEGIN IMMEDIATE serialises the writers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from migrated_db import migrated_database

from ezhou_platform.subsidies.models import Application, CapUsage, LedgerKey
from ezhou_platform.subsidies.services import decisions, ledger, notices, review
from ezhou_platform.subsidies.services.apply import Payee, submit

from .conftest import add_dealer, configure, file_car, resident_id, vin

ROOT = Path(__file__).resolve().parents[3]
D = dt.date
N = 8


def _threads(n: int, work: Any) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            out = work(i)
            with lock:
                results.append(out)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database; the SQLite case runs in processes below")


@pytest.mark.django_db(transaction=True)
def test_one_car_one_award_under_concurrent_applications_postgresql(demo_users: dict[str, Any]) -> None:
    _postgres_only()
    configure()
    add_dealer("D001")
    buyer = demo_users["car_buyer"]
    # 8 people file for the same new car at the same moment; then 8 cars for the same person.
    results, errors = _threads(N, lambda i: file_car(buyer, resident_id(100 + i), vin(7)).pk)
    assert len(results) == 1 and len(errors) == N - 1
    winner = Application.objects.get()
    assert all(isinstance(e, ledger.DuplicateAward) and winner.number in e.message for e in errors)
    results, errors = _threads(N, lambda i: file_car(buyer, resident_id(300), vin(200 + i)).pk)
    assert len(results) == 1 and all(isinstance(e, ledger.DuplicateAward) for e in errors)
    assert LedgerKey.objects.filter(released_on__isnull=True).count() == 4  # two applications × (person, VIN)
    assert Application.objects.count() == 2


def _bills(users: dict[str, Any], batches: int) -> list[Application]:
    """Supply-chain bills of one enterprise, 6亿 each: 0.2% = 120万 each; the cap is 200万 a year (四)."""
    enterprise = users["enterprise"]
    apps = []
    for b in range(batches):
        facts = {
            "enterprise_id": enterprise.enterprise_uscc,
            "core_unit": "是",
            "connected": "是",
            "year": "2022",
            "batch": f"2022-Q{b + 1}",
            "issued": "600000000.00",
        }
        apps.append(
            submit(
                "m04.bills",
                facts,
                actor=enterprise,
                on=D(2026, 6, 1),
                payee=Payee("鄂州示范制造有限公司", "某银行", "6222000000000000" + f"{b:02d}"),
            )
        )
    clerk = users["caizheng_clerk"]
    for a in apps:
        review.review(a, actor=clerk, on=D(2026, 6, 2))
    notices.publish(apps, actor=clerk, on=D(2026, 6, 3))
    return apps


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_never_exceed_the_cap_postgresql(demo_users: dict[str, Any]) -> None:
    _postgres_only()
    configure()
    apps = _bills(demo_users, 4)
    head = demo_users["caizheng_head"]
    # Four decisions at once, one application each: 120万 + 80万 (what is left of 200万) + refused + refused.
    results, errors = _threads(
        4, lambda i: decisions.decide([decisions.Item(apps[i])], actor=head, on=D(2026, 6, 15)).pk
    )
    assert len(results) == 2 and len(errors) == 2
    assert all(getattr(e, "code", "") == "cap_exhausted" for e in errors)
    decided = sorted(Application.objects.filter(status="decided").values_list("payable_fen", flat=True))
    assert decided == [80_000_000, 120_000_000]  # 2,000,000.00 − 1,200,000.00 = 800,000.00
    assert CapUsage.objects.get().used_fen == 200_000_000


SEED = """
import sys, json, datetime as dt
sys.path.insert(0, "src"); sys.path.insert(0, "tests/support")
import django
django.setup()
from ezhou_platform.common.demo import load_demo_accounts
from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.subsidies.models import ReferenceRow
load_demo_accounts()
for name, value in (("procedure.notice_workdays", 5),):
    ConfiguredValue.objects.create(tree="subsidies", name=name, valid_from=dt.date(2022, 10, 13), value=value, source="测试值")
ReferenceRow.objects.create(kind="dealers", key="D001", data={"dealer_code": "D001", "city": "鄂州市", "listed": "是"})
print("seeded")
"""

CLIENT = r"""
import sys, json, time, datetime as dt
sys.path.insert(0, "src")
import django
django.setup()
from ezhou_platform.common.models import User
from ezhou_platform.subsidies.services import apply
from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.core import ids
from ezhou_rules.subsidies.vin import vin_check_digit
PDF = b"%PDF-1.4\n% test\n"
UPLOADS = [apply.Upload(k, k + ".pdf", PDF) for k in apply.CAR_DOCUMENTS]
def resident_id(n):
    first17 = f"42070419880314{n % 1000:03d}"
    return first17 + ids.resident_id_check_char(first17)
def vin(n):
    body = f"LSVAU2180N{n:07d}"
    return body[:8] + vin_check_digit(body) + body[9:]
def facts(person, car):
    return {"applicant_id": person, "old_owner_id": person, "old_plate": "鄂G12345", "old_vin": vin(999),
            "disposal": "scrap", "disposed_on": "2022-09-01", "new_vin": car, "energy": "nev",
            "dealer_code": "D001", "purchased_on": "2022-09-10", "new_plate": "鄂GD12345"}
start, me = float(sys.argv[-2]), int(sys.argv[-1])
buyer = User.objects.get(username="car_buyer")
time.sleep(max(0.0, start - time.time()))
out = []
for round_ in range(3):
    try:
        app = apply.submit("m12", facts(resident_id(100 + me + 10 * round_), vin(round_)), actor=buyer,
                           on=dt.date(2026, 6, 15), payee=apply.Payee("李四", "某银行", "6222020000000000001"),
                           subject_name="李四", uploads=UPLOADS)
        out.append(["won", app.number])
    except SubsidyError as exc:
        out.append([exc.code, exc.message])
print(json.dumps(out, ensure_ascii=False))
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PYTEST")}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_AUDIT_HMAC_KEY="test-key-for-the-file-database-0123456789",
        EZHOU_SECRET_KEY="test-secret-key-for-the-file-database-0123456789",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        EZHOU_DEMO="1",  # the setup loads the demo accounts, which only a demo installation may
    )
    return env


def test_one_car_one_award_under_concurrent_processes_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite file scenario runs in the SQLite pass of the suite")
    env = _env(tmp_path)
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300, "check": True}
    migrated_database(env, tmp_path)
    subprocess.run([sys.executable, "-c", SEED], **run)  # type: ignore[call-overload]
    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, str(start), str(n)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    # Each round: four people, one car. Exactly one process wins it; the three others are refused naming it.
    for round_ in range(3):
        results = [o[round_] for o in outcomes]
        won = [r for r in results if r[0] == "won"]
        assert len(won) == 1, results
        assert all(r[0] == "duplicate_award" and won[0][1] in r[1] for r in results if r[0] != "won"), results
