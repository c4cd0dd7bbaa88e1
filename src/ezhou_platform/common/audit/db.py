"""Database-side helpers around the append-only triggers.

`append_only_suspended()` lifts the triggers for the duration of a block on one connection. It exists for
two reasons only: the test suite's flush between transactional tests (SQLite empties tables with DELETE,
which the trigger refuses), and the tamper drills of the tests, which play an attacker who has file or
owner access to the database. Production code never calls it; on PostgreSQL it needs table ownership, which
the application's role does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

TABLE = "audit_record"
# PostgreSQL also refuses TRUNCATE of the head (migration 0003); SQLite's head has no trigger.
PG_TABLES = ("audit_record", "audit_chain_head")


def trigger_names(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
        else:
            return []
        return sorted(row[0] for row in cursor.fetchall())


@contextmanager
def append_only_suspended(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in PG_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for table in PG_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        yield


def in_test_run() -> bool:
    """True while Django's test environment is set up (pytest-django or manage.py test)."""
    from django.test import utils

    return hasattr(utils._TestState, "saved_data")
