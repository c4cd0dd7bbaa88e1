"""The batch's order without a person dictionary (issue 15 item 2): ``settlement_order`` groups persons by
a hash of their numbers' bytes, checked exactly, and must give every person's claims in the order of
``claim_order`` (interpretation M1a) — whatever the hash does, including collisions forced here."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import AdminValue
from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance import batch_columns as columns
from ezhou_rules.medical_assistance.claim_order import claim_order, settlement_order, sort_key
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.settlement import Claims, settle

TREE = parameters().with_values(
    [AdminValue("income.per_capita_disposable", dt.date(2023, 1, 1), 4_000_000, source="测试数据")]
)
# Person numbers: empty, ASCII of one and of several words, a NUL byte ("A" and "A\0" differ), Chinese,
# white space around, and longer than the 64 bytes that are packed (those take the dictionary codes).
PERSONS = st.sampled_from(
    [
        "",
        "A",
        "A\x00",
        "P1",
        "P10",
        "甲",
        "人员0001",
        " P1",
        "x" * 15,
        "x" * 16,
        "y" * 64,
        "y" * 65,
        "乙" * 30,
    ]
)
CLAIM_IDS = st.one_of(
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from(["C", "", "C0", "单"]), st.integers(0, 60)),
    st.text(alphabet="AB1-", max_size=4),
)


def _reference_order(persons: pa.Array, days: np.ndarray, ids: pa.Array, seconds: Any, has_time: Any) -> Any:
    """The order as it was defined before: dictionary codes of the person numbers, ``sort_key``,
    ``claim_order``."""
    codes = pc.dictionary_encode(persons).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return claim_order(sort_key(codes, days), ids, seconds, has_time)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(PERSONS, st.integers(0, 3), st.one_of(st.none(), st.integers(0, 5)), CLAIM_IDS),
        min_size=1,
        max_size=40,
        unique_by=lambda r: r[3],
    ),
    hash_bits=st.sampled_from([None, 1, 2, 3]),
)
def test_settlement_order_is_claim_order(
    rows: list[tuple[str, int, int | None, str]], hash_bits: int | None
) -> None:
    persons = pa.array([r[0] for r in rows], pa.string())
    days = np.array([19_800 + r[1] for r in rows], dtype=np.int64)
    seconds = np.array([r[2] or 0 for r in rows], dtype=np.int64)
    has_time = np.array([r[2] is not None for r in rows])
    ids = pa.array([r[3] for r in rows], pa.string())

    order, codes = settlement_order(
        columns.person_words(persons), days, ids, seconds, has_time, hash_bits=hash_bits
    )
    expected = _reference_order(persons, days, ids, seconds, has_time)

    names = [rows[i][0] for i in order]
    # each person's claims together, numbered 0, 1, … in the order the persons come
    runs = [names[0]] + [b for a, b in itertools.pairwise(names) if a != b]
    assert len(runs) == len(set(runs))
    assert codes.tolist() == [runs.index(name) for name in names]
    # and within a person, the order of claim_order
    for person in set(names):
        assert [i for i in order if rows[i][0] == person] == [i for i in expected if rows[i][0] == person]


def test_persons_whose_hashes_collide_are_kept_apart() -> None:
    # one bit of hash for three persons: two of them at least share it, and their claims of day 0 and day 1
    # would interleave (P1 day 0, P2 day 0, P1 day 1, …) if the sort alone grouped them
    persons = pa.array(["P1", "P2", "P3", "P1", "P2", "P3"])
    days = np.array([1, 1, 1, 0, 0, 0], dtype=np.int64)
    ids = pa.array(["C1", "C2", "C3", "C4", "C5", "C6"])
    order, codes = settlement_order(columns.person_words(persons), days, ids, hash_bits=1)
    names = [persons[i].as_py() for i in order]
    assert names[0::2] == names[1::2] and len(set(names[0::2])) == 3
    assert [int(days[i]) for i in order] == [0, 1] * 3
    assert codes.tolist() == [0, 0, 1, 1, 2, 2]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=20)), max_size=30),
    st.integers(0, 5),
)
def test_fixed_width_words_are_the_padded_bytes_and_length(values: list[str | None], cut: int) -> None:
    # the layout written plainly: UTF-8 bytes, zeros up to a multiple of 8 with one spare byte, the length in
    # the last byte, read as little-endian words (also for a slice, whose offsets do not start at 0)
    arr = pa.array(values, pa.string()).slice(min(cut, len(values)))
    texts = [v or "" for v in arr.to_pylist()]
    data = [t.encode() for t in texts]
    width = max((len(b) for b in data), default=0)
    words = columns._fixed_width_words(pc.fill_null(arr, ""))
    if width > 64:
        assert words is None
        return
    row_bytes = (width // 8 + 1) * 8
    expected = [
        np.frombuffer(b + bytes(row_bytes - len(b) - 1) + bytes([len(b)]), dtype="<u8").tolist() for b in data
    ]
    assert words is not None
    assert words.tolist() == expected


def _table(rows: list[tuple[str, str, int, str, int]]) -> pa.Table:
    n = len(rows)
    return pa.table(
        {
            "claim_id": pa.array([r[0] for r in rows], pa.string()),
            "person_id": pa.array([r[1] for r in rows], pa.string()),
            "person_class": pa.array([str(1 + i % 4) for i in range(n)]),
            "settle_date": pa.array([f"2024-0{1 + r[2]}-15" for r in rows]),
            "kind": pa.array(["inpatient" if i % 3 else "chronic_outpatient" for i in range(n)]),
            "hospital_level": pa.array([str(1 + i % 3) for i in range(n)]),
            "in_city": pa.array(["true" if i % 5 else "false" for i in range(n)]),
            "in_province": pa.array(["true"] * n),
            "temporary_out_of_city": pa.array(["false" if i % 5 else "true" for i in range(n)]),
            "tilted_approved": pa.array(["true" if i % 2 else "false" for i in range(n)]),
            "total_cost": pa.array([f"{r[4] + 50000}.00" for r in rows]),
            "out_of_policy_cost": pa.array(["1000.00"] * n),
            "policy_self_pay": pa.array([f"{r[4]}.{i % 100:02d}" for i, r in enumerate(rows)]),
            "settle_time": pa.array([r[3] for r in rows]),
        }
    )


def _reference_settle_table(table: pa.Table) -> dict[str, list[int]]:
    """settle_table as it was: the person dictionary, sort_key and claim_order, a scatter back."""
    p = columns.parse(table, TREE)
    good = np.flatnonzero(~p.errors.bad)
    order = good[
        _reference_order(
            p.person.take(pa.array(good)),
            p.days[good],
            p.claim_ids.take(pa.array(good)),
            None if p.seconds is None else p.seconds[good],
            None if p.has_time is None else p.has_time[good],
        )
    ]
    codes = pc.dictionary_encode(p.person).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    claims = Claims(
        person=codes[order],
        settle_date=p.days[order].view("datetime64[D]"),
        person_class=p.person_class[order],
        inpatient=p.inpatient[order],
        hospital_level=p.hospital_level[order],
        in_city=p.flags["in_city"][order],
        in_province=p.flags["in_province"][order],
        temporary_out_of_city=p.flags["temporary_out_of_city"][order],
        tilted_approved=p.flags["tilted_approved"][order],
        total_cost=p.fen["total_cost"][order],
        out_of_policy_cost=p.fen["out_of_policy_cost"][order],
        policy_self_pay=p.fen["policy_self_pay"][order],
    )
    result = settle(claims, TREE)
    out = {}
    for name in batch.OUTPUT_COLUMNS:
        full = np.zeros(table.num_rows, dtype=np.int64)
        full[order] = getattr(result, name)
        out[name] = full[good].tolist()
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            CLAIM_IDS,  # duplicates and empty claim numbers are errors of every row concerned
            PERSONS,
            st.integers(0, 2),  # few days: many same-day claims of a person
            st.sampled_from(["", "08:00", "09:30", "08:00:01"]),
            st.integers(0, 9000),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_settle_table_equals_the_dictionary_order(rows: list[tuple[str, str, int, str, int]]) -> None:
    table = _table(rows)
    result = batch.settle_table(table, TREE)
    assert {k: v.tolist() for k, v in result.amounts.items()} == _reference_settle_table(table)
    # the rows rejected are those with an empty or repeated claim number or an empty person number
    ids = [r[0] for r in rows]
    rejected = {
        i + 2 for i, r in enumerate(rows) if not r[0].strip() or ids.count(r[0]) > 1 or not r[1].strip()
    }
    assert set(result.errors.column("row").to_pylist()) == rejected
    assert result.settled == len(rows) - len(rejected)
