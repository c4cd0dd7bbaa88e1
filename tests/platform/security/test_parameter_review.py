"""Configured values: department scope and the four-eyes rule (SECURITY.md C08, C29; issue 14 failure 2).

The probe: a department head of 水利 added `medical_assistance` `income.per_capita_disposable = 1` in the
admin, which at once made a class-4 recognition pass with 5 fen of costs. Now the value is refused (not the
head's department), and a value of the right department waits until a second person of it approves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.common.parameters import (
    ParameterPermissionError,
    approve_value,
    configured,
    enter_value,
    reject_value,
)
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import parameters

pytestmark = pytest.mark.django_db

NAME = "income.per_capita_disposable"
DAY = dt.date(2025, 1, 1)
ADD = "/admin/common/configuredvalue/add/"


@pytest.fixture(autouse=True)
def _production_rules(settings: Any, demo_users: Any) -> None:
    settings.DEMO_MODE = False  # the rule as production runs it (no demo auto-approval)


def _form(value: str = "1", tree: str = "medical_assistance") -> dict[str, str]:
    return {"tree": tree, "name": NAME, "valid_from": "2025-01-01", "value": value, "source": "测试来源"}


def test_a_water_head_cannot_add_a_medical_value(login_client: Any, demo_users: Any) -> None:
    client = login_client("shuiwu_head")
    r = client.post(ADD, _form())
    # The tree is not among the water head's choices: the form refuses it, nothing is saved.
    assert r.status_code == 200 and "medical_assistance" not in str(
        r.context["adminform"].form.fields["tree"].choices
    )
    assert ConfiguredValue.objects.count() == 0
    # Nor can the service be used around the page.
    with pytest.raises(ParameterPermissionError, match="医疗保障局"):
        enter_value(parameters(), NAME, DAY, 1, source="x", actor=demo_users["shuiwu_head"])
    # Nor does a water head see the medical values.
    enter_value(parameters(), NAME, DAY, 3_700_000, source="公报", actor=demo_users["yibao_clerk"])
    assert client.get("/admin/common/configuredvalue/").context["cl"].result_count == 0


def test_the_system_administrator_cannot_enter_values(login_client: Any, demo_users: Any) -> None:
    assert login_client("admin").post(ADD, _form()).status_code == 403
    with pytest.raises(ParameterPermissionError):
        enter_value(parameters(), NAME, DAY, 1, source="x", actor=demo_users["admin"])


def test_a_value_counts_only_after_a_second_person_approves(login_client: Any, demo_users: Any) -> None:
    client = login_client("yibao_clerk")
    r = client.post(ADD, _form("3700000"))
    assert r.status_code == 302, r.content.decode()[:1500]
    row = ConfiguredValue.objects.get()
    assert row.status == ConfiguredValue.Status.PENDING and row.department.code == "medical_security"
    # Pending: the calculators do not see it.
    with pytest.raises(ParameterNotSet):
        configured(parameters()).get(NAME, dt.date(2025, 6, 1))
    # The clerk cannot approve their own value.
    client.post(
        "/admin/common/configuredvalue/", {"action": "approve_selected", "_selected_action": [row.pk]}
    )
    row.refresh_from_db()
    assert row.status == ConfiguredValue.Status.PENDING
    with pytest.raises(ParameterPermissionError, match="录入人不能复核"):
        approve_value(row, actor=demo_users["yibao_clerk"])
    # A water head cannot approve it either.
    with pytest.raises(ParameterPermissionError):
        approve_value(row, actor=demo_users["shuiwu_head"])
    # The medical head approves it through the page: now it counts.
    head = login_client("yibao_head")
    head.post("/admin/common/configuredvalue/", {"action": "approve_selected", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == ConfiguredValue.Status.APPROVED and row.reviewed_by.username == "yibao_head"
    assert configured(parameters()).get(NAME, dt.date(2025, 6, 1)) == 3_700_000
    # Audited with before and after.
    entered = AuditRecord.objects.get(action="platform.parameter.enter")
    approved = AuditRecord.objects.get(action="platform.parameter.approve")
    assert entered.after["value"] == 3_700_000 and entered.actor_username == "yibao_clerk"
    assert approved.before["pending"]["value"] == 3_700_000 and approved.before["in_force"] is None
    assert approved.after["status"] == "approved" and approved.actor_username == "yibao_head"


def test_a_correction_shows_the_value_it_replaces(demo_users: Any) -> None:
    clerk, head = demo_users["yibao_clerk"], demo_users["yibao_head"]
    enter_value(parameters(), NAME, DAY, 3_700_000, source="初值", actor=clerk, approver=head)
    fix = enter_value(parameters(), NAME, DAY, 3_710_000, source="更正", actor=clerk)
    assert configured(parameters()).get(NAME, dt.date(2025, 6, 1)) == 3_700_000  # the correction waits
    approve_value(fix, actor=head)
    assert configured(parameters()).get(NAME, dt.date(2025, 6, 1)) == 3_710_000
    rec = AuditRecord.objects.filter(action="platform.parameter.approve").latest("seq")
    assert rec.before["in_force"]["value"] == 3_700_000 and rec.after["value"] == 3_710_000


def test_a_rejected_value_never_counts(demo_users: Any) -> None:
    row = enter_value(parameters(), NAME, DAY, 1, source="可疑", actor=demo_users["yibao_clerk"])
    reject_value(row, actor=demo_users["yibao_head"], note="与统计公报不符")
    with pytest.raises(ParameterNotSet):
        configured(parameters()).get(NAME, dt.date(2025, 6, 1))
    with pytest.raises(ParameterPermissionError, match="不能再复核"):
        approve_value(row, actor=demo_users["yibao_head"])


def test_self_approvals_figure(demo_users: Any) -> None:
    """C29's figure for parameters: attempts by the enterer to approve their own value that succeeded."""
    clerk, head = demo_users["yibao_clerk"], demo_users["yibao_head"]
    self_approvals = 0
    for actor in (clerk, head):
        row = enter_value(parameters(), NAME, DAY, 3_700_000, source="x", actor=actor)
        try:
            approve_value(row, actor=actor)
            self_approvals += 1
        except ParameterPermissionError:
            pass
    assert self_approvals == 0
    print(f"\nC29 configured values: self-approvals = {self_approvals}")
