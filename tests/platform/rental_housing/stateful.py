"""What the rental-housing state machines check after every step, whatever the order (see
tests/platform/procedures/test_engine_stateful.py for the layer's own):

- a refused step changes nothing anywhere (no event, audit record or document, the record's state unchanged);
- every record's case is in the record's state, closed exactly when the state is final;
- the open periods of a record are those its state waits on (审核期限 while 待审核, 公示期 while 公示中 …);
- document numbers run 1, 2, 3 … per kind and year, without gaps or repeats.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, settings

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures.engine import case_of
from ezhou_platform.procedures.machine import procedure_of
from ezhou_platform.procedures.models import CaseEvent, Document, Period


def counts() -> tuple[int, int, int]:
    return CaseEvent.objects.count(), AuditRecord.objects.count(), Document.objects.count()


@contextlib.contextmanager
def refused_or_taken(*records: Any) -> Iterator[list[bool]]:
    """Run a step; on a refusal (ApiError) assert that nothing changed. Yields [taken]."""
    before = counts()
    states = [r.status for r in records]
    outcome = [True]
    try:
        yield outcome
    except ApiError:
        outcome[0] = False
        assert counts() == before, "a refused step wrote something"
        for r, state in zip(records, states, strict=True):
            r.refresh_from_db()
            assert r.status == state, f"{r} moved to {r.status} on a refused step"


def check_record(record: Any, open_in: dict[str, set[str]]) -> None:
    """The case is in the record's state, closed iff final; the open periods are those of the state."""
    proc = procedure_of(record)
    case = case_of(record)
    assert case is not None, f"{record} has no case"
    assert case.state == record.status, (record, case.state, record.status)
    assert (case.closed_on is not None) == (record.status in proc.final_states), (record, record.status)
    open_fields = set(
        Period.objects.filter(case=case, closed_on__isnull=True).values_list("field", flat=True)
    )
    assert open_fields == open_in.get(record.status, set()), (record, record.status, open_fields)


def numbers_gap_free() -> None:
    keys = set(Document.objects.values_list("kind", "year"))
    for kind, year in keys:
        seqs = sorted(Document.objects.filter(kind=kind, year=year, version=1).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1)), (kind, year, seqs)


def run(machine: Any, *, examples: int = 12, steps: int = 25) -> None:
    """Run a RuleBasedStateMachine class inside a test that has the database: each example in a savepoint
    rolled back at its end, so every example starts from the same data."""
    machine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    original_init: Callable[..., None] = machine.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    machine.__init__ = init
    machine.teardown = teardown
    machine.TestCase().runTest()
