"""Every procedure of 非常规水资源管理 in every order: hypothesis state machines take the steps in random order, by
random people, on random days. A step either happens completely or not at all, and after every step the
record, its case, its periods, its documents and the rules agree.

- 三同时 (Project): the procedure's state is the rules' reading of the dated facts (U2); the violations on record
  are exactly those the facts show; a facility is registered exactly when the project is supervised.
- 日常监管 (Facility, reports): the next test due is always the latest sample (or the service start) + the
  interval, stored on the facility and in its period (U10).
- 违法行为 (Violation): handed over only once the laws of its act are entered (U12); numbers without gaps.
- 计划用水联动 (WaterPlanLink): one link per unit, year and kind; one water-plan event per recorded link (or an
  adopted one); "able but not using" recorded only by a second person (U11).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures.engine import ProcedureError, case_of
from ezhou_platform.procedures.models import CaseEvent, Document, Period
from ezhou_platform.unconventional_water.models import (
    AcceptanceRecord,
    Facility,
    LabReport,
    Project,
    ProjectViolation,
    Violation,
    WaterPlanLink,
)
from ezhou_platform.unconventional_water.services import (
    config,
    facilities,
    interlock,
    projects,
    reports,
    violations,
)
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

from .conftest import DEVELOPER_USCC, PASSING_ROWS, facility_data, report_fields

pytestmark = pytest.mark.django_db
REFUSED = (UnconventionalWaterError, ProcedureError)
YEAR_START = dt.date(2026, 1, 1)
DAYS = st.integers(0, 363)


def _run(machine: type[RuleBasedStateMachine], examples: int, steps: int) -> None:
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


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (
            CaseEvent,
            AuditRecord,
            Document,
            ProjectViolation,
            AcceptanceRecord,
            Facility,
            LabReport,
            Violation,
        )
    )


def _gap_free() -> None:
    for kind, year in set(Document.objects.values_list("kind", "year")):
        seqs = sorted(Document.objects.filter(kind=kind, year=year, version=1).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))


def test_three_simultaneous_in_any_order(demo_users: dict[str, Any], clock_at: Any) -> None:
    clock_at(dt.date(2026, 12, 31))
    people = {
        "developer": demo_users["developer"],
        "clerk": demo_users["shuiwu_clerk"],
        "head": demo_users["shuiwu_head"],
    }

    class ThreeSimultaneous(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[int] = []

        def _do(self, action: Any) -> None:
            before = _counts()
            try:
                action()
            except REFUSED:
                assert _counts() == before  # refused: nothing anywhere

        @rule(day=DAYS, area=st.integers(25_000, 35_000), reclaimed=st.booleans())
        def file(self, day: int, area: int, reclaimed: bool) -> None:
            p = projects.file_project(
                {
                    "name": f"项目{len(self.ids)}",
                    "developer_name": "鄂州示范置业有限公司",
                    "developer_uscc": DEVELOPER_USCC,
                    "jurisdiction": "huarong",
                    "location": "某路",
                    "project_kind": "building",
                    "works": "new",
                    "footprint_m2": str(area),
                    "facility_type": "reclaimed" if reclaimed else "rainwater",
                },
                actor=people["clerk"],
                on=YEAR_START + dt.timedelta(days=day),
            )
            self.ids.append(p.pk)

        def _project(self, i: int) -> Project | None:
            return Project.objects.get(pk=self.ids[i % len(self.ids)]) if self.ids else None

        @rule(i=st.integers(0, 9), day=DAYS, qualified=st.booleans(), who=st.sampled_from(list(people)))
        def design(self, i: int, day: int, qualified: bool, who: str) -> None:
            p = self._project(i)
            if p is not None:
                d = YEAR_START + dt.timedelta(days=day)
                self._do(
                    lambda: projects.record_designer(
                        p, "某设计院", "A1" if qualified else "", d, actor=people[who]
                    )
                )

        @rule(
            i=st.integers(0, 9),
            day=DAYS,
            months=st.one_of(st.none(), st.integers(1, 18)),
            who=st.sampled_from(list(people)),
        )
        def start(self, i: int, day: int, months: int | None, who: str) -> None:
            p = self._project(i)
            if p is not None:
                d = YEAR_START + dt.timedelta(days=day)
                planned = d + relativedelta(months=months) if months else None
                self._do(lambda: projects.start_construction(p, d, planned, actor=people[who]))

        @rule(i=st.integers(0, 9), day=DAYS, present=st.booleans(), who=st.sampled_from(list(people)))
        def accept(self, i: int, day: int, present: bool, who: str) -> None:
            p = self._project(i)
            if p is not None:
                d = YEAR_START + dt.timedelta(days=day)
                self._do(
                    lambda: projects.record_acceptance(
                        p, d, department_present=present, parts="主体", actor=people[who]
                    )
                )

        @rule(i=st.integers(0, 9), day=DAYS, who=st.sampled_from(list(people)))
        def complete(self, i: int, day: int, who: str) -> None:
            p = self._project(i)
            if p is not None:
                d = YEAR_START + dt.timedelta(days=day)
                data = facility_data(
                    facility_type=p.facility_type,
                    uses=["urban_greening"],
                    testing_interval_months=6,
                    sources=[
                        {"kind": "rainwater_roof" if p.facility_type == "rainwater" else "domestic_sewage"}
                    ],
                )
                self._do(lambda: projects.complete_project(p, d, data, actor=people[who]))

        @rule(i=st.integers(0, 9), day=DAYS, who=st.sampled_from(list(people)))
        def supervise(self, i: int, day: int, who: str) -> None:
            p = self._project(i)
            if p is not None:
                d = YEAR_START + dt.timedelta(days=day)
                data = facility_data(
                    facility_type=p.facility_type,
                    uses=["urban_greening"],
                    testing_interval_months=6,
                    sources=[
                        {"kind": "rainwater_roof" if p.facility_type == "rainwater" else "domestic_sewage"}
                    ],
                )
                self._do(lambda: projects.supervise_project(p, d, data, actor=people[who]))

        @invariant()
        def agree(self) -> None:
            for p in Project.objects.all():
                status = projects.status_of(p)
                case = case_of(p)
                assert case is not None and case.state == p.status
                if p.status == "supervised" and status.state == "completed_unaccepted":
                    pass  # brought under supervision after a completion without acceptance (第二十一条)
                else:
                    assert status.state == p.status, (status.state, p.status)
                recorded = set(ProjectViolation.objects.filter(project=p).values_list("code", flat=True))
                assert recorded == {v.code for v in status.violations}
                assert Facility.objects.filter(project=p).exists() == (p.status == "supervised")
                open_ = set(
                    Period.objects.filter(
                        object_id=p.pk, content_type=case.content_type, closed_on__isnull=True
                    ).values_list("field", flat=True)
                )
                assert open_ <= ({"acceptance_due"} if p.status == "under_construction" else set())
            _gap_free()

    _run(ThreeSimultaneous, 8, 14)


def test_testing_periods_follow_the_reports(demo_users: dict[str, Any], clock_at: Any) -> None:
    clock_at(dt.date(2026, 12, 31))
    clerk, operator = demo_users["shuiwu_clerk"], demo_users["water_operator"]

    class Testing(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.f = facilities.register_facility(
                facility_data(in_service_from=dt.date(2025, 12, 15)), actor=clerk
            )
            self.n = 0

        @rule(day=DAYS, fail=st.booleans(), unit=st.sampled_from(["NTU", "ppm"]))
        def report(self, day: int, fail: bool, unit: str) -> None:
            rows = [r if r[0] != "浊度" else ("浊度", "8" if fail else "3", unit) for r in PASSING_ROWS]
            self.n += 1
            before = _counts()
            try:
                reports.file_report(
                    self.f,
                    report_fields(report_no=f"R{self.n}", sampled_on=YEAR_START + dt.timedelta(days=day)),
                    rows,
                    actor=operator,
                )
            except REFUSED:
                assert unit == "ppm" and _counts() == before

        @rule(months=st.integers(1, 12))
        def interval(self, months: int) -> None:
            facilities.change_registration(self.f, {"testing_interval_months": months}, actor=clerk)

        @invariant()
        def due(self) -> None:
            f = Facility.objects.get(pk=self.f.pk)
            last = f.reports.order_by("-sampled_on").values_list("sampled_on", flat=True).first()
            expected = (last or f.in_service_from) + relativedelta(months=f.testing_interval_months)
            assert f.next_test_due == expected
            period = Period.objects.get(object_id=f.pk, field="next_test_due")
            assert period.due == expected and period.party == "applicant" and period.closed_on is None

    _run(Testing, 6, 12)


def test_violations_in_any_order(demo_users: dict[str, Any], clock_at: Any) -> None:
    clock_at(dt.date(2026, 12, 31))
    people = {
        "clerk": demo_users["shuiwu_clerk"],
        "head": demo_users["shuiwu_head"],
        "auditor": demo_users["auditor"],
    }
    acts = ["cross_connection", "change_of_use", "other_damage"]

    class Violations(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.entered: dict[str, dt.date] = {}

        @rule(act=st.sampled_from(acts), day=DAYS)
        def record(self, act: str, day: int) -> None:
            violations.record_violation(
                act, YEAR_START + dt.timedelta(days=day), "某单位", "事实", "证据", actor=people["clerk"]
            )

        @rule(act=st.sampled_from(acts), day=DAYS)
        def laws(self, act: str, day: int) -> None:
            d = YEAR_START + dt.timedelta(days=day)
            config.enter_handling_laws(act, d, [f"某条例（{act}）"], "来源", actor=people["head"])
            self.entered[act] = min(d, self.entered.get(act, d))

        @rule(i=st.integers(0, 20), who=st.sampled_from(list(people)), close=st.booleans())
        def act_on(self, i: int, who: str, close: bool) -> None:
            rows = list(Violation.objects.order_by("pk"))
            if not rows:
                return
            v = rows[i % len(rows)]
            before = _counts()
            try:
                if close:
                    violations.close_violation(v, "已整改", actor=people[who])
                else:
                    violations.hand_over(v, actor=people[who])
            except REFUSED:
                assert _counts() == before
                return
            assert who != "auditor"
            if not close:  # handed over only with laws in force on the day it was found
                assert v.act in self.entered and self.entered[v.act] <= v.found_on

        @invariant()
        def consistent(self) -> None:
            for v in Violation.objects.all():
                assert case_of(v).state == v.status
                assert bool(v.handled_under) == (v.status != "recorded")
            _gap_free()

    _run(Violations, 6, 14)


def test_interlock_in_any_order(demo_users: dict[str, Any], clock_at: Any) -> None:
    from ezhou_platform.water_plan.models import CoefficientEvent, WaterUnit

    clock_at(dt.date(2026, 12, 31))
    people = {"clerk": demo_users["shuiwu_clerk"], "head": demo_users["shuiwu_head"]}

    class Interlock(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.unit = WaterUnit.objects.create(
                name="某单位",
                uscc="91420700MA49XK5L2Y",
                department_id=demo_users["shuiwu_clerk"].department_id,
                jurisdiction_id=demo_users["enterprise"].jurisdiction_id,
            )
            self.f = facilities.register_facility(
                facility_data(water_unit=self.unit.pk, in_service_from=dt.date(2024, 6, 1)),
                actor=people["clerk"],
            )
            self.n = 0

        @rule(
            year=st.sampled_from([2025, 2026]),
            month=st.integers(1, 12),
            volume=st.sampled_from(["0", "120.5"]),
        )
        def usage(self, year: int, month: int, volume: str) -> None:
            start = dt.date(year, month, 1)
            try:
                reports.record_usage(
                    self.f, start, start + relativedelta(months=1, days=-1), volume, actor=people["clerk"]
                )
            except REFUSED:
                pass  # an overlapping period

        @rule(year=st.sampled_from([2025, 2026]), day=st.integers(0, 360), fail=st.booleans())
        def report(self, year: int, day: int, fail: bool) -> None:
            self.n += 1
            rows = [r if r[0] != "浊度" else ("浊度", "8" if fail else "3", "NTU") for r in PASSING_ROWS]
            reports.file_report(
                self.f,
                report_fields(
                    report_no=f"R{self.n}", sampled_on=dt.date(year, 1, 1) + dt.timedelta(days=day)
                ),
                rows,
                actor=people["clerk"],
            )

        @rule(year=st.sampled_from([2025, 2026]), who=st.sampled_from(list(people)))
        def review(self, year: int, who: str) -> None:
            interlock.review_units([self.unit], year, as_of=dt.date(2026, 12, 31), actor=people[who])

        @rule(i=st.integers(0, 5), who=st.sampled_from(list(people)), dismiss=st.booleans())
        def decide(self, i: int, who: str, dismiss: bool) -> None:
            links = list(WaterPlanLink.objects.order_by("pk"))
            if not links:
                return
            link = links[i % len(links)]
            events = CoefficientEvent.objects.count()
            try:
                if dismiss:
                    interlock.dismiss_link(link, "不予记录", actor=people[who])
                else:
                    interlock.record_link(link, actor=people[who])
            except REFUSED:
                assert CoefficientEvent.objects.count() == events
                return
            link.refresh_from_db()
            if not dismiss and link.kind == "unconventional_not_used":
                assert case_of(link).opened_by_id != people[who].pk  # four-eyes

        @invariant()
        def once(self) -> None:
            keys = list(WaterPlanLink.objects.values_list("water_unit_id", "year", "kind"))
            assert len(keys) == len(set(keys))
            recorded = WaterPlanLink.objects.filter(status="recorded")
            assert all(link.coefficient_event_id for link in recorded)
            assert CoefficientEvent.objects.count() == recorded.filter(adopted=False).count()
            for ev in CoefficientEvent.objects.all():  # no event of one kind twice in a year
                assert CoefficientEvent.objects.filter(kind=ev.kind, on__year=ev.on.year).count() == 1

    _run(Interlock, 6, 14)
