"""Allocation under real concurrency (第十七条): a unit is never let twice, an applicant never holds two units,
nobody is overtaken by a later applicant; the rest wait in the queue in application order.

PostgreSQL: 16 threads in this process, each with its own connection, serialised by the project row lock.
SQLite: 4 processes on a real database file (the in-memory test database cannot show file locking),
serialised by BEGIN IMMEDIATE. Each client asks in a shuffled order, so later applicants often ask first.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from migrated_db import migrated_database

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_allocation_threads_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database; the SQLite case runs in processes below")
    from ezhou_platform.common.models import User
    from ezhou_platform.rental_housing import loadtest, services
    from ezhou_platform.rental_housing.models import Application

    scenario = loadtest.seed(applicants=120, units=40)
    ids = list(scenario["applications"])
    random.Random(5).shuffle(ids)
    errors: list[BaseException] = []
    results: dict[int, Any] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def worker() -> None:
        try:
            clerk = User.objects.get(username="loadtest_clerk")
            barrier.wait()
            while True:
                with lock:
                    if not ids:
                        return
                    pk = ids.pop()
                r = services.choose_unit(Application.objects.get(pk=pk), acting_user=clerk)
                results[pk] = r.queue_position
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = loadtest.check(scenario["project"])
    assert report == {
        "units": 40,
        "units_let": 40,
        "distinct_units_let": 40,
        "holders": 40,
        "distinct_people": 40,
        "allocated_are_the_first": True,
        "queued": 80,
        "queue_positions_in_order": True,
        "units_marked_let": 40,
    }
    assert sum(1 for p in results.values() if p is None) == 40


CLIENT = """
import json, random, sys, time
sys.path.insert(0, "src")
import django
django.setup()
from ezhou_platform.common.models import User
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Application
start, n, ids = float(sys.argv[-3]), int(sys.argv[-2]), json.loads(sys.argv[-1])
clerk = User.objects.get(username="loadtest_clerk")
time.sleep(max(0.0, start - time.time()))
for pk in ids:
    services.choose_unit(Application.objects.get(pk=pk), acting_user=clerk)
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PYTEST")}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_AUDIT_HMAC_KEY="test-key-for-the-file-database-0123456789",
        EZHOU_SECRET_KEY="test-secret-key-for-the-file-database-0123456789",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
    )
    return env


def _manage(tmp: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


def test_allocation_processes_sqlite(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite file scenario runs in the SQLite pass of the suite")
    migrated_database(_env(tmp_path), tmp_path)
    seeded = json.loads(
        _manage(
            tmp_path,
            "rental_housing",
            "loadtest-seed",
            "--applicants",
            "60",
            "--units",
            "20",
            "--sessions",
            str(tmp_path / "s.json"),
        )
        .strip()
        .splitlines()[-1]
    )
    ids = json.loads((tmp_path / "s.json").read_text())["applications"]
    random.Random(7).shuffle(ids)
    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, str(start), str(n), json.dumps(ids[n::4])],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    report = json.loads(_manage(tmp_path, "rental_housing", "loadtest-check", str(seeded["project"])))
    assert report == {
        "units": 20,
        "units_let": 20,
        "distinct_units_let": 20,
        "holders": 20,
        "distinct_people": 20,
        "allocated_are_the_first": True,
        "queued": 40,
        "queue_positions_in_order": True,
        "units_marked_let": 20,
    }
