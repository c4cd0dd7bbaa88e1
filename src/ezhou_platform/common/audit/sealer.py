"""Chaining pending audit records (ADR 0005): nobody waits on the chain head.

record() appends in the caller's transaction. If it can take the chain head at once (PostgreSQL:
`SELECT … FOR UPDATE SKIP LOCKED`; SQLite: always, since BEGIN IMMEDIATE already gave the transaction the
database's only write lock), it chains the record right there, as before. If another transaction holds the head,
it appends the record *pending* — seq, prev_hash and hash NULL, a content MAC over id and content — and does
not wait. After commit, `seal_after_commit` chains what is pending, with the same try-lock: if someone holds
the head, that holder's own post-commit sealer will see our row (it re-checks after releasing the head, see
below). `ezhou audit seal` (and any later append that gets the head) seals what a crash left behind.

Order: the sealer reads committed pending rows by id. PostgreSQL allocates ids before commit, so a batch can
hold rows whose commit order differs from their id order; a row that commits after a batch was read goes into
a later batch. The chain is therefore in commit order between batches and in id order within one (ADR 0005
says why that is enough: seq orders the evidence, created_at dates it; no business order is read from it).

The sealer chains only rows whose content MAC verifies, so a pending row edited before sealing is never
laundered into the chain: it stays pending and `audit verify` names it.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connections, transaction

from . import anchor, chain
from .models import GENESIS_HASH, AuditRecord, ChainHead

logger = logging.getLogger(__name__)

SEAL_BATCH = 500
# Post-commit sealer: how many times it looks again for rows committed while it held the head.
AFTER_COMMIT_ROUNDS = 5


class HeadError(RuntimeError):
    """The chain head is missing or the trail was wiped: nothing may be chained (see services.AuditError)."""


def inline_enabled() -> bool:
    """False forces every append to go pending (tests of the pending path; an operator may also choose it)."""
    return bool(getattr(settings, "AUDIT_SEAL_INLINE", True))


def allocate_id(using: str) -> int:
    """The new record's id, known before the INSERT so the content MAC can bind it."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_record', 'id'))")
        elif connection.vendor == "sqlite":
            # Inside the write transaction (BEGIN IMMEDIATE) nobody else can insert in between. AUTOINCREMENT's
            # counter is read too, so the id of a deleted last record is never handed out again.
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit_record'), 0),"
                " COALESCE((SELECT MAX(id) FROM audit_record), 0)) + 1"
            )
        else:
            raise NotImplementedError(f"audit ids are not allocated for {connection.vendor!r}")
        return int(cursor.fetchone()[0])


def take_head(using: str, *, wait: bool) -> ChainHead | None:
    """The chain head locked for the rest of the current transaction, or None when another transaction holds
    it and `wait` is False. Creates it for the very first record (that one waits: it happens once)."""
    qs = ChainHead.objects.using(using).filter(pk=1)
    head = qs.select_for_update(skip_locked=not wait).first()
    if head is None:
        if qs.exists():
            return None  # locked by someone else (SKIP LOCKED skipped it)
        # First record ever: a concurrent first writer's INSERT waits on the primary key until the other
        # transaction ends, then does nothing, and the SELECT … FOR UPDATE finds its row.
        ChainHead.objects.using(using).bulk_create(
            [ChainHead(pk=1, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = qs.select_for_update().get()
    if head.seq == 0 and AuditRecord.objects.using(using).filter(seq__isnull=False).exists():
        raise HeadError("审计链头缺失，但审计表中已有记录：请先运行 `ezhou audit verify` 排查。")
    if head.seq == 0 and anchor.has_anchors():
        raise HeadError(
            "审计表为空，但外部锚点文件记录审计链已有记录：审计日志疑被清空，请先运行 `ezhou audit verify` 排查"
            "（确属新建的数据库时，运行 `ezhou audit anchor --reset`）。"
        )
    return head


def seal_locked(head: ChainHead, using: str, key: bytes, *, limit: int = SEAL_BATCH) -> int:
    """Chain up to `limit` visible pending rows after `head` (which the caller holds); returns how many.

    The head row is saved when anything was chained; the caller schedules the anchor of the new head.
    """
    pending = list(AuditRecord.objects.using(using).filter(seq__isnull=True).order_by("id")[:limit])
    sealed: list[AuditRecord] = []
    for row in pending:
        fields = chain.fields_of(row)
        if not chain.matches(chain.content_mac(row.pk, fields, key), row.content_mac):
            # Edited or forged while pending: chaining it would make it look authentic. Left for verify.
            logger.error(
                "audit record id=%s is pending with a content MAC that does not verify: not sealed", row.pk
            )
            continue
        row.seq, row.prev_hash = head.seq + 1, head.hash
        row.hash = chain.record_hash({**fields, "seq": row.seq, "prev_hash": row.prev_hash}, key)
        head.seq, head.hash = row.seq, row.hash
        sealed.append(row)
    if sealed:
        AuditRecord.objects.using(using).bulk_update(
            sealed, ["seq", "prev_hash", "hash"], batch_size=SEAL_BATCH
        )
        head.mac = chain.head_mac(head.seq, head.hash, key)
        head.save(using=using, update_fields=["seq", "hash", "mac"])
    return len(sealed)


def pending_exists(using: str) -> bool:
    return AuditRecord.objects.using(using).filter(seq__isnull=True).exists()


def seal(using: str, *, wait: bool = True, limit: int = SEAL_BATCH) -> int | None:
    """One sealing transaction: chain up to `limit` committed pending rows. None when the head is busy and
    `wait` is False (its holder will seal them)."""
    key = chain.hmac_key()
    with transaction.atomic(using=using):
        head = take_head(using, wait=wait)
        if head is None:
            return None
        count = seal_locked(head, using, key, limit=limit)
        if count:
            anchor.schedule(head.seq, head.hash, using=using)
    return count


def seal_all(using: str) -> int:
    """`ezhou audit seal`: wait for the head and chain everything pending (rows an edit left unsealable stay)."""
    total = 0
    while True:
        count = seal(using, wait=True) or 0
        total += count
        if count < SEAL_BATCH:
            return total


def seal_after_commit(using: str) -> None:
    """Run after a transaction that appended commits. Never raises: the business change has committed, and a
    row left pending is sealed by the next append or `ezhou audit seal`, and reported by verify meanwhile.

    Why nothing is left behind under load: a sealer that finds the head busy gives up only because another
    transaction holds it; that one looks again for pending rows *after* releasing the head, so it sees every
    row committed before the give-up (rounds are bounded; under constant load the next append continues)."""
    try:
        for _ in range(AFTER_COMMIT_ROUNDS):
            if not pending_exists(using):
                return
            if not seal(using, wait=False):
                return  # head busy (its holder looks again), or only unsealable rows are left
    except Exception:
        logger.exception("audit sealer after commit failed; pending records wait for the next sealer")


def schedule_after_commit(using: str) -> None:
    """Register the post-commit sealer once per outermost transaction."""
    connection = connections[using]
    marker = "_ezhou_audit_sealer_scheduled"
    for entry in connection.run_on_commit:
        if getattr(entry[1], marker, False):
            return
    callback: Any = partial(seal_after_commit, using)
    setattr(callback, marker, True)
    transaction.on_commit(callback, using=using)
