"""Issue 14 failure 3 (SECURITY.md C29) adopted in subsidies: 支付奖补资金 pays money out of a payer's budget, so
the step is marked ``effect="pay"`` and always needs someone other than the person who opened the case — a
configuration cannot switch it off. (作出奖补决定 is kept apart from the reviewer by its own check.)"""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_platform.procedures import second_person
from ezhou_platform.procedures.machine import StepContext, procedure
from ezhou_platform.security.models import SecondPersonRule

pytestmark = pytest.mark.django_db
MARKED = {
    ("subsidies.application", "pay"): "pay",
}


def test_the_decisions_are_marked_and_a_configuration_cannot_relax_them() -> None:
    marked = {
        (r["procedure"], r["step"]): r["effect"]
        for r in second_person.table()
        if r["procedure"].startswith("subsidies.") and r["effect"]
    }
    assert marked == MARKED
    relaxed = 0
    for (slug, step), effect in MARKED.items():
        problem = second_person.check_rule(slug, step, required=False)
        assert second_person.EFFECTS[effect] in problem and "不能取消双人复核" in problem
        # the failure's route: a row switching the step off (before the mark it was honoured)
        SecondPersonRule.objects.create(
            procedure=slug, step=step, required=False, valid_from=dt.date(2024, 1, 1), reason="试"
        )
        ctx = StepContext(actor=None, on=dt.date(2024, 6, 3), data={})
        relaxed += not second_person.required(
            procedure(slug), step, second_person.step_of(slug, step), None, ctx
        )
    print(f"\nC29 subsidies: marked steps a configuration could relax = {relaxed} of {len(MARKED)}")
    assert relaxed == 0
