"""The four-eyes rule as dated configuration (SECURITY.md C29; issue 14 failure 3: `shuiwu_clerk` filed an
80,000 m³ supplement and approved it himself). Shown on the layer's example procedure
(tests/support/procedure_example): `verify` has no default rule, `approve` requires a second person."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures import engine, second_person
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import transitions

pytestmark = pytest.mark.django_db

D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
SLUG = "procedure_example.request"


def _file(clerk: Any, on: dt.date) -> ExampleRequest:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name="鄂州示范制造有限公司", received_on=on)
        engine.start(req, actor=clerk, on=on, label="受理调整申请", cites=CITE)
    return req


def _self_approvals(clerk: Any, on: dt.date) -> int:
    """File a case as `clerk` and try every step as the same person: the count of steps that let them."""
    req = _file(clerk, on)
    taken = 0
    for name, data in (("verify", {}), ("approve", {"volume": 80000})):
        try:
            engine.take(req, name, actor=clerk, on=on, data=data)
            taken += name == "approve"
        except ProcedureError as exc:
            assert exc.code == "second_person_required", exc.message
            return taken
    return taken


def test_a_configured_rule_applies_from_its_date_and_is_audited(demo_users: dict[str, Any]) -> None:
    clerk, admin = demo_users["shuiwu_clerk"], demo_users["admin"]
    # Reproduces the failure's shape on a step without a default: the filer verifies their own case.
    req = _file(clerk, D(2024, 3, 4))
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 4))
    # The administrator requires a second person for `verify` from 2024-03-11.
    second_person.configure(
        SLUG, "verify", required=True, valid_from=D(2024, 3, 11), reason="市局内控制度", actor=admin
    )
    assert second_person.configured(SLUG, "verify", D(2024, 3, 8)) is None
    assert second_person.configured(SLUG, "verify", D(2024, 3, 11)) is True
    req = _file(clerk, D(2024, 3, 11))
    with pytest.raises(ProcedureError) as refused:
        engine.take(req, "verify", actor=clerk, on=D(2024, 3, 11))
    assert refused.value.code == "second_person_required" and refused.value.status == 403
    engine.take(req, "verify", actor=demo_users["shuiwu_head"], on=D(2024, 3, 11))
    audit = AuditRecord.objects.get(action="procedures.second_person.configure")
    assert audit.before["required"] is None and audit.after["required"] is True
    assert audit.actor_username == "admin"


def test_money_plan_and_credit_steps_cannot_be_relaxed(demo_users: dict[str, Any], monkeypatch: Any) -> None:
    custom = next(t for t in transitions(ExampleRequest) if t.name == "approve").custom
    monkeypatch.setitem(
        custom, "step", dataclasses.replace(custom["step"], second_person=False, effect="plan")
    )
    problem = second_person.check_rule(SLUG, "approve", required=False)
    assert "变更计划" in problem and "不能取消双人复核" in problem
    with pytest.raises(ValueError, match="不能取消双人复核"):
        second_person.configure(
            SLUG, "approve", required=False, valid_from=D(2024, 1, 1), reason="x", actor=demo_users["admin"]
        )
    # Even a row written around the check (e.g. straight into the table) does not relax it.
    from ezhou_platform.security.models import SecondPersonRule

    SecondPersonRule.objects.create(
        procedure=SLUG, step="approve", required=False, valid_from=D(2024, 1, 1), reason="x"
    )
    assert _self_approvals(demo_users["shuiwu_clerk"], D(2024, 3, 4)) == 0
    print("\nC29 self-approvals = 0 (a plan-changing step, its rule configured off)")


def test_unknown_procedures_and_steps_are_refused_in_chinese() -> None:
    assert "没有代码为“nope”的办理程序" in second_person.check_rule("nope", "approve", required=True)
    assert "没有名为“teleport”的办理步骤" in second_person.check_rule(SLUG, "teleport", required=True)
    with pytest.raises(ValueError, match="effect"):
        dataclasses.replace(
            next(t for t in transitions(ExampleRequest) if t.name == "approve").custom["step"], effect="gift"
        )


def test_the_admin_saves_a_rule_only_through_the_check(
    client: Any, demo_users: dict[str, Any], settings: Any
) -> None:
    client.force_login(demo_users["admin"])
    url = "/admin/security/secondpersonrule/add/"
    form = {"procedure": SLUG, "step": "nope", "required": "on", "valid_from": "2024-03-11", "reason": "内控"}
    r = client.post(url, form)
    assert r.status_code == 200 and "没有名为“nope”的办理步骤" in r.content.decode()
    r = client.post(url, form | {"step": "verify"})
    assert r.status_code == 302
    assert AuditRecord.objects.filter(action="procedures.second_person.configure").count() == 1
    client.force_login(demo_users["shuiwu_head"])
    assert client.post(url, form | {"step": "verify", "valid_from": "2024-04-01"}).status_code in (302, 403)
    assert AuditRecord.objects.filter(action="procedures.second_person.configure").count() == 1
