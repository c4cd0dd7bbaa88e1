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
from ezhou_rules.core.citations import REGISTRY, Citation
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
    """What a check may return instead of a bare message: the refusal's machine code, the field concerned
    (so a page or the API names it by its Chinese label), its HTTP status and, when another article than the
    step's refuses it (e.g. 第十三条 refusing an approval under 第十条), that article. A plain Chinese string is
    a refusal with code "check_failed", status 422 and the step's article."""

    message: str
    code: str = "check_failed"
    field: str | None = None
    cites: str = ""
    status: int = 422


# A check returns None when the step may be taken, else a Chinese message or a Refusal.
Check = Callable[[Any, StepContext], "str | Refusal | None"]
# The four-eyes rule of a step: always, never, or decided per case (e.g. by a dated parameter on the step's day).
SecondPerson = bool | Callable[[Any, StepContext], bool]


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
    """A numbered document a step issues (受理通知书, 决定书, 通知单 …); see ``documents``.

    ``kind`` is a registered kind's code, or ``(record, ctx) -> code`` where the issuing department (and so
    the numbering) depends on the record, e.g. the body configured to decide a licensing application."""

    kind: str | Callable[[Any, StepContext], str]
    template: str
    title: str = ""
    # 救济途径: the remedy the law gives against the decision ("" where it gives none).
    remedy: str = ""
    # Extra template context from the record and the step (amounts, reasons …); it may also name the
    # document's "recipient" and "title".
    context: Callable[[Any, StepContext], dict[str, Any]] | None = None
    # False: keep the HTML as issued and render the PDF on first download (documents.pdf_of).
    pdf: bool = True


@dataclass(frozen=True)
class Step:
    label: str
    cites: str
    roles: tuple[Role, ...]
    checks: tuple[Check, ...] = ()
    opens: tuple[Opens, ...] = ()
    closes: tuple[str, ...] = ()
    document: DocumentSpec | None = None
    # The four-eyes rule: the person who filed or prepared the case may not take this step. A callable
    # (record, ctx) -> bool makes it configurable, e.g. a dated parameter read on the step's day.
    second_person: SecondPerson = False
    # Fields whose before/after values the audit record keeps.
    audit_fields: tuple[str, ...] = ()
    # The precise article of one taking, when it depends on the record (the item of 第十三条 a refusal rests
    # on): read after the step's method ran; the event, the audit record and the document cite it.
    cites_for: Callable[[Any, StepContext], str] | None = None
    # The department that takes this step when it is not the case's own (the payer's finance office pays an
    # award another department decided); None: the case's department.
    department: str | None = None

    def __post_init__(self) -> None:
        Citation.parse(self.cites)  # a step cites an article the policy library resolves (tested)

    def needs_second_person(self, record: Any, ctx: StepContext) -> bool:
        rule = self.second_person
        return bool(rule(record, ctx)) if callable(rule) else bool(rule)


def step(
    label: str,
    *,
    cites: str,
    roles: Iterable[Role | str],
    checks: Sequence[Check] = (),
    opens: Sequence[Opens] = (),
    closes: Sequence[str] = (),
    document: DocumentSpec | None = None,
    second_person: SecondPerson = False,
    audit_fields: Sequence[str] = (),
    cites_for: Callable[[Any, StepContext], str] | None = None,
    department: str | None = None,
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
            cites_for=cites_for,
            department=department,
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
    # The department that runs a given record's case, where it depends on the record (a licence is decided
    # and supervised by the body configured for its item and level; a subsidy is reviewed by the 商务局 or the
    # 交通运输局 according to its measure); None: always ``department``.
    department_of: Callable[[Any], str] | None = None
    # States off the main path that do not end the case (限期整改中, 拟撤销 …): (state, label).
    side_states: tuple[tuple[str, str], ...] = ()

    # The article a step cites for a given record, where one procedure serves several plans or laws (one
    # task-supervision procedure serves every supervised plan); None: the step's own ``cites``. It must resolve
    # in the policy library like a step's. (A step's ``cites_for`` then narrows it after the step ran.)
    cites_of: Callable[[Any, Step], str] | None = None

    def department_for(self, record: Any) -> str:
        """The Department.code whose staff take this record's steps and whose 待办 its periods are."""
        return self.department_of(record) if self.department_of is not None else self.department

    def cites_for(self, record: Any, st: Step) -> str:
        """The article ``st`` cites for ``record`` before it is taken (refusals, buttons)."""
        if self.cites_of is None:
            return st.cites
        cites = self.cites_of(record, st)
        Citation.parse(cites)
        return cites

    def state_label(self, state: str) -> str:
        for value, label in (*self.path, *self.side_states, *self.endings):
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
    """Register a procedure (once, at import of the domain's procedures module).

    Each step's article is registered in the citation registry (kind "procedure"), so the policy library's
    coverage page shows the steps that implement an article beside the rules and parameters."""
    existing = _REGISTRY.get(procedure.slug)
    if existing is not None and existing.model is not procedure.model:
        raise ValueError(f"procedure {procedure.slug} registered twice for different models")
    _REGISTRY[procedure.slug] = procedure
    _BY_MODEL[procedure.model] = procedure
    for t in transitions(procedure.model, procedure.state_field):
        st: Step = t.custom["step"]
        REGISTRY.register(
            st.cites, f"{procedure.slug}.{t.name}", "procedure", f"{procedure.label}：{st.label}"
        )
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
