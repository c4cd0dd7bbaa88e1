"""record(): what one audit record holds, masking, fail-closed writes in the caller's transaction."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.audit import services
from ezhou_platform.common.audit.masking import mask_personal_data, scrub_text, snapshot
from ezhou_platform.common.audit.models import GENESIS_HASH, AuditRecord
from ezhou_platform.common.audit.services import AuditError, record
from ezhou_platform.common.audit.verify import verify
from ezhou_platform.common.middleware import RequestContext, _current
from ezhou_platform.common.models import Department

pytestmark = pytest.mark.django_db

ID = "420704199001011234"
PHONE = "13812341234"


def test_record_holds_who_what_when_where(users: Any) -> None:
    clerk = users["yibao_clerk"]
    dept = Department.objects.get(code="medical_security")
    token = _current.set(
        RequestContext(remote_addr="10.20.30.40", user_agent="pytest-agent", path="/claims/7/settle")
    )
    try:
        with transaction.atomic():
            entry = record(
                "medical_assistance.claim.settle",
                actor=clerk,
                obj=dept,
                before={"status": "reviewing"},
                after={"status": "settled"},
                label="医疗救助结算",
                citation="鄂州政办发〔2022〕34号 第十一条",
            )
    finally:
        _current.reset(token)
    entry = AuditRecord.objects.get(pk=entry.pk)
    assert entry.seq == 1 and entry.prev_hash == GENESIS_HASH and len(entry.hash) == 64
    assert entry.actor_id == clerk.pk and entry.actor_username == "yibao_clerk"
    assert entry.actor_name == "医保经办李敏" and entry.actor_role == "clerk"
    assert entry.actor_department_code == "medical_security" and entry.actor_department == dept.name
    assert entry.remote_addr == "10.20.30.40" and entry.user_agent == "pytest-agent"
    assert entry.path == "/claims/7/settle"
    assert entry.action == "medical_assistance.claim.settle" and entry.label == "医疗救助结算"
    assert entry.object_type == "common.department" and entry.object_id == str(dept.pk)
    assert entry.object_repr == dept.name
    assert entry.before == {"status": "reviewing"} and entry.after == {"status": "settled"}
    assert entry.result == "success"
    assert entry.citation == "鄂州政办发〔2022〕34号 第十一条"
    assert timezone.is_aware(entry.created_at)
    assert abs((clock.now() - entry.created_at).total_seconds()) < 60


def test_seq_is_gap_free_and_each_record_links_to_the_previous(write: Any) -> None:
    entries = [write(f"test.thing.step{i}") for i in range(5)]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    for prev, cur in itertools.pairwise(entries):
        assert cur.prev_hash == prev.hash
    report = verify()
    assert report.ok, report.problems
    assert report.checked == 5 and report.head_seq == 5


def test_default_label_comes_from_the_catalogue(write: Any) -> None:
    services.register_action("test.widget.approve", "审批小部件")
    assert write("test.widget.approve").label == "审批小部件"


@pytest.mark.parametrize("action", ["", "settle", "Medical.Claim", "a..b", "a.b c", "a.b;drop"])
def test_action_must_be_a_dotted_code(action: str) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        record(action, actor=None)


def test_result_must_be_known() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        record("test.thing.change", actor=None, result="maybe")


def test_outside_a_transaction_is_refused(monkeypatch: Any) -> None:
    from django.db import connections

    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(AuditError):
        record("test.thing.change", actor=None)


def test_failed_audit_write_rolls_back_the_change(monkeypatch: Any) -> None:
    def broken_insert(self: Any, *args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk full (simulated)")

    monkeypatch.setattr(AuditRecord, "save", broken_insert)
    with pytest.raises(DatabaseError), transaction.atomic():
        Department.objects.create(code="audit_test_dept", name="审计测试部门")
        record("common.department.create", actor=None, after={"code": "audit_test_dept"})
    assert not Department.objects.filter(code="audit_test_dept").exists()
    monkeypatch.undo()
    assert AuditRecord.objects.count() == 0


def test_a_database_level_audit_failure_also_rolls_back(monkeypatch: Any) -> None:
    # A real constraint violation from the database: the next append would fork the chain (its prev_hash
    # is already taken by record #1), which the unique constraint refuses.
    from ezhou_platform.common.audit.models import ChainHead

    with transaction.atomic():
        record("test.thing.change", actor=None)
    with transaction.atomic():
        ChainHead.objects.filter(pk=1).update(hash=GENESIS_HASH)
    with pytest.raises(DatabaseError), transaction.atomic():
        Department.objects.create(code="audit_test_dept2", name="审计测试部门二")
        record("common.department.create", actor=None)
    assert not Department.objects.filter(code="audit_test_dept2").exists()
    assert AuditRecord.objects.count() == 1


def test_missing_key_fails_closed(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.AUDIT_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        Department.objects.create(code="audit_test_dept3", name="审计测试部门三")
        record("common.department.create", actor=None)
    assert not Department.objects.filter(code="audit_test_dept3").exists()


def test_before_and_after_are_masked(write: Any) -> None:
    entry = write(
        "medical_assistance.claim.update",
        before={"id_number": ID, "phone": PHONE, "name": "张三丰", "amount_fen": 12345},
        after={
            "applicant": {"resident_id": ID, "contact_phone": PHONE, "applicant_name": "欧阳娜娜"},
            "members": [{"id_number": ID, "name": "李四"}],
            "note": f"申请人身份证 {ID}，电话 {PHONE}",
            "amount_fen": 12345,
        },
    )
    stored = AuditRecord.objects.get(pk=entry.pk)
    raw = stored.before_json + stored.after_json
    assert ID not in raw and PHONE not in raw and "张三丰" not in raw and "欧阳娜娜" not in raw
    assert stored.before == {
        "id_number": "420***********1234",
        "phone": "138****1234",
        "name": "张**",
        "amount_fen": 12345,
    }
    assert stored.after["applicant"] == {
        "resident_id": "420***********1234",
        "contact_phone": "138****1234",
        "applicant_name": "欧阳**",
    }
    assert stored.after["members"] == [{"id_number": "420***********1234", "name": "李*"}]
    assert stored.after["note"] == "申请人身份证 420***********1234，电话 138****1234"


def test_mask_helper_and_snapshot(users: Any) -> None:
    assert mask_personal_data({"ID_Number": ID, "x": None, "phone": None}) == {
        "ID_Number": "420***********1234",
        "x": None,
        "phone": None,
    }
    assert mask_personal_data({"policy_no": "A1"}, extra_keys={"policy_no": "id"})["policy_no"] != "A1"
    with pytest.raises(ValueError):
        mask_personal_data({}, extra_keys={"k": "unknown"})
    assert scrub_text(f"x{ID}x") == f"x{ID}x"  # not a separate token: left alone
    assert scrub_text(f"证号{ID}。") == "证号420***********1234。"
    citizen = users["citizen"]
    assert snapshot(citizen, ["display_name", "role", "jurisdiction"]) == {
        "display_name": "张*",
        "role": "citizen",
        "jurisdiction": citizen.jurisdiction_id,
    }


def test_display_string_and_attempted_username_are_masked(write: Any) -> None:
    entry = write(
        "test.thing.change",
        actor=ID,
        object_type="medical_assistance.person",
        object_id=ID,
        object_repr=f"张三 {ID}",
    )
    assert entry.actor_username == "420***********1234" and entry.actor_id is None
    assert entry.object_id == "420***********1234"
    assert entry.object_repr == "张三 420***********1234"


def test_control_characters_cannot_forge_lines(write: Any) -> None:
    entry = write(
        "test.thing.change", actor="eve\r\n2022-10-18 admin login ok\x00", object_repr="a\nb\u202ec"
    )
    stored = AuditRecord.objects.get(pk=entry.pk)
    assert (
        "\n" not in stored.actor_username
        and "\r" not in stored.actor_username
        and "\x00" not in stored.actor_username
    )
    assert stored.actor_username == "eve\\r\\n2022-10-18 admin login ok\\x00"
    assert stored.object_repr == "a\\nb\\u202ec"
    assert verify().ok


def test_long_values_are_cut_to_the_column_and_still_verify(write: Any) -> None:
    write(
        "test.thing.change",
        actor="u" * 500,
        object_repr="对" * 500,
        citation="c" * 5000,
        after={"k": "v" * 10000},
    )
    entry = AuditRecord.objects.get()
    assert len(entry.actor_username) == 150 and len(entry.object_repr) == 200
    assert verify().ok


def test_timestamps_verify_with_microseconds_and_any_timezone(write: Any, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    write("test.thing.change", after={"f": 1.5, "big": 10**20, "d": "2022-10-18"})
    entry = AuditRecord.objects.get()
    assert entry.created_at.microsecond == entry.created_at.microsecond  # round-tripped from the database
    with timezone.override("America/New_York"):
        assert verify().ok
    assert json.loads(entry.after_json)["big"] == 10**20


def test_pii_view_is_recorded(rf: Any, users: Any) -> None:
    from ezhou_platform.common.audit.services import record_pii_view

    request = rf.get("/people/1/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="8.8.8.8")
    request.user = users["yibao_clerk"]
    citizen = users["citizen"]
    entry = record_pii_view(request, citizen, "display_name", reason="核对身份")
    assert entry.action == "pii.reveal" and entry.label == "查看完整姓名"
    assert entry.object_type == "common.user" and entry.object_id == str(citizen.pk)
    assert entry.after == {"field": "display_name", "reason": "核对身份"}
    assert entry.remote_addr == "192.0.2.9"  # never the X-Forwarded-For header


def test_pii_view_decorator_records_before_the_view_runs(rf: Any, users: Any) -> None:
    from django.http import HttpResponse

    from ezhou_platform.common.audit.services import audits_pii_view

    seen: list[int] = []

    @audits_pii_view("display_name", lambda request, pk: users["citizen"])
    def view(request: Any, pk: int) -> HttpResponse:
        seen.append(AuditRecord.objects.filter(action="pii.reveal").count())
        return HttpResponse("ok")

    request = rf.get("/people/1/")
    request.user = users["auditor"]
    assert view(request, pk=1).status_code == 200
    assert seen == [1]
