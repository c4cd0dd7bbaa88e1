"""Issue 14 adopted in 医疗救助: the two-person rule on the decisions that pay (failure 3, C29), personal data
in the search and the warning exports (failure 8, C05/C22/C11), and the settle command's output (failure 12,
R2). Each test reproduces the failure first (the route that let it through) and prints its figure."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from second_person_marks import marked_steps

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import WarningRun
from ezhou_platform.medical_assistance.views.common import ID_IN_URL
from ezhou_platform.procedures import second_person
from ezhou_platform.security.models import SecondPersonRule
from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.batch import INPUT_COLUMNS
from ezhou_rules.medical_assistance.parameters_tree import parameters

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
D = dt.date
MARKED = {
    ("medical_assistance.application", "approve_class_aid"): "pay",
    ("medical_assistance.application", "approve_retroactive"): "pay",
    ("medical_assistance.application", "approve_tilted"): "pay",
    ("medical_assistance.claim", "reverse"): "pay",
}


# -- failure 3: decisions that pay need a second person, whatever is configured -------------------------------


def test_the_paying_decisions_are_marked_and_cannot_be_configured_off() -> None:
    marked = marked_steps("medical_assistance")
    assert marked == MARKED  # submissions, refusals, property checks and class-4 recognition are not payments
    for slug, step in MARKED:
        assert "支付资金" in second_person.check_rule(slug, step, required=False)


def test_the_clerk_who_received_an_application_cannot_approve_it(
    make_person: Any, clerk: Any, head: Any
) -> None:
    person = make_person("unstable_lifted")
    app = services.submit_application(
        person, kind="class_aid", year=2024, submitted_on=D(2024, 3, 2), acting_user=clerk
    )
    # The failure's route: the step's rule switched off by a row (before the mark it was honoured).
    SecondPersonRule.objects.create(
        procedure="medical_assistance.application",
        step="approve_class_aid",
        required=False,
        valid_from=D(2024, 1, 1),
        reason="试",
    )
    self_approvals = 0
    try:
        services.approve_application(app, acting_user=clerk, day=D(2024, 3, 4))
        self_approvals += 1
    except services.ApiError as exc:
        assert "双人复核" in exc.message
    assert self_approvals == 0
    services.approve_application(app, acting_user=head, day=D(2024, 3, 4))
    app.refresh_from_db()
    assert app.state == "approved"
    print(
        f"\nC29 medical_assistance: self-approvals of a paying decision, rule configured off = {self_approvals}"
    )


# -- failure 8: the search sends no ID in a URL; exports mask IDs unless the role acts on them -----------------


def test_the_search_never_puts_a_whole_id_in_a_url(login_client: Any, make_person: Any) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    page = c.get("/medical-assistance/persons/").content.decode()
    assert 'method="post"' in page and 'name="search"' in page  # the form posts its terms
    r = c.post("/medical-assistance/persons/", {"search": "1", "q": person.resident_id, "district": ""})
    assert r.status_code == 302 and "lookup=" in r["Location"] and person.resident_id not in r["Location"]
    text = c.get(r["Location"]).content.decode()
    assert "共 1 人" in text and person.masked_id in text
    # paging and export links carry the token, not the number; the search box is empty and shows the masked
    # number beside it (before: it echoed the whole number back into the page)
    assert person.resident_id not in text
    assert f"当前查询：{person.masked_id}" in text
    # a whole ID typed into the address bar is not searched (before: it was, and landed in the access log)
    text = c.get("/medical-assistance/persons/", {"q": person.resident_id}).content.decode()
    assert ID_IN_URL in text and "共 1 人" in text  # the unfiltered list (one person), with the message
    # a search is a read: the auditor may post it; another department may not
    assert (
        login_client("auditor")
        .post("/medical-assistance/settlements/", {"search": "1", "q": person.resident_id})
        .status_code
        == 302
    )
    assert (
        login_client("minzheng_clerk")
        .post("/medical-assistance/persons/", {"search": "1", "q": person.resident_id})
        .status_code
        == 403
    )
    c = login_client("yibao_clerk")  # login_client logs the one test client in again
    urls = [
        "/medical-assistance/persons/",
        "/medical-assistance/premium-subsidy/persons/",
        "/medical-assistance/settlements/",
        "/medical-assistance/identities/",
    ]
    leaks = echoes = 0
    for u in urls:
        location = c.post(u, {"search": "1", "q": person.resident_id})["Location"]
        leaks += person.resident_id in location
        echoes += person.resident_id in c.get(location).content.decode()
    print(
        f"\nC05 medical search: whole IDs in a URL = {leaks} of {len(urls)} search pages, "
        f"in the result page = {echoes} of {len(urls)}"
    )
    assert leaks == 0 and echoes == 0


def _warning_run(login_client: Any, make_person: Any, clerk: Any) -> tuple[Any, WarningRun]:
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        D(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    person = make_person("low_income_marginal")
    c = login_client("yibao_clerk")
    body = claim_payload(person, "W-1", 1_200_000, settle_date="2024-01-10")
    assert c.post("/api/v1/medical-assistance/settlements", json.dumps(body), content_type="application/json")
    return person, services.run_warnings(2024, 1, acting_user=clerk)


def _first_id(response: Any) -> str:
    book = load_workbook(io.BytesIO(response.content))
    return str(book["因病返贫预警"].cell(row=2, column=1).value)


def test_warning_exports_mask_ids_unless_the_role_acts_on_them(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    person, run = _warning_run(login_client, make_person, clerk)
    # (user, export url, whole IDs?) — before: every export held the whole number
    cases = [
        ("yibao_clerk", f"/medical-assistance/warnings/{run.pk}/export.xlsx", False),
        ("auditor", f"/medical-assistance/warnings/civil-affairs/{run.pk}/export.xlsx", False),
        ("minzheng_clerk", f"/medical-assistance/warnings/civil-affairs/{run.pk}/export.xlsx", True),
        ("xiangcun_clerk", f"/medical-assistance/warnings/rural-revitalization/{run.pk}/export.xlsx", True),
    ]
    whole = 0
    for user, url, expected in cases:
        r = login_client(user).get(url)
        assert r.status_code == 200, user
        got = _first_id(r)
        assert got == (person.resident_id if expected else person.masked_id), user
        whole += got == person.resident_id
    exports = AuditRecord.objects.filter(action="medical_assistance.warning.export").order_by("id")
    assert [e.after["whole_ids"] for e in exports] == [False, False, True, True]
    assert all(e.request_id for e in exports)  # C11: the request id is carried
    views = AuditRecord.objects.filter(action="pii.export")
    assert sorted(v.actor_username for v in views) == ["minzheng_clerk", "xiangcun_clerk"]
    print(
        f"\nC22 warning exports: whole IDs in {whole} of {len(cases)} (only 民政/乡村振兴 clerks), all audited"
    )


# -- failure 12: the settle command's CSV is never torn at its final path -------------------------------------


def test_a_settle_killed_while_writing_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: Any) -> None:
    good = "C1,P1,2,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000"  # 1000 × 70% = 700.00
    src = tmp_path / "in.csv"
    src.write_text("\n".join([",".join(INPUT_COLUMNS), good]) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("medical_assistance", "settle", str(src), "-o", str(out))
    before = out.read_bytes()
    assert b"700.00" in before
    real = batch.pacsv.write_csv

    def killed_halfway(table: Any, where: Any) -> None:
        buf = io.BytesIO()
        real(table, buf)
        half = buf.getvalue()[: len(buf.getvalue()) // 2]
        if isinstance(where, str | Path):  # the old code wrote straight to the final path
            Path(where).write_bytes(half)
        else:
            where.write(half)
            where.flush()
        raise KeyboardInterrupt  # the process dies mid-write

    monkeypatch.setattr(batch.pacsv, "write_csv", killed_halfway)
    with pytest.raises(KeyboardInterrupt):
        call_command("medical_assistance", "settle", str(src), "-o", str(out))
    torn = int(out.read_bytes() != before)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    print(f"\nR2 medical-assistance settle killed mid-write: torn files at the final path = {torn}")
    assert torn == 0 and leftovers == []
