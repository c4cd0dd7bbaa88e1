"""Two additions to the layer made for the rental-housing procedures (issue 9), general to every procedure:

- a check may refuse with its own machine code, field and status (``Refusal``), and a refused step is an
  ``ApiError``, so the API and the pages answer it like any other refusal;
- a procedure may limit which of its cases the department's staff see (``Procedure.scope``): a housing
  operator's staff see only their operator's applications, on the workspace, the case list and the documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.procedures import engine, machine, workspace
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Opens, Refusal, transitions
from ezhou_platform.procedures.models import CaseEvent
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

pytestmark = pytest.mark.django_db
D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
VERIFY_5 = Opens(
    "verify_due", "核实期限", CITE, lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5))
)


def file(actor: Any, on: dt.date, name: str) -> ExampleRequest:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name=name, uscc="91420700MA49XK5L2Y", received_on=on)
        engine.start(req, actor=actor, on=on, label="受理调整申请", cites=CITE, opens=[VERIFY_5])
    return req


def test_a_check_refuses_with_its_own_code_and_field(
    demo_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = demo_users["shuiwu_clerk"]
    req = file(clerk, D(2024, 3, 4), "甲公司")
    verify = next(t for t in transitions(ExampleRequest) if t.name == "verify")

    def not_yet(record: Any, ctx: Any) -> Refusal | None:
        return Refusal("核实日期早于受理日期", code="too_early", field="on", status=409)

    monkeypatch.setitem(verify.custom, "step", dataclasses.replace(verify.custom["step"], checks=(not_yet,)))
    with pytest.raises(ProcedureError) as e:
        engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    assert isinstance(e.value, ApiError)
    assert (e.value.code, e.value.field, e.value.status) == ("too_early", "on", 409)
    assert e.value.message == f"核实日期早于受理日期（{CITE}）"
    req.refresh_from_db()
    assert req.status == "received" and CaseEvent.objects.count() == 1  # only the start


def test_a_bare_message_is_still_check_failed(demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2024, 3, 4), "乙公司")
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    with pytest.raises(ProcedureError) as e:
        engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 0})
    assert (e.value.code, e.value.status) == ("check_failed", 422)


def test_a_scoped_procedure_shows_staff_only_their_cases(
    demo_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    mine = file(clerk, D(2026, 6, 1), "甲公司")
    other = file(clerk, D(2026, 6, 1), "乙公司")
    proc = machine.procedure("procedure_example.request")
    # The clerk sees only 甲公司's request (as an operator's staff see only their operator's); the head all.
    scoped = dataclasses.replace(
        proc,
        scope=lambda user: (
            ExampleRequest.objects.filter(name="甲公司") if user.username == "shuiwu_clerk" else None
        ),
    )
    monkeypatch.setitem(machine._REGISTRY, proc.slug, scoped)
    seen = {c.object_id for c in workspace.cases_visible_to(clerk)}
    assert seen == {mine.pk}
    assert {c.object_id for c in workspace.cases_visible_to(head)} == {mine.pk, other.pk}
    todo = workspace.todo_for(clerk, D(2026, 6, 2))
    assert [i.period.object_id for i in todo] == [mine.pk]
    other_case = engine.case_of(other)
    assert other_case is not None
    assert not workspace.may_see_case(clerk, other_case) and workspace.may_see_case(head, other_case)


def test_check_step_refuses_as_take_would(demo_users: dict[str, Any]) -> None:
    clerk = demo_users["shuiwu_clerk"]
    req = file(clerk, D(2024, 3, 4), "丙公司")
    assert engine.check_step(req, "verify").label == "核实"
    with pytest.raises(ProcedureError) as e:
        engine.check_step(req, "approve")
    assert e.value.code == "bad_state" and e.value.status == 409
    assert e.value.message == f"当前状态为“已受理”，不能核准（{CITE}）。"
    with pytest.raises(ProcedureError) as e:
        engine.check_step(req, "no_such_step")
    assert e.value.code == "unknown_step"
