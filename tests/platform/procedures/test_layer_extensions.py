"""Additions to the procedure layer made for the licensing system: a department per record, side states, a
document kind chosen per record, a case reopened when it leaves a final state, and step citations in the
citation registry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest
from procedure_example.procedures import EXAMPLE

from ezhou_platform.procedures import engine, machine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case, Period
from ezhou_rules.core.citations import REGISTRY

D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"


@pytest.fixture
def per_record() -> Iterator[machine.Procedure]:
    """The example procedure with its department taken from the record: names starting 住 → housing."""
    proc = machine.register(
        dataclasses.replace(
            EXAMPLE, department_of=lambda r: "housing" if r.name.startswith("住") else "water"
        )
    )
    yield proc
    machine.register(EXAMPLE)


def _file(actor: Any, name: str) -> ExampleRequest:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name=name, uscc="", received_on=D(2023, 9, 28))
        engine.start(req, actor=actor, on=D(2023, 9, 28), label="受理", cites=CITE, opens=[])
    return req


@pytest.mark.django_db
def test_department_per_record(per_record: Any, demo_users: dict[str, Any]) -> None:
    water, housing = demo_users["shuiwu_clerk"], demo_users["zhujian_clerk"]
    req = _file(housing, "住房单位")
    assert Case.objects.get().department.code == "housing"
    assert engine.available_steps(req, water) == []
    with pytest.raises(ProcedureError) as refused:
        engine.take(req, "verify", actor=water, on=D(2023, 10, 9))
    assert refused.value.code == "forbidden"
    engine.take(req, "verify", actor=housing, on=D(2023, 10, 9))
    assert req.status == "verified"
    assert Period.objects.get(field="decision_due").department.code == "housing"
    other = _file(water, "水务单位")
    assert engine.case_of(other).department.code == "water"


def test_side_states_have_labels_and_are_not_final() -> None:
    proc = dataclasses.replace(EXAMPLE, side_states=(("paused", "暂停中"),))
    assert proc.state_label("paused") == "暂停中"
    assert "paused" not in proc.final_states
    assert proc.department_for(object()) == "water"


@pytest.mark.django_db
def test_leaving_a_final_state_reopens_the_case(demo_users: dict[str, Any]) -> None:
    """With 已核实 as the end of the path, 核实 closes the case; 核准 (to a state that ends nothing) reopens it."""
    machine.register(
        dataclasses.replace(EXAMPLE, path=(("received", "已受理"), ("verified", "已核实")), endings=())
    )
    try:
        clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
        req = _file(clerk, "单位")
        engine.take(req, "verify", actor=clerk, on=D(2023, 10, 9))
        assert engine.case_of(req).closed_on == D(2023, 10, 9)
        engine.take(req, "approve", actor=head, on=D(2023, 10, 10), data={"volume": 5})
        assert engine.case_of(req).closed_on is None
    finally:
        machine.register(EXAMPLE)


def test_step_citations_are_registered() -> None:
    names = {i.name for i in REGISTRY.all() if i.kind == "procedure"}
    assert {"procedure_example.request.verify", "procedure_example.request.approve"} <= names
