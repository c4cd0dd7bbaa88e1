"""The offline-applications import (a resumable job, one unit per 100 rows) in a real worker killed with SIGKILL
in the middle of a unit and started again: the database holds exactly the committed units after the kill, and
after the restart every application of the file exactly once — none lost, none entered twice."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .conftest import resident_id

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jobs"))
from test_worker_process import ROOT, _query, _run, _wait, process_db  # noqa: F401  (fixture)

HARNESS = Path(__file__).with_name("import_harness.py")
N = 400


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


def _applications(db: dict[str, Any]) -> tuple[int, int]:
    ((total, distinct),) = _query(
        db, "SELECT COUNT(*), COUNT(DISTINCT id_number) FROM rental_housing_application"
    )
    return total, distinct


def test_a_killed_import_resumes_and_enters_every_application_once(process_db: dict[str, Any]) -> None:  # noqa: F811
    _harness(process_db, "seed")
    table = process_db["var"] / "线下申请.csv"
    rows = ["项目认定书编号,申请人姓名,身份证号码,联系电话,申请时间,具有完全民事行为能力"]
    rows += [
        f"IMPORT-1,申请人{i},{resident_id(i)},13800000000,2026-06-01 {8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},是"
        for i in range(N)
    ]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = _harness(
        process_db,
        "start",
        "rental_housing.applications.import",
        "--file",
        str(table),
        "--user",
        "zhujian_clerk",
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
        _wait(lambda: _run(process_db, run_id)[1] >= 200, 240, "two committed units")
        time.sleep(0.5)  # inside the next unit's transaction (a unit of 100 rows takes seconds)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    state, committed, _done, attempts = _run(process_db, run_id)
    assert state == "running" and attempts == 1
    assert 200 <= committed < N and committed % 100 == 0
    # whole units only: exactly the committed rows are in, nothing of the unit that was open
    assert _applications(process_db) == (committed, committed)

    _harness(process_db, "worker", "--batch", "--interval", "0.2", timeout=600)
    state, committed_after, done, attempts = _run(process_db, run_id)
    assert (state, committed_after, done, attempts) == ("succeeded", N, N, 2)
    assert _applications(process_db) == (N, N)  # every row once: resumed where the last commit ended
    ((cases,),) = _query(
        process_db, "SELECT COUNT(*) FROM procedures_case WHERE procedure = ?", "rental_housing.application"
    )
    assert cases == N
    ((errors,),) = _query(process_db, "SELECT errors_count FROM jobs_jobrun WHERE id = ?", run_id)
    assert errors == 0
