"""Issue 14 failure 3 (SECURITY.md C29): `shuiwu_clerk` filed an 80,000 m³ supplement and approved it himself.

The water plan's decisions that change a plan (adjustments, supplements, coefficient cases) or record a credit
entry (纳入社会信用体系平台) are marked ``effect=`` on their steps, so a second person is always needed: a
configuration switching the rule off is refused, and a rule row written around the check is not honoured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from second_person_marks import marked_steps

from ezhou_platform.procedures import second_person
from ezhou_platform.security.models import SecondPersonRule
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import YearlyPlan
from ezhou_rules.water_plan.errors import WaterPlanError

pytestmark = pytest.mark.django_db

D = dt.date
MARKED = {
    ("water_plan.adjustment", "approve"): "plan",
    ("water_plan.supplement", "approve"): "plan",
    ("water_plan.coefficient_case", "apply"): "plan",
    ("water_plan.notice", "credit_list"): "credit",
}


def test_the_plan_and_credit_decisions_are_marked_and_cannot_be_configured_off() -> None:
    marked = marked_steps("water_plan")
    assert marked == MARKED  # the filing steps (受理, 核实, 下达) are not marked: only decisions
    for (slug, step), effect in MARKED.items():
        problem = second_person.check_rule(slug, step, required=False)
        assert second_person.EFFECTS[effect] in problem and "不能取消双人复核" in problem


def test_the_clerk_who_filed_an_80000_m3_supplement_cannot_approve_it(
    unit: Any, clerk: Any, head: Any
) -> None:
    services.issue_plans(2024, actor=clerk, issued_on=D(2024, 1, 19))
    plan = YearlyPlan.objects.get(unit=unit)
    # event 2024-04-03 (fire), received 04-09: within 3 working days (04-07 Sunday worked, 04-08, 04-09)
    req = services.file_supplement(
        plan,
        "fire",
        D(2024, 4, 3),
        D(2024, 4, 9),
        {"volume": "80000", "source": "fire_meter"},
        paper_materials=True,
        actor=clerk,
    )
    assert req.computed_m3x100 == 8_000_000  # 80,000 m³ × 100
    # The failure's route: a rule row switching the step's four-eyes off. Before the mark the row was honoured
    # and the clerk approved his own supplement; now the step changes a plan and the row is not.
    SecondPersonRule.objects.create(
        procedure="water_plan.supplement",
        step="approve",
        required=False,
        valid_from=D(2024, 1, 1),
        reason="试",
    )
    self_approvals = 0
    try:
        services.approve_supplement(req, actor=clerk, on=D(2024, 4, 12))
        self_approvals += 1
    except WaterPlanError as exc:
        assert exc.code == "second_person_required", exc.message
    assert self_approvals == 0
    req.refresh_from_db()
    assert req.status == "received"
    # unchanged: 1200×10% + 1500×20% + 1800×70% = 1680.00 m³
    assert YearlyPlan.objects.get(pk=plan.pk).effective_m3x100 == 168000
    # the department head decides: 1680.00 + 80,000.00 m³
    services.approve_supplement(req, actor=head, on=D(2024, 4, 12))
    assert YearlyPlan.objects.get(pk=plan.pk).effective_m3x100 == 168000 + 8_000_000
    print(
        f"\nC29 water_plan: self-approvals of an 80,000 m³ supplement with the rule configured off = {self_approvals}"
    )
