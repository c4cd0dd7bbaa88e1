"""Taking a step in a case: the one audited service call that moves any procedure of the platform.

    case = engine.start(req, actor=user, on=received_on, label="提出调整申请",
                        cites="鄂州政办发〔2022〕15号 第十条第一款", opens=[...])      # right after creating req
    engine.take(req, "verify", actor=clerk, on=today)                                # every later step

``take`` runs in one transaction: it locks the record, checks the actor's role and department, that the step
may be taken from the current state (django-fsm-2), the four-eyes rule and the step's own checks; calls the
step's method (which changes the record); closes the periods the step answers and opens the ones it starts;
issues its numbered document; updates the case; writes the case event and the audit record. Anything that
fails rolls all of it back. A refusal is a ``ProcedureError`` with a Chinese message naming the state and
the article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django_fsm import can_proceed

from ezhou_platform.common import bulk, clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import fields_snapshot
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import WRITE, allowed
from ezhou_rules.core.periods import Deadline

from . import periods, second_person
from .machine import Opens, Procedure, Refusal, Step, StepContext, procedure_of, steps_from, transitions
from .models import Case, CaseEvent, Document


class ProcedureError(ApiError):
    """A step refused: a machine code, a Chinese message (state and article named) and the field concerned.

    An ``ApiError``, so the API answers it as JSON with its status and pages show its message like any other
    refusal of a service."""


def case_of(record: Any) -> Case | None:
    return Case.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).first()


def _state(proc: Procedure, record: Any) -> str:
    return str(getattr(record, proc.state_field))


def _open(record: Any, case: Case, opens: Sequence[Opens], ctx: StepContext, proc: Procedure) -> list[str]:
    """Count and store the periods a step opens; returns the fields changed."""
    if not opens:
        return []  # most steps open no period: the calendar is not even looked up
    cal = platform_calendar()
    counted: list[tuple[Opens, Deadline]] = []
    for spec in opens:
        deadline = spec.count(record, ctx, cal)
        if deadline is not None:
            counted.append((spec, deadline))
    for spec, deadline in counted:
        setattr(record, spec.field, deadline.due)
    if counted:
        record.save(update_fields=[spec.field for spec, _ in counted])
    for spec, deadline in counted:
        periods.track(
            record,
            spec.field,
            deadline,
            label=spec.label,
            citation=spec.cites,
            department=proc.department_for(record),
            case=case,
            party=spec.party,
        )
    return [spec.field for spec, _ in counted]


def start(
    record: Any,
    *,
    actor: Any,
    on: dt.date,
    label: str,
    cites: str,
    opens: Sequence[Opens] = (),
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Case:
    """Open the case of a record just created (filed, received): its Case row, first event and periods.

    Call inside the transaction that created the record, so the record and its case exist together or not at all.
    """
    proc = procedure_of(record)
    ctx = StepContext(actor=actor, on=on, data=data or {}, note=note)
    state = _state(proc, record)
    # A case received already decided (e.g. a claim settled on receipt) is closed from the start; when the
    # start opens no period it is written closed at once.
    closed_at_once = state in proc.final_states and not opens
    case = Case.objects.create(
        procedure=proc.slug,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        department=Department.objects.get(code=proc.department_for(record)),
        title=proc.title(record)[:200],
        state=state,
        applicant_user=proc.applicant_user(record),
        applicant_uscc=proc.applicant_uscc(record) or "",
        opened_on=on,
        opened_by=actor if getattr(actor, "pk", None) else None,
        closed_on=on if closed_at_once else None,
        updated_at=clock.now(),
    )
    _open(record, case, opens, ctx, proc)
    if state in proc.final_states and not closed_at_once:
        case.closed_on = on
        case.save(update_fields=["closed_on"])
        case.periods.filter(closed_on__isnull=True).update(closed_on=on)
    CaseEvent.objects.create(
        case=case,
        step="start",
        label=label,
        target=case.state,
        citation=cites,
        actor=case.opened_by,
        on=on,
        note=note,
    )
    return case


def start_many(
    records: Sequence[Any], *, actor: Any, on: dt.date, label: str, cites: str, note: str = ""
) -> list[Case]:
    """Open the cases of many records of one procedure just created by a batch (an import of thousands of
    applications): one Case and one first event each, written in bulk, no periods (use ``start`` for a
    record whose filing opens a period). Call inside the transaction that created the records."""
    if not records:
        return []
    proc = procedure_of(records[0])
    if any(procedure_of(r) is not proc for r in records):
        raise ValueError("start_many takes records of one procedure")
    opened = open_cases(type(records[0]), records, actor=actor, on=on, label=label, cites=cites, note=note)
    return [
        Case(
            id=case_id,
            procedure=proc.slug,
            content_type_id=opened.content_type_id,
            object_id=r.pk,
            department_id=department_id,
            title=title,
            state=state,
            applicant_user_id=user_id,
            applicant_uscc=uscc,
            opened_on=on,
            opened_by_id=opened.opened_by_id,
            updated_at=opened.now,
        )
        for r, case_id, department_id, title, state, user_id, uscc in zip(
            records,
            opened.ids,
            opened.department_ids,
            opened.titles,
            opened.states,
            opened.user_ids,
            opened.usccs,
            strict=True,
        )
    ]


@dataclass
class Opened:
    """The cases ``open_cases`` wrote, in the order of its records: ids and the columns as written."""

    ids: list[int]
    content_type_id: int
    opened_by_id: int | None
    now: dt.datetime
    department_ids: list[int]
    titles: list[str]
    states: list[str]
    user_ids: list[int | None]
    usccs: list[str]


def open_cases(
    model: type,
    records: Sequence[Any],
    *,
    actor: Any,
    on: dt.date,
    label: str,
    cites: str,
    note: str = "",
) -> Opened:
    """``start_many`` without model instances, for an import of many thousands: ``records`` are rows of
    ``model`` (a registered procedure) as any objects with the attributes the procedure reads (``pk``, its
    state field, what its title, department and applicant callables use — e.g. named tuples). One
    ``executemany`` for the cases, one for their first events; the case ids are read back by the unique
    (record type, record id) of a case. Call inside the transaction that created the records."""
    proc = procedure_of(model)
    content_type_id = ContentType.objects.get_for_model(model).pk
    departments = dict(Department.objects.values_list("code", "pk"))
    opened_by_id = actor.pk if getattr(actor, "pk", None) else None
    now = clock.now()
    pks = [int(r.pk) for r in records]
    department_ids = [departments[proc.department_for(r)] for r in records]
    titles = [proc.title(r)[:200] for r in records]
    states = [_state(proc, r) for r in records]
    user_ids = [getattr(proc.applicant_user(r), "pk", None) for r in records]
    usccs = [proc.applicant_uscc(r) or "" for r in records]
    opened = Opened([], content_type_id, opened_by_id, now, department_ids, titles, states, user_ids, usccs)
    if not records:
        return opened
    on_db, now_db = bulk.db_value(Case, "opened_on", on), bulk.db_value(Case, "updated_at", now)
    bulk.insert_rows(
        Case,
        (
            "procedure",
            "content_type_id",
            "object_id",
            "department_id",
            "title",
            "state",
            "applicant_user_id",
            "applicant_uscc",
            "opened_on",
            "opened_by_id",
            "closed_on",
            "updated_at",
        ),
        (
            (
                proc.slug,
                content_type_id,
                pk,
                dept,
                title,
                state,
                user,
                uscc,
                on_db,
                opened_by_id,
                None,
                now_db,
            )
            for pk, dept, title, state, user, uscc in zip(
                pks, department_ids, titles, states, user_ids, usccs, strict=True
            )
        ),
    )
    by_record: dict[int, int] = {}
    low, high = min(pks), max(pks)
    if high - low + 1 == len(set(pks)):
        # consecutive record ids (a batch's reserved ones): one range instead of thousands of IN parameters;
        # every record in it is one of these, so every case found is one just opened
        ranges = [Q(object_id__gte=low, object_id__lte=high)]
    else:
        ranges = [Q(object_id__in=pks[k : k + _SELECT_BATCH]) for k in range(0, len(pks), _SELECT_BATCH)]
    for where in ranges:
        by_record.update(
            Case.objects.filter(where, content_type_id=content_type_id)
            .order_by()
            .values_list("object_id", "pk")
        )
    opened.ids = [by_record[pk] for pk in pks]
    bulk.insert_rows(
        CaseEvent,
        (
            "case_id",
            "step",
            "label",
            "source",
            "target",
            "citation",
            "actor_id",
            "on",
            "at",
            "note",
            "document_id",
        ),
        (
            (case_id, "start", label, "", state, cites, opened_by_id, on_db, now_db, note, None)
            for case_id, state in zip(opened.ids, states, strict=True)
        ),
    )
    return opened


_SELECT_BATCH = 2000  # record ids per look-up of the new cases' ids (under SQLite's bound-parameter limit)


def available_steps(record: Any, user: Any) -> list[tuple[str, Step]]:
    """The steps ``user`` may take now (for pages: the buttons to show)."""
    proc = procedure_of(record)
    out = []
    for name, st in steps_from(type(record), _state(proc, record), proc.state_field):
        if allowed(
            user, roles=st.roles, department=st.department or proc.department_for(record), action=WRITE
        ):
            out.append((name, st))
    return out


def _find_step(proc: Procedure, record: Any, name: str) -> Step:
    known = {t.name: t.custom["step"] for t in transitions(type(record), proc.state_field)}
    if name not in known:
        raise ProcedureError("unknown_step", f"“{proc.label}”没有名为“{name}”的办理环节。", field="step")
    state = _state(proc, record)
    for step_name, st in steps_from(type(record), state, proc.state_field):
        if step_name == name:
            return st
    st = known[name]
    raise ProcedureError(
        "bad_state",
        f"当前状态为“{proc.state_label(state)}”，不能{st.label}（{proc.cites_for(record, st)}）。",
        field=proc.state_field,
        status=409,
    )


def check_step(record: Any, name: str) -> Step:
    """The step ``name`` if it may be taken from ``record``'s current state; otherwise the refusal ``take`` would
    give (unknown step, or the state and the article). For a service that must check the state before its own
    writes (e.g. choosing a unit: the queue is looked at only for a qualified applicant)."""
    return _find_step(procedure_of(record), record, name)


def take(
    record: Any,
    name: str,
    *,
    actor: Any,
    on: dt.date | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Take step ``name`` of ``record``'s procedure; see the module docstring. Returns the case event.

    ``record`` is refreshed from the database afterwards, so the caller sees the new state.
    """
    proc = procedure_of(record)
    on = on or clock.today()
    ctx = StepContext(actor=actor, on=on, data=dict(data or {}), note=note)
    with transaction.atomic():
        locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
        st = _find_step(proc, locked, name)
        base_cites = proc.cites_for(locked, st)
        if not allowed(
            actor, roles=st.roles, department=st.department or proc.department_for(locked), action=WRITE
        ):
            raise ProcedureError(
                "forbidden", f"您没有权限办理“{st.label}”（{base_cites}）。", field=None, status=403
            )
        case = case_of(locked)
        if case is None:
            raise ProcedureError("no_case", f"{proc.label}尚未受理，不能{st.label}。", status=409)
        if (
            second_person.required(proc, name, st, locked, ctx)
            and case.opened_by_id is not None
            and case.opened_by_id == getattr(actor, "pk", None)
        ):
            raise ProcedureError(
                "second_person_required",
                f"“{st.label}”须由受理人以外的另一名工作人员办理（双人复核）。",
                status=403,
            )
        for check in st.checks:
            problem = check(locked, ctx)
            if problem:
                r = problem if isinstance(problem, Refusal) else Refusal(str(problem))
                raise ProcedureError(
                    r.code, f"{r.message}（{r.cites or base_cites}）", field=r.field, status=r.status
                )
        method = getattr(locked, name)
        if not can_proceed(method):
            raise ProcedureError(
                "bad_state",
                f"当前状态为“{proc.state_label(_state(proc, locked))}”，不能{st.label}（{base_cites}）。",
                status=409,
            )
        source = _state(proc, locked)
        before = {proc.state_field: source, **fields_snapshot(locked, st.audit_fields)}
        method(ctx)
        locked.save()
        cites = st.cites_for(locked, ctx) if st.cites_for is not None else base_cites
        for field in st.closes:
            periods.close(locked, field, on)
        _open(locked, case, st.opens, ctx, proc)
        document: Document | None = None
        if st.document is not None:
            from .documents import issue_for_step

            document = issue_for_step(locked, case, st, ctx, proc, cites=cites)
        target = _state(proc, locked)
        case.state = target
        case.updated_at = clock.now()
        if target in proc.final_states:
            case.closed_on = on
            # A case that ends answers everything still open in it.
            case.periods.filter(closed_on__isnull=True).update(closed_on=on)
        else:
            # A step out of a final state reopens the case (a licence whose commitment was fulfilled is
            # ordered to rectify after an inspection).
            case.closed_on = None
        case.save(update_fields=["state", "updated_at", "closed_on"])
        event = CaseEvent.objects.create(
            case=case,
            step=name,
            label=st.label,
            source=source,
            target=target,
            citation=cites,
            actor=actor if getattr(actor, "pk", None) else None,
            on=on,
            note=note,
            document=document,
        )
        audit(
            f"{proc.slug}.{name}",
            actor=actor,
            obj=locked,
            before=before,
            after={proc.state_field: target, **fields_snapshot(locked, st.audit_fields)},
            label=st.label,
            citation=cites,
        )
    record.refresh_from_db()
    return event
