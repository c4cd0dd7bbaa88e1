"""Pages of the procedure layer: the workspace every role lands on, a case with its progress, documents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import missing_next_year
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import PUBLIC_ROLES, Role

from . import documents
from . import workspace as ws
from .models import Case, Document

EVERY_ROLE = tuple(Role)


@view_requires(*EVERY_ROLE, department=scopes.WORKSPACE)
def workspace(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = clock.today()
    context: dict[str, Any] = {
        "today": today,
        "shortcuts": ws.shortcuts_for(user),
        "public": Role(user.role) in PUBLIC_ROLES,
    }
    if Role(user.role) in PUBLIC_ROLES:
        context["cases"] = ws.applicant_overview(user, today)
        context["documents"] = ws.documents_for(user)[:20]
    else:
        page = Paginator(ws.todo_for(user, today), 50).get_page(request.GET.get("page"))
        context["todo"] = page
        context["overdue"] = sum(1 for i in page.paginator.object_list if i.overdue)
        context["events"] = ws.recent_events(user)
    if Role(user.role) == Role.ADMIN:
        context["calendar_year"] = missing_next_year(today)
    return render(request, "procedures/workspace.html", context)


@view_requires(*EVERY_ROLE, department=scopes.WORKSPACE)
def case_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    cases = ws.cases_visible_to(user)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        cases = cases.filter(ws.open_filter(q))
    state = request.GET.get("open", "")
    if state == "1":
        cases = cases.filter(closed_on__isnull=True)
    elif state == "0":
        cases = cases.filter(closed_on__isnull=False)
    page = Paginator(cases.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "procedures/case_list.html", {"page": page, "q": q, "open": state})


@view_requires(*EVERY_ROLE, department=scopes.WORKSPACE)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("department"), pk=pk)
    if not ws.may_see_case(request.user, case):
        raise PermissionDenied("您没有权限查看该办理事项。")
    today = clock.today()
    return render(
        request,
        "procedures/case.html",
        {
            "case": case,
            "progress": ws.progress(case, today=today),
            "events": case.events.select_related("actor", "document"),
            "periods": case.periods.order_by("due"),
            "documents": case.documents.order_by("-issued_at"),
            "today": today,
        },
    )


def _document(request: HttpRequest, pk: int) -> Document:
    doc = get_object_or_404(Document.objects.select_related("case", "department"), pk=pk)
    user: Any = request.user
    if doc.case is not None:
        if not ws.may_see_case(user, doc.case):
            raise PermissionDenied("您没有权限查看该文书。")
    elif not (
        Role(user.role) in (Role.AUDITOR, Role.ADMIN)
        or (Role(user.role) in (Role.CLERK, Role.DEPARTMENT_HEAD) and user.department_id == doc.department_id)
    ):
        raise PermissionDenied("您没有权限查看该文书。")
    return doc


@view_requires(*EVERY_ROLE, department=scopes.WORKSPACE)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    versions = Document.objects.filter(department=doc.department, kind=doc.kind, year=doc.year, seq=doc.seq)
    return render(request, "procedures/document.html", {"doc": doc, "versions": versions.order_by("version")})


@view_requires(*EVERY_ROLE, department=scopes.WORKSPACE)
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    data = documents.pdf_of(doc)  # rendered now if it was issued in a batch (HTML kept as issued)
    with transaction.atomic():
        # Documents name people and amounts: who downloaded which version is kept.
        record(
            "procedures.document.download",
            actor=request.user,
            obj=doc,
            after={"number": doc.number, "version": doc.version, "sha256": doc.sha256},
            label="下载文书",
        )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{doc.number}-v{doc.version}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
