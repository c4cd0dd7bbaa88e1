"""The lease contract (第十八条–第二十三条) and 先租后售 (鄂州政办发〔2022〕19号 三（四）) in every order: contracts
signed, filed, renewed, terminated (with or without a breach, with 0–3 months to move out), vacated; 先租后售
filed, assessed, approved or refused — by the operator's staff, the housing department's clerk and head, a
tenant, an auditor, on days moving forward over years (the platform's clock moves with them).

Besides the checks of stateful.py: a terminated contract waits on its move-out period exactly when one was
granted; an allocation has at most one live contract; an approved 先租后售 was filed after 5 full years of
tenancy and approved by someone who neither filed nor assessed it, never by an operator's staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.procedures.engine import case_of
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Allocation, Contract, RentToOwnRequest
from ezhou_rules.rental_housing.common import completed_on, period_last_day

from .conftest import add_units, qualified
from .stateful import check_record, numbers_gap_free, refused_or_taken, run

pytestmark = pytest.mark.django_db
LIVE = ("signed", "filed", "terminated")


def test_tenancy_steps_in_any_order(housing: dict[str, Any], people: dict[str, Any], clock_at: Any) -> None:
    project, clerk = housing["project"], housing["clerk"]  # 第六条第（一）项: 允许先租后售
    add_units(project, clerk, 3)
    for app in qualified(project, clerk, 3):
        services.choose_unit(app, acting_user=clerk, on=dt.date(2023, 3, 10))
    staff = ["zhujian_clerk", "head", "operator", "auditor"]

    class Tenancy(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.day = dt.date(2023, 4, 1)
            self.numbers = 0
            clock_at(self.day)

        def _contract(self, i: int, states: tuple[str, ...] = LIVE) -> Contract | None:
            rows = list(Contract.objects.filter(status__in=states).order_by("id"))
            return rows[i % len(rows)] if rows else None

        @rule(gap=st.integers(0, 500))
        def advance(self, gap: int) -> None:
            self.day += dt.timedelta(days=gap)
            clock_at(self.day)

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff), years=st.integers(1, 3))
        def sign(self, i: int, who: str, years: int) -> None:
            free = list(Allocation.objects.filter(active=True, contracts__isnull=True).order_by("id"))
            if not free:
                return
            alloc = free[i % len(free)]
            self.numbers += 1
            with refused_or_taken(alloc.application):
                services.sign_contract(
                    alloc,
                    acting_user=people[who],
                    number=f"HT-{self.numbers}",
                    start_date=self.day,
                    end_date=period_last_day(self.day, years=years),
                    payment_period_months=3,
                    deposit_fen=0,
                    originals_checked=True,
                    on=self.day,
                )

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff))
        def file(self, i: int, who: str) -> None:
            c = self._contract(i, ("signed",))
            if c is not None:
                with refused_or_taken(c):
                    services.file_contract(c, acting_user=people[who], on=self.day)

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff), still_eligible=st.booleans())
        def renew(self, i: int, who: str, still_eligible: bool) -> None:
            c = self._contract(i, ("signed", "filed"))
            if c is None:
                return
            self.numbers += 1
            with refused_or_taken(c):
                services.renew_contract(
                    c,
                    acting_user=people[who],
                    number=f"HT-{self.numbers}",
                    end_date=period_last_day(c.end_date + dt.timedelta(days=1), years=3),
                    payment_period_months=3,
                    has_spouse=False,
                    minor_children=0,
                    homes=[] if still_eligible else [{"area_m2": "35.00"}],
                    other_subsidised_housing=False,
                    on=self.day,
                )

        @rule(
            i=st.integers(0, 9),
            who=st.sampled_from(staff),
            reason=st.sampled_from(["expired", "tenant_request", "sublet"]),
            months=st.integers(0, 3),
            recorded=st.booleans(),
        )
        def terminate(self, i: int, who: str, reason: str, months: int, recorded: bool) -> None:
            c = self._contract(i, ("signed", "filed"))
            if c is None:
                return
            with refused_or_taken(c) as taken:
                services.terminate_contract(
                    c,
                    acting_user=people[who],
                    reason=reason,
                    on=self.day,
                    record_text="巡查发现转租" if recorded else "",
                    move_out_months=months,
                )
            if taken[0] and reason == "sublet":
                assert recorded  # 第二十三条: a breach is recorded

        @rule(i=st.integers(0, 9), who=st.sampled_from(staff))
        def vacate(self, i: int, who: str) -> None:
            c = self._contract(i, ("terminated",))
            if c is not None:
                with refused_or_taken(c):
                    services.record_vacated(
                        c, acting_user=people[who], vacated_on=self.day, market_rent_fen=150000
                    )

        @rule(
            i=st.integers(0, 9),
            who=st.sampled_from(["citizen", "zhujian_clerk", "auditor"]),
            full=st.booleans(),
        )
        def rent_to_own(self, i: int, who: str, full: bool) -> None:
            c = self._contract(i, ("signed", "filed"))
            if c is None:
                return
            with refused_or_taken(c) as taken:
                req = services.file_rent_to_own(
                    c,
                    acting_user=people[who],
                    share="full" if full else "partial",
                    share_ratio="60%",
                    on=self.day,
                )
            if taken[0]:
                assert self.day >= completed_on(services.tenancy_start(c), years=5)
                assert req.tenancy_start == services.tenancy_start(c)

        @rule(
            i=st.integers(0, 9),
            who=st.sampled_from(staff),
            step=st.sampled_from(["assess", "approve", "refuse"]),
        )
        def decide(self, i: int, who: str, step: str) -> None:
            rows = list(RentToOwnRequest.objects.filter(status__in=["filed", "assessed"]).order_by("id"))
            if not rows:
                return
            req = rows[i % len(rows)]
            with refused_or_taken(req):
                if step == "assess":
                    services.assess_rent_to_own(
                        req,
                        acting_user=people[who],
                        price_fen=50_000_000,
                        rent_paid_fen=6_000_000,
                        price_basis="鄂州市共有产权住房价格标准（示例文号）",
                        on=self.day,
                    )
                elif step == "approve":
                    services.approve_rent_to_own(req, acting_user=people[who], on=self.day)
                else:
                    services.refuse_rent_to_own(
                        req, acting_user=people[who], reason="不符合条件", on=self.day
                    )

        @invariant()
        def consistent(self) -> None:
            for c in Contract.objects.all():
                waits = {"terminated": {"move_out_due"}} if c.move_out_months else {}
                check_record(c, waits)
            for req in RentToOwnRequest.objects.all():
                check_record(req, {})
                if req.status == "approved":
                    case = case_of(req)
                    assert case is not None
                    approver = case.events.get(step="approve").actor_id
                    assert approver not in (req.assessed_by_id, case.opened_by_id, people["operator"].pk)
                    assert req.payable_fen == 50_000_000 - 6_000_000  # 已交的租金计入购房款
            for alloc in Allocation.objects.all():
                assert alloc.contracts.filter(status__in=LIVE).count() <= 1
            numbers_gap_free()

    run(Tenancy, examples=10, steps=30)
