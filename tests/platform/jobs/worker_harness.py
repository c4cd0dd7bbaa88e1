"""A real `ezhou jobs …` process with the test jobs registered: `python worker_harness.py worker --batch`.

The tests start it as a subprocess against a database of their own (a SQLite file, or a PostgreSQL
database they create), kill it mid-job and start it again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[2] / "src"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ezhou_platform.config.settings")
    import django

    django.setup()
    import sample_jobs  # noqa: F401 - registers the test jobs in this process
    from django.core.management import call_command

    call_command("jobs", *sys.argv[1:])
