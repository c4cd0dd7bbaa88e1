"""A migrated database of its own for a test that starts processes (workers, concurrent clients, a server).

Migrating from nothing applies every app's migrations (several minutes on a busy 2-core machine), and eight
harnesses of the suite used to do it each, in both database passes of CI. Now the first one to ask migrates a
template once per test run with `manage.py migrate` in a subprocess, exactly as before, and every one gets a
copy: the SQLite file copied into its var folder (the installation's default database path), or on PostgreSQL
a database created from the template (CREATE DATABASE … TEMPLATE), dropped when the test is done.

    drop = migrated_database(env, var)   # env: the processes' environment; var: their EZHOU_VAR_DIR
    ...
    drop()
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
_templates: dict[str, str] = {}


def _migrate(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        # the platform's own settings (the processes' ones), not the suite's
        env={**env, "DJANGO_SETTINGS_MODULE": "ezhou_platform.config.settings"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def _sqlite_template(env: dict[str, str]) -> Path:
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="ezhou-migrated-"))
        atexit.register(shutil.rmtree, folder, True)
        _migrate({**{k: v for k, v in env.items() if k != "DATABASE_URL"}, "EZHOU_VAR_DIR": str(folder)})
        _templates["sqlite"] = str(folder / "ezhou.sqlite3")
    return Path(_templates["sqlite"])


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _execute(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _postgres_template(env: dict[str, str]) -> str:
    url = env["DATABASE_URL"]
    if "postgres" not in _templates:
        name = f"ezhou_template_{uuid.uuid4().hex[:12]}"
        admin = _admin_url(url)
        _execute(admin, f'CREATE DATABASE "{name}"')
        atexit.register(_execute, admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _migrate({**env, "DATABASE_URL": urlunsplit(urlsplit(url)._replace(path=f"/{name}"))})
        _templates["postgres"] = name
    return _templates["postgres"]


def migrated_database(env: dict[str, str], var: Path) -> Callable[[], None]:
    """Give the processes started with `env` a migrated database of their own; returns the function that
    removes it. PostgreSQL when env["DATABASE_URL"] names one (the URL is replaced by the new database's),
    otherwise a SQLite file at var/ezhou.sqlite3 (and DATABASE_URL is removed from env)."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        template = _postgres_template(env)
        name = f"ezhou_test_{uuid.uuid4().hex[:12]}"
        admin = _admin_url(url)
        _execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        return lambda: _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    env.pop("DATABASE_URL", None)
    var.mkdir(parents=True, exist_ok=True)
    # The backup API gives a consistent copy of the template whatever its journal mode.
    source = sqlite3.connect(_sqlite_template(env))
    target = sqlite3.connect(var / "ezhou.sqlite3")
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return lambda: None
