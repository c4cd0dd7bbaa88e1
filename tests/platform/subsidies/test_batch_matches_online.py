"""The batch intake (``subsidies.applications.import``: rows written as columns, one ``executemany`` per table)
gives what the per-application service (``apply.submit``, one ORM write per row) gives for the same car
trade-ins in the same order: the same rows taken and refused, the same amounts, ledger keys, cases and first
events — apart from what says how an application came in (source, account, event label, reasons and trace
stored by the online form)."""

from __future__ import annotations

import csv
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from ezhou_platform.common import bulk
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.procedures.models import Case, CaseEvent
from ezhou_platform.subsidies.models import Application, LedgerKey
from ezhou_platform.subsidies.services import apply, intake
from ezhou_platform.subsidies.services.ledger import DuplicateAward

from .conftest import CAR_UPLOADS, FILED_ON, PAYEE, add_dealer, car_facts, configure, resident_id, vin

pytestmark = pytest.mark.django_db(transaction=True)


def _facts() -> list[dict[str, Any]]:
    """Nine trade-ins in file order: fuel and new-energy, scrapped and transferred; a person and a car taken
    twice; a car bought from a dealer not on the list."""
    rows = [
        car_facts(resident_id(1), vin(1)),  # 报废 + 新能源: 8,000.00
        car_facts(resident_id(2), vin(2), energy="fuel"),  # 报废 + 燃油: 3,000.00
        car_facts(resident_id(3), vin(3), disposal="transfer"),  # 转出 + 新能源: 5,000.00
        car_facts(resident_id(4), vin(4), disposal="transfer", energy="fuel"),  # 转出 + 燃油: 2,000.00
        car_facts(resident_id(1), vin(5)),  # the person of the first row again: refused
        car_facts(resident_id(6), vin(2)),  # the car of the second row again: refused
        car_facts(resident_id(7), vin(7), dealer_code="W009"),  # not a listed Ezhou dealer: refused
        car_facts(resident_id(8), vin(8), energy="fuel"),  # 3,000.00
        car_facts(resident_id(9), vin(9), purchased_on="2023-01-02", disposed_on="2023-01-01"),  # after 12-31
    ]
    return rows


# Everything but how the application came in (source, account, reasons and trace of the online form).
APPLICATION = attrgetter(
    "component", "measure", "department_id", "subject", "subject_name", "object", "year", "payer", "facts",
    "amount_fen", "ceiling_fen", "pending_decision", "payee_name", "payee_bank", "payee_account",
    "received_on", "status", "supersedes_id",
)  # fmt: skip
CASE = attrgetter(
    "procedure",
    "state",
    "department_id",
    "title",
    "applicant_uscc",
    "opened_on",
    "closed_on",
    "content_type_id",
)


def _snapshot() -> dict[str, Any]:
    """What the ledger and the procedure hold, with the applications in the order they were filed."""
    apps = list(Application.objects.order_by("id"))
    position = {a.pk: i for i, a in enumerate(apps)}
    cases = {c.object_id: c for c in Case.objects.filter(procedure="subsidies.application")}
    return {
        "applications": [APPLICATION(a) for a in apps],
        "keys": sorted(
            (k.key, k.label, k.taken_on, k.released_on, position[k.application_id])
            for k in LedgerKey.objects.all()
        ),
        "cases": [CASE(cases[a.pk]) for a in apps],
        "events": [
            [(e.step, e.source, e.target, e.citation, e.on, e.document_id) for e in cases[a.pk].events.all()]
            for a in apps
        ],
    }


class _Undo(Exception):
    pass


def _online(user: Any, rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Each row through ``apply.submit`` in order; the snapshot taken, then everything rolled back."""
    outcome: list[str] = []
    try:
        with transaction.atomic():
            for facts in rows:
                try:
                    apply.submit(
                        "m12",
                        facts,
                        actor=user,
                        on=FILED_ON,
                        payee=PAYEE,
                        subject_name="李四",
                        uploads=CAR_UPLOADS,
                    )
                    outcome.append("accepted")
                except DuplicateAward:
                    outcome.append("duplicate")
                except apply.NotEligible:
                    outcome.append("not_eligible")
            snapshot = _snapshot()
            raise _Undo
    except _Undo:
        pass
    return snapshot, outcome


def _file(path: Path, rows: list[dict[str, Any]]) -> Path:
    fields = intake.batch_fields("m12")
    extra = {
        "subject_name": "李四",
        "payee_name": PAYEE.name,
        "payee_bank": PAYEE.bank,
        "payee_account": PAYEE.account,
    }
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.label for f in fields])
        for facts in rows:
            w.writerow([{**facts, **extra}[f.name] for f in fields])
    return path


def test_the_batch_intake_writes_what_the_online_service_writes(
    demo_users: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    configure()
    add_dealer("D001")
    add_dealer("W009", city="武汉市")
    rows = _facts()
    online, outcome = _online(demo_users["car_buyer"], rows)
    assert outcome == ["accepted"] * 4 + [
        "duplicate",
        "duplicate",
        "not_eligible",
        "accepted",
        "not_eligible",
    ]
    assert not Application.objects.exists() and not Case.objects.exists()  # the online run was undone

    run = start_job(
        "subsidies.applications.import",
        user=demo_users["shangwu_clerk"],
        input_path=_file(tmp_path / "cars.csv", rows),
        params={"component": "m12"},
        inline=True,
    )
    assert run.state == "succeeded", run.message
    assert run.counts == {"受理": 5, "重复申请未受理": 2, "不符合条件未受理": 2}
    batch = _snapshot()
    # 8,000.00 + 3,000.00 + 5,000.00 + 2,000.00 + 3,000.00 = 21,000.00
    assert [a[9] for a in batch["applications"]] == [800_000, 300_000, 500_000, 200_000, 300_000]
    assert batch == online
    assert set(Application.objects.values_list("source", flat=True)) == {"batch"}
    assert set(CaseEvent.objects.values_list("label", flat=True)) == {"批量申报受理"}
    with transaction.atomic():  # the next batch's numbers follow this one's
        assert bulk.reserve_ids(Application, 1) == [Application.objects.latest("id").pk + 1]


def test_bulk_ids_are_taken_inside_the_transaction_after_the_highest_one(demo_users: dict[str, Any]) -> None:
    """The ids of a batch follow the highest one the table has had, so an application number (SQ + id) is never
    given twice; on SQLite they are taken only inside the transaction that holds the write lock."""
    with transaction.atomic():
        first = bulk.reserve_ids(Application, 3)
    assert len(first) == 3 and first == sorted(first) and first[2] - first[0] == 2
    if connection.vendor == "sqlite":
        with pytest.raises(RuntimeError):
            bulk.reserve_ids(Application, 1)
