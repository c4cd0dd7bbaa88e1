"""A wiped trail and a truncated tail are found without an operator remembering an anchor (issue 14, failure 4;
SECURITY.md C12): the head is written outside the database after each commit (common.audit.anchor) and
`audit verify` compares. Also: PostgreSQL refuses TRUNCATE of the audit tables, and the grants of
`audit grants` leave the application's role unable to TRUNCATE, ALTER or DROP them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ezhou_platform.common.audit import anchor
from ezhou_platform.common.audit.models import AuditRecord, ChainHead
from ezhou_platform.common.audit.services import AuditError, record
from ezhou_platform.common.audit.verify import ANCHOR, DELETED, WIPED, verify

pytestmark = pytest.mark.django_db


def _lines() -> list[str]:
    path = Path(settings.AUDIT_ANCHOR_FILE)
    return path.read_text(encoding="ascii").splitlines() if path.exists() else []


@pytest.fixture
def committed(write: Any, django_capture_on_commit_callbacks: Any) -> Callable[[int], list[AuditRecord]]:
    """`committed(n)`: n records, each in its own transaction whose commit hooks run (the test's outer
    transaction never commits, so pytest-django would otherwise drop them): n anchor lines."""

    def _write(n: int) -> list[AuditRecord]:
        out = []
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                out.append(write(f"test.thing.step{i}", after={"i": i}))
        return out

    return _write


def _verify_command() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", "--no-record", stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_each_commit_writes_its_head_to_the_file_and_the_log(committed: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="ezhou.audit"):
        records = committed(3)
    lines = _lines()
    assert len(lines) == 3
    assert lines[-1].startswith(f"anchor seq=3 hash={records[-1].hash} at=")
    assert [r.getMessage() for r in caplog.records if r.name == "ezhou.audit"] == [
        f"audit {x}" for x in lines
    ]
    found = anchor.read()
    assert (found.highest.seq, found.highest.hash, found.bad_lines) == (3, records[-1].hash, ())  # type: ignore[union-attr]
    report = verify()
    assert report.ok and report.anchor_seq == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_append_leaves_no_anchor() -> None:
    # A real commit (transactional test): the first record's anchor is written at commit...
    with transaction.atomic():
        record("test.thing.keep", actor=None)
    assert len(_lines()) == 1
    # ...a business transaction that fails after its audit record rolls both back, and no anchor is left.
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.thing.lost", actor=None)
        raise RuntimeError("the business change failed")
    assert len(_lines()) == 1 and AuditRecord.objects.count() == 1
    # a savepoint rolled back inside a committed transaction: its anchor goes too, the outer one stays
    with transaction.atomic():
        record("test.thing.outer", actor=None)
        try:
            with transaction.atomic():
                record("test.thing.inner", actor=None)
                raise RuntimeError("inner step failed")
        except RuntimeError:
            pass
    assert [line.split()[1] for line in _lines()] == ["seq=1", "seq=2"]
    assert verify().ok


def test_a_wiped_trail_is_named(committed: Any, tamper: Any) -> None:
    committed(5)
    # The attacker's SQLite equivalent of TRUNCATE: every record and the head deleted (triggers lifted).
    tamper("DELETE FROM audit_record")
    tamper("DELETE FROM audit_chain_head")
    # Before the anchor file, this passed (the failure reproduced):
    assert verify(anchors=False).ok
    report = verify()
    assert not report.ok
    [wipe] = report.of_kind(WIPED)
    assert (wipe.seq, wipe.seq_end) == (1, 5)
    assert "审计日志被清空" in wipe.message and "#1–#5" in wipe.message
    assert report.deleted_seqs() == [1, 2, 3, 4, 5]
    code, out = _verify_command()
    assert code == 1 and "[审计日志被清空]" in out and "序号 #1–#5 缺失" in out
    # and the trail does not quietly start again at #1 over the evidence: appends are refused
    with pytest.raises(AuditError, match="疑被清空"), transaction.atomic():
        record("test.thing.after_wipe", actor=None)
    assert not ChainHead.objects.exists()


def test_a_truncated_tail_names_the_missing_seqs(committed: Any, tamper: Any) -> None:
    committed(7)
    saved = ChainHead.objects.values_list("seq", "hash", "mac").get(pk=1)  # the attacker keeps an old head
    committed(3)
    # Delete the last 3 records and put the old head back: its MAC is genuine, so the chain and head agree.
    tamper("DELETE FROM audit_record WHERE seq > 7")
    tamper("UPDATE audit_chain_head SET seq = %s, hash = %s, mac = %s WHERE id = 1", list(saved))
    assert verify(anchors=False).ok  # the failure: nothing inside the database says #8–#10 existed
    report = verify()
    assert report.deleted_seqs() == [8, 9, 10]
    [gap] = report.of_kind(DELETED)
    assert gap.message.startswith("序号 #8–#10 缺失：末尾记录被删除") and "记录链头为 #10" in gap.message
    code, out = _verify_command()
    assert code == 1 and "被删除的记录：#8, #9, #10" in out


def test_tail_and_head_deleted_together_are_named(committed: Any, tamper: Any) -> None:
    committed(6)
    tamper("DELETE FROM audit_record WHERE seq > 3")
    tamper("DELETE FROM audit_chain_head")
    report = verify()
    assert report.deleted_seqs() == [4, 5, 6]


def test_a_rewritten_record_at_the_anchor_and_a_forged_line_are_named(committed: Any, tamper: Any) -> None:
    committed(4)
    tamper("UPDATE audit_record SET hash = %s WHERE seq = 4", ["f" * 64])
    with Path(settings.AUDIT_ANCHOR_FILE).open("a", encoding="ascii") as fh:
        fh.write(f"anchor seq=2 hash={'a' * 64} at=2026-06-15T02:00:00.000000Z mac={'b' * 64}\n")
    report = verify()
    anchors = [p.message for p in report.of_kind(ANCHOR)]
    assert any("记录 #4 的哈希与外部锚点" in m for m in anchors)
    assert any("锚点文件第 5 行无效" in m for m in anchors)


def test_a_restore_or_deliberate_reset_starts_the_comparison_again(committed: Any, tamper: Any) -> None:
    committed(4)
    tamper("DELETE FROM audit_record WHERE seq > 2")
    tamper("DELETE FROM audit_chain_head")
    assert verify().deleted_seqs() == [3, 4]
    out = StringIO()
    call_command("audit", "anchor", "--reset", stdout=out)  # head missing: nothing to record, line written
    assert "已写入重置行" in out.getvalue() and _lines()[-1].startswith("reset seq=0 ")
    # what the reset does not forgive: the head is still missing
    assert [p.kind for p in verify().problems] == ["head"]


def test_no_anchor_file_setting_writes_nothing(
    write: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUDIT_ANCHOR_FILE = ""
    with django_capture_on_commit_callbacks(execute=True):
        write()
    assert verify().ok and verify().anchor_path is None


def test_grants_script_leaves_the_app_role_read_and_append() -> None:
    out = StringIO()
    call_command("audit", "grants", "--app-role", "ezhou_app", "--owner-role", "ezhou_owner", stdout=out)
    sql = out.getvalue()
    assert "ALTER TABLE audit_record OWNER TO ezhou_owner;" in sql
    assert "REVOKE TRUNCATE, UPDATE, DELETE, REFERENCES, TRIGGER ON audit_record FROM ezhou_app;" in sql
    assert "GRANT SELECT, INSERT ON audit_record TO ezhou_app;" in sql
    assert "GRANT SELECT, INSERT, UPDATE ON audit_chain_head TO ezhou_app;" in sql
    with pytest.raises(CommandError, match="必须不同"):
        call_command("audit", "grants", "--app-role", "x", "--owner-role", "x", stdout=StringIO())
    with pytest.raises(CommandError, match="无效"):
        call_command("audit", "grants", "--app-role", "x; DROP TABLE y", stdout=StringIO())


@pytest.fixture
def postgresql() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE and roles are PostgreSQL's; SQLite's DELETE trigger is tested above")
    yield


def test_postgresql_refuses_truncate_of_the_audit_tables(postgresql: None, write: Any) -> None:
    write()
    for table in ("audit_record", "audit_chain_head", "audit_record, audit_chain_head"):
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
    assert AuditRecord.objects.count() == 1


def test_postgresql_app_role_under_the_grants_cannot_truncate_alter_or_drop(
    postgresql: None, write: Any
) -> None:
    from ezhou_platform.common.audit.management.commands.audit import grants_sql

    write()
    with connection.cursor() as cursor:
        # Roles are created in the test's transaction and vanish with its rollback.
        cursor.execute("CREATE ROLE ezhou_test_owner NOLOGIN")
        cursor.execute("CREATE ROLE ezhou_test_app NOLOGIN")
        cursor.execute(grants_sql("ezhou_test_app", "ezhou_test_owner"))
        cursor.execute("SET LOCAL ROLE ezhou_test_app")
        cursor.execute("SELECT count(*) FROM audit_record")
        assert cursor.fetchone() == (1,)
        refused = 0
        for statement in (
            "TRUNCATE audit_record, audit_chain_head",
            "DELETE FROM audit_chain_head",
            "UPDATE audit_record SET label = 'x'",
            "DELETE FROM audit_record",
            "ALTER TABLE audit_record DISABLE TRIGGER USER",
            "DROP TABLE audit_record",
        ):
            cursor.execute("SAVEPOINT attempt")
            try:
                cursor.execute(statement)
            except DatabaseError:
                refused += 1
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")
        cursor.execute("RESET ROLE")
    assert refused == 6
    assert AuditRecord.objects.count() == 1


def test_c12_figure_wipes_and_truncations_are_detected(
    committed: Any, tamper: Any, settings: Any, tmp_path: Path
) -> None:
    """C12's figure: four ways of cutting the trail with owner access, each on a fresh chain and anchor file."""

    def wipe() -> None:
        tamper("DELETE FROM audit_record")
        tamper("DELETE FROM audit_chain_head")

    def tail_with_old_head() -> None:
        tamper("DELETE FROM audit_record WHERE seq > 3")
        tamper("UPDATE audit_chain_head SET seq = %s, hash = %s, mac = %s WHERE id = 1", list(saved))

    def tail_and_head() -> None:
        tamper("DELETE FROM audit_record WHERE seq > 3")
        tamper("DELETE FROM audit_chain_head")

    def last_one_with_old_head() -> None:
        tamper("DELETE FROM audit_record WHERE seq > 5")
        tamper("UPDATE audit_chain_head SET seq = %s, hash = %s, mac = %s WHERE id = 1", list(saved5))

    expected = {wipe: [1, 2, 3, 4, 5, 6], tail_with_old_head: [4, 5, 6], tail_and_head: [4, 5, 6]}
    expected[last_one_with_old_head] = [6]
    detected = 0
    for n, attack in enumerate(expected):
        wipe()
        settings.AUDIT_ANCHOR_FILE = str(tmp_path / f"anchor-{n}.log")
        committed(3)
        saved = ChainHead.objects.values_list("seq", "hash", "mac").get(pk=1)
        committed(2)
        saved5 = ChainHead.objects.values_list("seq", "hash", "mac").get(pk=1)
        committed(1)
        attack()
        detected += verify().deleted_seqs() == expected[attack]
    assert detected == len(expected)
    print(f"\nC12 wipes and truncated tails named with the missing seqs: {detected}/{len(expected)}")
