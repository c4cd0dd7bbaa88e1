"""The job machinery in one process: units commit whole, failures keep what was committed, a restart
recovers a run left half-way (resumed from its checkpoint, or failed with what it committed), permissions."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Organisation
from ezhou_platform.jobs import files
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.registry import JobParamError
from ezhou_platform.jobs.runner import execute, process_identity, recover_interrupted, start_job, visible_runs

pytestmark = pytest.mark.django_db

PREFIX = "测试单位"


def _rows() -> int:
    return Organisation.objects.filter(name__startswith=PREFIX).count()


def test_inline_run_commits_every_unit_with_its_progress(demo_users: dict[str, Any]) -> None:
    run = start_job(
        "tests.register", user=None, params={"n": "12", "chunk": "5"}, via=JobRun.Via.CLI, inline=True
    )
    assert run.state == JobRun.State.SUCCEEDED
    # units of 5, 5 and 2 rows: 12 in all
    assert (run.done, run.committed, run.total) == (12, 12, 12)
    assert run.counts == {"新增": 12}
    assert run.checkpoint == {"next": 12}
    assert _rows() == 12
    assert run.attempts == 1 and run.started_at is not None and run.finished_at is not None
    actions = list(
        AuditRecord.objects.filter(object_id=str(run.pk)).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["jobs.run.start", "jobs.run.finish"]


def test_an_exception_inside_a_unit_rolls_back_that_unit_only(demo_users: dict[str, Any]) -> None:
    # Units start at 0, 5, 10; the one starting at 5 raises after writing its rows and an error.
    run = start_job(
        "tests.register",
        user=None,
        params={"n": 12, "chunk": 5, "fail_at": 5},
        via=JobRun.Via.CLI,
        inline=True,
    )
    assert run.state == JobRun.State.FAILED
    assert "RuntimeError" in run.message and "已提交的部分已保存" in run.message
    assert _rows() == 5  # the first unit only
    assert run.committed == 5 and run.counts == {"新增": 5}
    assert run.errors_count == 0  # the error belonged to the unit that rolled back
    finish = AuditRecord.objects.get(object_id=str(run.pk), action="jobs.run.finish")
    assert finish.result == "failed"


def test_job_failed_keeps_row_errors_in_an_errors_file(demo_users: dict[str, Any]) -> None:
    run = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={}, inline=True)
    assert run.state == JobRun.State.FAILED
    assert run.message == "文件中有1处错误，全部未导入。"
    assert run.errors_count == 1 and run.department.code == "water"
    sheet = load_workbook(files.resolve(run.errors_file)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "字段", "填写内容", "错误说明", "错误代码")
    assert rows[1] == (3, "申请水量", "abc", "“申请水量”应为数字。", "number")


def test_who_may_start_a_job(demo_users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        start_job("tests.register", user=demo_users["citizen"], params={})
    with pytest.raises(PermissionDenied):  # a clerk of another department
        start_job("tests.refuse", user=demo_users["yibao_clerk"], params={})
    with pytest.raises(PermissionDenied):  # auditors read, never start
        start_job("tests.refuse", user=demo_users["auditor"], params={})
    run = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={})
    assert run.state == JobRun.State.QUEUED and run.task_id


def test_parameters_are_checked_before_a_run_exists(demo_users: dict[str, Any]) -> None:
    with pytest.raises(JobParamError) as bad:
        start_job("tests.register", user=demo_users["admin"], params={"n": "abc"})
    assert bad.value.field == "n" and "数量" in bad.value.message
    with pytest.raises(JobParamError) as unknown:
        start_job("no.such.job", user=demo_users["admin"], params={})
    assert unknown.value.code == "unknown_job"
    assert not JobRun.objects.exists()


def _dead_identity() -> str:
    """This host, a pid no process has (psutil says NoSuchProcess)."""
    return f"{socket.gethostname()}/{2**22 + 12345}/1.00"


def _half_done(name: str) -> JobRun:
    """A run whose worker paused it after its first unit of 5, then 'died' while RUNNING."""
    run = start_job(name, user=None, params={"n": 12, "chunk": 5}, via=JobRun.Via.CLI)
    stop = threading.Event()
    stop.set()  # the resumable job pauses after its first unit; the other one would run on
    if name == "tests.register":
        execute(run.pk, worker=process_identity(), stop_event=stop)
        run.refresh_from_db()
        assert run.state == JobRun.State.QUEUED and run.committed == 5
        assert "重启后从中断处继续" in run.message
    else:
        # Commit one unit by hand as the job would, then leave the run RUNNING.
        from ezhou_platform.jobs.context import JobContext

        run.state = JobRun.State.RUNNING
        run.save()
        ctx = JobContext(run)
        ctx.set_total(12)
        with ctx.unit(done=5, checkpoint={"next": 5}):
            Organisation.objects.bulk_create(
                [Organisation(kind="other", name=f"{PREFIX}{i:05d}", source="测试") for i in range(5)]
            )
    JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.RUNNING, worker=_dead_identity())
    return run


def test_a_resumable_run_left_by_a_dead_worker_resumes_from_its_checkpoint(
    demo_users: dict[str, Any],
) -> None:
    run = _half_done("tests.register")
    (recovered,) = recover_interrupted()
    assert recovered.pk == run.pk
    run.refresh_from_db()
    assert run.state == JobRun.State.QUEUED and run.done == 5
    assert "将从中断处继续" in run.message
    execute(run.pk, worker=process_identity())
    run.refresh_from_db()
    assert run.state == JobRun.State.SUCCEEDED and run.attempts == 2  # paused (then died), finished
    # Every item exactly once: the resumed run started at item 5.
    names = list(Organisation.objects.filter(name__startswith=PREFIX).values_list("name", flat=True))
    assert sorted(names) == [f"{PREFIX}{i:05d}" for i in range(12)]
    assert run.counts == {"新增": 12}
    actions = list(
        AuditRecord.objects.filter(object_id=str(run.pk)).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["jobs.run.start", "jobs.run.resume", "jobs.run.interrupt", "jobs.run.finish"]


def test_a_run_that_cannot_resume_fails_with_what_it_committed(demo_users: dict[str, Any]) -> None:
    run = _half_done("tests.register_once")
    assert [r.pk for r in recover_interrupted()] == [run.pk]
    run.refresh_from_db()
    assert run.state == JobRun.State.FAILED and run.finished_at is not None
    assert "已提交5/12项" in run.message and "未提交的部分没有写入" in run.message
    assert _rows() == 5
    assert AuditRecord.objects.filter(
        object_id=str(run.pk), action="jobs.run.finish", result="failed"
    ).exists()


def test_a_live_worker_is_left_alone(demo_users: dict[str, Any]) -> None:
    run = start_job("tests.register", user=None, params={"n": 3}, via=JobRun.Via.CLI)
    JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.RUNNING, worker=process_identity())
    assert recover_interrupted() == []
    # A worker on another machine is trusted while it reports progress, and recovered once it is stale.
    from ezhou_platform.common import clock

    JobRun.objects.filter(pk=run.pk).update(worker="elsewhere/1/1.00", heartbeat_at=clock.now())
    assert recover_interrupted() == []
    JobRun.objects.filter(pk=run.pk).update(heartbeat_at=clock.now() - dt.timedelta(hours=1))
    assert [r.pk for r in recover_interrupted()] == [run.pk]


def test_who_sees_which_runs(demo_users: dict[str, Any]) -> None:
    water = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={})
    mine = start_job("tests.register", user=demo_users["admin"], params={"n": 2})
    assert set(visible_runs(demo_users["shuiwu_head"])) == {water}  # the department's runs
    assert set(visible_runs(demo_users["yibao_clerk"])) == set()
    assert set(visible_runs(demo_users["auditor"])) == {water, mine}
    assert set(visible_runs(demo_users["citizen"])) == set()
