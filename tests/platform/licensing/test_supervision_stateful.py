"""The supervision of a commitment licence (第二部分 三（三）、三（四）) in every order the platform allows:
materials handed in and reviewed, verification, 责令限期整改 and its result, a revocation proposal, the
applicant's statement, the hearing and the decision, completion and the daily sweep, interleaved by hypothesis
with the clock moving on (across National Day 2025). A step the law does not allow at that point is refused
with a Chinese message and writes nothing; after every step the case's invariants hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ezhou_platform.licensing.models import Application, CreditRecord, Licence, RectificationOrder
from ezhou_platform.licensing.services import supervision, sweep
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Document, Period
from ezhou_rules.licensing.errors import LicensingError

from .conftest import licensed_food

pytestmark = pytest.mark.django_db
START = dt.date(2025, 9, 26)
MATERIALS = ("layout_plan", "health_certificates")
USERS: dict[str, Any] = {}


class LicenceUnderSupervision(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.on = START
        self.app = licensed_food(USERS, START)
        self.clerk, self.head, self.ent = USERS["shenpi_clerk"], USERS["shenpi_head"], USERS["enterprise"]
        self.refusals = 0

    def _snapshot(self) -> tuple[Any, ...]:
        case = engine.case_of(self.app)
        assert case is not None
        return (
            Application.objects.get(pk=self.app.pk).status,
            RectificationOrder.objects.filter(application=self.app).count(),
            Document.objects.filter(case=case).count(),
            case.events.count(),
            CreditRecord.objects.filter(application=self.app).count(),
        )

    def _try(self, fn: Any, **kw: Any) -> None:
        before = self._snapshot()
        try:
            fn(self.app, on=self.on, **kw)
        except (ProcedureError, LicensingError) as exc:
            message = getattr(exc, "message", str(exc))
            assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message)  # a Chinese reason
            assert self._snapshot() == before  # nothing half-written
            self.refusals += 1
        self.app = Application.objects.get(pk=self.app.pk)

    @rule(days=st.integers(0, 25))
    def time_passes(self, days: int) -> None:
        self.on += dt.timedelta(days=days)

    @rule(code=st.sampled_from(MATERIALS))
    def hand_in(self, code: str) -> None:
        self._try(supervision.submit_material, actor=self.ent, code=code, upload=("m.pdf", b"%PDF-1.4 m"))

    @rule(code=st.sampled_from(MATERIALS), conforming=st.booleans())
    def review(self, code: str, conforming: bool) -> None:
        self._try(
            supervision.review_material, actor=self.clerk, code=code, conforming=conforming, note="审查"
        )

    @rule(result=st.sampled_from(["true", "untrue"]))
    def verify(self, result: str) -> None:
        self._try(supervision.verify, actor=self.clerk, result=result, note="现场核查")

    @rule(grounds=st.sampled_from(["materials", "conditions", "commitment_untrue", "qualify"]))
    def order(self, grounds: str) -> None:
        self._try(supervision.order, actor=self.clerk, grounds=grounds, matters="限期整改事项")

    @rule(conforming=st.booleans())
    def rectification_result(self, conforming: bool) -> None:
        self._try(supervision.rectification_result, actor=self.clerk, conforming=conforming, note="复查")

    @rule()
    def propose_revocation(self) -> None:
        self._try(supervision.propose_revocation, actor=self.clerk, grounds="逾期不整改")

    @rule()
    def statement(self) -> None:
        self._try(supervision.state_statement, actor=self.ent, statement="已按要求整改")

    @rule()
    def hear(self) -> None:
        self._try(supervision.hear, actor=self.clerk, note="已听取陈述申辩")

    @rule(revoke=st.booleans(), by_head=st.booleans())
    def decide(self, revoke: bool, by_head: bool) -> None:
        actor = self.head if by_head else self.clerk
        self._try(supervision.decide_revocation, actor=actor, revoke=revoke, note="经研究决定")

    @rule()
    def complete(self) -> None:
        self._try(supervision.complete, actor=self.clerk)

    @rule()
    def daily_sweep(self) -> None:
        before = Application.objects.get(pk=self.app.pk).status
        attention, flags, _ = sweep.compute(self.on, ids=[self.app.pk])
        sweep.write(attention, flags, self.on)
        assert Application.objects.get(pk=self.app.pk).status == before  # the sweep takes no step

    @invariant()
    def the_case_holds_together(self) -> None:
        app = Application.objects.get(pk=self.app.pk)
        licence = Licence.objects.get(application=app)
        case = engine.case_of(app)
        assert case is not None
        # revoked exactly when the licence carries its revocation day, after a hearing, by another person
        assert (app.status == "revoked") == (licence.revoked_on is not None)
        if app.status == "revoked":
            assert app.heard_on is not None and app.heard_on <= licence.revoked_on
            decider = case.events.order_by("-id").first()
            assert decider is not None and decider.actor_id != app.revocation_proposed_by_id
            assert case.closed_on == licence.revoked_on
            assert not Period.objects.filter(case=case, closed_on__isnull=True).exists()
        # every order has its numbered document and the period configured for the item
        for order in RectificationOrder.objects.filter(application=app):
            assert order.document is not None and order.document.number and order.due is not None
        # a rectification in progress has its day; a proposal names who proposed it
        if app.status == "rectifying":
            assert app.rectification_due is not None
        if app.status in ("revocation_proposed", "heard"):
            assert app.revocation_proposed_by_id is not None
        # an untrue commitment or a late or rejected material is proposed to the credit office, never confirmed here
        assert not CreditRecord.objects.filter(application=app).exclude(status="proposed").exists()


def test_supervision_in_every_order(configured: dict[str, Any]) -> None:
    USERS.clear()
    USERS.update(configured)
    run_state_machine_as_test(
        LicenceUnderSupervision,
        settings=settings(
            max_examples=8,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
