"""The worker process (`ezhou jobs worker`, started beside gunicorn by `make run`).

It is django-tasks-db's database worker with two additions: on start it recovers the runs a previous
process left half-way (runner.recover_interrupted), and on SIGTERM/SIGINT it tells a resumable job to pause
after its current unit of work, so stopping the server never waits for a long job and never loses a unit.
"""

from __future__ import annotations

import logging
import socket
from types import FrameType
from typing import Any

from django_tasks_db.management.commands.db_worker import Worker

from .context import STOP
from .runner import recover_interrupted
from .tasks import QUEUE

logger = logging.getLogger(__name__)


class JobWorker(Worker):  # type: ignore[misc]
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        STOP.set()
        super().shutdown(signum, frame)

    def run(self) -> None:
        for run in recover_interrupted():
            logger.warning("recovered interrupted job run %s (%s): %s", run.pk, run.name, run.state)
        super().run()


def make_worker(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> JobWorker:
    import os

    worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
    return JobWorker(
        queue_names=[QUEUE],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_worker(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> None:
    """Run until stopped (or, with batch=True, until the queue is empty). Installs the signal handlers."""
    STOP.clear()
    worker = make_worker(interval=interval, batch=batch, max_tasks=max_tasks)
    worker.configure_signals()
    try:
        worker.run()
    finally:
        worker.reset_signals()


def run_pending(**kwargs: Any) -> None:
    """Run every queued job in this process and return (tests, and `ezhou jobs worker --batch`)."""
    STOP.clear()
    make_worker(batch=True, **kwargs).run()
