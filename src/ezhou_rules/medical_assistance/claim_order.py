"""The order in which a person's claims of a year are settled (鄂州政办发〔2022〕34号 第十一条, interpretation M1a).

第十一条 applies one annual deductible and one annual cap "claim by claim": what a claim consumes depends on the
claims before it. Claims of different days go in date order. For claims of the same person on the same day
the law is silent; the batch orders them by

1. the settlement time (``settle_time``, HH:MM[:SS]) when the hospital's file gives one for every claim of
   that person's day — the order in which the settlement system actually settled them;
2. otherwise the claim number in natural order ("C9" before "C10", "2024-3-9" before "2024-3-10"): settlement
   systems number claims consecutively, and a plain text comparison would put "C10" before "C9";
3. then the claim number's text (only "C01" and "C1" can still tie: equal in natural order, different text).

One sort does the work: the rows are sorted on a single int64 key (person code, day); only the rows that
share a key with another — a few percent of a real year — are put in order by (time, claim number) after.
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
    n = len(key)
    order = np.argsort(key, kind="quicksort")  # ties are put in order below, so a stable sort buys nothing
    if n < 2:
        return order
    sorted_key = key[order]
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
