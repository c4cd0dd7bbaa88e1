"""`ezhou jobs …` runs the same job code as the pages. (transaction=True: the command closes the database
connections when it ends, as Django's commands do.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ezhou_platform.cli import main
from ezhou_platform.jobs.models import JobRun

pytestmark = pytest.mark.django_db(transaction=True)


def test_cli_runs_the_same_job_and_reports(demo_users: dict[str, Any], capsys: Any) -> None:
    assert main(["jobs", "run", "tests.register", "--param", "n=4", "--param", "chunk=3"]) == 0
    out = capsys.readouterr().out
    assert "[已完成] 4/4" in out and "新增: 4" in out
    run = JobRun.objects.get()
    assert run.via == JobRun.Via.CLI and run.started_by is None
    assert main(["jobs", "status", str(run.pk), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["counts"] == {"新增": 4} and status["state"] == "succeeded"


def test_cli_refuses_bad_parameters_and_other_users_rights(demo_users: dict[str, Any], capsys: Any) -> None:
    assert main(["jobs", "run", "tests.register", "--param", "n=abc"]) != 0
    assert "数量" in capsys.readouterr().err
    assert main(["jobs", "run", "tests.register", "--user", "citizen"]) != 0
    assert "没有权限" in capsys.readouterr().err
    assert not JobRun.objects.exists()
