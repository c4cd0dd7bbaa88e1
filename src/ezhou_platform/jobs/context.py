"""What a job function receives: its run, its parameters, and the one way to commit work (`ctx.unit`).

The contract (docs/jobs.md): a job commits *whole units of work*, each inside `with ctx.unit(...)`, which is
one database transaction holding the unit's changes together with the run's progress, counts, row errors
and checkpoint. A crash therefore leaves either the whole unit or none of it, and the run's record says
exactly how far the committed work got. A resumable job reads `ctx.checkpoint` when it starts and skips what
the committed units already did.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock

from . import files
from .models import JobRun, JobRunError

# Set when the worker is asked to stop (SIGTERM/SIGINT): a resumable job pauses after its current unit.
STOP = threading.Event()

PROGRESS_INTERVAL_SECONDS = 0.5


class JobFailed(Exception):
    """The job cannot do its work (e.g. the uploaded file has errors): the run fails with this message.

    Whatever units were committed before stay committed (and are reported); an all-or-nothing job raises it
    before its one unit, so nothing is written.
    """

    def __init__(self, message: str, *, code: str = "job_failed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class JobPaused(Exception):
    """Raised by `ctx.unit` after a committed unit when the worker is stopping: the run goes back to the queue."""


@dataclass
class JobOutcome:
    message: str = ""
    result_path: Path | None = None  # a file the job wrote with ctx.result_path(); offered for download
    result_name: str = ""


class JobContext:
    def __init__(self, run: JobRun, *, stop_event: threading.Event | None = None) -> None:
        self.run = run
        self.params: dict[str, Any] = dict(run.params)
        self.checkpoint: dict[str, Any] = dict(run.checkpoint or {})
        self.counts: dict[str, int] = {k: int(v) for k, v in (run.counts or {}).items()}
        self._pending_errors: list[JobRunError] = []
        self._last_write = 0.0
        self._in_unit = False
        self._stop = stop_event or STOP

    # -- inputs ----------------------------------------------------------------------------------------
    @property
    def input_path(self) -> Path:
        """The uploaded file of this run (raises JobFailed when the run has none or it is gone)."""
        if not self.run.input_file:
            raise JobFailed("此作业没有上传文件。", code="no_input")
        path = files.resolve(self.run.input_file)
        if not path.exists():
            raise JobFailed("上传的文件已不存在，请重新发起。", code="input_missing")
        return path

    def result_path(self, suffix: str = ".xlsx") -> Path:
        """Where to write this run's result file (the job returns it in JobOutcome)."""
        return files.run_folder(self.run) / f"result{suffix}"

    # -- progress --------------------------------------------------------------------------------------
    def set_total(self, total: int, message: str = "") -> None:
        self.run.total = int(total)
        if message:
            self.run.message = message[:500]
        self._write_progress(force=True)

    def progress(self, done: int, message: str = "", *, force: bool = False) -> None:
        """Report progress outside units (e.g. while checking a file); written at most twice a second."""
        self.run.done = int(done)
        if message:
            self.run.message = message[:500]
        self._write_progress(force=force)

    def count(self, key: str, n: int = 1) -> None:
        """Add to a counter shown on the result page (kept with the unit it belongs to)."""
        self.counts[key] = self.counts.get(key, 0) + int(n)

    def error(
        self, *, message: str, code: str, row: int | None = None, field: str = "", value: Any = ""
    ) -> None:
        """A row-level error: the row number, the column's Chinese label, and the rule broken."""
        self._pending_errors.append(
            JobRunError(
                run=self.run,
                row=row,
                field=field[:100],
                value=("" if value is None else str(value))[:200],
                message=message[:500],
                code=code[:60],
            )
        )

    @property
    def error_count(self) -> int:
        return self.run.errors_count + len(self._pending_errors)

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # -- committing work -------------------------------------------------------------------------------
    @contextmanager
    def unit(
        self, *, done: int | None = None, checkpoint: dict[str, Any] | None = None, message: str = ""
    ) -> Iterator[None]:
        """One whole unit of work in one transaction, committed together with the run's progress.

        On an exception inside the block nothing of the unit is kept: its database changes roll back, and so
        do the counts and errors it added. After the commit, a resumable job pauses here if the worker is
        stopping (JobPaused), so a restart resumes from this checkpoint.
        """
        if self._in_unit:
            raise RuntimeError("ctx.unit() blocks do not nest")
        counts_before = copy.deepcopy(self.counts)
        errors_before = len(self._pending_errors)
        self._in_unit = True
        try:
            with transaction.atomic():
                yield
                if done is not None:
                    self.run.done = int(done)
                if checkpoint is not None:
                    self.checkpoint = dict(checkpoint)
                if message:
                    self.run.message = message[:500]
                self._flush(save_checkpoint=True)
        except BaseException:
            self.counts = counts_before
            del self._pending_errors[errors_before:]
            raise
        finally:
            self._in_unit = False
        if self.run.resumable and self._stop.is_set():
            raise JobPaused()

    # -- internals -------------------------------------------------------------------------------------
    def _flush(self, *, save_checkpoint: bool) -> None:
        """Write progress, counts and pending errors (inside the caller's transaction when there is one)."""
        if self._pending_errors:
            JobRunError.objects.bulk_create(self._pending_errors)
            self.run.errors_count += len(self._pending_errors)
            self._pending_errors = []
        self.run.counts = dict(self.counts)
        self.run.heartbeat_at = clock.now()
        fields = ["done", "total", "message", "counts", "errors_count", "heartbeat_at"]
        if save_checkpoint:
            self.run.checkpoint = dict(self.checkpoint)
            self.run.committed = self.run.done
            fields += ["checkpoint", "committed"]
        self.run.save(update_fields=fields)
        self._last_write = time.monotonic()

    def _write_progress(self, *, force: bool) -> None:
        if self._in_unit:
            return  # written with the unit
        if not force and time.monotonic() - self._last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self.run.heartbeat_at = clock.now()
        JobRun.objects.filter(pk=self.run.pk).update(
            done=self.run.done,
            total=self.run.total,
            message=self.run.message,
            heartbeat_at=self.run.heartbeat_at,
        )
        self._last_write = time.monotonic()

    def flush_errors(self) -> None:
        """Write errors recorded outside units (e.g. a file's check before an all-or-nothing unit)."""
        with transaction.atomic():
            self._flush(save_checkpoint=False)
