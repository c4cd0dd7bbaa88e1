"""`flush`, able to empty the audit table during a test run on SQLite.

Django's test framework empties every table between transactional tests (live_server, TransactionTestCase)
with `flush`. PostgreSQL does that with TRUNCATE, which the audit tables' TRUNCATE trigger refuses (0003);
SQLite does it with DELETE, which the audit table's append-only trigger refuses. While (and only while)
Django's test environment is set up, this command lifts the triggers around the flush and puts them back.
Outside tests it is Django's own `flush`, and it still fails on the audit tables, as it should.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import connections

from ezhou_platform.common.audit.db import append_only_suspended, in_test_run


class Command(DjangoFlushCommand):
    def handle(self, **options: Any) -> None:
        using = options["database"]
        if in_test_run() and connections[using].vendor in ("sqlite", "postgresql"):
            with append_only_suspended(using):
                return super().handle(**options)
        return super().handle(**options)
