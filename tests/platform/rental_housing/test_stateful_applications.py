"""The application procedure (第十四条–第十七条) with its objections and 轮候配租通知, in every order: applications
submitted, reviewed, objected to, qualified, given up, units chosen and released, offers answered — by the
operator's staff, a citizen, a clerk of another department or an auditor, on days moving forward.

After every step (stateful.py): a refused step wrote nothing; every case is in its record's state with the
periods that state waits on; document numbers have no gaps. And the law's own invariants: a unit is let to at
most one applicant (its status says so), an open offer holds its unit, an applicant holds at most one unit, and
nobody is qualified without a publicity that ended with no objection pending or upheld.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import (
    Allocation,
    Application,
    Objection,
    OfferStatus,
    Unit,
    UnitOffer,
    UnitStatus,
)

from .conftest import SHANGHAI, resident_id
from .stateful import check_record, numbers_gap_free, refused_or_taken, run

pytestmark = pytest.mark.django_db
PEOPLE = ["zhujian_clerk", "citizen", "yibao_clerk", "auditor"]
OPEN_IN = {"submitted": {"review_deadline"}, "publicity": {"publicity_end"}}
ALL_MATERIALS = ("form", "identity", "marriage", "housing")


def test_application_steps_in_any_order(housing: dict[str, Any], demo_users: dict[str, Any]) -> None:
    project, clerk = housing["project"], housing["clerk"]
    for i in range(2):
        services.add_unit(
            project,
            acting_user=clerk,
            number=f"S{i}",
            layout="一室",
            area_m2=Decimal("50"),
            rent_fen=70000,
            market_rent_fen=100000,
            fitted_out=True,
        )

    class Applications(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.day = dt.date(2024, 3, 1)
            self.apps: list[Application] = []

        def _pick(self, i: int) -> Application | None:
            if not self.apps:
                return None
            app = self.apps[i % len(self.apps)]
            app.refresh_from_db()
            return app

        @rule(gap=st.integers(0, 3), complete=st.booleans())
        def submit(self, gap: int, complete: bool) -> None:
            self.day += dt.timedelta(days=gap)
            seq = len(self.apps) + 1
            app, _ = services.submit_application(
                services.ApplicationInput(
                    project=project,
                    name=f"申请人{seq}",
                    id_number=resident_id(500 + seq),
                    phone="13800000000",
                    full_civil_capacity=True,
                    materials=ALL_MATERIALS if complete else ALL_MATERIALS[:2],
                ),
                acting_user=clerk,
                channel="offline",
                at=dt.datetime.combine(self.day, dt.time(9, seq % 60), tzinfo=SHANGHAI),
            )
            self.apps.append(app)

        @rule(i=st.integers(0, 30), who=st.sampled_from(PEOPLE), gap=st.integers(0, 4), approve=st.booleans())
        def review(self, i: int, who: str, gap: int, approve: bool) -> None:
            app = self._pick(i)
            if app is None:
                return
            self.day += dt.timedelta(days=gap)
            with refused_or_taken(app) as taken:
                if approve:
                    services.review_approve(app, acting_user=demo_users[who], on=self.day)
                else:
                    services.review_reject(app, acting_user=demo_users[who], reason="材料不实", on=self.day)
            if taken[0]:
                assert who == "zhujian_clerk"
                assert not approve or app.missing_materials() == []

        @rule(i=st.integers(0, 30), gap=st.integers(0, 8))
        def object(self, i: int, gap: int) -> None:
            app = self._pick(i)
            if app is None:
                return
            self.day += dt.timedelta(days=gap)
            with refused_or_taken(app) as taken:
                services.raise_objection(
                    app, acting_user=clerk, raised_by="群众", content="名下有房", on=self.day
                )
            if taken[0]:
                assert app.publicity_end is not None and self.day <= app.publicity_end

        @rule(i=st.integers(0, 30), upheld=st.booleans(), who=st.sampled_from(PEOPLE))
        def decide(self, i: int, upheld: bool, who: str) -> None:
            pending = list(Objection.objects.filter(status="pending").order_by("id"))
            if not pending:
                return
            obj = pending[i % len(pending)]
            app = obj.application
            with refused_or_taken(obj, app):
                services.decide_objection(
                    obj, acting_user=demo_users[who], upheld=upheld, decision="经核实", on=self.day
                )

        @rule(i=st.integers(0, 30), who=st.sampled_from(PEOPLE), gap=st.integers(0, 10))
        def qualify(self, i: int, who: str, gap: int) -> None:
            app = self._pick(i)
            if app is None:
                return
            self.day += dt.timedelta(days=gap)
            with refused_or_taken(app) as taken:
                services.close_publicity(app, acting_user=demo_users[who], on=self.day)
            if taken[0]:
                assert app.publicity_end is not None and self.day > app.publicity_end
                assert not app.objections.filter(status__in=["pending", "upheld"]).exists()

        @rule(i=st.integers(0, 30), who=st.sampled_from(["zhujian_clerk", "citizen", "auditor"]))
        def withdraw(self, i: int, who: str) -> None:
            app = self._pick(i)
            if app is None:
                return
            with refused_or_taken(app):
                services.withdraw(app, acting_user=demo_users[who], on=self.day)

        @rule(i=st.integers(0, 30), who=st.sampled_from(["zhujian_clerk", "citizen", "auditor"]))
        def choose(self, i: int, who: str) -> None:
            app = self._pick(i)
            if app is None:
                return
            with refused_or_taken(app):
                services.choose_unit(app, acting_user=demo_users[who], on=self.day)

        @rule(i=st.integers(0, 30))
        def release(self, i: int) -> None:
            active = list(Allocation.objects.filter(active=True).order_by("id"))
            if active:
                services.release_unit(active[i % len(active)], acting_user=clerk, reason="退出", on=self.day)

        @rule(i=st.integers(0, 30), accept=st.booleans(), who=st.sampled_from(["citizen", "zhujian_clerk"]))
        def answer(self, i: int, accept: bool, who: str) -> None:
            offers = list(UnitOffer.objects.filter(status=OfferStatus.OPEN).order_by("id"))
            if not offers:
                return
            offer = offers[i % len(offers)]
            with refused_or_taken(offer, offer.application):
                services.answer_offer(offer, acting_user=demo_users[who], accept=accept, on=self.day)

        @invariant()
        def consistent(self) -> None:
            for app in Application.objects.all():
                check_record(app, OPEN_IN)
            for obj in Objection.objects.all():
                check_record(obj, {})
            for offer in UnitOffer.objects.all():
                check_record(offer, {})
            numbers_gap_free()
            let = set(Allocation.objects.filter(active=True).values_list("unit_id", flat=True))
            offered = set(UnitOffer.objects.filter(status=OfferStatus.OPEN).values_list("unit_id", flat=True))
            assert not let & offered
            for unit in Unit.objects.filter(project=project):
                expected = (
                    UnitStatus.LET
                    if unit.pk in let
                    else UnitStatus.OFFERED
                    if unit.pk in offered
                    else UnitStatus.AVAILABLE
                )
                assert unit.status == expected, (unit, unit.status, expected)
            holders = list(Allocation.objects.filter(active=True).values_list("application_id", flat=True))
            assert len(holders) == len(set(holders))

    run(Applications, examples=10, steps=30)
