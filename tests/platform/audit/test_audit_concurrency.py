"""Concurrent writers never share a seq or fork the chain; and an attacker with the database file is caught.

PostgreSQL: threads in this process, each with its own connection, serialised by the chain head's row lock.
SQLite: separate processes on a real database file (the in-memory test database cannot show file locking),
serialised by BEGIN IMMEDIATE; then the sqlite3 shell plays the attacker.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from migrated_db import migrated_database

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.verify import verify

ROOT = Path(__file__).resolve().parents[3]
THREADS, PER_THREAD = 6, 15
PROCESSES, PER_PROCESS = 4, 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database; the SQLite case runs in processes below")
    from ezhou_platform.common.audit.services import record

    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    record("test.concurrency.write", actor=None, object_id=f"{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    writers = [
        oid.split("-")[0] for oid in AuditRecord.objects.order_by("seq").values_list("object_id", flat=True)
    ]
    assert sum(a != b for a, b in itertools.pairwise(writers)) > THREADS, "the writers did not overlap"
    report = verify()
    assert report.ok, report.problems


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_can_write_the_trail(write: Any) -> None:
    # The flush after this test must be able to empty the append-only table (audit's `flush` override).
    write("test.flush.first")
    assert AuditRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_and_the_next_one_starts_from_an_empty_trail(write: Any) -> None:
    assert AuditRecord.objects.count() == 0
    assert write("test.flush.second").seq == 1
    assert verify().ok


# --- SQLite file: processes, then the attacker ---------------------------------------------------------

APPEND = """
import sys, time
sys.path.insert(0, "src")
import django
django.setup()
from django.db import transaction
from ezhou_platform.common.audit.services import record
start, n = float(sys.argv[-2]), sys.argv[-1]
time.sleep(max(0.0, start - time.time()))  # all processes begin writing at the same moment
for i in range({per}):
    with transaction.atomic():
        record("test.concurrency.write", actor=None, object_id=f"{{n}}-{{i}}")
    time.sleep(0.002)  # let the others at the lock, as real requests would
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


def _manage(tmp: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def _attack(db: Path, sql: str) -> None:
    """What someone with the file does: the sqlite3 shell if installed, else the same SQL via Python."""
    cli = shutil.which("sqlite3")
    if cli:
        subprocess.run([cli, str(db), sql], check=True, capture_output=True, timeout=60)
    else:
        con = sqlite3.connect(db)
        con.executescript(sql)
        con.close()


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory: Any) -> Path:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite file scenario runs in the SQLite pass of the suite")
    tmp = tmp_path_factory.mktemp("audit-sqlite")
    migrated_database(_env(tmp), tmp)
    start = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPEND.format(per=PER_PROCESS), str(start), str(n)],
            cwd=ROOT,
            env=_env(tmp),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    return tmp / "ezhou.sqlite3"


def test_concurrent_processes_sqlite(sqlite_file: Path) -> None:
    con = sqlite3.connect(sqlite_file)
    seqs = [row[0] for row in con.execute("SELECT seq FROM audit_record ORDER BY seq")]
    assert seqs == list(range(1, PROCESSES * PER_PROCESS + 1))
    writers = [row[0].split("-")[0] for row in con.execute("SELECT object_id FROM audit_record ORDER BY seq")]
    assert sum(a != b for a, b in itertools.pairwise(writers)) > PROCESSES, "the writers did not overlap"
    con.close()
    result = _manage(sqlite_file.parent, "audit", "verify", "--no-record", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "结果：通过" in result.stdout


def test_the_triggers_stop_a_plain_update_on_the_file(sqlite_file: Path) -> None:
    con = sqlite3.connect(sqlite_file)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_record SET result = 'failed' WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_record WHERE seq = 3")
    con.close()


def test_attacker_with_the_sqlite3_shell_is_named(sqlite_file: Path) -> None:
    _attack(
        sqlite_file,
        "DROP TRIGGER audit_record_no_update; DROP TRIGGER audit_record_no_delete;"
        " UPDATE audit_record SET result = 'failed', actor_username = 'nobody' WHERE seq = 7;"
        " DELETE FROM audit_record WHERE seq = 20;"
        " INSERT INTO audit_record (seq, created_at, actor_username, actor_name, actor_role, actor_department_code,"
        " actor_department, remote_addr, user_agent, path, request_id, action, label, object_type, object_id,"
        " object_repr, before_json, after_json, result, citation, prev_hash, hash)"
        " SELECT 1000, created_at, 'admin', '', 'admin', '', '', '127.0.0.1', '', '', '', 'auth.login', '', '', '',"
        " '', '', '', 'success', '', hash, 'deadbeef' FROM audit_record ORDER BY seq DESC LIMIT 1;",
    )
    result = _manage(sqlite_file.parent, "audit", "verify", check=False)
    assert result.returncode == 1
    out = result.stdout
    assert "被篡改的记录：#7" in out
    assert "被删除的记录：#20" in out
    assert "伪造插入的记录：#1000" in out
