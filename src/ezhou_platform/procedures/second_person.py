"""The four-eyes rule (双人复核) of each step, as dated configuration (SECURITY.md C29; ASVS 2.3.5; issue 14
failure 3: a clerk filed an 80,000 m³ supplement and approved it himself).

Whether a step needs a second person — someone other than the one who opened the case — is decided, on the
day the step is taken, in this order:

1. the administrator's configuration: the latest `security.SecondPersonRule` for (procedure, step) whose
   `valid_from` is on or before that day (edited in the admin, audited with before/after);
2. the domain's default: a step that pays money, changes a plan or records a credit entry declares it with
   `step(..., effect="pay" | "plan" | "credit")` and then requires a second person; any other step follows
   its own `second_person=` (True, False, or a callable (record, ctx) -> bool, e.g. above a threshold).

A configuration may tighten any step; it may not relax a step marked with an effect (money, plans and credit
always need two people): `check_rule` refuses that, so the admin cannot save it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .machine import Procedure, Step, StepContext, procedure, transitions

# The effects that always need a second person, with the Chinese words the refusal and the admin use.
EFFECTS: dict[str, str] = {"pay": "支付资金", "plan": "变更计划", "credit": "记入信用记录"}


def effect_of(st: Step) -> str:
    return getattr(st, "effect", "") or ""


def configured(slug: str, step_name: str, on: dt.date) -> bool | None:
    """The configured rule for the step on day `on`, or None when nothing is configured."""
    from ezhou_platform.security.models import SecondPersonRule

    rule = (
        SecondPersonRule.objects.filter(procedure=slug, step=step_name, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .values_list("required", flat=True)
        .first()
    )
    return rule


def required(proc: Procedure, step_name: str, st: Step, record: Any, ctx: StepContext) -> bool:
    """Must the step be taken by someone other than the person who opened the case?"""
    rule = configured(proc.slug, step_name, ctx.on)
    if effect_of(st) in EFFECTS:
        return True  # money, plans and credit: always (a configuration cannot relax it, see check_rule)
    if rule is not None:
        return rule
    return st.needs_second_person(record, ctx)


def step_of(slug: str, step_name: str) -> Step:
    """The Step `step_name` of procedure `slug`; LookupError with a Chinese message when either is unknown."""
    try:
        proc = procedure(slug)
    except KeyError as exc:
        raise LookupError(f"没有代码为“{slug}”的办理程序。") from exc
    for t in transitions(proc.model, proc.state_field):
        if t.name == step_name:
            st: Step = t.custom["step"]
            return st
    raise LookupError(f"“{proc.label}”没有名为“{step_name}”的办理步骤。")


def check_rule(slug: str, step_name: str, *, required: bool) -> str:
    """Why a configuration may not be saved ("" when it may): an unknown procedure or step, or relaxing a
    step that pays money, changes a plan or records credit."""
    try:
        st = step_of(slug, step_name)
    except LookupError as exc:
        return str(exc)
    effect = effect_of(st)
    if not required and effect in EFFECTS:
        return f"“{st.label}”属于{EFFECTS[effect]}的环节，必须由另一人办理，不能取消双人复核（三员分立与双人复核要求）。"
    return ""


def table() -> list[dict[str, Any]]:
    """Every step of every registered procedure with its default and the effect (for the admin and docs)."""
    from .machine import procedures

    rows = []
    for proc in procedures():
        for t in transitions(proc.model, proc.state_field):
            st: Step = t.custom["step"]
            rows.append(
                {
                    "procedure": proc.slug,
                    "step": t.name,
                    "label": st.label,
                    "effect": effect_of(st),
                    "default": bool(
                        effect_of(st) in EFFECTS or st.second_person is True or callable(st.second_person)
                    ),
                }
            )
    return rows


def configure(
    slug: str,
    step_name: str,
    *,
    required: bool,
    valid_from: dt.date,
    reason: str,
    actor: Any,
    request: Any = None,
) -> Any:
    """Record a dated four-eyes rule for one step (a new row; audited with the rule in force before and after).
    Raises ValueError with a Chinese message when `check_rule` refuses it."""
    from django.db import transaction

    from ezhou_platform.common.audit.services import record
    from ezhou_platform.security.models import SecondPersonRule

    problem = check_rule(slug, step_name, required=required)
    if problem:
        raise ValueError(problem)
    st = step_of(slug, step_name)
    before = configured(slug, step_name, valid_from)
    with transaction.atomic():
        rule = SecondPersonRule.objects.create(
            procedure=slug,
            step=step_name,
            required=required,
            valid_from=valid_from,
            reason=reason,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        record(
            "procedures.second_person.configure",
            actor=actor,
            obj=rule,
            before={
                "required": before,
                "default": bool(st.second_person is True or effect_of(st) in EFFECTS),
            },
            after={"required": required, "valid_from": valid_from.isoformat(), "reason": reason},
            label="设置双人复核",
            request=request,
        )
    return rule
