"""The site procedure (28号 二) in every order: the postal clerk (and, refused, another department's clerk)
takes the steps 开工建设, 投入运营, 暂停运营, 撤销 in random order on random dates. After every step the database
agrees with the law's plain reading: a step is taken only from the states it allows and on a date after the last
state's; the dated history ends in the site's state; the site counts (T11) exactly on the days it operates; a
refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case
from ezhou_platform.registers.organisations import resolve_organisation
from ezhou_platform.supervision.models import Site, SiteState
from ezhou_platform.supervision.services import coverage as cov
from ezhou_platform.supervision.services import sites

# step → (the states it may be taken from, the state it leads to)
ALLOWED = {
    "start_building": ({"planned"}, "building"),
    "open_site": ({"planned", "building", "suspended"}, "operating"),
    "suspend": ({"operating"}, "suspended"),
    "close_site": ({"planned", "building", "operating", "suspended"}, "closed"),
}
FIRST = dt.date(2023, 1, 2)


@pytest.mark.django_db
def test_site_steps_in_any_order(rd: Any, demo_users: dict[str, Any]) -> None:
    place = Jurisdiction.objects.get(code="liangzihu")

    class Sites(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.site = sites.register_site(
                rd,
                name="测试配送中心",
                level="district",
                jurisdiction=place,
                operators=[resolve_organisation("中国邮政集团鄂州分公司")],
                functions=(),
                state="planned",
                since=FIRST,
                actor=demo_users["youzheng_clerk"],
            )
            self.last = FIRST

        @rule(
            name=st.sampled_from(sorted(ALLOWED)),
            days=st.integers(-3, 60),
            who=st.sampled_from(["youzheng_clerk", "youzheng_clerk", "jiaoyu_clerk"]),
        )
        def take(self, name: str, days: int, who: str) -> None:
            site = Site.objects.get(pk=self.site.pk)
            state, on = site.status, self.last + dt.timedelta(days=days)
            before = (SiteState.objects.count(), AuditRecord.objects.count())
            sources, target = ALLOWED[name]
            try:
                sites.change_state(site, name, on=on, actor=demo_users[who])
            except ProcedureError as exc:
                assert (SiteState.objects.count(), AuditRecord.objects.count()) == before
                assert Site.objects.get(pk=site.pk).status == state
                assert who == "jiaoyu_clerk" or state not in sources or on <= self.last, exc.message
                return
            assert who == "youzheng_clerk" and state in sources and on > self.last
            assert Site.objects.get(pk=site.pk).status == target
            self.last = on

        @invariant()
        def agrees_with_the_law(self) -> None:
            site = Site.objects.get(pk=self.site.pk)
            history = list(site.states.order_by("since").values_list("state", "since"))
            assert [d for _, d in history] == sorted({d for _, d in history})  # strictly later each time
            assert history[-1] == (site.status, self.last)
            case = Case.objects.get(object_id=site.pk, procedure="supervision.site")
            assert case.state == site.status
            count = cov.coverage(self.last).report.levels["district"].count
            assert count == (1 if site.status == "operating" else 0)

    Sites.TestCase.settings = settings(
        max_examples=6,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    original_init = Sites.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    Sites.__init__ = init  # type: ignore[method-assign]
    Sites.teardown = teardown  # type: ignore[method-assign]
    Sites.TestCase().runTest()
