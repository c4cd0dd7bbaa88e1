"""Fixtures of the audit tests: a user of each kind and helpers that play the attacker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction


@pytest.fixture
def users(demo_users: dict[str, Any]) -> dict[str, Any]:
    return demo_users


@pytest.fixture
def write() -> Callable[..., Any]:
    """`write(action, actor=…, …)`: record() inside its own atomic block, as a service would call it."""
    from ezhou_platform.common.audit.services import record

    def _write(action: str = "test.thing.change", **kwargs: Any) -> Any:
        kwargs.setdefault("actor", None)
        with transaction.atomic():
            return record(action, **kwargs)

    return _write


@pytest.fixture
def tamper() -> Callable[[str, list[Any] | None], None]:
    """Run raw SQL the way someone with file or owner access would: with the append-only triggers lifted."""
    from ezhou_platform.common.audit.db import append_only_suspended

    def _tamper(sql: str, params: list[Any] | None = None) -> None:
        with transaction.atomic(), append_only_suspended(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    return _tamper
