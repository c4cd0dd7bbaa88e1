"""The procedure layer in every order: random sequences of steps by random people on random days.

Whatever order the steps come in, a step either happens completely (state, event, periods, document, audit)
or not at all, the case's state is always the record's, every open period belongs to the current state, and
document numbers run 1, 2, 3 … per year without gaps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from procedure_example.models import ExampleRequest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Opens
from ezhou_platform.procedures.models import Case, CaseEvent, Document, Period
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

CITE = "鄂州政办发〔2022〕15号 第十条第一款"
VERIFY_5 = Opens(
    "verify_due", "核实期限", CITE, lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5))
)
PEOPLE = ["shuiwu_clerk", "shuiwu_head", "yibao_clerk", "auditor", "enterprise"]
# Which open period belongs to which state (the step that answers it has not run yet).
OPEN_IN = {"received": {"verify_due"}, "verified": {"decision_due"}, "approved": set(), "refused": set()}


@pytest.mark.django_db
def test_steps_in_any_order(demo_users: dict[str, Any]) -> None:
    class Steps(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.reqs: list[ExampleRequest] = []
            self.day = dt.date(2024, 1, 2)

        @rule(gap=st.integers(0, 20))
        def file(self, gap: int) -> None:
            self.day += dt.timedelta(days=gap)
            with transaction.atomic():
                req = ExampleRequest.objects.create(name=f"单位{len(self.reqs)}", received_on=self.day)
                engine.start(
                    req,
                    actor=demo_users["shuiwu_clerk"],
                    on=self.day,
                    label="受理",
                    cites=CITE,
                    opens=[VERIFY_5],
                )
            self.reqs.append(req)

        @rule(
            i=st.integers(0, 50),
            step=st.sampled_from(["verify", "approve", "refuse"]),
            who=st.sampled_from(PEOPLE),
            volume=st.integers(-5, 500),
            gap=st.integers(0, 40),
        )
        def take(self, i: int, step: str, who: str, volume: int, gap: int) -> None:
            if not self.reqs:
                return
            req = self.reqs[i % len(self.reqs)]
            req.refresh_from_db()
            self.day += dt.timedelta(days=gap)
            counts = (CaseEvent.objects.count(), AuditRecord.objects.count(), Document.objects.count())
            state = req.status
            try:
                engine.take(
                    req, step, actor=demo_users[who], on=self.day, data={"volume": volume, "reason": "r"}
                )
            except ProcedureError:
                # Refused: nothing changed anywhere.
                req.refresh_from_db()
                assert req.status == state
                assert counts == (
                    CaseEvent.objects.count(),
                    AuditRecord.objects.count(),
                    Document.objects.count(),
                )
                return
            # Taken: exactly one event and one audit record; a document only for an approval.
            assert CaseEvent.objects.count() == counts[0] + 1
            assert AuditRecord.objects.count() == counts[1] + 1
            assert Document.objects.count() == counts[2] + (step == "approve")
            assert who in ("shuiwu_clerk", "shuiwu_head")
            assert not (step == "approve" and who == "shuiwu_clerk")  # four eyes: the clerk filed them all

        @invariant()
        def consistent(self) -> None:
            for req in ExampleRequest.objects.all():
                case = Case.objects.get(object_id=req.pk)
                assert case.state == req.status
                assert (case.closed_on is not None) == (req.status in ("approved", "refused"))
                open_fields = set(
                    Period.objects.filter(object_id=req.pk, closed_on__isnull=True).values_list(
                        "field", flat=True
                    )
                )
                assert open_fields == OPEN_IN[req.status]
            for year in {d.year for d in Document.objects.all()}:
                seqs = sorted(Document.objects.filter(year=year).values_list("seq", flat=True))
                assert seqs == list(range(1, len(seqs) + 1))

    Steps.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    # Each example starts from an empty table of its own: run inside a savepoint rolled back at the end.
    original_init = Steps.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    Steps.__init__ = init  # type: ignore[method-assign]
    Steps.teardown = teardown  # type: ignore[method-assign]
    Steps.TestCase().runTest()
