"""verify() and `manage.py audit verify`: every altered, inserted and deleted record is named."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from ezhou_platform.common.audit import chain
from ezhou_platform.common.audit.models import AuditRecord, ChainHead
from ezhou_platform.common.audit.verify import DELETED, HEAD, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(write: Any) -> list[AuditRecord]:
    return [write(f"test.thing.step{i}", after={"i": i}) for i in range(1, 11)]


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_clean_chain_verifies(ten: Any) -> None:
    report = verify()
    assert report.ok and report.checked == 10
    assert (report.first_seq, report.last_seq, report.head_seq) == (1, 10, 10)
    code, out = _run("--no-record")
    assert code == 0
    assert "结果：通过" in out and "共检查 10 条记录" in out


def test_empty_trail_verifies() -> None:
    assert verify().ok
    assert _run("--no-record")[0] == 0


def test_altered_record_is_named(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET result = 'failed', label = '改写' WHERE seq = %s", [4])
    report = verify()
    assert not report.ok
    assert report.altered_seqs() == [4]
    assert report.inserted_seqs() == [] and report.deleted_seqs() == []
    code, out = _run()
    assert code == 1
    assert "[篡改] 记录 #4" in out and "被篡改的记录：#4" in out


def test_altered_before_after_and_timestamp_are_named(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET after_json = %s WHERE seq = %s", ['{"i":99}', 2])
    stored = AuditRecord.objects.get(seq=7).created_at
    tamper(
        "UPDATE audit_record SET created_at = %s WHERE seq = %s",
        [stored.replace(microsecond=(stored.microsecond + 1) % 10**6), 7],
    )
    assert verify().altered_seqs() == [2, 7]


def test_altered_hash_is_named_once(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET hash = %s WHERE seq = %s", ["f" * 64, 5])
    report = verify()
    assert report.altered_seqs() == [5]
    assert report.deleted_seqs() == [] and report.inserted_seqs() == []


def test_several_altered_records_are_all_named(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET actor_username = 'eve' WHERE seq IN (1, 6, 10)")
    assert verify().altered_seqs() == [1, 6, 10]


def test_deleted_record_is_named_by_its_gap(ten: Any, tamper: Any) -> None:
    tamper("DELETE FROM audit_record WHERE seq = %s", [6])
    report = verify()
    assert report.deleted_seqs() == [6]
    assert report.altered_seqs() == [] and report.inserted_seqs() == []
    code, out = _run("--no-record")
    assert code == 1 and "[删除] 序号 #6 缺失" in out and "被删除的记录：#6" in out


def test_deleted_range_is_named(ten: Any, tamper: Any) -> None:
    tamper("DELETE FROM audit_record WHERE seq BETWEEN 3 AND 5")
    assert verify().deleted_seqs() == [3, 4, 5]


def test_deleted_first_and_last_records_are_named(ten: Any, tamper: Any) -> None:
    tamper("DELETE FROM audit_record WHERE seq IN (1, 9, 10)")
    assert verify().deleted_seqs() == [1, 9, 10]


def test_deletion_hidden_by_renumbering_is_still_found(ten: Any, tamper: Any) -> None:
    tamper("DELETE FROM audit_record WHERE seq = 8")
    tamper("UPDATE audit_record SET seq = seq - 1 WHERE seq IN (9)")
    tamper("UPDATE audit_record SET seq = seq - 1 WHERE seq IN (10)")
    report = verify()
    assert not report.ok
    assert report.altered_seqs() == [8, 9]  # renumbered records no longer match their MAC
    assert report.of_kind(DELETED) or report.of_kind(HEAD)


def test_forged_record_at_the_end_is_named(ten: Any, tamper: Any) -> None:
    last = AuditRecord.objects.get(seq=10)
    tamper(
        "INSERT INTO audit_record (seq, created_at, actor_username, actor_name, actor_role, actor_department_code,"
        " actor_department, remote_addr, user_agent, path, request_id, action, label, object_type, object_id,"
        " object_repr, before_json, after_json, result, citation, prev_hash, hash)"
        " VALUES (%s, %s, 'admin', '', 'admin', '', '', '127.0.0.1', '', '', '', 'auth.login', '登录成功', '', '',"
        " '', '', '', 'success', '', %s, %s)",
        [11, last.created_at, last.hash, "a" * 64],
    )
    report = verify()
    assert report.inserted_seqs() == [11]
    assert report.altered_seqs() == [] and report.deleted_seqs() == []
    code, out = _run("--no-record")
    assert code == 1 and "[插入/伪造] 记录 #11" in out


def test_forged_record_with_a_recomputed_plain_hash_is_named(ten: Any, tamper: Any) -> None:
    # The attacker knows the format but not the key: a SHA-256 (or HMAC with a guessed key) does not verify.
    import hashlib

    last = AuditRecord.objects.get(seq=10)
    fields = chain.fields_of(last)
    fields.update(seq=11, prev_hash=last.hash, action="auth.logout")
    forged = hashlib.sha256(chain.canonical_bytes(fields)).hexdigest()
    tamper(
        "INSERT INTO audit_record (seq, created_at, actor_username, actor_name, actor_role, actor_department_code,"
        " actor_department, remote_addr, user_agent, path, request_id, action, label, object_type, object_id,"
        " object_repr, before_json, after_json, result, citation, prev_hash, hash)"
        " VALUES (%s, %s, '', '', '', '', '', '', '', '', '', 'auth.logout', '', '', '', '', '', '', 'success', '', %s, %s)",
        [11, last.created_at, last.hash, forged],
    )
    # The forger also moves the head along (without the key its MAC cannot be right).
    tamper("UPDATE audit_chain_head SET seq = 11, hash = %s", [forged])
    report = verify()
    assert not report.ok
    assert 11 in report.inserted_seqs() + report.altered_seqs()
    assert report.of_kind(HEAD)


def test_record_forged_with_the_key_but_the_head_left_behind_is_named(ten: Any, tamper: Any) -> None:
    # Even a valid MAC (say, a leaked key) beyond the head is caught by the head's own MAC check.
    last = AuditRecord.objects.get(seq=10)
    fields = chain.fields_of(last)
    fields.update(seq=11, prev_hash=last.hash)
    good = chain.record_hash(fields)
    tamper(
        "INSERT INTO audit_record (seq, created_at, actor_username, actor_name, actor_role, actor_department_code,"
        " actor_department, remote_addr, user_agent, path, request_id, action, label, object_type, object_id,"
        " object_repr, before_json, after_json, result, citation, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            11,
            last.created_at,
            *(fields[f] for f in chain.HASHED_FIELDS[2:] if f != "actor_id"),
            good,
        ],
    )
    report = verify()
    assert [p.kind for p in report.problems] == [HEAD]


def test_truncated_tail_with_rolled_back_head_is_found(ten: Any, tamper: Any) -> None:
    nine = AuditRecord.objects.get(seq=9)
    tamper("DELETE FROM audit_record WHERE seq = 10")
    tamper("UPDATE audit_chain_head SET seq = 9, hash = %s", [nine.hash])
    report = verify()
    assert report.of_kind(HEAD), report.problems


def test_missing_head_is_reported_and_blocks_writes(ten: Any, tamper: Any) -> None:
    from ezhou_platform.common.audit.services import AuditError, record

    tamper("DELETE FROM audit_chain_head")
    assert verify().of_kind(HEAD)
    with pytest.raises(AuditError), transaction.atomic():
        record("test.thing.change", actor=None)


def test_anchor_detects_replaced_history(ten: Any, tamper: Any) -> None:
    five = AuditRecord.objects.get(seq=5)
    assert verify(anchor=(5, five.hash)).ok
    assert not verify(anchor=(5, "0" * 64)).ok
    assert _run("--no-record", "--anchor", f"5:{five.hash}")[0] == 0
    assert _run("--no-record", "--anchor", f"5:{'0' * 64}")[0] == 1


def test_everything_at_once_is_named(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET label = 'x' WHERE seq = 2")
    tamper("DELETE FROM audit_record WHERE seq = 5")
    last = AuditRecord.objects.get(seq=10)
    tamper(
        "INSERT INTO audit_record (seq, created_at, actor_username, actor_name, actor_role, actor_department_code,"
        " actor_department, remote_addr, user_agent, path, request_id, action, label, object_type, object_id,"
        " object_repr, before_json, after_json, result, citation, prev_hash, hash)"
        " VALUES (42, %s, '', '', '', '', '', '', '', '', '', 'auth.login', '', '', '', '', '', '', 'success', '', %s, %s)",
        [last.created_at, "b" * 64, "c" * 64],
    )
    report = verify()
    assert report.altered_seqs() == [2]
    assert report.deleted_seqs() == [5]
    assert report.inserted_seqs() == [42]


def test_json_output_and_the_run_is_itself_recorded(ten: Any) -> None:
    code, out = _run("--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["checked"] == 10 and data["problems"] == []
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry.action == "audit.chain.verify" and entry.result == "success"
    assert verify().ok  # the verification record itself chains


def test_failed_run_is_recorded_as_failed(ten: Any, tamper: Any) -> None:
    tamper("UPDATE audit_record SET label = 'x' WHERE seq = 3")
    assert _run()[0] == 1
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry.action == "audit.chain.verify" and entry.result == "failed"
    assert entry.after["altered"] == [3]


def test_bad_anchor_is_a_usage_error() -> None:
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", "nonsense", stdout=StringIO())


def test_head_mac_binds_seq_and_hash() -> None:
    assert chain.head_mac(3, "a" * 64) != chain.head_mac(4, "a" * 64)
    assert ChainHead._meta.db_table == "audit_chain_head"
