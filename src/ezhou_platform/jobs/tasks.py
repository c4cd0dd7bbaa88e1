"""The one django-tasks task: run a JobRun by id. The queue row (django_tasks_db) only points at the run;
what the job did is on the JobRun."""

from __future__ import annotations

from django_tasks import task

QUEUE = "jobs"


@task(queue_name=QUEUE)
def execute_job(run_id: int) -> None:
    from .context import STOP
    from .runner import execute, process_identity

    execute(run_id, worker=process_identity(), stop_event=STOP)
