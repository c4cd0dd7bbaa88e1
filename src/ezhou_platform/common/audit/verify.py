"""Walking the chain: which records were altered, inserted or deleted.

For each record in seq order we recompute its HMAC and check its link to the one before:

- altered (篡改): the stored hash does not match the content, but the record sits in the chain (its seq is
  inside the chain and it links to its neighbour before or after). Its stored hash is kept as the link for
  the next record, so one altered record is named once and does not cascade.
- inserted (插入/伪造): a record whose hash does not match and that is not part of the chain: a seq beyond the
  authentic head, a seq at or below one already seen, or a record linked to neither neighbour after a gap.
  It is skipped, so the records after it are still checked against the real chain.
- deleted (删除): a gap in seq (the missing numbers are named), a record that does not link to its
  predecessor although nothing around it was altered, or records missing at the tail (the head, whose MAC
  only the key holder can compute, says the chain is longer than what is left).
- head (链头): the chain head is missing, its MAC is wrong, or it is behind the last authentic record.
- wiped (清空) and a truncated tail, from the anchor file outside the database (anchor.py): the highest
  anchored seq is beyond the table's last record, or the table is empty while anchors exist; the record at
  the anchored seq must still carry the anchored hash (else the chain was rewritten).
- money (金额): a settlement's or notice's amounts no longer match their MAC (money.py, C21).
- pending records (ADR 0005: appended, not yet chained by the sealer): each one's content MAC (over its id and
  content) must verify, else it was altered or forged; one older than settings.AUDIT_SEAL_GRACE_SECONDS is
  reported as unsealed (未封存: a crash between append and seal; `ezhou audit seal` recovers it); and every
  `append` line of the anchor file must still find its record with the same content MAC (a pending record
  deleted before sealing). verify itself seals nothing.

The walk streams records in batches, so it runs in constant memory over millions of records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from ezhou_platform.common import clock

from . import anchor as anchor_file
from . import chain, money
from .models import GENESIS_HASH, AuditRecord, ChainHead

ALTERED = "altered"
INSERTED = "inserted"
DELETED = "deleted"
HEAD = "head"
ANCHOR = "anchor"
WIPED = "wiped"
MONEY = money.MONEY
UNSEALED = "unsealed"

KIND_LABELS = {
    ALTERED: "篡改",
    INSERTED: "插入/伪造",
    DELETED: "删除",
    HEAD: "链头异常",
    ANCHOR: "锚点不符",
    WIPED: "审计日志被清空",
    MONEY: "金额校验码不符",
    UNSEALED: "未封存",
}


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    seq: int | None = None
    seq_end: int | None = None  # for a range of deleted records
    record_id: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class VerifyReport:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    anchor_seq: int | None = None  # the highest anchor of the file outside the database
    anchor_at: str | None = None
    anchor_path: str | None = None
    money_checked: int = 0
    pending: int = 0  # records appended but not yet chained (ADR 0005)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def altered_seqs(self) -> list[int]:
        return [p.seq for p in self.of_kind(ALTERED) if p.seq is not None]

    def inserted_seqs(self) -> list[int]:
        return [p.seq for p in self.of_kind(INSERTED) if p.seq is not None]

    def deleted_seqs(self) -> list[int]:
        out: list[int] = []
        for p in [*self.of_kind(WIPED), *self.of_kind(DELETED)]:
            if p.seq is not None:
                out.extend(range(p.seq, (p.seq_end or p.seq) + 1))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "anchor_seq": self.anchor_seq,
            "anchor_at": self.anchor_at,
            "anchor_path": self.anchor_path,
            "money_checked": self.money_checked,
            "pending": self.pending,
            "problems": [{**asdict(p), "kind_label": p.kind_label} for p in self.problems],
        }


_ONLY = ("id", *chain.HASHED_FIELDS, "hash")


def _records(using: str, chunk_size: int) -> Iterator[AuditRecord]:
    return (
        AuditRecord.objects.using(using)
        .filter(seq__isnull=False)
        .only(*_ONLY)
        .order_by("seq", "id")
        .iterator(chunk_size=chunk_size)
    )


def _with_next(items: Iterator[AuditRecord]) -> Iterator[tuple[AuditRecord, AuditRecord | None]]:
    current = next(items, None)
    while current is not None:
        following = next(items, None)
        yield current, following
        current = following


def _range_text(start: int, end: int) -> str:
    return f"#{start}" if start == end else f"#{start}–#{end}"


def verify(
    *,
    using: str = DEFAULT_DB_ALIAS,
    anchor: tuple[int, str] | None = None,
    chunk_size: int = 2000,
    anchors: bool = True,
    money_rows: bool = True,
) -> VerifyReport:
    """Check the whole chain and return a report naming every altered, inserted and deleted record.

    anchor: (seq, hash) recorded outside the database earlier (e.g. from a previous day's report); the
    record at that seq must still carry that hash, which also catches a truncation to an old head.
    anchors: compare with the anchor file (settings.AUDIT_ANCHOR_FILE), the newest head written outside
    the database after each commit; this finds a wipe or a truncated tail with nobody remembering an anchor.
    money_rows: also check the MAC of every money row (settlements, surcharge notices; C21).
    """
    key = chain.hmac_key()
    report = VerifyReport()
    found = anchor_file.read() if anchors else anchor_file.AnchorFile(path=None)
    top = found.highest if found.highest is not None and found.highest.seq > 0 else None
    if found.path is not None:
        report.anchor_path = str(found.path)
    if top is not None:
        report.anchor_seq, report.anchor_at = top.seq, top.at
    top_seen = False
    head = ChainHead.objects.using(using).filter(pk=1).first()
    head_ok = head is not None and chain.matches(chain.head_mac(head.seq, head.hash, key), head.mac)

    expected_seq = 1
    expected_prev = GENESIS_HASH
    last_authentic_seq = 0
    prev_flagged = False  # the previous chain record was altered: a broken link after it is explained
    anchor_seen = False

    def add(kind: str, message: str, **kw: Any) -> None:
        report.problems.append(Problem(kind=kind, message=message, **kw))

    for rec, nxt in _with_next(_records(using, chunk_size)):
        if rec.seq is None or rec.hash is None or rec.prev_hash is None:
            continue  # pending: the query leaves them out; _check_pending looks at them
        report.checked += 1
        if report.first_seq is None:
            report.first_seq = rec.seq
        if top is not None and rec.seq == top.seq and not top_seen:
            top_seen = True
            if rec.hash != top.hash:
                add(
                    ANCHOR,
                    f"记录 #{rec.seq} 的哈希与外部锚点（{top.at}）不一致：该记录被替换或审计链被重写",
                    seq=rec.seq,
                    record_id=rec.pk,
                )
        authentic = chain.matches(chain.record_hash(chain.fields_of(rec), key), rec.hash)
        prev_ok = rec.prev_hash == expected_prev
        next_ok = nxt is not None and nxt.prev_hash == rec.hash
        if anchor is not None and rec.seq == anchor[0]:
            anchor_seen = True
            if rec.hash != anchor[1]:
                add(ANCHOR, f"记录 #{rec.seq} 的哈希与外部保存的锚点不一致", seq=rec.seq, record_id=rec.pk)

        if rec.seq < expected_seq:
            # Repeats or goes back: not a place in the chain. (Only possible with the unique index dropped.)
            if authentic:
                add(INSERTED, f"记录 #{rec.seq}（id={rec.pk}）序号重复或倒退", seq=rec.seq, record_id=rec.pk)
            else:
                add(
                    INSERTED,
                    f"记录 #{rec.seq}（id={rec.pk}）哈希无效且序号重复，系伪造插入",
                    seq=rec.seq,
                    record_id=rec.pk,
                )
            continue

        gap = rec.seq > expected_seq
        if authentic:
            if gap:
                add(
                    DELETED,
                    f"序号 {_range_text(expected_seq, rec.seq - 1)} 缺失：记录被删除",
                    seq=expected_seq,
                    seq_end=rec.seq - 1,
                )
            elif not prev_ok and not prev_flagged:
                add(
                    DELETED,
                    f"记录 #{rec.seq} 与前一条记录不衔接：其间的记录被删除（序号被改动以掩盖）",
                    seq=rec.seq,
                    record_id=rec.pk,
                )
            expected_seq, expected_prev = rec.seq + 1, rec.hash
            last_authentic_seq = rec.seq
            prev_flagged = False
            continue

        # Not authentic: altered in place, or not part of the chain at all?
        beyond_head = head_ok and head is not None and rec.seq > head.seq
        in_chain = not beyond_head and (prev_ok or next_ok or not gap)
        if in_chain:
            if gap:
                add(
                    DELETED,
                    f"序号 {_range_text(expected_seq, rec.seq - 1)} 缺失：记录被删除",
                    seq=expected_seq,
                    seq_end=rec.seq - 1,
                )
            add(
                ALTERED,
                f"记录 #{rec.seq}（id={rec.pk}）内容与哈希不符：已被篡改",
                seq=rec.seq,
                record_id=rec.pk,
            )
            expected_seq, expected_prev = rec.seq + 1, rec.hash
            prev_flagged = True
        else:
            add(
                INSERTED,
                f"记录 #{rec.seq}（id={rec.pk}）哈希无效且不在链中：系伪造插入",
                seq=rec.seq,
                record_id=rec.pk,
            )

    # Records remaining after the last one authenticated decide what the tail should be.
    chain_end = expected_seq - 1
    report.last_seq = chain_end if report.checked else None
    if head is None:
        report.head_seq, report.head_hash = None, None
        if report.checked:
            add(HEAD, "审计链头缺失（表中已有记录），无法确认末尾记录是否被删除")
    else:
        report.head_seq, report.head_hash = head.seq, head.hash
        if not head_ok:
            add(HEAD, f"审计链头（seq={head.seq}）的校验码无效：链头被改动")
        elif head.seq > chain_end:
            add(
                DELETED,
                f"序号 {_range_text(chain_end + 1, head.seq)} 缺失：末尾记录被删除",
                seq=chain_end + 1,
                seq_end=head.seq,
            )
        elif head.seq < last_authentic_seq:
            add(HEAD, f"审计链头（seq={head.seq}）落后于最后一条有效记录 #{last_authentic_seq}：链头被回退")
        elif head.seq == chain_end and head.hash != expected_prev and not prev_flagged:
            add(HEAD, f"审计链头的哈希与最后一条记录 #{chain_end} 不一致")
    if anchor is not None and not anchor_seen:
        add(ANCHOR, f"外部锚点记录 #{anchor[0]} 不存在：已被删除", seq=anchor[0])
    _compare_anchor_file(report, found, top, chain_end, add)
    _check_pending(report, using, key, chunk_size, add)
    _check_appends(found, using, chunk_size, add)
    if money_rows:
        report.money_checked, money_problems = money.check(using=using, chunk_size=chunk_size)
        for row in money_problems:
            add(MONEY, row.message, record_id=row.pk)
    return report


def _compare_anchor_file(
    report: VerifyReport,
    found: anchor_file.AnchorFile,
    top: anchor_file.Anchor | None,
    chain_end: int,
    add: Any,
) -> None:
    """A wipe or a truncated tail: the file outside the database knows a longer chain than the table holds."""
    for line in found.bad_lines[:20]:
        add(ANCHOR, f"锚点文件第 {line} 行无效（格式或校验码不符）：锚点文件被改动或写入不完整")
    if top is None:
        return
    where = f"外部锚点（{found.path} 第 {top.line_no} 行，{top.at}）记录链头为 #{top.seq}"
    if not report.checked:
        add(
            WIPED,
            f"审计表中没有任何记录，但{where}：审计日志被清空，序号 {_range_text(1, top.seq)} 缺失",
            seq=1,
            seq_end=top.seq,
        )
        return
    # Ranges already named (the head's MAC may still vouch for part of the tail) are not named twice.
    covered = max([chain_end, *[p.seq_end or p.seq or 0 for p in report.of_kind(DELETED)]])
    if top.seq > covered:
        add(
            DELETED,
            f"序号 {_range_text(covered + 1, top.seq)} 缺失：末尾记录被删除（{where}）",
            seq=covered + 1,
            seq_end=top.seq,
        )


def _check_pending(report: VerifyReport, using: str, key: bytes, chunk_size: int, add: Any) -> None:
    """Pending records: the content MAC must verify; one pending past the grace period was never sealed."""
    grace = dt.timedelta(seconds=float(getattr(settings, "AUDIT_SEAL_GRACE_SECONDS", 60)))
    cutoff = clock.now() - grace
    rows = (
        AuditRecord.objects.using(using)
        .filter(seq__isnull=True)
        .only("id", "content_mac", *chain.HASHED_FIELDS)
        .order_by("id")
        .iterator(chunk_size=chunk_size)
    )
    for rec in rows:
        report.pending += 1
        if not chain.matches(chain.content_mac(rec.pk, chain.fields_of(rec), key), rec.content_mac or ""):
            add(
                ALTERED,
                f"待封存记录 id={rec.pk} 内容与校验码不符：在封存前被篡改或伪造插入",
                record_id=rec.pk,
            )
        elif rec.created_at < cutoff:
            add(
                UNSEALED,
                f"记录 id={rec.pk}（{chain.canonical_datetime(rec.created_at)}）已追加但超过 {int(grace.total_seconds())} 秒仍未封存："
                "追加与封存之间进程中断，运行 `ezhou audit seal` 补封",
                record_id=rec.pk,
            )


def _check_appends(found: anchor_file.AnchorFile, using: str, chunk_size: int, add: Any) -> None:
    """Every record the anchor file saw appended pending must still be there with the same content MAC."""
    if not found.appends:
        return

    def check(batch: list[anchor_file.Append]) -> None:
        stored = dict(
            AuditRecord.objects.using(using)
            .filter(pk__in=[a.record_id for a in batch])
            .values_list("id", "content_mac")
        )
        for a in batch:
            if a.record_id not in stored:
                add(
                    DELETED,
                    f"记录 id={a.record_id} 缺失：外部锚点文件第 {a.line_no} 行（{a.at}）记录了它的追加，"
                    "该记录在封存前或封存后被删除",
                    record_id=a.record_id,
                )
            elif not chain.matches(a.content_mac, stored[a.record_id]):
                add(
                    ALTERED,
                    f"记录 id={a.record_id} 的内容校验码与外部锚点文件第 {a.line_no} 行不一致：已被替换",
                    record_id=a.record_id,
                )

    batch: list[anchor_file.Append] = []
    for a in anchor_file.appends(found):
        batch.append(a)
        if len(batch) >= chunk_size:
            check(batch)
            batch = []
    if batch:
        check(batch)
