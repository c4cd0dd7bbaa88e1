"""What each person has to do, across every system: the selectors behind the workspace (工作台).

- Staff: the open periods of their department where the department must act (待办), overdue first, with the
  working days left and 暂定 marks; the department's recent decisions; shortcuts to their pages.
- Auditors: every overdue period of every department (read only).
- Citizens and enterprises: their cases with the progress of each, the periods where they must act (pay,
  appeal, hand in material …) and the documents issued to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.roles import Role

from .machine import Procedure, procedure, procedures
from .models import Case, CaseEvent, Document, Period


@dataclass
class TodoItem:
    period: Period
    due: dt.date
    workdays_left: int
    overdue: bool
    provisional_reason: str
    record_label: str
    record_url: str
    case: Case | None


@dataclass(frozen=True)
class Shortcut:
    label: str
    url_name: str
    roles: tuple[Role, ...]
    department: str | None = None  # Department.code, for staff roles


_SHORTCUTS: list[Shortcut] = []


def register_shortcut(shortcut: Shortcut) -> None:
    """A domain adds the pages its roles use most (called from its AppConfig.ready)."""
    if shortcut not in _SHORTCUTS:
        _SHORTCUTS.append(shortcut)


def shortcuts_for(user: Any) -> list[Shortcut]:
    role = Role(user.role)
    dept = user.department.code if getattr(user, "department", None) else None
    return [
        s
        for s in _SHORTCUTS
        if role in s.roles
        and (s.department is None or role not in (Role.CLERK, Role.DEPARTMENT_HEAD) or s.department == dept)
    ]


def _open_periods(user: Any) -> QuerySet[Period]:
    role = Role(user.role)
    open_ = Period.objects.filter(closed_on__isnull=True).select_related("content_type", "case", "department")
    if role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        return open_.filter(department_id=user.department_id, party="department").filter(
            Q(case__isnull=True) | Q(case__in=cases_visible_to(user))
        )
    if role == Role.AUDITOR:
        return open_.filter(party="department")
    if role == Role.ENTERPRISE:
        return open_.filter(party="applicant", case__applicant_uscc=user.enterprise_uscc)
    if role == Role.CITIZEN:
        return open_.filter(party="applicant", case__applicant_user=user)
    return open_.none()


def todo_for(user: Any, today: dt.date, *, limit: int = 200) -> list[TodoItem]:
    """Open periods that are the user's, overdue first, then by due date (auditors: overdue only)."""
    qs = _open_periods(user)
    if Role(user.role) == Role.AUDITOR:
        qs = qs.filter(due__lt=today)
    cal = platform_calendar()
    items: list[TodoItem] = []
    for p in qs.order_by("due", "id")[:limit]:
        if p.due >= today:
            left = cal.workdays_between(today, p.due)
        else:
            left = -max(cal.workdays_between(p.due, today), 1)
        items.append(
            TodoItem(
                period=p,
                due=p.due,
                workdays_left=left,
                overdue=p.due < today,
                provisional_reason=p.reason if p.provisional else "",
                record_label=p.case.title if p.case else p.record_label(),
                record_url=p.record_url(),
                case=p.case,
            )
        )
    items.sort(key=lambda i: (not i.overdue, i.due, i.period.pk))
    return items


def cases_visible_to(user: Any) -> QuerySet[Case]:
    role = Role(user.role)
    cases = Case.objects.select_related("department")
    if role in (Role.CLERK, Role.DEPARTMENT_HEAD):
        cases = cases.filter(department_id=user.department_id)
        for proc in procedures():
            scope = proc.scope(user) if proc.scope is not None else None
            if scope is not None:
                cases = cases.exclude(Q(procedure=proc.slug) & ~Q(object_id__in=scope.values("pk")))
        return cases
    if role in (Role.AUDITOR, Role.ADMIN):
        return cases
    if role == Role.ENTERPRISE:
        return cases.filter(applicant_uscc=user.enterprise_uscc) if user.enterprise_uscc else cases.none()
    if role == Role.CITIZEN:
        return cases.filter(applicant_user=user)
    return cases.none()


def recent_events(user: Any, *, limit: int = 10) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case__in=cases_visible_to(user))
        .exclude(step="start")
        .select_related("case", "actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass
class ProgressStep:
    state: str
    label: str
    status: str  # "done", "current", "next", "ended"


@dataclass
class CaseProgress:
    case: Case
    procedure: Procedure | None
    steps: list[ProgressStep] = field(default_factory=list)
    state_label: str = ""
    next_action: TodoItem | None = None


def progress(case: Case, *, today: dt.date | None = None) -> CaseProgress:
    """The progress bar of a case: the main path's states done, current and next; an ending shown as such."""
    try:
        proc: Procedure | None = procedure(case.procedure)
    except KeyError:
        proc = None
    out = CaseProgress(case=case, procedure=proc, state_label=case.state)
    if proc is None:
        return out
    out.state_label = proc.state_label(case.state)
    path_states = [s for s, _ in proc.path]
    reached = {e.target for e in case.events.all()} | {case.state}
    ended = case.state in {s for s, _ in proc.endings}
    # A side state (限期整改中 …) is shown after the path's states reached so far, as the current one.
    aside = case.state in {s for s, _ in proc.side_states}
    current_index = path_states.index(case.state) if case.state in path_states else -1
    for i, (state, label) in enumerate(proc.path):
        if state == case.state:
            status = "current"
        elif (current_index >= 0 and i < current_index) or ((ended or aside) and state in reached):
            status = "done"
        else:
            status = "next"
        out.steps.append(ProgressStep(state, label, status))
    if ended:
        out.steps.append(ProgressStep(case.state, proc.state_label(case.state), "ended"))
    if aside:
        last_done = max((i for i, s in enumerate(out.steps) if s.status == "done"), default=-1)
        out.steps.insert(last_done + 1, ProgressStep(case.state, proc.state_label(case.state), "current"))
    return out


def applicant_overview(user: Any, today: dt.date) -> list[CaseProgress]:
    """A citizen's or enterprise's cases, newest first, each with its progress and what is due from them."""
    todo = {i.case.pk: i for i in todo_for(user, today) if i.case is not None}
    out = []
    for case in cases_visible_to(user).prefetch_related("events").order_by("-updated_at")[:100]:
        p = progress(case, today=today)
        p.next_action = todo.get(case.pk)
        out.append(p)
    return out


def documents_for(user: Any) -> QuerySet[Document]:
    return Document.objects.filter(case__in=cases_visible_to(user)).select_related("department", "case")


def may_see_case(user: Any, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def open_filter(q: str) -> Q:
    return Q(title__icontains=q) | Q(procedure__icontains=q)
