"""The jobs pages: a run's progress page (static JS, no inline script), its JSON status, the errors file,
and the list scoped to the department."""

from __future__ import annotations

from typing import Any

import pytest

from ezhou_platform.jobs.runner import start_job

pytestmark = pytest.mark.django_db


def test_progress_page_polls_a_json_status(login_client: Any, demo_users: dict[str, Any]) -> None:
    run = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={})
    client = login_client("shuiwu_clerk")
    page = client.get(f"/jobs/{run.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-status-url="/jobs/{run.pk}/status/"' in html and 'data-finished="0"' in html
    assert '<progress id="job-progress"' in html and "ezhou/jobs.js" in html
    status = client.get(f"/jobs/{run.pk}/status/").json()
    assert status["state"] == "queued" and status["state_label"] == "排队中" and status["finished"] is False


def test_result_page_counts_errors_and_errors_file(login_client: Any, demo_users: dict[str, Any]) -> None:
    run = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={}, inline=True)
    client = login_client("shuiwu_head")  # the department's head sees the department's runs
    html = client.get(f"/jobs/{run.pk}/").content.decode()
    assert "失败" in html and "下载错误清单" in html and "“申请水量”应为数字。" in html
    assert 'data-finished="1"' in html
    download = client.get(f"/jobs/{run.pk}/errors/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    status = client.get(f"/jobs/{run.pk}/status/").json()
    assert status["finished"] is True and status["errors_count"] == 1


def test_other_departments_do_not_see_a_run(login_client: Any, demo_users: dict[str, Any]) -> None:
    run = start_job("tests.refuse", user=demo_users["shuiwu_clerk"], params={}, inline=True)
    client = login_client("yibao_clerk")
    for url in (f"/jobs/{run.pk}/", f"/jobs/{run.pk}/status/", f"/jobs/{run.pk}/errors/"):
        assert client.get(url).status_code == 404, url
    assert str(run.pk) not in client.get("/jobs/").content.decode().split("<tbody>")[1].split("</tbody>")[0]
    auditor = login_client("auditor")
    assert auditor.get(f"/jobs/{run.pk}/").status_code == 200
    assert "测试：拒绝执行" in auditor.get("/jobs/").content.decode()


def test_anonymous_users_go_to_login(client: Any, demo_users: dict[str, Any]) -> None:
    assert client.get("/jobs/").status_code == 302
