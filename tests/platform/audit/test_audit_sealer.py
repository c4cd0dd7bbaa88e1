"""Pending records and the sealer (ADR 0005): nobody waits on the chain head, and the trail proves as much.

A record is appended pending when the head is busy (forced here with AUDIT_SEAL_INLINE=False); the sealer
chains it after commit. These tests play the attacker and the crash in the window between append and seal.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit import chain, sealer
from ezhou_platform.common.audit.models import AuditRecord, ChainHead
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.audit.verify import ALTERED, DELETED, UNSEALED, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(settings: Any) -> None:
    settings.AUDIT_SEAL_INLINE = False


def _is_sealer(func: Any) -> bool:
    return bool(getattr(func, "_ezhou_audit_sealer_scheduled", False))


@pytest.fixture
def append_committed(write: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., AuditRecord]:
    """A record appended and committed with its anchor line written, but the process dies before the sealer
    runs (the test's outer transaction never commits, so commit hooks are run by hand: all but the sealer)."""

    def _append(action: str = "test.thing.change", **kwargs: Any) -> AuditRecord:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            entry = write(action, **kwargs)
        for func in callbacks:
            if not _is_sealer(func):
                func()
        return entry

    return _append


def test_a_pending_record_carries_a_content_mac_and_no_chain_columns(pending: None, write: Any) -> None:
    entry = write(after={"i": 1})
    assert (entry.seq, entry.prev_hash, entry.hash) == (None, None, None)
    assert entry.content_mac == chain.content_mac(entry.pk, chain.fields_of(entry))
    report = verify()
    assert report.ok and report.pending == 1 and report.checked == 0


def test_the_sealer_chains_pending_records_in_id_order_after_the_chain(write: Any, settings: Any) -> None:
    first = write("test.thing.first")  # chained at once: the head is free
    settings.AUDIT_SEAL_INLINE = False
    later = [write(f"test.thing.step{i}") for i in range(3)]
    assert first.seq == 1 and all(e.seq is None for e in later)
    assert sealer.seal(connection.alias, wait=False) == 3
    rows = list(AuditRecord.objects.order_by("seq").values_list("id", "seq"))
    assert rows == [(first.pk, 1), *[(e.pk, n) for n, e in enumerate(later, start=2)]]
    report = verify()
    assert report.ok and report.checked == 4 and report.head_seq == 4 and report.pending == 0


def test_an_append_that_gets_the_head_seals_earlier_pending_records_first(write: Any, settings: Any) -> None:
    settings.AUDIT_SEAL_INLINE = False
    waiting = write("test.thing.waiting")
    settings.AUDIT_SEAL_INLINE = True
    now = write("test.thing.now")
    assert AuditRecord.objects.get(pk=waiting.pk).seq == 1 and now.seq == 2
    assert verify().ok


def test_a_pending_record_edited_before_sealing_is_found_and_never_sealed(
    pending: None, write: Any, tamper: Any
) -> None:
    edited = write("test.thing.one", after={"amount_fen": 100})
    intact = write("test.thing.two")
    tamper("UPDATE audit_record SET after_json = %s WHERE id = %s", ['{"amount_fen":1}', edited.pk])
    report = verify()
    assert [p.record_id for p in report.of_kind(ALTERED)] == [edited.pk]
    # The sealer chains the intact record and leaves the edited one out: it must not look authentic.
    assert sealer.seal(connection.alias) == 1
    assert AuditRecord.objects.get(pk=intact.pk).seq == 1
    assert AuditRecord.objects.get(pk=edited.pk).seq is None
    assert [p.record_id for p in verify().of_kind(ALTERED)] == [edited.pk]


def test_a_forged_or_replayed_pending_record_is_found(pending: None, write: Any, tamper: Any) -> None:
    genuine = write("medical_assistance.claim.settle", after={"amount_fen": 5000})
    columns = ", ".join(f for f in chain.HASHED_FIELDS if f not in ("seq", "prev_hash"))
    # A copy of a genuine pending record under a new id (content and MAC copied): the MAC binds the id.
    tamper(
        f"INSERT INTO audit_record (id, {columns}, content_mac) "  # noqa: S608 - column names from the code
        f"SELECT id + 1000, {columns}, content_mac FROM audit_record WHERE id = %s",
        [genuine.pk],
    )
    report = verify()
    assert [p.record_id for p in report.of_kind(ALTERED)] == [genuine.pk + 1000]
    assert sealer.seal(connection.alias) == 1  # only the genuine one


def test_a_pending_record_deleted_before_sealing_is_named_by_the_anchor_file(
    pending: None, append_committed: Any, tamper: Any
) -> None:
    kept = append_committed("test.thing.kept")
    gone = append_committed("test.thing.gone")
    assert verify().ok
    tamper("DELETE FROM audit_record WHERE id = %s", [gone.pk])
    report = verify()
    assert [p.record_id for p in report.of_kind(DELETED)] == [gone.pk]
    assert report.deleted_seqs() == []  # it never had a seq
    # Sealing what is left does not hide it: the chain is gap-free, the anchor file still names the record.
    assert sealer.seal(connection.alias) == 1
    assert AuditRecord.objects.get(pk=kept.pk).seq == 1
    assert [p.record_id for p in verify().of_kind(DELETED)] == [gone.pk]


def test_a_pending_record_swapped_for_another_genuine_one_is_found(
    pending: None, append_committed: Any, tamper: Any
) -> None:
    entry = append_committed("test.thing.one")
    tamper("UPDATE audit_record SET content_mac = %s WHERE id = %s", ["0" * 64, entry.pk])
    kinds = {p.kind for p in verify().problems if p.record_id == entry.pk}
    assert kinds == {ALTERED}


def test_crash_between_append_and_seal_is_detected_then_recovered_by_seal(
    pending: None, append_committed: Any
) -> None:
    entries = [append_committed(f"test.thing.step{i}") for i in range(3)]  # the sealer never ran
    assert verify().ok  # within the grace period a pending record is normal
    with time_machine.travel(clock.now() + dt.timedelta(minutes=2), tick=False):
        report = verify()
        assert [p.record_id for p in report.of_kind(UNSEALED)] == [e.pk for e in entries]
        assert "追加与封存之间进程中断" in report.of_kind(UNSEALED)[0].message
        out = StringIO()
        call_command("audit", "seal", stdout=out)
        assert "已封存 3 条" in out.getvalue()
        report = verify()
    assert report.ok and report.checked == 3 and report.pending == 0 and report.head_seq == 3


def test_the_trigger_lets_the_sealer_fill_only_null_chain_columns(pending: None, write: Any) -> None:
    entry = write()

    def refused(sql: str, params: list[Any]) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
        except DatabaseError as exc:
            assert "append-only" in str(exc)
            return True
        return False

    # Sealing and changing anything else at the same time: refused.
    assert refused(
        "UPDATE audit_record SET seq = 1, prev_hash = %s, hash = %s, label = 'x' WHERE id = %s",
        ["0" * 64, "a" * 64, entry.pk],
    )
    # Filling only one column, or the content MAC: refused.
    assert refused("UPDATE audit_record SET seq = 1 WHERE id = %s", [entry.pk])
    assert refused("UPDATE audit_record SET content_mac = '' WHERE id = %s", [entry.pk])
    assert sealer.seal(connection.alias) == 1
    # Once sealed, even the chain columns are frozen.
    assert refused("UPDATE audit_record SET seq = 7 WHERE id = %s", [entry.pk])
    assert refused(
        "UPDATE audit_record SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s", [entry.pk]
    )
    assert verify().ok


def test_post_commit_sealer_runs_once_per_transaction(
    pending: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(4):
            record(f"test.thing.step{i}", actor=None)
    assert sum(1 for f in callbacks if _is_sealer(f)) == 1
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert ChainHead.objects.get(pk=1).seq == 4 and verify().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inline", [True, False], ids=["head-when-free", "always-pending"])
def test_concurrent_writers_postgresql_are_sealed_gap_free(inline: bool, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads with separate connections need PostgreSQL (SQLite serialises writers itself)")
    settings.AUDIT_SEAL_INLINE = inline
    threads_n, per_thread = 8, 12
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record("test.concurrency.write", actor=None, object_id=f"{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = threads_n * per_thread
    # Nothing is left pending once every writer's post-commit sealer has run, and the seqs have no gap.
    assert AuditRecord.objects.filter(seq__isnull=True).count() == 0
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    # Each writer's own records are chained in the order it committed them.
    for n in range(threads_n):
        ids = list(
            AuditRecord.objects.filter(object_id__startswith=f"{n}-")
            .order_by("seq")
            .values_list("object_id", flat=True)
        )
        assert ids == [f"{n}-{i}" for i in range(per_thread)]
    report = verify()
    assert report.ok and report.checked == total and report.head_seq == total
