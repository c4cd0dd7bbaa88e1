"""A car trade-in (十二) in every order the platform allows: applications by a few people for a few cars, review,
refusal, withdrawal, the notice, the decision (after the notice, four eyes), payment and clawback, interleaved by
hypothesis. After every step: each application's state is the one the steps taken lead to; no two standing
awards share a person or a car (one car per person, one award per car); the ledger's unreleased key rows are
exactly the keys of the standing applications; the budget drawn equals what was paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ezhou_platform.subsidies.models import Application, BudgetAccount, LedgerKey
from ezhou_platform.subsidies.models.ledger import subject_token
from ezhou_platform.subsidies.services import clawback, decisions, ledger, notices, payments, review

from .conftest import FILED_ON, file_car, resident_id, vin

pytestmark = pytest.mark.django_db
PEOPLE, CARS = 3, 3
ENDED = {"refused", "withdrawn", "clawed_back"}


class CarTradeIns(RuleBasedStateMachine):
    users: dict[str, Any] = {}
    examples = 0

    def __init__(self) -> None:
        super().__init__()
        CarTradeIns.examples += 1
        base = CarTradeIns.examples * 10
        self.people = [
            resident_id(base + i, birth=f"19{60 + CarTradeIns.examples % 40}0101") for i in range(PEOPLE)
        ]
        self.cars = [vin(base + j) for j in range(CARS)]
        self.day = FILED_ON
        self.apps: dict[int, str] = {}  # pk → expected status
        self.keys: dict[int, tuple[str, str]] = {}  # pk → (person, car)
        self.paid_before = self._drawn()

    # -- helpers
    def _next_day(self, days: int = 1) -> dt.date:
        self.day += dt.timedelta(days=days)
        return self.day

    def _with(self, status: str) -> list[int]:
        return sorted(pk for pk, s in self.apps.items() if s == status)

    @staticmethod
    def _drawn() -> int:
        account = BudgetAccount.objects.filter(payer="市级财政", measure=12).first()
        return account.drawn_fen if account else 0

    # -- the steps
    @rule(i=st.integers(0, PEOPLE - 1), j=st.integers(0, CARS - 1))
    def apply(self, i: int, j: int) -> None:
        person, car = self.people[i], self.cars[j]
        standing = [pk for pk, s in self.apps.items() if s not in ENDED]
        clash = [pk for pk in standing if person in self.keys[pk] or car in self.keys[pk]]
        on = self._next_day()
        if clash:
            with pytest.raises(ledger.DuplicateAward) as err:
                file_car(self.users["car_buyer"], person, car, on=on)
            assert f"SQ{clash[0]:08d}" in err.value.message or any(
                f"SQ{pk:08d}" in err.value.message for pk in clash
            )
            return
        app = file_car(self.users["car_buyer"], person, car, on=on)
        self.apps[app.pk] = "submitted"
        self.keys[app.pk] = (person, car)

    @precondition(lambda self: self._with("submitted"))
    @rule(data=st.data())
    def review(self, data: st.DataObject) -> None:
        pk = data.draw(st.sampled_from(self._with("submitted")))
        review.review(Application.objects.get(pk=pk), actor=self.users["shangwu_clerk"], on=self._next_day())
        self.apps[pk] = "reviewed"

    @precondition(
        lambda self: [pk for pk, s in self.apps.items() if s in ("submitted", "reviewed", "noticed")]
    )
    @rule(data=st.data(), withdraw=st.booleans())
    def refuse_or_withdraw(self, data: st.DataObject, withdraw: bool) -> None:
        pk = data.draw(
            st.sampled_from(
                [p for p, s in sorted(self.apps.items()) if s in ("submitted", "reviewed", "noticed")]
            )
        )
        app = Application.objects.get(pk=pk)
        if withdraw:
            review.withdraw(app, actor=self.users["car_buyer"], on=self._next_day())
            self.apps[pk] = "withdrawn"
        else:
            review.refuse(
                app, actor=self.users["shangwu_clerk"], on=self._next_day(), reason="性质测试：材料不符"
            )
            self.apps[pk] = "refused"

    @precondition(lambda self: self._with("reviewed"))
    @rule()
    def publish(self) -> None:
        pks = self._with("reviewed")
        notices.publish(
            list(Application.objects.filter(pk__in=pks)),
            actor=self.users["shangwu_clerk"],
            on=self._next_day(),
        )
        for pk in pks:
            self.apps[pk] = "noticed"

    @precondition(lambda self: self._with("noticed"))
    @rule(data=st.data())
    def decide(self, data: st.DataObject) -> None:
        pk = data.draw(st.sampled_from(self._with("noticed")))
        app = Application.objects.select_related("notice").get(pk=pk)
        self.day = max(self.day, app.notice.ends_on) + dt.timedelta(days=1)  # after the notice
        with pytest.raises(Exception, match="双人复核"):  # the reviewer may not decide
            decisions.decide([decisions.Item(app)], actor=self.users["shangwu_clerk"], on=self.day)
        decisions.decide([decisions.Item(app)], actor=self.users["shangwu_head"], on=self.day)
        self.apps[pk] = "decided"

    @precondition(lambda self: self._with("decided"))
    @rule()
    def pay(self) -> None:
        pks = self._with("decided")
        payments.pay(
            list(Application.objects.filter(pk__in=pks)),
            actor=self.users["caizheng_clerk"],
            on=self._next_day(),
        )
        for pk in pks:
            self.apps[pk] = "paid"

    @precondition(lambda self: [pk for pk, s in self.apps.items() if s in ("decided", "paid")])
    @rule(data=st.data())
    def claw_back(self, data: st.DataObject) -> None:
        pk = data.draw(st.sampled_from([p for p, s in sorted(self.apps.items()) if s in ("decided", "paid")]))
        clawback.claw_back(
            Application.objects.get(pk=pk),
            actor=self.users["shangwu_head"],
            on=self._next_day(),
            reason="性质测试：不应享受",
        )
        self.apps[pk] = "clawed_back"

    # -- what must hold after every step
    @invariant()
    def states_are_the_steps_taken(self) -> None:
        assert dict(Application.objects.filter(pk__in=self.apps).values_list("pk", "status")) == self.apps

    @invariant()
    def one_standing_award_per_person_and_per_car(self) -> None:
        standing = [self.keys[pk] for pk, s in self.apps.items() if s not in ENDED]
        assert len({p for p, _ in standing}) == len(standing)
        assert len({c for _, c in standing}) == len(standing)

    @invariant()
    def the_ledger_holds_exactly_the_standing_keys(self) -> None:
        held = set(
            LedgerKey.objects.filter(application_id__in=self.apps, released_on__isnull=True).values_list(
                "key", flat=True
            )
        )
        expected = set()
        for pk, s in self.apps.items():
            if s not in ENDED:
                person, car = self.keys[pk]
                expected |= {f"m12.person|{subject_token(person)}", f"m12.vin|{car}"}
        assert held == expected

    @invariant()
    def the_budget_drawn_is_what_was_paid(self) -> None:
        # each car here is 8,000.00 (scrap × new energy); a clawed-back payment was paid all the same
        paid = Application.objects.filter(pk__in=self.apps, paid_on__isnull=False)
        assert self._drawn() - self.paid_before == sum(a.payable_fen or 0 for a in paid)


def test_car_trade_ins_in_every_order(configured: dict[str, Any]) -> None:
    payments.enter_budget(
        measure=12,
        amount_fen=10_000_000_000,
        source="性质测试预算",
        actor=configured["caizheng_clerk"],
        on=FILED_ON,
    )
    CarTradeIns.users = configured
    run_state_machine_as_test(
        CarTradeIns,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
