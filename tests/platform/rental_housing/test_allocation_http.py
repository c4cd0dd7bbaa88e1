"""The issue's concurrency check with real parallel clients (鄂州政发〔2022〕19号 第十七条):
500 qualified applicants and 200 units through 16 concurrent HTTP clients against `ezhou serve` (gunicorn,
4 workers) — on SQLite in the SQLite pass of the suite and on PostgreSQL in the PostgreSQL pass.

It runs `bench/rental_housing.py`, which seeds a database of its own, serves it, drives the clients and then
checks: every unit let at most once, the 200 allocated are the first 200 by application order, the other 300
are queued with positions 1…300 in order, and no request failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from migrated_db import migrated_database

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "bench" / "rental_housing.py"


def _run_bench(env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--applicants",
            "500",
            "--units",
            "200",
            "--clients",
            "16",
            "--workers",
            "4",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}


def test_500_applicants_200_units_16_http_clients(tmp_path: Path) -> None:
    env = _clean_env()
    postgres = env.get("DATABASE_URL", "").startswith("postgres")
    # A migrated database of its own (a copy of the run's template, dropped afterwards); the benchmark's own
    # `migrate` then finds nothing to do.
    drop = migrated_database(env, tmp_path)
    if not postgres:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'ezhou.sqlite3'}"
    try:
        out = _run_bench(env)
    finally:
        drop()
    assert ("PostgreSQL" if postgres else "SQLite") in out
    assert "result                           PASS" in out
    assert "allocations                      200" in out
    assert "'queued': 300" in out or '"queued": 300' in out
