"""Each procedure of 计划用水管理 on the layer, its steps taken in every order the law allows (issue 9):
random steps by random people on random days. Whatever the order, a step either happens completely (state,
event, periods, document, plan change, audit) or not at all; the case's state is always the record's; the open
periods are those of the current state; document numbers run 1, 2, 3 … per kind and year; the plan's figures
are what the law computes from the decisions taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures.models import Case, CaseEvent, Document, Period
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    PlanChange,
    SupplementRequest,
    SurchargeNotice,
    YearlyPlan,
)
from ezhou_rules.water_plan.errors import WaterPlanError

from .conftest import monthly

pytestmark = pytest.mark.django_db

PEOPLE = ["shuiwu_clerk", "shuiwu_head", "enterprise", "yibao_clerk", "auditor"]
WATER_STAFF = {"shuiwu_clerk", "shuiwu_head"}
TODAY = dt.date(2026, 6, 15)  # the frozen clock (tests/conftest.py)


def _run(machine: type[RuleBasedStateMachine], examples: int = 10, steps: int = 15) -> None:
    """Run a state machine with each example inside a savepoint rolled back at its end."""
    machine.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    original_init = machine.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    machine.__init__ = init  # type: ignore[method-assign]
    machine.teardown = teardown  # type: ignore[method-assign]
    machine.TestCase().runTest()


def _counts() -> tuple[int, int, int, int]:
    return (
        CaseEvent.objects.count(),
        AuditRecord.objects.count(),
        Document.objects.count(),
        PlanChange.objects.count(),
    )


def _attempt(call: Callable[[], Any]) -> tuple[bool, Any]:
    """Take a step; on a refusal, nothing anywhere may have changed."""
    before = _counts()
    try:
        return True, call()
    except WaterPlanError:
        assert _counts() == before
        return False, None


def _case_consistent(record: Any, state: str, finals: set[str], open_in: dict[str, set[str]]) -> None:
    case = Case.objects.get(object_id=record.pk, content_type__model=record._meta.model_name)
    assert case.state == state
    assert (case.closed_on is not None) == (state in finals)
    open_fields = set(
        Period.objects.filter(
            object_id=record.pk, content_type__model=record._meta.model_name, closed_on__isnull=True
        ).values_list("field", flat=True)
    )
    assert open_fields == open_in[state], (state, open_fields)


def _numbers_gap_free() -> None:
    seen: dict[tuple[str, int], list[int]] = {}
    for kind, year, seq in Document.objects.filter(version=1).values_list("kind", "year", "seq"):
        seen.setdefault((kind, year), []).append(seq)
    for seqs in seen.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))


@pytest.fixture
def plan_2026(unit: Any, clerk: Any) -> YearlyPlan:
    # 2023 1,800, 2024 and 2025 100 m³/month: (1800×10% + 1200×20% + 1200×70%) = 1,260.00 m³, issued 2026-01-20
    monthly(unit.accounts.get(), 2024, 100)
    monthly(unit.accounts.get(), 2025, 100)
    services.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 1, 20))
    return YearlyPlan.objects.get(unit=unit, year=2026)


# -- 第十条 adjustments -------------------------------------------------------------------------------------------


def test_adjustments_in_any_order(demo_users: dict[str, Any], plan_2026: YearlyPlan) -> None:
    ADJ_OPEN = {
        "received": {"verify_due", "notify_due"},
        "verified": {"notify_due"},
        "approved": set(),
        "refused": set(),
    }

    from ezhou_platform.common.calendar import platform_calendar
    from ezhou_rules.water_plan import deadlines

    filing_due = deadlines.adjustment_filing_due(plan_2026.issued_on, platform_calendar()).due

    class Adjustments(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.reqs: list[tuple[AdjustmentRequest, str]] = []
            self.day = dt.date(2026, 1, 21)

        def _move(self, gap: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)

        @rule(
            who=st.sampled_from(["shuiwu_clerk", "enterprise"]),
            gap=st.integers(0, 12),
            volume=st.integers(1, 500),
        )
        def file(self, who: str, gap: int, volume: int) -> None:
            self._move(gap)
            ok, req = _attempt(
                lambda: services.file_adjustment(
                    plan_2026,
                    self.day,
                    volume * 100,
                    "扩产",
                    actor=demo_users[who],
                    has_form=True,
                    has_change_evidence=True,
                    has_balance_test=True,
                )
            )
            # 第十条: by the end of the month after the issue (W15: rolled past a rest day)
            assert ok == (self.day <= filing_due)
            if ok:
                self.reqs.append((req, who))

        @rule(
            i=st.integers(0, 30),
            step=st.sampled_from(["verify", "approve", "refuse"]),
            who=st.sampled_from(PEOPLE),
            volume=st.integers(-5, 600),
            case=st.integers(0, 8),
            gap=st.integers(0, 15),
        )
        def decide(self, i: int, step: str, who: str, volume: int, case: int, gap: int) -> None:
            if not self.reqs:
                return
            req, filer = self.reqs[i % len(self.reqs)]
            req.refresh_from_db()
            self._move(gap)
            state, actor = req.status, demo_users[who]
            calls = {
                "verify": lambda: services.verify_adjustment(req, actor=actor, on=self.day),
                "approve": lambda: services.approve_adjustment(req, volume * 100, actor=actor, on=self.day),
                "refuse": lambda: services.refuse_adjustment(req, case, "经核实", actor=actor, on=self.day),
            }
            before = _counts()
            ok, _ = _attempt(calls[step])
            req.refresh_from_db()
            if not ok:
                assert req.status == state
                return
            # taken: only the water department's staff, from a state the law allows, with the law's inputs
            assert who in WATER_STAFF
            assert (state, step) in {
                ("received", "verify"),
                ("verified", "approve"),
                ("received", "refuse"),
                ("verified", "refuse"),
            }
            if step == "approve":
                assert who != filer and 0 < volume * 100 <= req.requested_m3x100
                change = PlanChange.objects.get(kind="adjustment", source_id=req.pk)
                assert change.delta_m3x100 == volume * 100 and change.document is not None
            if step == "refuse":
                assert 1 <= case <= 7 and req.refusal_case == case
            events, audits, docs, changes = _counts()
            assert (events, audits) == (before[0] + 1, before[1] + 1)
            assert docs == before[2] + (step != "verify") and changes == before[3] + (step == "approve")

        @invariant()
        def consistent(self) -> None:
            for req, _ in self.reqs:
                req.refresh_from_db()
                _case_consistent(req, req.status, {"approved", "refused"}, ADJ_OPEN)
            _numbers_gap_free()
            approved = sum(
                r.approved_m3x100 or 0 for r in AdjustmentRequest.objects.filter(status="approved")
            )
            assert (
                YearlyPlan.objects.get(pk=plan_2026.pk).effective_m3x100 == plan_2026.volume_m3x100 + approved
            )

    _run(Adjustments)


# -- 第十二条 supplements -------------------------------------------------------------------------------------------


def test_supplements_in_any_order(demo_users: dict[str, Any], plan_2026: YearlyPlan) -> None:
    SUP_OPEN = {"received": {"review_due"}, "approved": set(), "refused": set()}

    class Supplements(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.reqs: list[SupplementRequest] = []
            self.day = dt.date(2026, 3, 2)

        @rule(gap=st.integers(0, 10), late=st.integers(0, 6), volume=st.integers(0, 300))
        def file(self, gap: int, late: int, volume: int) -> None:
            event = min(self.day + dt.timedelta(days=gap), TODAY)
            received = min(event + dt.timedelta(days=late), TODAY)
            self.day = received
            ok, req = _attempt(
                lambda: services.file_supplement(
                    plan_2026,
                    "fire",
                    event,
                    received,
                    {"volume": str(volume), "source": "fire_meter"},
                    actor=demo_users["shuiwu_clerk"],
                    paper_materials=True,
                )
            )
            if ok:
                assert req.computed_m3x100 == volume * 100
                self.reqs.append(req)

        @rule(
            i=st.integers(0, 30),
            step=st.sampled_from(["approve", "refuse"]),
            who=st.sampled_from(PEOPLE),
            case=st.integers(0, 8),
            gap=st.integers(0, 10),
        )
        def decide(self, i: int, step: str, who: str, case: int, gap: int) -> None:
            if not self.reqs:
                return
            req = self.reqs[i % len(self.reqs)]
            req.refresh_from_db()
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            state, actor = req.status, demo_users[who]
            if step == "approve":
                ok, _ = _attempt(lambda: services.approve_supplement(req, actor=actor, on=self.day))
            else:
                ok, _ = _attempt(
                    lambda: services.refuse_supplement(req, case, "经审核", actor=actor, on=self.day)
                )
            req.refresh_from_db()
            if ok:
                assert state == "received" and who in WATER_STAFF
                # four eyes: the clerk filed them all on paper
                assert step != "approve" or who == "shuiwu_head"
                assert step != "refuse" or 1 <= case <= 7
            else:
                assert req.status == state

        @invariant()
        def consistent(self) -> None:
            for req in self.reqs:
                req.refresh_from_db()
                _case_consistent(req, req.status, {"approved", "refused"}, SUP_OPEN)
            _numbers_gap_free()
            approved = sum(
                r.approved_m3x100 or 0 for r in SupplementRequest.objects.filter(status="approved")
            )
            assert (
                YearlyPlan.objects.get(pk=plan_2026.pk).effective_m3x100 == plan_2026.volume_m3x100 + approved
            )

    _run(Supplements)


# -- 第十五条、第十六条 a notice's collection and its appeals -------------------------------------------------------


def test_collection_and_appeals_in_any_order(
    demo_users: dict[str, Any], unit: Any, clerk: Any, tiers: None
) -> None:
    # the 2025 plan (1,260.00 m³ as above for 2026, one year earlier: 2022 1,500, 2023 1,800, 2024 1,200 →
    # 150 + 360 + 840 = 1,350.00) and 2025's use of 2,400.00 m³: a notice issued 2026-01-12
    monthly(unit.accounts.get(), 2024, 100)
    monthly(unit.accounts.get(), 2025, 200)
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 20))
    NOTICE_OPEN = {
        "issued": None,  # depends on delivery and reminders: checked below
        "paid": set(),
        "superseded": set(),
        "credit_listed": set(),
    }

    class Collection(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            services.settle_year(2025, actor=clerk, issued_on=dt.date(2026, 1, 12))
            self.day = dt.date(2026, 1, 12)

        def _current(self) -> SurchargeNotice:
            return SurchargeNotice.objects.exclude(state="superseded").order_by("-version").first()  # type: ignore[return-value]

        @rule(who=st.sampled_from(PEOPLE), gap=st.integers(0, 10))
        def deliver(self, who: str, gap: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            n = self._current()
            received = n.received_on
            ok, _ = _attempt(lambda: services.deliver_notice(n, self.day, actor=demo_users[who]))
            if ok and received is None:  # (delivering a notice already received changes nothing)
                assert who in WATER_STAFF | {"enterprise"} and self.day >= n.issued_on

        @rule(who=st.sampled_from(PEOPLE), gap=st.integers(0, 12), pay_in=st.integers(-2, 30))
        def remind(self, who: str, gap: int, pay_in: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            n = self._current()
            before = n.reminders.count()
            ok, rem = _attempt(
                lambda: services.issue_reminder(
                    n, self.day, self.day + dt.timedelta(days=pay_in), actor=demo_users[who]
                )
            )
            if ok:
                assert who in WATER_STAFF and pay_in > 0 and rem.sequence == before + 1 <= 2
                assert rem.document.number == rem.number

        @rule(who=st.sampled_from(PEOPLE), gap=st.integers(0, 12))
        def credit(self, who: str, gap: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            n = self._current()
            ok, _ = _attempt(lambda: services.list_for_credit(n, self.day, actor=demo_users[who]))
            if ok:  # after the second reminder's date, by a second person (the clerk issued the notice)
                assert who == "shuiwu_head" and n.reminders.count() == 2

        @rule(who=st.sampled_from(PEOPLE), gap=st.integers(0, 12))
        def pay(self, who: str, gap: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            ok, _ = _attempt(
                lambda: services.record_payment(self._current(), self.day, actor=demo_users[who])
            )
            if ok:
                assert who in WATER_STAFF

        @rule(who=st.sampled_from(PEOPLE), gap=st.integers(0, 6))
        def appeal(self, who: str, gap: int) -> None:
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            ok, _ = _attempt(
                lambda: services.file_appeal(self._current(), self.day, "读数有误", actor=demo_users[who])
            )
            if ok:
                assert who in WATER_STAFF | {"enterprise"}

        @rule(
            who=st.sampled_from(PEOPLE),
            upheld=st.booleans(),
            corrected=st.integers(0, 3000),
            gap=st.integers(0, 6),
        )
        def decide(self, who: str, upheld: bool, corrected: int, gap: int) -> None:
            pending = Appeal.objects.filter(state="received").first()
            if pending is None:
                return
            self.day = min(self.day + dt.timedelta(days=gap), TODAY)
            versions = SurchargeNotice.objects.count()
            ok, _ = _attempt(
                lambda: services.decide_appeal(
                    pending,
                    upheld,
                    "经核实",
                    actor=demo_users[who],
                    on=self.day,
                    corrected_actual_m3x100=corrected * 100,
                )
            )
            if ok:
                assert who in WATER_STAFF and (not upheld or who == "shuiwu_head")
                assert SurchargeNotice.objects.count() == versions + upheld

        @invariant()
        def consistent(self) -> None:
            notices = list(SurchargeNotice.objects.order_by("version"))
            assert len([n for n in notices if n.state != "superseded"]) == 1
            for n in notices:
                if n.state == "issued":
                    expected = set()
                    if n.received_on is not None:
                        expected = {"appeal_due"} if not n.appeals.exists() else set()
                        expected |= {"reminder_due"} if n.reminders.exists() else {"payment_due"}
                    _case_consistent(n, "issued", set(), {"issued": expected})
                else:
                    _case_consistent(n, n.state, {"paid", "superseded", "credit_listed"}, NOTICE_OPEN)
                if n.version > 1:
                    # the new version is the next version of the same document number
                    assert n.document.version == n.version and n.document.seq == notices[0].document.seq
            for a in Appeal.objects.all():
                _case_consistent(
                    a,
                    a.state,
                    {"upheld", "rejected"},
                    {"received": {"decision_due"}, "upheld": set(), "rejected": set()},
                )
            _numbers_gap_free()

    _run(Collection, examples=8, steps=14)


# -- 附件1 三 coefficient cases ---------------------------------------------------------------------------------------


def test_coefficient_cases_in_any_order(demo_users: dict[str, Any], plan_2026: YearlyPlan) -> None:
    KINDS = [
        "unconventional_used",
        "statistics_late",
        "metering_compliant",
        "advanced_efficiency",
        "obsolete_equipment",
    ]

    class Cases(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.events: list[CoefficientEvent] = []

        @rule(kind=st.sampled_from(KINDS), month=st.integers(1, 5))
        def record(self, kind: str, month: int) -> None:
            # "实施当年" counts in 2026 itself; the other cases of 2025 count for 2026 (W3)
            on = dt.date(2026 if kind == "unconventional_used" else 2025, month, 1)
            ok, ev = _attempt(
                lambda: services.record_coefficient_event(
                    plan_2026.unit,
                    kind,
                    on,
                    "证明材料",
                    actor=demo_users["shuiwu_clerk"],
                    recorded_on=dt.date(2026, 6, 1),
                )
            )
            assert ok
            self.events.append(ev)

        @rule(i=st.integers(0, 20), step=st.sampled_from(["apply", "withdraw"]), who=st.sampled_from(PEOPLE))
        def decide(self, i: int, step: str, who: str) -> None:
            if not self.events:
                return
            ev = self.events[i % len(self.events)]
            ev.refresh_from_db()
            state, actor = ev.status, demo_users[who]
            if step == "apply":
                ok, _ = _attempt(
                    lambda: services.apply_coefficient_event(ev, actor=actor, on=dt.date(2026, 6, 2))
                )
            else:
                ok, _ = _attempt(
                    lambda: services.withdraw_coefficient_event(
                        ev, "记录有误", actor=actor, on=dt.date(2026, 6, 2)
                    )
                )
            ev.refresh_from_db()
            if ok and state == "recorded":
                assert who == "shuiwu_head" if step == "apply" else who in WATER_STAFF

        @invariant()
        def consistent(self) -> None:
            for ev in self.events:
                ev.refresh_from_db()
                _case_consistent(
                    ev,
                    ev.status,
                    {"applied", "withdrawn"},
                    {s: set() for s in ("recorded", "applied", "withdrawn")},
                )
            # the plan in force is the plan computed with every case in effect, whatever the order (W17, W23)
            plan = YearlyPlan.objects.get(pk=plan_2026.pk)
            events = services._events_json(services._events([plan.unit_id]).get(plan.unit_id, []))
            assert plan.effective_m3x100 == services.compute_plan({**plan.inputs, "events": events}, 2026)
            for change in PlanChange.objects.filter(kind="coefficient"):
                assert change.document is not None and change.document.kind == "water_plan.plan_change_notice"
            _numbers_gap_free()

    _run(Cases)
