"""What the steps of this system's procedures share: who takes them, the four-eyes rule read from a dated
parameter, and the numbered documents they issue. No model imports (the model modules import this)."""

from __future__ import annotations

from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import DocumentSpec, StepContext
from ezhou_rules.core.params import ParameterTree

from ..cites import IN_FORCE, REMEDY

# Steps are taken by the department's clerks and heads (the Procedure names the department); auditors read.
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)


def tree() -> ParameterTree:
    """The parameters with the values administrators entered (incomes, the four-eyes switches …)."""
    from ezhou_platform.common.parameters import configured
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    return configured(parameters())


def four_eyes(name: str) -> Any:
    """The four-eyes rule of a step as the dated parameter ``four_eyes.<name>`` on the step's day (M25): the
    person who received the case may not take the step while it is true."""

    def rule(record: Any, ctx: StepContext) -> bool:
        return bool(tree().get(f"four_eyes.{name}", max(ctx.on, IN_FORCE)))

    return rule


def decision(kind: str, template: str, context: Any, *, remedy: str = REMEDY) -> DocumentSpec:
    """A numbered decision (决定书) of this system with the 救济途径 of M27."""
    return DocumentSpec(kind=kind, template=template, remedy=remedy, context=context)


def actor_or_none(ctx: StepContext) -> Any:
    return ctx.actor if getattr(ctx.actor, "pk", None) else None
