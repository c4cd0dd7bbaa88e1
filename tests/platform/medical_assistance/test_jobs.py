"""The long work of 医疗救助 as background jobs (docs/jobs.md), run inline here (the worker runs the same code):
a claims file received and settled row by row (第十八条), a year settled again (M28), a batch file settled by the
vectorised kernel (the code of `ezhou medical-assistance settle`); and the pages that start them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ezhou_platform.jobs.models import JobRun, JobRunError
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.medical_assistance.jobs import CALCULATE, RECEIVE, RESETTLE
from ezhou_platform.medical_assistance.models import Claim, Settlement
from ezhou_rules.medical_assistance.batch import INPUT_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = "结算单号,公民身份号码,结算日期,就医类别,医疗机构名称,医疗机构级别,市域内,省域内,医疗总费用（元）,政策范围外费用（元）,政策范围内个人自付（元）"


@pytest.fixture(autouse=True)
def _job_files(settings: Any, tmp_path: Path) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"


def _claims_file(tmp_path: Path, resident_id: str) -> Path:
    rows = [
        HEADER,
        f"F-1,{resident_id},2024-03-01,住院,鄂州市中心医院,三级,是,是,2000.00,0,1000.00",
        f"F-1,{resident_id},2024-03-01,住院,鄂州市中心医院,三级,是,是,2000.00,0,1000.00",  # sent twice
        f"F-2,{resident_id},2024-03-02,住院,鄂州市中心医院,五级,是,是,2000.00,0,1000.00",  # no such level
        f"F-3,{resident_id},2024年4月1日,门诊慢特病,鄂城区人民医院,二级,是,是,500.00,0,300.50",
    ]
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_claims_file_is_received_and_settled_row_by_row(
    tmp_path: Path, make_person: Any, clerk: Any
) -> None:
    person = make_person("minimum_living")  # 低保: class 2, no deductible, 70% (第十一条)
    run = start_job(
        RECEIVE,
        user=clerk,
        input_path=_claims_file(tmp_path, person.resident_id),
        via=JobRun.Via.CLI,
        inline=True,
    )
    assert run.state == JobRun.State.SUCCEEDED, run.message
    assert run.counts == {"已结算": 2, "重复提交": 1, "未通过校验": 1}
    assert (run.done, run.total) == (4, 4)
    # F-1: 1,000.00 × 70% = 700.00; F-3: 300.50 × 70% = 210.35; F-1 sent again is paid once
    paid = {s.claim.claim_id: s.basic_aid for s in Settlement.objects.select_related("claim")}
    assert paid == {"F-1": 70000, "F-3": 21035}
    assert Claim.objects.count() == 2
    # the refused row by its number and the column's Chinese label
    (error,) = JobRunError.objects.filter(run=run)
    assert (error.row, error.field) == (4, "医疗机构级别")
    assert run.result_file


def test_a_year_settled_again_adds_nothing_when_nothing_changed(
    tmp_path: Path, make_person: Any, clerk: Any
) -> None:
    person = make_person("minimum_living")
    start_job(
        RECEIVE,
        user=clerk,
        input_path=_claims_file(tmp_path, person.resident_id),
        via=JobRun.Via.CLI,
        inline=True,
    )
    for _ in range(2):  # twice: the second run finds nothing to change either (M28)
        run = start_job(RESETTLE, user=clerk, params={"year": "2024"}, via=JobRun.Via.CLI, inline=True)
        assert run.state == JobRun.State.SUCCEEDED, run.message
        assert run.counts == {"已重新结算": 1}
        assert run.checkpoint == {"after": person.pk}
    assert not Settlement.objects.filter(kind=Settlement.Kind.ADJUST).exists()


def test_the_year_must_be_one_the_document_covers(clerk: Any) -> None:
    from ezhou_platform.jobs.registry import JobParamError

    for year in ("2021", "2027", "二〇二四"):
        with pytest.raises(JobParamError, match="年度"):
            start_job(RESETTLE, user=clerk, params={"year": year}, via=JobRun.Via.CLI, inline=True)


def test_a_batch_file_is_calculated_file_to_file(tmp_path: Path, clerk: Any) -> None:
    src = tmp_path / "batch.csv"
    good = "C1,P1,2,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000"
    bad = "C2,P1,9,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000"  # no class 9
    src.write_text("\n".join([",".join(INPUT_COLUMNS), good, bad]) + "\n", encoding="utf-8")
    run = start_job(CALCULATE, user=clerk, input_path=src, via=JobRun.Via.CLI, inline=True)
    assert run.state == JobRun.State.SUCCEEDED, run.message
    assert run.counts == {"已测算": 1, "未通过校验的行": 1}
    (error,) = JobRunError.objects.filter(run=run)
    assert error.field == "救助类别"
    assert not Settlement.objects.exists()  # nothing written but the run


def test_the_pages_start_the_jobs(login_client: Any, make_person: Any, tmp_path: Path) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    upload = SimpleUploadedFile(
        "claims.csv", _claims_file(tmp_path, person.resident_id).read_bytes(), content_type="text/csv"
    )
    r = c.post("/medical-assistance/claims/upload/", {"file": upload})
    assert r.status_code == 302
    run = JobRun.objects.get(name=RECEIVE)
    assert r["Location"].endswith(f"/{run.pk}/")
    r = c.post("/medical-assistance/resettle/", {"year": "2021"}, follow=True)
    assert "“年度”应为2022年至2026年之间的年份" in r.content.decode()
    r = c.post("/medical-assistance/resettle/", {"year": "2024"})
    assert r.status_code == 302 and JobRun.objects.filter(name=RESETTLE, params={"year": 2024}).exists()
    assert login_client("auditor").post("/medical-assistance/resettle/", {"year": "2024"}).status_code == 403


def test_a_claims_file_interrupted_mid_way_resumes_and_pays_each_claim_once(
    tmp_path: Path, make_person: Any, clerk: Any, monkeypatch: Any
) -> None:
    """The worker pauses after its first unit (as on SIGTERM), then dies while the run says 运行中: the next
    worker resumes from the checkpoint; every claim is settled exactly once (units of 2 rows here)."""
    import socket
    import threading

    from ezhou_platform.jobs.runner import execute, process_identity, recover_interrupted
    from ezhou_platform.medical_assistance import jobs

    monkeypatch.setattr(jobs, "ROWS_PER_UNIT", 2)
    person = make_person("minimum_living")
    path = _claims_file(tmp_path, person.resident_id)
    run = start_job(RECEIVE, user=clerk, input_path=path, via=JobRun.Via.CLI)
    stop = threading.Event()
    stop.set()
    execute(run.pk, worker=process_identity(), stop_event=stop)
    run.refresh_from_db()
    assert run.state == JobRun.State.QUEUED and run.committed == 2 and run.checkpoint == {"next": 2}
    assert Claim.objects.count() == 1  # F-1 (row 2) and its repeat (row 3) are the first unit
    dead = f"{socket.gethostname()}/{2**22 + 12345}/1.00"
    JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.RUNNING, worker=dead)
    assert [r.pk for r in recover_interrupted()] == [run.pk]
    execute(run.pk, worker=process_identity())
    run.refresh_from_db()
    assert run.state == JobRun.State.SUCCEEDED and run.attempts == 2
    assert run.counts == {"已结算": 2, "重复提交": 1, "未通过校验": 1}
    assert sorted(Settlement.objects.values_list("claim__claim_id", flat=True)) == ["F-1", "F-3"]
