"""C27: retention by time travel. Data is created on the frozen day (2026-06-15), the clock moves years on,
`ezhou security retention` runs: overdue PI rows = 0, rows within their retention untouched, amounts kept,
one audit record with the counts, and the audit chain still verifies.

Hand-worked dates (inventory.RETENTION):
- rental, rejected 2026-06-15 → anonymised from 2029-06-15 (3 years, 民法典 第二百零二条 corresponding day);
  rejected 2027-01-11 → kept until 2030-01-11;
- rental, withdrawn 2026-06-15 → anonymised from 2029-06-15;
- medical, a person's last activity (registration, claim, identity end) in 2026 → the year ends 2026-12-31 →
  anonymised from 2032-01-01 (5 years); last activity in 2027 → kept until 2033-01-01; a person with an
  identity without end date (a current recipient): kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.verify import verify
from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_platform.medical_assistance import services as medical
from ezhou_platform.medical_assistance.demo import demo_resident_id
from ezhou_platform.medical_assistance.models import Person, Settlement
from ezhou_platform.rental_housing import services as rental
from ezhou_platform.rental_housing.models import Application, ApplicationStatus
from ezhou_platform.security import retention
from ezhou_rules.medical_assistance.recipients import recognised_by

pytestmark = pytest.mark.django_db


def _rental_app(project: Any, clerk: Any, seq: int) -> Any:
    app, _ = rental.submit_application(
        rental.ApplicationInput(
            project=project,
            name=f"申请人{seq}",
            id_number=demo_resident_id(f"42070419900101{seq:03d}"),
            phone="13800000000",
            full_civil_capacity=True,
            materials=("form", "identity", "marriage", "housing", "other"),
        ),
        acting_user=clerk,
        channel="offline",
    )
    return app


def _person(serial: int, users: dict[str, Any], *, open_identity: bool = False) -> Person:
    person = medical.register_person(
        resident_id=demo_resident_id(f"420704198001{serial:02d}123"),
        name=f"人员{serial}",
        jurisdiction=Jurisdiction.objects.get(code="echeng"),
        acting_user=users["yibao_clerk"],
    )
    rec = recognised_by("minimum_living")
    medical.record_identity(
        person,
        kind="minimum_living",
        source_department=Department.objects.get(code=rec.department),
        valid_from=dt.date(2024, 1, 1),
        valid_until=None if open_identity else dt.date(2025, 12, 31),
        evidence="测试认定书",
        acting_user=users["minzheng_clerk"],
    )
    return person


def _claim(person: Person, claim_id: str, day: dt.date) -> None:
    medical.settle_claim(
        medical.ClaimInput(
            claim_id=claim_id,
            resident_id=person.resident_id,
            settle_date=day,
            kind="inpatient",
            hospital_name="鄂州市中心医院",
            hospital_level=3,
            in_city=True,
            in_province=True,
            temporary_out_of_city=False,
            total_cost=100_000,
            out_of_policy_cost=0,
            policy_self_pay=50_000,
        ),
        acting_user=None,
    )


def test_retention_by_time_travel(demo_users: dict[str, Any], clock_at: Any, capsys: Any) -> None:
    from ezhou_platform.rental_housing.models import Operator

    clerk = demo_users["zhujian_clerk"]
    huarong = Jurisdiction.objects.get(code="huarong")
    op = Operator.objects.create(
        name="测试住房租赁运营公司",
        uscc="91420700MA4F000015",
        business_scope="住房租赁",
        jurisdiction=huarong,
    )
    project = rental.register_project(
        acting_user=clerk,
        operator=op,
        name="测试项目",
        jurisdiction=huarong,
        owner_name="华容区城投",
        sourcing_method=1,
        certificate_number="TEST-001",
        certificate_date=dt.date(2023, 1, 5),
        announced_on=dt.date(2023, 1, 6),
    )
    # -- rental: two rejected (2026-06-15 and 2027-01-11), one withdrawn, one still open
    old_rejected = rental.review_reject(
        _rental_app(project, clerk, 1), acting_user=clerk, reason="不符合条件"
    )
    withdrawn = rental.withdraw(_rental_app(project, clerk, 2), acting_user=clerk)
    open_app = _rental_app(project, clerk, 3)
    clock_at(dt.date(2027, 1, 11))
    new_rejected = rental.review_reject(
        _rental_app(project, clerk, 4), acting_user=clerk, reason="不符合条件"
    )
    # -- medical: registered 2026 (claim 2025), registered 2027, and one with a still-open identity
    clock_at(dt.date(2026, 6, 15))
    gone = _person(1, demo_users)
    _claim(gone, "C-OLD", dt.date(2025, 3, 2))
    clock_at(dt.date(2027, 3, 1))
    recent = _person(2, demo_users)
    _claim(recent, "C-NEW", dt.date(2025, 3, 2))
    ongoing = _person(3, demo_users, open_identity=True)
    paid_before = sum(s.basic_aid + s.tilted_aid for s in Settlement.objects.all())

    # The dry run says what it would do and changes nothing.
    clock_at(dt.date(2029, 6, 15))
    call_command("security", "retention", "--dry-run")
    out = capsys.readouterr().out
    assert out.count("将匿名化1条") == 2 and "（试运行，未修改数据）到期未清理的个人信息记录 = 2" in out
    assert Application.objects.get(pk=old_rejected.pk).name == "申请人1"

    before = AuditRecord.objects.filter(action="security.retention.run").count()
    call_command("security", "retention")
    out = capsys.readouterr().out
    assert "到期未清理的个人信息记录 = 0" in out
    assert retention.overdue() == {"rental.rejected": 0, "rental.withdrawn": 0, "medical.claims": 0}
    for app in (old_rejected, withdrawn):
        app.refresh_from_db()
        assert (app.name, app.id_number, app.phone) == (
            retention.MASK_NAME,
            retention.MASK_ID,
            retention.MASK_PHONE,
        )
        assert app.birth_date == dt.date(1990, 1, 1) and app.status in ("rejected", "withdrawn")
    for app in (open_app, new_rejected):  # within retention or still open: untouched
        app.refresh_from_db()
        assert app.name.startswith("申请人") and app.id_number[:6] == "420704"
    assert ApplicationStatus.REJECTED in Application.objects.values_list("status", flat=True)

    # 2032-01-01: 2026 ended five years ago → the person whose last activity was in 2026 goes
    clock_at(dt.date(2032, 1, 1))
    report = retention.run()
    assert report.counts["medical.claims"] == 1
    new_rejected.refresh_from_db()
    open_app.refresh_from_db()
    assert new_rejected.name == retention.MASK_NAME and open_app.name == "申请人3"  # open: never
    gone.refresh_from_db()
    recent.refresh_from_db()
    ongoing.refresh_from_db()
    assert gone.name == retention.MASK_NAME and gone.resident_id == f"匿名{gone.pk:016d}"
    assert recent.name == "人员2" and ongoing.name == "人员3"
    # amounts stay for statistics
    assert sum(s.basic_aid + s.tilted_aid for s in Settlement.objects.all()) == paid_before
    assert retention.overdue()["medical.claims"] == 0

    # one audit record per run with the counts (none per person), and the chain verifies
    runs = AuditRecord.objects.filter(action="security.retention.run").order_by("seq")
    assert runs.count() == before + 2
    # the 2027 rejection ran out on 2030-01-11: anonymised by this run too
    assert runs.last().after["anonymised"] == {
        "rental.rejected": 1,
        "rental.withdrawn": 0,
        "medical.claims": 1,
    }
    assert verify().ok
