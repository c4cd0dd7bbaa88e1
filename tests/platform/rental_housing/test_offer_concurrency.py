"""轮候配租 under real concurrency (第十七条): units freed at the same time are offered to the first waiting
applicants in application order, one open offer per unit and per applicant; declines racing with accepts pass
each unit on to the next in order, and no unit is let twice.

Scenario (30 applicants, 10 units): the first 10 (positions 0–9) hold the units, 10–29 wait. All 10 units are
released at once by parallel clients → open offers to positions 10–19. Then 10 and 11 decline while 12–19 accept,
all at once. The first unit declined goes to 20 (the first waiting without an offer); the second goes to whichever
of 10 and 11 declined first, since a decliner keeps their place in the queue for the next unit (interpretation
P8) and has not declined that unit — so the open offers are {20, 10 or 11}; 12–19 hold units; nobody else moves.

PostgreSQL: 8 threads with their own connections. SQLite: 4 processes on a database file.
"""

from __future__ import annotations

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

from .test_allocation_concurrency import ROOT, _env, _manage

EXPECTED_AFTER_RELEASE = {
    "open_offers_to": list(range(10, 20)),
    "open_offer_units_distinct": True,
    "declined_by": [],
    "holders": [],
    "units_let_distinct": True,
    "units_offered": 10,
    "units_let": 0,
    "units_free": 0,
}
EXPECTED_AFTER_ANSWERS = {
    "open_offer_units_distinct": True,
    "declined_by": [10, 11],
    "holders": list(range(12, 20)),
    "units_let_distinct": True,
    "units_offered": 2,
    "units_let": 8,
    "units_free": 0,
}

PREAMBLE = """
import json, sys, time
sys.path.insert(0, "src")
import django
django.setup()
from ezhou_platform.common.models import User
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Allocation, Application, UnitOffer
clerk = User.objects.get(username="loadtest_clerk")
"""
SETUP = (
    PREAMBLE
    + """
for pk in json.loads(sys.argv[-1]):
    services.choose_unit(Application.objects.get(pk=pk), acting_user=clerk)
"""
)
RELEASE = (
    PREAMBLE
    + """
start, ids = float(sys.argv[-2]), json.loads(sys.argv[-1])
time.sleep(max(0.0, start - time.time()))
for pk in ids:
    services.release_unit(Allocation.objects.get(pk=pk), acting_user=clerk, reason="腾退")
"""
)
ANSWER = (
    PREAMBLE
    + """
start, pairs = float(sys.argv[-2]), json.loads(sys.argv[-1])
time.sleep(max(0.0, start - time.time()))
for pk, accept in pairs:
    offer = UnitOffer.objects.get(application_id=pk, status="open")
    services.answer_offer(offer, acting_user=clerk, accept=accept)
"""
)
CHECK = (
    PREAMBLE
    + """
from ezhou_platform.rental_housing import loadtest
print(json.dumps(loadtest.offer_check(int(sys.argv[-1]))))
"""
)


def _after_answers(report: dict[str, Any]) -> None:
    assert report.pop("open_offers_to") in ([10, 20], [11, 20])
    assert report == EXPECTED_AFTER_ANSWERS


def _answers(apps: list[int]) -> list[tuple[int, bool]]:
    return [(apps[i], i >= 12) for i in range(10, 20)]


def _run(tmp: Path, script: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


def _parallel(tmp: Path, script: str, chunks: list[list[Any]]) -> None:
    start = time.time() + 2
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(start), json.dumps(chunk)],
            cwd=ROOT,
            env=_env(tmp),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chunk in chunks
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err


def test_offers_processes_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite file scenario runs in the SQLite pass of the suite")
    migrated_database(_env(tmp_path), tmp_path)
    seeded = json.loads(
        _manage(
            tmp_path,
            "rental_housing",
            "loadtest-seed",
            "--applicants",
            "30",
            "--units",
            "10",
            "--sessions",
            str(tmp_path / "s.json"),
        )
        .strip()
        .splitlines()[-1]
    )
    apps = json.loads((tmp_path / "s.json").read_text())["applications"]
    project = str(seeded["project"])
    _run(tmp_path, SETUP, json.dumps(apps[:10]))
    holders = json.loads(
        _run(
            tmp_path,
            PREAMBLE
            + "print(json.dumps(list(Allocation.objects.filter(active=True).values_list('pk', flat=True))))",
        )
    )
    assert len(holders) == 10
    _parallel(tmp_path, RELEASE, [holders[n::4] for n in range(4)])
    assert json.loads(_run(tmp_path, CHECK, project)) == EXPECTED_AFTER_RELEASE
    answers = _answers(apps)
    _parallel(tmp_path, ANSWER, [answers[n::4] for n in range(4)])
    _after_answers(json.loads(_run(tmp_path, CHECK, project)))


@pytest.mark.django_db(transaction=True)
def test_offers_threads_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database; the SQLite case runs in processes above")
    from ezhou_platform.common.models import User
    from ezhou_platform.rental_housing import loadtest, services
    from ezhou_platform.rental_housing.models import Allocation, Application, UnitOffer

    seeded = loadtest.seed(applicants=30, units=10)
    apps = seeded["applications"]
    clerk = User.objects.get(username="loadtest_clerk")
    for pk in apps[:10]:
        services.choose_unit(Application.objects.get(pk=pk), acting_user=clerk)
    holders = list(Allocation.objects.filter(active=True).values_list("pk", flat=True))

    def parallel(work: list[Any], fn: Any) -> None:
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def worker(chunk: list[Any]) -> None:
            try:
                barrier.wait()
                for item in chunk:
                    fn(item)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(work[n::8],)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []

    parallel(
        holders,
        lambda pk: services.release_unit(Allocation.objects.get(pk=pk), acting_user=clerk, reason="腾退"),
    )
    assert loadtest.offer_check(seeded["project"]) == EXPECTED_AFTER_RELEASE
    parallel(
        _answers(apps),
        lambda pair: services.answer_offer(
            UnitOffer.objects.get(application_id=pair[0], status="open"), acting_user=clerk, accept=pair[1]
        ),
    )
    _after_answers(loadtest.offer_check(seeded["project"]))
