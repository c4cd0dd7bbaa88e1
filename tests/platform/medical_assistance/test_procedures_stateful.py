"""The procedures of 医疗救助 on the layer, in every order the law allows: applications (第十二条, 第十五条) and
因病致贫重病患者认定 (第四条第六款、第七款) filed, checked, approved, refused and withdrawn in random order, by random
people (of 医保, 民政, an auditor), on random days.

After every step: a refused step changed nothing (state, events, audit, documents); a taken one wrote one event
and one numbered decision when it decides; the case's state is the record's; the review period is open only
while the application is under review; the decisions' numbers run 1, 2, 3 … per kind and year; the filer never
approved (the four-eyes rule of M25, a dated parameter true since 2022-10-18).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import Application, Class4Recognition, Identity
from ezhou_platform.procedures.models import Case, CaseEvent, Document, Period
from ezhou_rules.medical_assistance.parameters_tree import parameters

pytestmark = pytest.mark.django_db

PEOPLE = ["yibao_clerk", "yibao_head", "minzheng_clerk", "minzheng_head", "auditor"]
FINAL = {"approved", "rejected", "withdrawn"}
SETTINGS = settings(
    max_examples=8,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _in_savepoints(machine: Any) -> None:
    """Each example starts from the tables as the fixtures left them: a savepoint rolled back at the end."""
    original_init = machine.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    machine.__init__ = init
    machine.teardown = teardown
    machine.TestCase.settings = SETTINGS
    machine.TestCase().runTest()


def _counts() -> tuple[int, int]:
    return CaseEvent.objects.count(), Document.objects.count()


def _numbers_without_gaps() -> None:
    for kind, year in set(Document.objects.values_list("kind", "year")):
        seqs = sorted(Document.objects.filter(kind=kind, year=year, version=1).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1)), (kind, year, seqs)


def _case_follows(record: Any) -> None:
    ct = ContentType.objects.get_for_model(type(record))
    case = Case.objects.get(content_type=ct, object_id=record.pk)
    assert case.state == record.state
    assert (case.closed_on is not None) == (record.state in FINAL)
    open_fields = set(
        Period.objects.filter(content_type=ct, object_id=record.pk, closed_on__isnull=True).values_list(
            "field", flat=True
        )
    )
    # the review period (when configured, M11) is open only while the case is under review
    assert open_fields == ({"review_deadline"} if record.state == "submitted" else set())


def test_applications_in_any_order(demo_users: dict[str, Any], make_person: Any) -> None:
    enter_value(
        parameters(),
        "application_review_workdays",
        dt.date(2022, 10, 18),
        20,
        source="测试数据",
        actor=demo_users["yibao_head"],
    )
    person = make_person("low_income_marginal", serial=1, valid_from=dt.date(2023, 1, 1))

    class Steps(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.apps: list[Application] = []
            self.day = dt.date(2024, 1, 2)

        @rule(kind=st.sampled_from(["class_aid", "tilted", "retroactive"]), gap=st.integers(0, 15))
        def submit(self, kind: str, gap: int) -> None:
            self.day += dt.timedelta(days=gap)
            app = services.submit_application(
                person,
                kind=kind,
                year=self.day.year,
                submitted_on=self.day,
                acting_user=demo_users["yibao_clerk"],
                recognised_on=dt.date(2023, 1, 1) if kind == "retroactive" else None,
            )
            self.apps.append(app)

        @rule(
            i=st.integers(0, 30),
            what=st.sampled_from(["approve", "reject", "withdraw"]),
            who=st.sampled_from(PEOPLE),
            gap=st.integers(0, 15),
        )
        def decide(self, i: int, what: str, who: str, gap: int) -> None:
            if not self.apps:
                return
            app = Application.objects.get(pk=self.apps[i % len(self.apps)].pk)
            self.day += dt.timedelta(days=gap)
            before, state = _counts(), app.state
            user = demo_users[who]
            try:
                if what == "approve":
                    services.approve_application(app, acting_user=user, day=self.day, reason="符合条件")
                elif what == "reject":
                    services.reject_application(app, acting_user=user, day=self.day, reason="材料不全")
                else:
                    services.withdraw_application(app, acting_user=user, day=self.day)
            except ApiError:
                app.refresh_from_db()
                assert app.state == state and _counts() == before  # refused: nothing written
                return
            app.refresh_from_db()
            assert state == "submitted"  # only an application under review is decided
            assert who in ("yibao_clerk", "yibao_head")  # 医疗保障局 decides its applications
            assert not (what == "approve" and who == "yibao_clerk")  # four eyes: the clerk received it
            assert app.state == {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}[what]
            # one event; a decision (approval or refusal) issues one numbered 决定书, a withdrawal none
            assert _counts() == (before[0] + 1, before[1] + (what != "withdraw"))

        @invariant()
        def consistent(self) -> None:
            for app in Application.objects.filter(pk__in=[a.pk for a in self.apps]):
                _case_follows(app)
            _numbers_without_gaps()

    _in_savepoints(Steps)


def test_class_4_recognitions_in_any_order(demo_users: dict[str, Any], make_person: Any) -> None:
    # 2023 per-capita disposable income 40,000.00 元: the threshold for 2024 applications (第四条第六款)
    enter_value(
        parameters(),
        "income.per_capita_disposable",
        dt.date(2023, 1, 1),
        4_000_000,
        source="测试数据",
        actor=demo_users["yibao_head"],
    )
    enter_value(
        parameters(),
        "application_review_workdays",
        dt.date(2022, 10, 18),
        20,
        source="测试数据",
        actor=demo_users["yibao_head"],
    )
    people = [make_person(None, serial=n) for n in range(1, 4)]

    class Steps(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.recs: list[Class4Recognition] = []
            self.day = dt.date(2024, 1, 2)

        @rule(p=st.integers(0, 2), self_pay=st.sampled_from([0, 1_999_999, 2_000_000, 5_000_000]))
        def submit(self, p: int, self_pay: int) -> None:
            before = _counts()
            try:
                rec = services.submit_class_4_recognition(
                    people[p],
                    submitted_on=self.day,
                    self_pay_12m=self_pay,
                    self_pay_evidence="住院结算单",
                    acting_user=demo_users["minzheng_clerk"],
                )
            except ApiError as exc:
                # one application under review per person; a person recognised that day is class 4 already
                assert exc.code in ("pending_recognition", "already_recipient"), exc.code
                assert _counts() == before
                return
            self.recs.append(rec)

        @rule(i=st.integers(0, 30), passed=st.booleans(), who=st.sampled_from(PEOPLE))
        def property_check(self, i: int, passed: bool, who: str) -> None:
            if not self.recs:
                return
            rec = Class4Recognition.objects.get(pk=self.recs[i % len(self.recs)].pk)
            before = _counts()
            try:
                services.record_property_check(
                    rec, passed=passed, reason="家庭财产审核", acting_user=demo_users[who]
                )
            except ApiError:
                assert _counts() == before
                return
            assert who in ("minzheng_clerk", "minzheng_head")  # 民政局's step
            assert _counts() == (before[0] + 1, before[1])

        @rule(
            i=st.integers(0, 30),
            approve=st.booleans(),
            who=st.sampled_from(PEOPLE),
            gap=st.integers(0, 20),
        )
        def decide(self, i: int, approve: bool, who: str, gap: int) -> None:
            if not self.recs:
                return
            rec = Class4Recognition.objects.get(pk=self.recs[i % len(self.recs)].pk)
            self.day += dt.timedelta(days=gap)
            before, state, identities = _counts(), rec.state, Identity.objects.count()
            user = demo_users[who]
            try:
                if approve:
                    services.approve_class_4(rec, acting_user=user, day=self.day)
                else:
                    services.reject_class_4(rec, acting_user=user, day=self.day, reason="不符合条件")
            except ApiError:
                rec.refresh_from_db()
                assert rec.state == state and _counts() == before and Identity.objects.count() == identities
                return
            rec.refresh_from_db()
            assert state == "submitted" and who in ("minzheng_clerk", "minzheng_head")
            assert _counts()[1] == before[1] + 1  # one 认定决定书 either way
            if approve:
                # recognised only with the self-pay test passed and the property check recorded as passed,
                # by someone other than the clerk who received it; the class-4 identity holds 12 months
                assert who != "minzheng_clerk"
                assert rec.self_pay_test_passed and rec.property_check_passed
                assert rec.identity is not None and rec.identity.valid_from == self.day
                assert Identity.objects.count() == identities + 1
            else:
                assert Identity.objects.count() == identities

        @invariant()
        def consistent(self) -> None:
            for rec in Class4Recognition.objects.filter(pk__in=[r.pk for r in self.recs]):
                _case_follows(rec)
            _numbers_without_gaps()

    _in_savepoints(Steps)
