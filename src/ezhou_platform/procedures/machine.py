"""Procedures as state machines: the states a case goes through and the steps (transitions) that move it.

A domain model declares its states with django-fsm-2 and each step as a transition whose ``custom`` carries the
law: the article, who may take it, the checks it runs, the periods it opens and closes, the document it issues::

    from django_fsm import FSMField, transition
    from ezhou_platform.procedures.machine import Opens, Step, step

    class AdjustmentRequest(CaseRecord):
        status = FSMField("状态", default="received", choices=Status.choices, protected=True)

        @transition(field=status, source="received", target="verified", custom=step(
            "核实调整申请",
            cites="鄂州政办发〔2022〕15号 第十条第一款",
            roles=CLERKS,
            closes=("verify_due",),
        ))
        def verify(self, ctx: StepContext) -> None:
            self.verified_on = ctx.on

A ``Procedure`` (registered once per model) names the case for people (its Chinese label, the department that
runs it, the main path of states for the progress bar, who the applicant is). ``engine.take(record, "verify",
actor=…, on=…)`` is then the only way to move the case: one audited call in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_rules.core.citations import Citation
from ezhou_rules.core.periods import Deadline
from ezhou_rules.core.workdays import WorkdayCalendar

# Who acts before a period ends: the department (a clerk decides) or the applicant (a unit pays, appeals …).
DEPARTMENT = "department"
APPLICANT = "applicant"


@dataclass(frozen=True)
class StepContext:
    """What a step's method, its checks and its period counters receive."""

    actor: Any
    on: dt.date
    data: dict[str, Any]
    note: str = ""


@dataclass(frozen=True)
class Refusal:
    """What a check returns to refuse a step with its own machine code, field and status; a check may also
    return a bare Chinese message (code ``check_failed``, 422). The engine appends the step's article."""

    message: str
    code: str = "check_failed"
    field: str | None = None
    status: int = 422


Check = Callable[[Any, StepContext], "str | Refusal | None"]


@dataclass(frozen=True)
class Opens:
    """A period a step opens: counted by ``count(record, ctx, calendar)`` and stored in ``record.<field>``."""

    field: str
    label: str
    cites: str
    count: Callable[[Any, StepContext, WorkdayCalendar], Deadline | None]
    party: str = DEPARTMENT


@dataclass(frozen=True)
class DocumentSpec:
    """A numbered document a step issues (受理通知书, 决定书, 通知单 …); see ``documents``."""

    kind: str
    template: str
    title: str = ""
    # 救济途径: the remedy the law gives against the decision ("" where it gives none).
    remedy: str = ""
    # Extra template context from the record and the step (amounts, reasons …).
    context: Callable[[Any, StepContext], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Step:
    label: str
    cites: str
    roles: tuple[Role, ...]
    checks: tuple[Check, ...] = ()
    opens: tuple[Opens, ...] = ()
    closes: tuple[str, ...] = ()
    document: DocumentSpec | None = None
    # The four-eyes rule: the person who filed or prepared the case may not take this step.
    second_person: bool = False
    # Fields whose before/after values the audit record keeps.
    audit_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        Citation.parse(self.cites)  # a step cites an article the policy library resolves (tested)


def step(
    label: str,
    *,
    cites: str,
    roles: Iterable[Role | str],
    checks: Sequence[Check] = (),
    opens: Sequence[Opens] = (),
    closes: Sequence[str] = (),
    document: DocumentSpec | None = None,
    second_person: bool = False,
    audit_fields: Sequence[str] = (),
) -> dict[str, Any]:
    """The ``custom=`` of a django-fsm ``@transition``: the step's law and rules."""
    return {
        "step": Step(
            label=label,
            cites=cites,
            roles=tuple(Role(r) for r in roles),
            checks=tuple(checks),
            opens=tuple(opens),
            closes=tuple(closes),
            document=document,
            second_person=second_person,
            audit_fields=tuple(audit_fields),
        )
    }


@dataclass(frozen=True)
class Procedure:
    """One kind of case: its model, names, department and the main path of its states."""

    slug: str  # "water_plan.adjustment"
    label: str  # "用水计划调整申请"
    model: type
    department: str  # Department.code
    document: str  # the gazette document it implements, e.g. "鄂州政办发〔2022〕15号"
    state_field: str = "status"
    # The states of the usual course, in order, for the progress bar: (state, label).
    path: tuple[tuple[str, str], ...] = ()
    # Terminal states off the main path (refused, withdrawn …): (state, label).
    endings: tuple[tuple[str, str], ...] = ()
    # Who the applicant is: a User (citizen, agent) and/or a USCC (enterprise); None where nobody applied.
    applicant_user: Callable[[Any], Any] = lambda record: None
    applicant_uscc: Callable[[Any], str] = lambda record: ""
    title: Callable[[Any], str] = str
    url: Callable[[Any], str] = lambda record: ""
    # Who may file on the web (for the workspace's shortcuts); documentation only.
    filed_by: tuple[Role, ...] = field(default=())
    # Staff of the department who may see only some of its cases (a housing operator's staff see their own
    # operator's projects): ``scope(user)`` is the queryset of this procedure's records ``user`` may see, or
    # None where they see all of them. The workspace, the case list, the case pages and documents use it.
    scope: Callable[[Any], Any] | None = None

    def state_label(self, state: str) -> str:
        for value, label in (*self.path, *self.endings):
            if value == state:
                return label
        return state

    @property
    def final_states(self) -> set[str]:
        finals = {s for s, _ in self.endings}
        if self.path:
            finals.add(self.path[-1][0])
        return finals


_REGISTRY: dict[str, Procedure] = {}
_BY_MODEL: dict[type, Procedure] = {}


def register(procedure: Procedure) -> Procedure:
    """Register a procedure (once, at import of the domain's procedures module)."""
    existing = _REGISTRY.get(procedure.slug)
    if existing is not None and existing.model is not procedure.model:
        raise ValueError(f"procedure {procedure.slug} registered twice for different models")
    _REGISTRY[procedure.slug] = procedure
    _BY_MODEL[procedure.model] = procedure
    return procedure


def procedures() -> list[Procedure]:
    return list(_REGISTRY.values())


def procedure(slug: str) -> Procedure:
    return _REGISTRY[slug]


def procedure_of(model_or_record: Any) -> Procedure:
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    for cls in model.__mro__:
        if cls in _BY_MODEL:
            return _BY_MODEL[cls]
    raise LookupError(f"{model.__name__} is not a registered procedure")


def transitions(model: Any, state_field: str = "status") -> list[Any]:
    """django-fsm's transitions of ``model`` (each with .name, .source, .target, .custom["step"])."""
    fsm_field = model._meta.get_field(state_field)
    return [t for t in fsm_field.get_all_transitions(model) if "step" in (t.custom or {})]


def steps_from(model: Any, state: str, state_field: str = "status") -> list[tuple[str, Step]]:
    """The steps that may be taken from ``state``: [(method name, Step)]."""
    out: dict[str, Step] = {}
    for t in transitions(model, state_field):
        if t.source in (state, "*", "+"):
            out.setdefault(t.name, t.custom["step"])
    return list(out.items())
