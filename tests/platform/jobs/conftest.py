"""The test jobs (sample_jobs.py) are registered for every test here, and job files go to a tmp folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_jobs  # noqa: F401 - registers the test jobs


@pytest.fixture(autouse=True)
def _job_files(settings: Any, tmp_path: Path) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
