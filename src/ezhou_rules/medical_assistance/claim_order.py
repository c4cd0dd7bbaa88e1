"""The order in which a person's claims of a year are settled (鄂州政办发〔2022〕34号 第十一条, interpretation M1a).

第十一条 applies one annual deductible and one annual cap "claim by claim": what a claim consumes depends on the
claims before it. Claims of different days go in date order. For claims of the same person on the same day
the law is silent; the batch orders them by

1. the settlement time (``settle_time``, HH:MM[:SS]) when the hospital's file gives one for every claim of
   that person's day — the order in which the settlement system actually settled them;
2. otherwise the claim number in natural order ("C9" before "C10", "2024-3-9" before "2024-3-10"): settlement
   systems number claims consecutively, and a plain text comparison would put "C10" before "C9";
3. then the claim number's text (only "C01" and "C1" can still tie: equal in natural order, different text).

One sort does the work: the rows are sorted on a single 64-bit key (person, day) — a person code in
``claim_order``, high bits of a hash of the person number in ``settlement_order`` (the batch's, checked
exactly after the sort); only the rows that share a key with another — a few percent of a real year — are
put in order by (time, claim number) after.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

_DIGITS = re.compile(r"(\d+)")
# a claim number of the common shape: a non-digit prefix and one run of digits (fits an int64)
_SIMPLE = r"^(?P<prefix>\D*)(?P<number>\d{1,18})$"


def natural_key(claim_id: str) -> tuple[Any, ...]:
    """The natural-order key of a claim number: text and digit runs alternate, the runs compared as
    numbers, the raw text last (so "C01" and "C1" are ordered, not equal). The key of "C9" is below "C10"'s.
    """
    parts: list[Any] = _DIGITS.split(claim_id)
    for i in range(1, len(parts), 2):  # re.split with a group: odd positions are the digit runs
        parts[i] = int(parts[i])
    return (tuple(parts), claim_id)


def _natural_ranks(claim_ids: pa.Array) -> npt.NDArray[np.int64]:
    """Rank of each claim number among ``claim_ids`` in natural order (0 = first)."""
    m = len(claim_ids)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    parts = pc.extract_regex(claim_ids, _SIMPLE)
    if parts.null_count == 0:
        # all of the common shape: (prefix, number, text) is the natural key, sorted by Arrow without Python
        number = pc.cast(parts.field("number"), pa.int64())
        table = pa.table({"p": parts.field("prefix"), "n": number, "t": claim_ids})
        order = pc.sort_indices(table, [("p", "ascending"), ("n", "ascending"), ("t", "ascending")])
        order_np = order.to_numpy()
    else:
        ids = claim_ids.to_pylist()
        order_np = np.array(sorted(range(m), key=lambda i: natural_key(ids[i])), dtype=np.int64)
    ranks = np.empty(m, dtype=np.int64)
    ranks[order_np] = np.arange(m, dtype=np.int64)
    return ranks


def sort_key(person_codes: npt.NDArray[Any], days: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """One int64 per row ordering by (person, day): the person code above the day's offset in the file.
    ``person_codes`` are small non-negative integers (dictionary codes); ``days`` days since 1970-01-01."""
    days = np.asarray(days, dtype=np.int64)
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(days.min())
    span = int(days.max()) - low + 1
    bits = max(span - 1, 1).bit_length()
    codes = np.asarray(person_codes, dtype=np.int64)
    if len(codes) and int(codes.max()) >= 2 ** (62 - bits):
        raise ValueError(
            "人员数与日期跨度过大，无法合成排序键。"
        )  # > 2^40 persons over a year: not a real file
    return (codes << bits) | (days - low)


def shares_value(sorted_values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """For sorted values: True where a value equals its left or right neighbour (a run of equal values)."""
    n = len(sorted_values)
    out = np.zeros(n, dtype=bool)
    if n > 1:
        same = sorted_values[1:] == sorted_values[:-1]
        out[1:] |= same
        out[:-1] |= same
    return out


def claim_order(
    key: npt.NDArray[np.int64],
    claim_ids: pa.Array,
    settle_seconds: npt.NDArray[np.int64] | None = None,
    has_time: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.intp]:
    """Positions of the rows in settlement order: by ``key`` (see ``sort_key``), then, among rows of equal
    key, by settlement time when all of them have one (``settle_seconds`` with ``has_time``), then by claim
    number in natural order. ``claim_ids`` is aligned with ``key`` and unique."""
    order = np.argsort(key, kind="quicksort")  # ties are put in order below, so a stable sort buys nothing
    if len(key) < 2:
        return order
    return _order_ties(order, key[order], claim_ids, settle_seconds, has_time)


def _order_ties(
    order: npt.NDArray[np.intp],
    sorted_key: npt.NDArray[np.int64],
    claim_ids: pa.Array,
    settle_seconds: npt.NDArray[np.int64] | None,
    has_time: npt.NDArray[np.bool_] | None,
) -> npt.NDArray[np.intp]:
    """``order`` with each run of equal ``sorted_key`` (a person's day) put in order by time, when every
    claim of the run has one, then by claim number in natural order."""
    in_tie = shares_value(sorted_key)
    if not in_tie.any():
        return order
    pos = np.flatnonzero(in_tie)  # positions (in sorted order) of rows that share their key
    rows = order[pos]
    group = np.cumsum(np.concatenate(([True], sorted_key[pos][1:] != sorted_key[pos][:-1])))
    rank = _natural_ranks(claim_ids.take(pa.array(rows)))
    if settle_seconds is not None and has_time is not None:
        timed = np.asarray(has_time, dtype=bool)[rows]
        # a group is ordered by time only when every claim of it has one
        all_timed = np.ones(int(group[-1]) + 1, dtype=bool)
        np.logical_and.at(all_timed, group, timed)
        seconds = np.where(all_timed[group], np.asarray(settle_seconds, dtype=np.int64)[rows], 0)
    else:
        seconds = np.zeros(len(rows), dtype=np.int64)
    within = np.lexsort((rank, seconds, group))
    order[pos] = rows[within]
    return order


def mix_words(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row of words (a multiply–xorshift round per word, the same on every machine)."""
    mixed = np.full(len(words), 0x9E3779B97F4A7C15, dtype=np.uint64)
    shifted = np.empty_like(mixed)  # one temporary for every round (fresh memory is paid page by page)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            mixed ^= words[:, j]
            mixed *= np.uint64(0xBF58476D1CE4E5B9)
            mixed ^= np.right_shift(mixed, np.uint64(31), out=shifted)
    return mixed


def settlement_order(
    identity: npt.NDArray[np.uint64],
    days: npt.NDArray[np.int64],
    claim_ids: pa.Array,
    settle_seconds: npt.NDArray[np.int64] | None = None,
    has_time: npt.NDArray[np.bool_] | None = None,
    *,
    hash_bits: int | None = None,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The order of ``claim_order`` for persons given by ``identity`` (rows of words, equal exactly for the
    same person: ``batch_columns.person_words``), without numbering the persons first, and the person code
    (0, 1, …) of each row in that order. Persons come in an arbitrary order — each is settled on its own —
    but each person's claims are together and in the order of ``claim_order``.

    One sort of one uint64 per row does the grouping and the order: the row's position in its low bits, the
    day above them and, on top, as many high bits of a hash of the person as are left (35 for a million
    claims of one year). Dictionary-encoding the person numbers (Arrow's hash table) and an argsort took
    four times as long. Two persons whose hashes share those bits are found after the sort — adjacent rows
    with equal hash bits and unequal identities — and only their rows are sorted again by identity, so a
    collision costs time, never a wrong order. ``hash_bits`` narrows the hash (tests force collisions)."""
    n = len(days)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    low = int(days.min())
    day_bits = max(int(days.max()) - low, 1).bit_length()
    row_bits = max(n - 1, 1).bit_length()
    bits = 64 - day_bits - row_bits if hash_bits is None else hash_bits
    if not 0 < bits <= 64 - day_bits - row_bits:
        raise ValueError("结算单数与日期跨度过大，无法合成排序键。")  # > 2^40 claims over a century
    # in place where possible: a million-row temporary costs its page faults as much as its arithmetic
    packed = mix_words(identity)
    packed >>= np.uint64(64 - bits)
    packed <<= np.uint64(day_bits + row_bits)
    scratch = np.subtract(days, low)
    scratch <<= row_bits
    packed |= scratch.view(np.uint64)
    order = np.arange(n, dtype=np.intp)
    packed |= order.view(np.uint64)
    packed.sort()
    np.bitwise_and(packed, np.uint64((1 << row_bits) - 1), out=order.view(np.uint64))
    hashed = np.right_shift(packed, np.uint64(day_bits + row_bits), out=scratch.view(np.uint64))
    same_hash = hashed[1:] == hashed[:-1]
    same_person = same_hash & _same_rows(identity, order)
    if np.array_equal(same_hash, same_person):
        key = np.right_shift(packed, np.uint64(row_bits), out=scratch.view(np.uint64)).view(np.int64)
        key &= (1 << day_bits) - 1  # the day
    else:  # a collision: separate the persons that share the hash bits
        order = _separate(order, same_hash, same_person, identity, days)
        same_person = _same_rows(identity, order)
        key = np.subtract(np.take(days, order), low, out=scratch)
    person = np.empty(n, dtype=np.int64)
    person[0] = 0
    np.cumsum(~same_person, out=person[1:])
    key |= person << day_bits  # (person, day)
    return _order_ties(order, key, claim_ids, settle_seconds, has_time), person


def _same_rows(identity: npt.NDArray[np.uint64], order: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """Whether each row of ``identity`` taken in ``order`` equals the one before it (n - 1 values)."""
    same = np.ones(max(len(order) - 1, 0), dtype=bool)
    for j in range(identity.shape[1]):
        # np.take of a contiguous column: a fifth of the time of identity[order] on a million rows
        words = np.take(np.ascontiguousarray(identity[:, j]), order)
        same &= words[1:] == words[:-1]
    return same


def _separate(
    order: npt.NDArray[np.intp],
    same_hash: npt.NDArray[np.bool_],
    same_person: npt.NDArray[np.bool_],
    identity: npt.NDArray[np.uint64],
    days: npt.NDArray[np.int64],
) -> npt.NDArray[np.intp]:
    """``order`` with each run of equal hash bits that holds more than one person sorted again by
    (identity, day, row); the runs keep their places, so every person's rows end up together."""
    run = np.cumsum(np.concatenate(([0], ~same_hash)))  # the run of each position in sorted order
    pos = np.flatnonzero(np.isin(run, run[1:][same_hash & ~same_person]))
    rows = order[pos]
    # np.lexsort's last key is the first criterion: run, the identity's words, day, row
    order[pos] = rows[np.lexsort((rows, days[rows], *identity[rows].T[::-1], run[pos]))]
    return order
