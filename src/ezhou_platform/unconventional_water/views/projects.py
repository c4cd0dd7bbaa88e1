"""Pages of the 三同时 procedure (第六条, 第八条, 第十七条): developers file projects and record their steps; the
department's clerks record the acceptance they attended and bring facilities under supervision."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.workspace import progress
from ezhou_rules.unconventional_water.common import format_hundredths

from ..forms import AcceptanceForm, CompleteForm, DesignerForm, ProjectForm, StartForm, SuperviseForm
from ..models import Project
from ..services import common
from ..services import projects as svc
from .base import CLERKS, DEPT, REFUSALS, STAFF, done, page_of, project_for, refused

EDITORS = (Role.ENTERPRISE, *CLERKS)


@view_requires(Role.ENTERPRISE)
def my_projects(request: HttpRequest) -> HttpResponse:
    page = page_of(request, common.projects_for(request.user).order_by("-filed_on", "-id"))
    return render(request, "unconventional_water/my_projects.html", {"page": page})


@view_requires(*EDITORS, department=DEPT)
def project_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProjectForm(request.POST or None, initial={"works": "new", "project_kind": "building"})
    if user.role == Role.ENTERPRISE:
        for name in ("developer_name", "developer_uscc", "filed_on"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if user.role == Role.ENTERPRISE:
            data["developer_name"], data["developer_uscc"] = user.enterprise_name, user.enterprise_uscc
        try:
            p = svc.file_project(data, actor=user, on=data.pop("filed_on", None))
        except REFUSALS as exc:
            refused(request, form, exc)
        else:
            return done(request, f"已备案，备案回执{p.receipt_number}。", p.get_absolute_url())
    return render(request, "unconventional_water/project_new.html", {"form": form})


def _forms(project: Project, user: Any, data: Any = None, which: str = "") -> dict[str, Any]:
    """The step forms the user may submit now (the state and the role decide)."""
    names = {name for name, _ in engine.available_steps(project, user)}
    clerk = common.is_water_staff(user)
    out: dict[str, Any] = {}

    def bound(key: str) -> Any:
        return data if which == key else None

    if "record_designer" in names and project.designed_on is None:
        out["designer"] = DesignerForm(bound("designer"))
    if "start_construction" in names:
        out["start"] = StartForm(bound("start"))
    if "record_acceptance" in names or "accept" in names:
        form = AcceptanceForm(bound("acceptance"))
        if not clerk:
            del form.fields["department_present"]
        out["acceptance"] = form
    if "complete" in names or "complete_unaccepted" in names:
        out["complete"] = CompleteForm(bound("complete"), initial=svc.facility_defaults(project))
    if "supervise" in names:
        out["supervise"] = SuperviseForm(bound("supervise"), initial=svc.facility_defaults(project))
    return out


@view_requires(*EDITORS, Role.AUDITOR, department=DEPT)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, project_for(request, pk))


def _render(
    request: HttpRequest, project: Project, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    case = engine.case_of(project)
    user: Any = request.user
    writable = user.role != Role.AUDITOR and common.may_develop(user, project)
    context = {
        "project": project,
        "case": case,
        "progress": progress(case, today=clock.today()) if case else None,
        "events": case.events.select_related("actor", "document") if case else [],
        "documents": case.documents.order_by("-issued_at") if case else [],
        "violations": project.violations.all(),
        "acceptances": project.acceptances.select_related("recorded_by"),
        "facilities": project.facilities.all(),
        "areas": {
            "footprint": format_hundredths(project.footprint_m2x100),
            "hardened": format_hundredths(project.hardened_m2x100),
            "land": format_hundredths(project.land_m2x100),
            "existing": format_hundredths(project.existing_m2x100)
            if project.existing_m2x100 is not None
            else "",
        },
        "forms": (forms if forms is not None else _forms(project, user)) if writable else {},
        "warning": common.expiry_warning(project.filed_on),
    }
    return render(request, "unconventional_water/project_detail.html", context, status=status)


@require_POST
@view_requires(*EDITORS, department=DEPT)
def project_step(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    project = project_for(request, pk)
    user: Any = request.user
    if not common.may_develop(user, project):
        return _render(request, project, {}, status=403)
    forms = _forms(project, user, request.POST, which)
    form = forms.get(which)
    if form is None:
        from django.contrib import messages

        messages.error(request, f"当前状态为“{project.get_status_display()}”，不能办理此环节（{svc.ART6}）。")
        return _render(request, project, status=409)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if which == "designer":
                svc.record_designer(
                    project, d["designer"], d["designer_qualification"], d["designed_on"], actor=user
                )
                text = "已记录设计单位。"
            elif which == "start":
                svc.start_construction(project, d["started_on"], d["planned_completion_on"], actor=user)
                text = "已记录开工。"
            elif which == "acceptance":
                svc.record_acceptance(
                    project,
                    d["acceptance_on"],
                    department_present=bool(d.get("department_present")),
                    parts=d["parts"],
                    note=d["note"],
                    actor=user,
                )
                text = "已记录分部分项工程验收。"
            elif which == "complete":
                svc.complete_project(project, d["completed_on"], form.service_data(), actor=user)
                text = "已记录竣工。"
            else:
                svc.supervise_project(project, d["supervised_from"], form.service_data(), actor=user)
                text = "设施已纳入日常监管。"
        except REFUSALS as exc:
            refused(request, form, exc)
        else:
            project.refresh_from_db()
            return done(request, text, project.get_absolute_url())
    return _render(request, project, forms, status=422)


@view_requires(*STAFF, department=DEPT)
def project_list(request: HttpRequest) -> HttpResponse:
    qs = common.projects_for(request.user).prefetch_related("violations").order_by("-filed_on", "-id")
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    violation = request.GET.get("violation", "")
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(name__icontains=q) | Q(developer__name__icontains=q) | Q(developer_uscc=q))
    if status:
        qs = qs.filter(status=status)
    if violation == "1":
        qs = qs.filter(violations__isnull=False).distinct()
    return render(
        request,
        "unconventional_water/project_list.html",
        {
            "page": page_of(request, qs),
            "q": q,
            "status": status,
            "violation": violation,
            "statuses": Project._meta.get_field("status").choices,
        },
    )
