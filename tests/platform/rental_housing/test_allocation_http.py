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
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def test_500_applicants_200_units_16_http_clients() -> None:
    env = _clean_env()
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)  # a SQLite file in the benchmark's own temporary folder
        out = _run_bench(env)
        assert "SQLite" in out
    else:
        import psycopg

        # A database of its own on the same server, dropped afterwards.
        name = f"ezhou_http_{uuid.uuid4().hex[:12]}"
        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
            out = _run_bench(env)
            assert "PostgreSQL" in out
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert "result                           PASS" in out
    assert "allocations                      200" in out
    assert "'queued': 300" in out or '"queued": 300' in out
