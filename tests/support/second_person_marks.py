"""The C29 check each domain runs on its marked steps (issue 14 failure 3): the steps of the domain marked
``effect=`` are exactly the expected ones, the admin refuses a rule switching any of them off, and a rule row
written around that check (the failure's route: before the marks it was honoured) does not relax it either."""

from __future__ import annotations

import datetime as dt

from ezhou_platform.procedures import second_person
from ezhou_platform.procedures.machine import StepContext, procedure
from ezhou_platform.security.models import SecondPersonRule


def marked_steps(domain: str) -> dict[tuple[str, str], str]:
    """{(procedure slug, step): effect} of the domain's steps marked with an effect."""
    return {
        (r["procedure"], r["step"]): r["effect"]
        for r in second_person.table()
        if r["procedure"].startswith(f"{domain}.") and r["effect"]
    }


def relaxable(marked: dict[tuple[str, str], str]) -> int:
    """How many of the marked steps a configuration could relax (prints the figure; must be 0)."""
    relaxed = 0
    for (slug, step), effect in marked.items():
        problem = second_person.check_rule(slug, step, required=False)
        assert second_person.EFFECTS[effect] in problem and "不能取消双人复核" in problem
        SecondPersonRule.objects.create(
            procedure=slug, step=step, required=False, valid_from=dt.date(2024, 1, 1), reason="试"
        )
        ctx = StepContext(actor=None, on=dt.date(2024, 6, 3), data={})
        relaxed += not second_person.required(
            procedure(slug), step, second_person.step_of(slug, step), None, ctx
        )
    domains = sorted({slug.split(".")[0] for slug, _ in marked})
    print(f"\nC29 {'/'.join(domains)}: marked steps a configuration could relax = {relaxed} of {len(marked)}")
    return relaxed
