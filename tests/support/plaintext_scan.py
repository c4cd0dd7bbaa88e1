"""The C20 plaintext scan's tools, shared by the scans of each domain: real processes with the installation's
own settings on a migrated SQLite file of the test's own (``migrated_db``), and the places a value may be
found in clear — the database file with its WAL, and the ``sqlite3 .dump`` text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def scan_env(tmp: Path) -> dict[str, str]:
    """The processes' environment: the platform's settings, ``tmp`` as their var folder (database, key file,
    job files), no field keys inherited from the suite (the key file is created on first use)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW", "EZHOU_FIELD"))}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_AUDIT_HMAC_KEY="test-key-for-the-encryption-scan-0123456789",
        EZHOU_SECRET_KEY="test-secret-key-for-the-encryption-scan-0123456789",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out


def hits(blob: bytes, numbers: list[str]) -> int:
    """How many of ``numbers`` occur in ``blob`` (each counted once)."""
    return sum(1 for n in numbers if n.encode() in blob)


def database_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def dump(db: Path) -> bytes:
    if shutil.which("sqlite3"):
        return subprocess.run(
            ["sqlite3", str(db), ".dump"], capture_output=True, check=True, timeout=300
        ).stdout
    import sqlite3

    return "\n".join(sqlite3.connect(db).iterdump()).encode()
