"""A real worker process killed mid-job and started again (SIGKILL: no clean-up of any kind), and
`ezhou serve` starting the worker beside gunicorn and stopping it with it.

The processes use a database of their own, migrated once for this module: a SQLite file in a tmp folder,
or (in the PostgreSQL pass of the suite) a database created on the same server and dropped afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from migrated_db import migrated_database

ROOT = Path(__file__).resolve().parents[3]
HARNESS = Path(__file__).with_name("worker_harness.py")
PREFIX = "测试单位"


@pytest.fixture(scope="module")
def process_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    var = tmp_path_factory.mktemp("jobs-process")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env["EZHOU_VAR_DIR"] = str(var)
    env["DJANGO_SETTINGS_MODULE"] = "ezhou_platform.config.settings"
    env["PYTHONPATH"] = str(ROOT / "src")
    drop = migrated_database(env, var)
    yield {"env": env, "var": var}
    drop()


def _query(db: dict[str, Any], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    url = db["env"].get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
    conn = sqlite3.connect(db["var"] / "ezhou.sqlite3", timeout=20)
    try:
        return list(conn.execute(sql, params).fetchall())
    finally:
        conn.close()


def _harness(db: dict[str, Any], *args: str, timeout: float = 120) -> str:
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


def _start(db: dict[str, Any], name: str, n: int, chunk: int, sleep: float) -> int:
    out = _harness(
        db, "start", name, "--param", f"n={n}", "--param", f"chunk={chunk}", "--param", f"sleep={sleep}"
    )
    return int(out.split()[0].lstrip("#"))


def _run(db: dict[str, Any], run_id: int) -> tuple[str, int, int, int]:
    (row,) = _query(db, "SELECT state, committed, done, attempts FROM jobs_jobrun WHERE id = ?", run_id)
    return row


def _names(db: dict[str, Any], first: int, last: int) -> list[str]:
    rows = _query(db, "SELECT name FROM common_organisation WHERE name LIKE ?", f"{PREFIX}%")
    return sorted(r[0] for r in rows if first <= int(r[0][len(PREFIX) :]) < last)


def _wait(cond: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _worker(db: dict[str, Any], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HARNESS), "worker", "--interval", "0.2", *extra],
        cwd=ROOT,
        env=db["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_mid_job(db: dict[str, Any], run_id: int, n: int) -> int:
    """Start a worker, SIGKILL it once some units are committed (and while a unit is open), return what
    was committed then."""
    proc = _worker(db)
    try:
        _wait(lambda: _run(db, run_id)[1] >= 3 * 10, 90, "three committed units")
        time.sleep(0.15)  # inside the next unit's transaction (each unit sleeps 0.4 s before committing)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    state, committed, _done, attempts = _run(db, run_id)
    assert state == "running" and attempts == 1
    assert 30 <= committed < n and committed % 10 == 0
    return committed


def test_a_killed_worker_resumes_a_resumable_job_from_its_last_committed_unit(
    process_db: dict[str, Any],
) -> None:
    n = 200
    run_id = _start(process_db, "tests.register", n, 10, 0.4)
    committed = _kill_mid_job(process_db, run_id, n)
    # Whole units only: exactly the committed items exist, nothing of the unit that was open.
    assert _names(process_db, 0, n) == [f"{PREFIX}{i:05d}" for i in range(committed)]

    out = _harness(process_db, "worker", "--batch", "--interval", "0.2", timeout=300)
    state, committed_after, done, attempts = _run(process_db, run_id)
    assert (state, committed_after, done, attempts) == ("succeeded", n, n, 2), out
    # Every item exactly once: the second run started where the first one's last commit ended.
    assert _names(process_db, 0, n) == [f"{PREFIX}{i:05d}" for i in range(n)]
    actions = [
        r[0]
        for r in _query(
            process_db, "SELECT action FROM audit_record WHERE object_id = ? ORDER BY seq", str(run_id)
        )
    ]
    assert actions == ["jobs.run.start", "jobs.run.interrupt", "jobs.run.finish"]


def test_a_killed_worker_fails_a_job_that_cannot_resume_with_what_it_committed(
    process_db: dict[str, Any],
) -> None:
    # Items 1000… so this test's rows are told apart from the other test's.
    n = 200
    run_id = _start(process_db, "tests.register_once", n, 10, 0.4)
    committed = _kill_mid_job(process_db, run_id, n)
    _harness(process_db, "worker", "--batch", "--interval", "0.2", timeout=300)
    state, committed_after, done, attempts = _run(process_db, run_id)
    assert (state, committed_after, done, attempts) == ("failed", committed, committed, 1)
    (message,) = _query(process_db, "SELECT message FROM jobs_jobrun WHERE id = ?", run_id)[0]
    assert f"已提交{committed}/{n}项" in message
    (count,) = _query(process_db, "SELECT COUNT(*) FROM common_organisation WHERE name LIKE ?", f"{PREFIX}%")[
        0
    ]
    assert count == n + committed  # the other test's n items, and this run's committed units only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_worker_beside_gunicorn_and_stops_it(process_db: dict[str, Any]) -> None:
    import psutil

    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "ezhou_platform.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=process_db["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def worker_children() -> list[psutil.Process]:
            return [
                p
                for p in psutil.Process(serve.pid).children(recursive=True)
                if "jobs" in p.cmdline() and "worker" in p.cmdline()
            ]

        _wait(lambda: len(worker_children()) == 1, 60, "the job worker beside gunicorn")
        (worker,) = worker_children()

        def answering() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False

        _wait(answering, 60, "gunicorn to listen")
        # The worker works the queue: a job queued now (by the operators' command) is done by it.
        table = process_db["var"] / "city.csv"
        table.write_text(
            "统计用区划代码,名称,层级,上级,来源\n420700000000,鄂州市,市,,GB/T 2260\n", encoding="utf-8"
        )
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "ezhou_platform.cli",
                "jobs",
                "start",
                "registers.jurisdictions.import",
                "--file",
                str(table),
            ],
            cwd=ROOT,
            env=process_db["env"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        run_id = int(out.split()[0].lstrip("#"))
        _wait(lambda: _run(process_db, run_id)[0] == "succeeded", 60, "the worker to run the job")
        assert _query(process_db, "SELECT name, level FROM common_jurisdiction") == [("鄂州市", "city")]
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        _wait(
            lambda: not worker.is_running() or worker.status() == psutil.STATUS_ZOMBIE,
            30,
            "the worker to stop",
        )
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
