"""Starting, running and recovering job runs. The page and `ezhou jobs run` both go through here.

run = start_job("registers.jurisdictions.import", user=request.user, params={}, upload=request.FILES["file"])
# → a JobRun in the queue; the worker (`ezhou jobs worker`, started by `make run`) executes it.

run = start_job(name, user=None, params=..., input_path=Path(...), via=JobRun.Via.CLI, inline=True)
# → the same job code, run in this process (the CLI), returning the finished run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import WRITE, allowed, user_role
from ezhou_platform.common.roles import Role

from . import files
from .context import JobContext, JobFailed, JobOutcome, JobPaused
from .models import JobRun
from .registry import JobParamError, JobSpec, get_job

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

# A run whose worker is on another machine and has not reported for this long is taken as interrupted.
STALE_AFTER_SECONDS = 15 * 60


# -- who may do what ---------------------------------------------------------------------------------------
def may_start(user: Any, spec: JobSpec) -> bool:
    return allowed(user, roles=spec.roles, department=spec.department, action=WRITE)


def visible_runs(user: Any) -> QuerySet[JobRun]:
    """Runs a user may see: auditors and administrators all; clerks and heads their department's and their
    own; anyone else only the runs they started."""
    qs = JobRun.objects.select_related("started_by", "department")
    role = user_role(user)
    if role is None:
        return qs.none()
    if role in (Role.AUDITOR, Role.ADMIN):
        return qs
    if role in (Role.CLERK, Role.DEPARTMENT_HEAD) and user.department_id:
        return qs.filter(Q(department_id=user.department_id) | Q(started_by=user))
    return qs.filter(started_by=user)


# -- identity of the process running a job -----------------------------------------------------------------
def process_identity() -> str:
    """host/pid/start time: a restarted worker can tell a dead process from a live one with a reused pid."""
    import psutil

    pid = os.getpid()
    started = psutil.Process(pid).create_time()
    return f"{socket.gethostname()}/{pid}/{started:.2f}"


def _process_alive(identity: str) -> bool | None:
    """True/False for a process on this host; None when it ran elsewhere (cannot tell)."""
    import psutil

    try:
        host, pid_text, started_text = identity.rsplit("/", 2)
        pid, started = int(pid_text), float(started_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    try:
        proc = psutil.Process(pid)
        return abs(proc.create_time() - started) < 0.05 and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# -- starting -------------------------------------------------------------------------------------------
def start_job(
    name: str,
    *,
    user: Any,
    params: Mapping[str, Any] | None = None,
    upload: UploadedFile | None = None,
    input_path: Path | None = None,
    via: str = JobRun.Via.WEB,
    department: str | None = None,
    inline: bool = False,
) -> JobRun:
    """Create a run of job `name`, audit it, and queue it for the worker (or run it here when `inline`).

    Raises PermissionDenied when `user` may not start it (a CLI run without a user is the operator's, who
    already has the server) and JobParamError for bad parameters or a missing/unsupported file.
    """
    spec = get_job(name)
    if user is not None and not may_start(user, spec):
        raise PermissionDenied("您没有权限发起此后台作业。")
    if via == JobRun.Via.WEB and user is None:
        raise PermissionDenied("网页发起的作业需要登录。")
    clean = spec.clean_params(params or {})
    if spec.takes_file and upload is None and input_path is None:
        raise JobParamError(f"请选择要上传的{spec.file_label}。", field="file", code="file_required")
    if upload is not None:
        if upload.size is not None and upload.size > files.MAX_INPUT_BYTES:
            raise JobParamError("文件过大：不超过20MB。", field="file", code="file_too_large")
        files.input_suffix(upload.name or "")
    if input_path is not None:
        if not input_path.is_file():
            raise JobParamError(f"文件不存在：{input_path}", field="file", code="file_missing")
        files.input_suffix(input_path.name)
    dept_code = (
        department
        or spec.department
        or (user.department.code if user is not None and getattr(user, "department_id", None) else None)
    )
    dept = Department.objects.filter(code=dept_code).first() if dept_code else None

    with transaction.atomic():
        run = JobRun.objects.create(
            name=spec.name,
            label=spec.label,
            via=via,
            started_by=user if user is not None and user.is_authenticated else None,
            department=dept,
            params=clean,
            resumable=spec.resumable,
            created_at=clock.now(),
            message="排队等待执行" if not inline else "开始执行",
        )
        if upload is not None:
            run.input_name = (upload.name or "")[:200]
            run.input_file = files.store_upload(run, upload)
        elif input_path is not None:
            run.input_name = input_path.name[:200]
            run.input_file = files.store_path(run, input_path)
        run.save(update_fields=["input_name", "input_file"])
        record(
            "jobs.run.start",
            actor=user,
            obj=run,
            after={"name": spec.name, "params": clean, "file": run.input_name, "via": via},
            label=f"发起后台作业：{spec.label}",
            citation=spec.citation or None,
        )
        if not inline:
            _enqueue(run)
    if inline:
        execute(run.pk, worker=process_identity())
        run.refresh_from_db()
    return run


def _enqueue(run: JobRun) -> None:
    """Queue the run for the worker, in the caller's transaction (the task row commits with the run)."""
    from .tasks import execute_job

    result = execute_job.enqueue(run.pk)
    run.task_id = str(result.id)
    run.save(update_fields=["task_id"])


# -- running --------------------------------------------------------------------------------------------
def execute(run_id: int, *, worker: str, stop_event: threading.Event | None = None) -> None:
    """Run one queued run to its end (or to a pause). Never raises for the job's own failures."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != JobRun.State.QUEUED:
            return  # already run, or recovered elsewhere
        try:
            spec = get_job(run.name)
        except JobParamError:
            # Queued by a version of the platform that had this job; this one does not.
            run.state = JobRun.State.FAILED
            run.finished_at = clock.now()
            run.message = f"本系统没有名为“{run.name}”的后台作业，未执行。"
            run.save(update_fields=["state", "finished_at", "message"])
            _audit_finish(run)
            return
        run.state = JobRun.State.RUNNING
        run.attempts += 1
        run.worker = worker[:120]
        now = clock.now()
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.message = (
            "正在执行"
            if run.attempts == 1
            else f"从第{run.committed}项之后继续执行（第{run.attempts}次运行）"
        )
        run.save(update_fields=["state", "attempts", "worker", "started_at", "heartbeat_at", "message"])
    ctx = JobContext(run, stop_event=stop_event)
    try:
        outcome = spec.func(ctx) or JobOutcome()
    except JobPaused:
        _requeue(run, "服务停止：已完成的部分已保存，重启后从中断处继续。")
        return
    except JobFailed as exc:
        _finish(run, ctx, JobRun.State.FAILED, exc.message)
        return
    except Exception as exc:
        logger.exception("job run %s (%s) failed", run.pk, run.name)
        _finish(
            run,
            ctx,
            JobRun.State.FAILED,
            f"作业出错（{type(exc).__name__}）：已提交的部分已保存，其余未执行。",
        )
        return
    if outcome.result_path is not None:
        run.result_file = files.relative(outcome.result_path)
        run.result_name = outcome.result_name or outcome.result_path.name
    _finish(run, ctx, JobRun.State.SUCCEEDED, outcome.message or "已完成")


def _finish(run: JobRun, ctx: JobContext, state: str, message: str) -> None:
    with transaction.atomic():
        ctx._flush(save_checkpoint=False)
        run.state = state
        run.message = message[:500]
        run.finished_at = clock.now()
        if run.errors_count:
            run.errors_file = files.write_errors_file(run)
        run.save(
            update_fields=["state", "message", "finished_at", "errors_file", "result_file", "result_name"]
        )
        _audit_finish(run)


def _audit_finish(run: JobRun) -> None:
    record(
        "jobs.run.finish",
        actor=None,
        obj=run,
        after={
            "state": run.state,
            "done": run.done,
            "committed": run.committed,
            "total": run.total,
            "counts": run.counts,
            "errors": run.errors_count,
            "started_by": run.started_by.get_username() if run.started_by else "",
        },
        result="success" if run.state == JobRun.State.SUCCEEDED else "failed",
        label=f"后台作业结束：{run.label}（{run.get_state_display()}）",
    )


def _requeue(run: JobRun, message: str) -> None:
    with transaction.atomic():
        run.state = JobRun.State.QUEUED
        run.done = run.committed
        run.message = message[:500]
        run.worker = ""
        run.save(update_fields=["state", "done", "message", "worker"])
        _enqueue(run)
        record(
            "jobs.run.resume",
            actor=None,
            obj=run,
            after={"committed": run.committed, "checkpoint": run.checkpoint, "attempts": run.attempts},
            label=f"后台作业重新排队续跑：{run.label}",
        )


# -- recovery after a restart ----------------------------------------------------------------------------
def recover_interrupted() -> list[JobRun]:
    """Runs left RUNNING by a process that is gone: resumable ones go back to the queue (they continue from
    their last committed unit), the others fail with what their committed units did. Returns them."""
    from django_tasks_db.models import DBTaskResult

    recovered: list[JobRun] = []
    stale_before = clock.now() - dt.timedelta(seconds=STALE_AFTER_SECONDS)
    for run in JobRun.objects.filter(state=JobRun.State.RUNNING).order_by("pk"):
        alive = _process_alive(run.worker)
        if alive is True:
            continue
        if alive is None and run.heartbeat_at is not None and run.heartbeat_at > stale_before:
            continue
        with transaction.atomic():
            locked = JobRun.objects.select_for_update().get(pk=run.pk)
            if locked.state != JobRun.State.RUNNING:
                continue
            if locked.task_id:
                # The old task row would otherwise stay RUNNING for ever.
                DBTaskResult.objects.filter(id=locked.task_id, status="RUNNING").update(
                    status="FAILED", finished_at=clock.now(), exception_class_path="", traceback="interrupted"
                )
            done_text = _done_text(locked)
            if locked.resumable:
                record(
                    "jobs.run.interrupt",
                    actor=None,
                    obj=locked,
                    after={"committed": locked.committed, "checkpoint": locked.checkpoint},
                    result="failed",
                    label=f"后台作业被中断（将续跑）：{locked.label}",
                )
                locked.state = JobRun.State.QUEUED
                locked.done = locked.committed
                locked.message = f"执行进程中断（服务重启）：{done_text}，将从中断处继续。"
                locked.worker = ""
                locked.save(update_fields=["state", "done", "message", "worker"])
                _enqueue(locked)
            else:
                locked.state = JobRun.State.FAILED
                locked.done = locked.committed
                locked.finished_at = clock.now()
                locked.message = (
                    f"执行进程中断（服务重启），作业未完成：{done_text}；未提交的部分没有写入，可重新发起。"
                )
                if locked.errors_count:
                    locked.errors_file = files.write_errors_file(locked)
                locked.save(update_fields=["state", "done", "message", "finished_at", "errors_file"])
                _audit_finish(locked)
            recovered.append(locked)
    return recovered


def _done_text(run: JobRun) -> str:
    if run.total:
        return f"已提交{run.committed}/{run.total}项"
    return f"已提交{run.committed}项"
