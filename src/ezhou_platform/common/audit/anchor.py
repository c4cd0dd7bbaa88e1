"""The chain head written outside the database (审计锚点), so a wipe or a truncated tail is seen (C12).

The HMAC chain proves every record that is still there; it cannot prove that records are missing when the
whole table and its head are gone (or the tail and the head were cut back together by someone with owner
access). So every committed append also writes its head to an append-only file (settings.AUDIT_ANCHOR_FILE,
default `var/audit-anchor.log`) and one line to the `ezhou.audit` logger, which production ships to a
separate log store. `verify()` reads the file and compares: an anchored seq beyond the table's last record is
a truncated tail (or a wipe when no record is left).

One line per anchor, e.g.

    anchor seq=1024 hash=3f5a… at=2026-12-01T02:34:28.123456Z mac=9c0e…

`mac` = HMAC(audit key, "audit-anchor|kind|seq|hash|at"), so a line cannot be forged without the key (only
deleted: hence the log copy on other storage). A `reset` line is written by an operator's action that
legitimately starts the comparison again (a restore from backup, `ezhou audit anchor --reset`); verify reads
the lines after the last reset.

A record appended pending (ADR 0005: the head was busy, the sealer chains it after commit) has no seq yet;
its commit writes an `append` line instead, naming its id and content MAC:

    append id=2048 content=7b1d… at=2026-12-01T02:34:28.123456Z mac=51aa…

so a pending record deleted before the sealer chained it is still missed by verify (the line names it).

Cost and window: the line is written in `transaction.on_commit` (a rolled-back append leaves no anchor), with
one O_APPEND write of < 200 bytes; the file is fsynced at most once per second per process (ANCHOR_FSYNC_SECONDS),
so a power loss may lose up to one second of anchors — never a crash of the process, whose writes are already
in the kernel. Concurrent writers may append their lines slightly out of seq order; verify uses the highest
seq, so the order does not matter.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ezhou_platform.common import clock

from . import chain

logger = logging.getLogger("ezhou.audit")

ANCHOR_FSYNC_SECONDS = 1.0
LINE_RE = re.compile(
    r"^(?P<kind>anchor|reset) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64}) at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{64})$"
)

APPEND_RE = re.compile(
    r"^append id=(?P<id>\d+) content=(?P<content>[0-9a-f]{64}) at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{64})$"
)

_lock = threading.Lock()
_last_fsync: dict[str, float] = {}


@dataclass(frozen=True)
class Anchor:
    kind: str  # "anchor" or "reset"
    seq: int
    hash: str
    at: str
    line_no: int


@dataclass(frozen=True)
class Append:
    record_id: int
    content_mac: str
    at: str
    line_no: int


@dataclass
class AnchorFile:
    """What verify needs from the file: the highest anchor after the last reset, and lines it could not trust."""

    path: Path | None
    highest: Anchor | None = None
    newest: Anchor | None = None
    reset: Anchor | None = None
    count: int = 0  # anchors after the last reset
    appends: int = 0  # append lines (pending records) after the last reset
    bad_lines: tuple[int, ...] = ()


def anchor_path() -> Path | None:
    value = getattr(settings, "AUDIT_ANCHOR_FILE", "")
    return Path(value) if value else None


def line_mac(kind: str, seq: int, digest: str, at: str, key: bytes | None = None) -> str:
    message = f"audit-anchor|{kind}|{int(seq)}|{digest}|{at}".encode()
    return hmac.new(key or chain.hmac_key(), message, hashlib.sha256).hexdigest()


def _append(kind: str, seq: int, digest: str) -> None:
    at = chain.canonical_datetime(clock.now())
    if kind == "append":
        line = f"append id={int(seq)} content={digest} at={at} mac={line_mac(kind, seq, digest, at)}"
    else:
        line = f"{kind} seq={int(seq)} hash={digest} at={at} mac={line_mac(kind, seq, digest, at)}"
    _write_line(kind, line)


def _write_line(kind: str, line: str) -> None:
    path = anchor_path()
    logger.info("audit %s", line)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: each write lands at the end whatever other processes wrote; one write of one short line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        now = time.monotonic()
        with _lock:
            due = kind == "reset" or now - _last_fsync.get(str(path), 0.0) >= ANCHOR_FSYNC_SECONDS
            if due:
                _last_fsync[str(path)] = now
        if due:
            os.fsync(fd)
    finally:
        os.close(fd)


def _write_committed(seq: int, digest: str, kind: str = "anchor") -> None:
    try:
        _append(kind, seq, digest)
    except Exception:
        # The business transaction has committed already; a lost anchor only weakens the tail check, so it
        # is reported loudly instead of turning a committed change into an error page.
        logger.exception("audit anchor seq=%s could not be written", seq)


def schedule(seq: int, digest: str, *, using: str) -> None:
    """Write the anchor (seq, hash) once the caller's transaction commits; nothing if it rolls back."""
    transaction.on_commit(partial(_write_committed, seq, digest), using=using)


def schedule_append(record_id: int, content_mac: str, *, using: str) -> None:
    """Write `append id=… content=…` once the caller's transaction commits (a pending record, ADR 0005)."""
    transaction.on_commit(partial(_write_committed, record_id, content_mac, "append"), using=using)


def write_reset(seq: int, digest: str) -> None:
    """Start the comparison again from this head (after a restore from backup or a deliberate new database)."""
    _append("reset", seq, digest)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("r", encoding="ascii", errors="replace") as fh:
        for number, text in enumerate(fh, start=1):
            text = text.strip()
            if text:
                yield number, text


def read(path: Path | None = None) -> AnchorFile:
    """Stream the anchor file (constant memory) and keep what verify compares."""
    path = path if path is not None else anchor_path()
    result = AnchorFile(path=path)
    if path is None or not path.exists():
        return result
    key = chain.hmac_key()
    bad: list[int] = []
    for number, text in _lines(path):
        a = APPEND_RE.match(text)
        if a is not None:
            if chain.matches(line_mac("append", int(a["id"]), a["content"], a["at"], key), a["mac"]):
                result.appends += 1
            else:
                bad.append(number)
            continue
        m = LINE_RE.match(text)
        if m is None:
            bad.append(number)
            continue
        kind, seq, digest, at = m["kind"], int(m["seq"]), m["hash"], m["at"]
        if not chain.matches(line_mac(kind, seq, digest, at, key), m["mac"]):
            bad.append(number)
            continue
        entry = Anchor(kind, seq, digest, at, number)
        if kind == "reset":
            result.reset, result.highest, result.count, result.appends = entry, entry, 0, 0
        else:
            result.count += 1
            if result.highest is None or seq > result.highest.seq:
                result.highest = entry
        result.newest = entry
    result.bad_lines = tuple(bad)
    return result


def appends(found: AnchorFile) -> Iterator[Append]:
    """The authentic append lines after the last reset of a file read() has read, streamed in constant memory
    (verify looks the records up in batches)."""
    if found.path is None or not found.path.exists():
        return
    after = found.reset.line_no if found.reset is not None else 0
    key = chain.hmac_key()
    for number, text in _lines(found.path):
        if number <= after:
            continue
        a = APPEND_RE.match(text)
        if a is None or not chain.matches(
            line_mac("append", int(a["id"]), a["content"], a["at"], key), a["mac"]
        ):
            continue  # bad lines are already counted by read()
        yield Append(int(a["id"]), a["content"], a["at"], number)


def has_anchors() -> bool:
    """True when the file holds an anchor of a non-empty chain after the last reset (read before a chain is
    started from nothing: a wiped table must not quietly begin again at #1)."""
    found = read()
    return found.highest is not None and found.highest.seq > 0
