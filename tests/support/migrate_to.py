"""Migrate the test database to given migrations and back inside a test (``transaction=True``): the historical
models of a state for the rows written before a data migration, then the latest state again.

    old = migrate_to([("subsidies", "0006_subject_encrypt_rows")])  # the apps of that state
    ...
    migrate_to_latest()
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str]]) -> Any:
    """Apply or unapply migrations up to ``targets``; returns the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
