"""Fixtures of the register tests: a jurisdiction file (registers_test_data.py) loaded through the job."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registers_test_data import BASE_ROWS, CHANGE_ROWS, write_csv


@pytest.fixture
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    return tmp_path


@pytest.fixture
def loaded(reference_data: None, demo_users: dict[str, Any], job_files: Path) -> Any:
    """The base rows and the two changes, imported through the job as the administrator."""
    from ezhou_platform.jobs.runner import start_job
    from ezhou_platform.registers.jobs import IMPORT_JOB

    path = write_csv(job_files / "jurisdictions.csv", BASE_ROWS + CHANGE_ROWS)
    run = start_job(IMPORT_JOB, user=demo_users["admin"], input_path=path, inline=True)
    assert run.state == "succeeded", (run.message, list(run.errors.values_list("row", "field", "message")))
    return run
