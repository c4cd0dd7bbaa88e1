"""The report procedure in every order the law allows: units and the supervising department file, confirm and
return reports of several items in random order, by random people, with random evidence dates, while the
rest-day switch is turned on and off. After every step the database agrees with a plain computation of the
law: an item is done from its earliest confirmed completion's evidence date, on time when that is on or
before the deadline (the printed month end, or the next working day with the switch on); its workspace
periods are closed exactly when it is done; a case's state is its report's; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case, Period
from ezhou_platform.registers.organisations import resolve_organisation
from ezhou_platform.supervision.models import Item, Plan, Report
from ezhou_platform.supervision.services import reports
from ezhou_platform.supervision.services.assignments import set_switch
from ezhou_platform.supervision.services.tasklists import snapshot
from ezhou_rules.supervision.errors import SupervisionError

from .conftest import PDF

ITEMS = [
    "vocational_education/1",
    "vocational_education/25",
    "vocational_education/5",
    "vocational_education/21@2022",
]
PEOPLE = ["jiaoyu_clerk", "youzheng_clerk", "ducha_clerk", "auditor"]
UNITS = ["市教育局", "市人社局", "鄂州职业大学"]
ISSUED = dt.date(2022, 8, 9)
CHECK = dt.date(2024, 1, 1)


def _oracle(item: Item, roll: bool) -> str:
    """The state on CHECK from the law, computed without the engine."""
    if item.due is None:
        return "continuous"
    due = platform_calendar().workday_on_or_after(item.due) if roll else item.due
    done = (
        Report.objects.filter(item=item, kind="completion", status="accepted")
        .order_by("evidence_date")
        .values_list("evidence_date", flat=True)
        .first()
    )
    if done is None or done > CHECK:
        return "overdue" if CHECK > due else ("due" if CHECK == due else "not_due")
    return "done_on_time" if done <= due else "done_late"


@pytest.mark.django_db
def test_reports_in_any_order(ve: Any, demo_users: dict[str, Any]) -> None:
    class Reports(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.filed: list[Report] = []

        @rule(
            code=st.sampled_from(ITEMS),
            unit=st.sampled_from(UNITS),
            kind=st.sampled_from(["completion", "progress"]),
            offset=st.integers(-10, 700),
            who=st.sampled_from(PEOPLE),
        )
        def file(self, code: str, unit: str, kind: str, offset: int, who: str) -> None:
            item = Item.objects.select_related("plan", "task").get(code=code)
            before = (Report.objects.count(), Case.objects.count(), AuditRecord.objects.count())
            try:
                report = reports.file_report(
                    item,
                    unit=resolve_organisation(unit),
                    kind=kind,
                    evidence_date=ISSUED + dt.timedelta(days=offset),
                    document_number="测试〔2023〕1号",
                    summary="测试",
                    attachment=reports.Attachment("a.pdf", PDF) if kind == "completion" else None,
                    actor=demo_users[who],
                )
            except SupervisionError as exc:
                assert (Report.objects.count(), Case.objects.count(), AuditRecord.objects.count()) == before
                # refused only for what the law and the procedure say
                assert exc.code in {
                    "completion_before_issue",
                    "report_before_issue",
                    "completion_on_continuous",
                    "unit_not_yours",
                }
                carried = set(item.task.units.values_list("organisation__name", flat=True))
                unit_on_task = resolve_organisation(unit).name in carried
                assert (exc.code == "unit_not_yours") == (who != "jiaoyu_clerk" or not unit_on_task)
                return
            # the supervising department (市教育局) files for any unit of the task, nobody else here may
            assert who == "jiaoyu_clerk"
            self.filed.append(report)

        @rule(i=st.integers(0, 30), accept=st.booleans(), who=st.sampled_from(PEOPLE))
        def decide(self, i: int, accept: bool, who: str) -> None:
            if not self.filed:
                return
            report = self.filed[i % len(self.filed)]
            report.refresh_from_db()
            state, before = report.status, AuditRecord.objects.count()
            try:
                if accept:
                    reports.accept(report, actor=demo_users[who])
                else:
                    reports.return_report(report, actor=demo_users[who], reason="材料不全")
            except ProcedureError as exc:
                report.refresh_from_db()
                assert report.status == state and AuditRecord.objects.count() == before
                assert exc.code == "forbidden" or state != "submitted"
                return
            assert who == "jiaoyu_clerk" and state == "submitted"

        @rule(on=st.booleans())
        def switch(self, on: bool) -> None:
            set_switch(Plan.objects.get(slug="vocational_education"), on, actor=demo_users["ducha_clerk"])

        @invariant()
        def agrees_with_the_law(self) -> None:
            plan = Plan.objects.get(slug="vocational_education")
            states = {s.item_id: s.code for s in snapshot([plan]).states_on(CHECK)}
            for code in ITEMS:
                item = Item.objects.get(code=code)
                assert states[code] == _oracle(item, plan.roll_rest_days), code
                done = Report.objects.filter(item=item, kind="completion", status="accepted").exists()
                for a in item.assignments.filter(role="lead", department__isnull=False, due__isnull=False):
                    p = Period.objects.get(content_type__model="assignment", object_id=a.pk)
                    assert (p.closed_on is not None) == done, code
                    assert p.due == a.due
            for r in Report.objects.all():
                case = Case.objects.get(object_id=r.pk, procedure="supervision.report")
                assert case.state == r.status and (case.closed_on is not None) == (r.status != "submitted")

    Reports.TestCase.settings = settings(
        max_examples=8,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    original_init = Reports.__init__

    def init(self: Any) -> None:
        self._savepoint = transaction.savepoint()
        original_init(self)

    def teardown(self: Any) -> None:
        transaction.savepoint_rollback(self._savepoint)

    Reports.__init__ = init  # type: ignore[method-assign]
    Reports.teardown = teardown  # type: ignore[method-assign]
    Reports.TestCase().runTest()
