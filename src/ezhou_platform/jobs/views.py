"""Pages of background jobs: the user's runs, a run's progress (polled by static/ezhou/jobs.js), its result
and files. Starting a job is a form of the page that owns it (e.g. the jurisdiction import), which calls
`start_from_request`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ezhou_platform.common import scopes
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from . import files
from .models import JobRun
from .registry import JobParamError
from .runner import start_job, visible_runs

EVERY_ROLE = tuple(Role)


def _run_for(request: HttpRequest, pk: int) -> JobRun:
    run = visible_runs(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404("没有这项后台作业，或您无权查看。")
    return run


def status_payload(run: JobRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "name": run.name,
        "label": run.label,
        "state": run.state,
        "state_label": run.get_state_display(),
        "finished": run.finished,
        "done": run.done,
        "committed": run.committed,
        "total": run.total,
        "percent": run.percent,
        "message": run.message,
        "counts": run.counts,
        "errors_count": run.errors_count,
        "attempts": run.attempts,
    }


@view_requires(*EVERY_ROLE, department=scopes.JOBS)
def run_list(request: HttpRequest) -> HttpResponse:
    qs = visible_runs(request.user)
    state = request.GET.get("state", "")
    if state in JobRun.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page, "state": state, "states": JobRun.State.choices})


@view_requires(*EVERY_ROLE, department=scopes.JOBS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    errors = run.errors.all()[:50]
    return render(request, "jobs/detail.html", {"run": run, "errors": errors, "payload": status_payload(run)})


@view_requires(*EVERY_ROLE, department=scopes.JOBS)
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(status_payload(_run_for(request, pk)), json_dumps_params={"ensure_ascii": False})


def _download(path_text: str, filename: str) -> FileResponse:
    if not path_text:
        raise Http404("没有该文件。")
    path = files.resolve(path_text)
    if not path.exists():
        raise Http404("文件已不存在。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


@view_requires(*EVERY_ROLE, department=scopes.JOBS)
def errors_file(request: HttpRequest, pk: int) -> FileResponse:
    run = _run_for(request, pk)
    return _download(run.errors_file, f"作业{run.pk}-错误清单.xlsx")


@view_requires(*EVERY_ROLE, department=scopes.JOBS)
def result_file(request: HttpRequest, pk: int) -> FileResponse:
    run = _run_for(request, pk)
    return _download(run.result_file, run.result_name or f"作业{run.pk}-结果.xlsx")


def start_from_request(
    request: HttpRequest, name: str, *, params: Mapping[str, Any] | None = None, file_field: str = "file"
) -> HttpResponse | None:
    """Start job `name` from a POSTed form and redirect to its progress page.

    Returns None when the parameters are refused (the reason is added to the page's messages), so the
    caller renders its form again.
    """
    try:
        run = start_job(
            name,
            user=request.user,
            params=params or {},
            upload=request.FILES.get(file_field),
            via=JobRun.Via.WEB,
        )
    except JobParamError as exc:
        messages.error(request, exc.message)
        return None
    except PermissionDenied:
        raise
    return redirect(reverse("jobs:detail", args=[run.pk]))
