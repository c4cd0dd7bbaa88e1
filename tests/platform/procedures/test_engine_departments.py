"""Two small additions to the procedure layer, on the example procedure:

- ``Procedure.department_of``: one procedure whose cases are run by different departments (a subsidy is
  reviewed by the 商务局 or the 交通运输局 according to its measure) — the case, its periods and the right to
  take its steps follow the record's department;
- ``Step.department``: a step taken by another department than the case's (the finance office pays);
- ``engine.start_many``: the cases of a batch of records opened in bulk (an import of thousands).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.procedures import engine, machine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Opens
from ezhou_platform.procedures.models import Case, CaseEvent, Period
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
VERIFY_5 = Opens(
    "verify_due", "核实期限", CITE, lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5))
)


@pytest.fixture
def by_name() -> Iterator[None]:
    """The example procedure run by the medical security office for requests whose name starts with 医."""
    proc = machine.procedure_of(ExampleRequest)
    changed = dataclasses.replace(
        proc, department_of=lambda r: "medical_security" if r.name.startswith("医") else "water"
    )
    machine._REGISTRY[proc.slug] = changed
    machine._BY_MODEL[ExampleRequest] = changed
    yield
    machine._REGISTRY[proc.slug] = proc
    machine._BY_MODEL[ExampleRequest] = proc


@pytest.mark.django_db
@pytest.mark.usefixtures("by_name")
def test_the_record_decides_which_department_runs_its_case(demo_users: dict[str, Any]) -> None:
    water, medical = demo_users["shuiwu_clerk"], demo_users["yibao_clerk"]
    with transaction.atomic():
        req = ExampleRequest.objects.create(name="医保单位", received_on=D(2024, 3, 4))
        engine.start(req, actor=medical, on=D(2024, 3, 4), label="受理", cites=CITE, opens=[VERIFY_5])
    assert Case.objects.get().department.code == "medical_security"
    assert Period.objects.get().department.code == "medical_security"
    assert sorted(n for n, _ in engine.available_steps(req, medical)) == ["refuse", "verify"]
    assert engine.available_steps(req, water) == []
    with pytest.raises(ProcedureError) as info:
        engine.take(req, "verify", actor=water, on=D(2024, 3, 5))
    assert info.value.code == "forbidden"
    engine.take(req, "verify", actor=medical, on=D(2024, 3, 5))
    assert req.status == "verified"


@pytest.mark.django_db
def test_a_step_may_belong_to_another_department(
    demo_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    water, medical = demo_users["shuiwu_clerk"], demo_users["yibao_clerk"]
    with transaction.atomic():
        req = ExampleRequest.objects.create(name="某单位", received_on=D(2024, 3, 4))
        engine.start(req, actor=water, on=D(2024, 3, 4), label="受理", cites=CITE)
    original = machine.steps_from

    def steps_from(model: Any, state: str, state_field: str = "status") -> list[tuple[str, machine.Step]]:
        return [
            (n, dataclasses.replace(st, department="medical_security") if n == "verify" else st)
            for n, st in original(model, state, state_field)
        ]

    monkeypatch.setattr(engine, "steps_from", steps_from)
    assert [n for n, _ in engine.available_steps(req, water)] == ["refuse"]
    with pytest.raises(ProcedureError):
        engine.take(req, "verify", actor=water, on=D(2024, 3, 5))
    engine.take(req, "verify", actor=medical, on=D(2024, 3, 5))
    assert req.status == "verified" and Case.objects.get().department.code == "water"


@pytest.mark.django_db
@pytest.mark.usefixtures("by_name")
def test_start_many_opens_one_case_and_one_event_per_record(demo_users: dict[str, Any]) -> None:
    clerk = demo_users["shuiwu_clerk"]
    with transaction.atomic():
        reqs = ExampleRequest.objects.bulk_create(
            [
                ExampleRequest(name=f"{'医' if i % 2 else '水'}单位{i}", received_on=D(2024, 3, 4))
                for i in range(6)
            ]
        )
        cases = engine.start_many(reqs, actor=clerk, on=D(2024, 3, 4), label="批量受理", cites=CITE)
    assert len(cases) == Case.objects.count() == CaseEvent.objects.count() == 6
    by_record = {c.object_id: c for c in Case.objects.select_related("department")}
    for r in reqs:
        case = by_record[r.pk]
        assert case.department.code == ("medical_security" if r.name.startswith("医") else "water")
        assert case.state == "received" and case.opened_by == clerk and engine.case_of(r) == case
    assert set(CaseEvent.objects.values_list("label", "citation")) == {("批量受理", CITE)}
    # The cases are ordinary ones: a step is taken on them as on any other.
    engine.take(reqs[0], "verify", actor=clerk, on=D(2024, 3, 5))
    assert engine.start_many([], actor=clerk, on=D(2024, 3, 4), label="空", cites=CITE) == []
