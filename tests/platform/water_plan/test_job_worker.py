"""The year's settlement as a background job in a real worker process, killed with SIGKILL mid-job and started
again (docs/jobs.md): the run resumes from its last committed chunk, every unit above its plan gets exactly one
notice, and the notices' numbers run 1 … N without a gap or a repeat — nothing half-applied."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from migrated_db import migrated_database

ROOT = Path(__file__).resolve().parents[3]
HARNESS = Path(__file__).with_name("water_job_harness.py")
UNITS = 60


@pytest.fixture(scope="module")
def process_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the worker-process tests of the jobs layer cover PostgreSQL; this one runs on SQLite")
    var = tmp_path_factory.mktemp("water-jobs")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    # EZHOU_DEMO: the harness loads the demo accounts, which only a demo installation may
    env.update(
        EZHOU_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings", EZHOU_DEMO="1"
    )
    env["PYTHONPATH"] = str(ROOT / "src")
    migrated_database(env, var)
    _harness({"env": env}, "setup", str(UNITS), timeout=600)
    yield {"env": env, "var": var}


def _harness(db: dict[str, Any], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, str(HARNESS), *args],
        cwd=ROOT,
        env=db["env"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def _query(db: dict[str, Any], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db["var"] / "ezhou.sqlite3", timeout=20)
    try:
        return list(conn.execute(sql, params).fetchall())
    finally:
        conn.close()


def _run(db: dict[str, Any], run_id: int) -> tuple[str, int, int, int]:
    (row,) = _query(db, "SELECT state, committed, done, attempts FROM jobs_jobrun WHERE id = ?", run_id)
    return row


def test_a_killed_worker_resumes_the_settlement_and_numbers_stay_gap_free(process_db: dict[str, Any]) -> None:
    out = _harness(
        process_db,
        "start",
        "water_plan.settle",
        "--param",
        "year=2025",
        "--param",
        "on=2026-01-12",
        "--param",
        "chunk=5",
        "--param",
        "pause=0.4",
        "--user",
        "shuiwu_clerk",
    )
    run_id = int(out.split()[0].lstrip("#"))
    worker = subprocess.Popen(
        [sys.executable, str(HARNESS), "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=process_db["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and _run(process_db, run_id)[1] < 15:
            time.sleep(0.1)
        time.sleep(0.2)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    state, committed, _done, attempts = _run(process_db, run_id)
    assert state == "running" and attempts == 1 and 15 <= committed < UNITS and committed % 5 == 0
    # whole units only: exactly the committed chunks' notices, each with its case and its numbered document
    notices = _query(process_db, "SELECT COUNT(*) FROM water_plan_surchargenotice")[0][0]
    assert notices == committed  # the run's progress commits with its chunk: every unit above its plan
    assert _query(
        process_db, "SELECT COUNT(*) FROM water_plan_surchargenotice WHERE number LIKE '%待编号%'"
    ) == [(0,)]

    _harness(process_db, "worker", "--batch", "--interval", "0.2", timeout=600)
    state, committed, done, attempts = _run(process_db, run_id)
    assert (state, committed, done, attempts) == ("succeeded", UNITS, UNITS, 2)
    rows = _query(
        process_db, "SELECT unit_id, number, document_id FROM water_plan_surchargenotice ORDER BY number"
    )
    assert len(rows) == UNITS and len({r[0] for r in rows}) == UNITS  # every unit exactly once
    assert [r[1] for r in rows] == [f"鄂水节计〔2025〕{i:05d}号" for i in range(1, UNITS + 1)]
    seqs = [
        r[0]
        for r in _query(
            process_db,
            "SELECT seq FROM procedures_document WHERE kind = 'water_plan.surcharge_notice' ORDER BY seq",
        )
    ]
    assert seqs == list(range(1, UNITS + 1))
    cases = _query(process_db, "SELECT COUNT(*) FROM procedures_case WHERE procedure = 'water_plan.notice'")[
        0
    ][0]
    assert cases == UNITS
