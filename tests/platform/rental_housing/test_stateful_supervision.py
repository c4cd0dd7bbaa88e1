"""Maintenance requests (第二十四条), complaints (第二十七条) and inspection findings (第二十八条) in every order:
filed, handled, answered, repaired; findings ordered to be rectified by a date, confirmed, sanctioned or
referred — by the housing clerk who recorded them, the department's head, an operator's staff, a tenant, an
enterprise or an auditor, on days moving forward.

Besides the checks of stateful.py: a finding under rectification waits on its rectification period and only
then; a measure (a credit record, money clawed back) is never decided by the person who recorded the finding;
an operator's staff never takes a supervision step; a repair or complaint once done stays done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.procedures.engine import case_of
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Complaint, Finding, MaintenanceRequest

from .conftest import add_units, qualified
from .stateful import check_record, numbers_gap_free, refused_or_taken, run

pytestmark = pytest.mark.django_db
CATEGORIES = ["listing", "tenant_review", "price", "filing", "operation"]


def test_supervision_steps_in_any_order(
    housing: dict[str, Any], people: dict[str, Any], clock_at: Any
) -> None:
    project, clerk = housing["project"], housing["clerk"]
    add_units(project, clerk, 1)
    (app,) = qualified(project, clerk, 1)
    alloc = services.choose_unit(app, acting_user=clerk, on=dt.date(2023, 3, 10)).allocation
    assert alloc is not None
    contract = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-S",
        start_date=dt.date(2023, 4, 1),
        end_date=dt.date(2026, 3, 31),
        payment_period_months=3,
        deposit_fen=0,
        originals_checked=True,
        on=dt.date(2023, 3, 20),
    )
    from ezhou_platform.common.models import User

    enterprise = User.objects.get(username="enterprise")
    staff = ["zhujian_clerk", "head", "operator", "auditor"]

    class Supervision(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.day = dt.date(2024, 1, 2)
            clock_at(self.day)

        @rule(gap=st.integers(0, 40))
        def advance(self, gap: int) -> None:
            self.day += dt.timedelta(days=gap)
            clock_at(self.day)

        @rule(by_enterprise=st.booleans())
        def complain(self, by_enterprise: bool) -> None:
            who = enterprise if by_enterprise else people["citizen"]
            services.submit_complaint(acting_user=who, content="物业费不清楚", project=project)

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff), answer=st.booleans())
        def handle_complaint(self, i: int, who: str, answer: bool) -> None:
            rows = list(Complaint.objects.order_by("id"))
            if rows:
                c = rows[i % len(rows)]
                with refused_or_taken(c):
                    services.handle_complaint(
                        c,
                        acting_user=people[who],
                        status="answered" if answer else "in_progress",
                        reply="已核实",
                    )

        @rule()
        def report(self) -> None:
            services.report_maintenance(contract, acting_user=people["citizen"], description="水龙头漏水")

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff), done=st.booleans())
        def repair(self, i: int, who: str, done: bool) -> None:
            rows = list(MaintenanceRequest.objects.order_by("id"))
            if rows:
                m = rows[i % len(rows)]
                with refused_or_taken(m):
                    services.handle_maintenance(
                        m, acting_user=people[who], status="done" if done else "in_progress", note="已维修"
                    )

        @rule(categories=st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2))
        def inspect(self, categories: list[str]) -> None:
            services.record_inspection(
                project,
                acting_user=clerk,
                jurisdiction=project.jurisdiction,
                inspected_on=self.day,
                inspectors="王强",
                findings=[(c, "发现问题") for c in categories],
            )

        @rule(
            i=st.integers(0, 9),
            who=st.sampled_from(staff),
            step=st.sampled_from(["order", "confirm", "impose", "refer"]),
            days=st.integers(-2, 30),
            sanction=st.sampled_from(["credit", "refund", "public_notice", "rectify"]),
        )
        def act(self, i: int, who: str, step: str, days: int, sanction: str) -> None:
            rows = list(Finding.objects.order_by("id"))
            if not rows:
                return
            f = rows[i % len(rows)]
            user = people[who]
            with refused_or_taken(f) as taken:
                if step == "order":
                    services.order_rectification(
                        f,
                        acting_user=user,
                        rectify_by=self.day + dt.timedelta(days=days),
                        requirement="限期整改",
                        on=self.day,
                    )
                elif step == "confirm":
                    services.confirm_rectified(f, acting_user=user, rectified_on=self.day, on=self.day)
                elif step == "impose":
                    services.impose_measure(
                        f, acting_user=user, sanction=sanction, reason="情节严重", on=self.day
                    )
                else:
                    services.refer_finding(f, acting_user=user, reason="涉嫌违法", on=self.day)
            if taken[0]:
                assert who in ("zhujian_clerk", "head")  # never an operator's staff, never an auditor
                assert not (step == "impose" and who == "zhujian_clerk")  # four eyes: the clerk recorded it
                assert not (step == "impose" and sanction == "rectify")
                assert not (step == "order" and days <= 0)

        @invariant()
        def consistent(self) -> None:
            for c in Complaint.objects.all():
                check_record(c, {})
            for m in MaintenanceRequest.objects.all():
                check_record(m, {})
                assert (m.status == "done") == (m.completed_on is not None)
            for f in Finding.objects.all():
                check_record(f, {"rectifying": {"rectify_by"}})
                case = case_of(f)
                assert case is not None and case.applicant_uscc == project.operator.uscc
            numbers_gap_free()

    run(Supervision, examples=10, steps=30)
