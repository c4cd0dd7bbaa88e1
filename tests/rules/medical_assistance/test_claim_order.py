"""Same-day claims (interpretation M1a) and the typed Parquet columns of the batch (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.batch_columns import duplicated
from ezhou_rules.medical_assistance.claim_order import claim_order, natural_key, sort_key
from ezhou_rules.medical_assistance.parameters_tree import parameters

HEADER = [*batch.INPUT_COLUMNS]


def text_table(rows: list[list[str]], extra: dict[str, list[str]] | None = None) -> pa.Table:
    cols = {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(HEADER)}
    for name, values in (extra or {}).items():
        cols[name] = pa.array(values, pa.string())
    return pa.table(cols)


def claim(cid: str, pay: str, day: str = "2024-03-01", person: str = "P1", cls: str = "3") -> list[str]:
    total = str(Decimal(pay) + 100)
    return [cid, person, cls, day, "inpatient", "2", "true", "true", "false", "false", total, "0", pay]


def settled(table: pa.Table) -> dict[str, int]:
    result = batch.settle_table(table, parameters())
    assert result.errors.num_rows == 0, result.errors.to_pylist()
    ids = result.output.column("claim_id").to_pylist()
    return dict(zip(ids, result.amounts["basic_aid"].tolist(), strict=True))


def test_natural_key_orders_numbers_as_numbers() -> None:
    ids = ["C10", "C9", "C1", "C01", "C100", "A2B10", "A2B9", "2024-3-10", "2024-3-9", "C"]
    assert sorted(ids, key=natural_key) == [
        "2024-3-9",
        "2024-3-10",
        "A2B9",
        "A2B10",
        "C",
        "C01",  # equal to C1 as numbers; the text decides
        "C1",
        "C9",
        "C10",
        "C100",
    ]


def test_same_day_claims_by_claim_number_in_natural_order() -> None:
    # Class 3 (第十一条: deductible 3,000.00 yuan, 65%). Two claims of P1 on 2024年3月1日: C9 (self-pay
    # 2,000.01) and C10 (5,000.00). Natural order puts C9 first:
    #   C9: 3,000.00 of deductible left, eligible 0 → 0.00; 999.99 left.
    #   C10: eligible 5,000.00 − 999.99 = 4,000.01; × 65% = 2,600.0065 → 2,600.01.
    # (Text order would put C10 first: 1,300.00 and 1,300.01 — the same total split differently.)
    amounts = settled(text_table([claim("C10", "5000.00"), claim("C9", "2000.01")]))
    assert amounts == {"C10": 260001, "C9": 0}


def test_a_settlement_time_orders_the_day_when_every_claim_has_one() -> None:
    rows = [claim("C10", "5000.00"), claim("C9", "2000.01")]
    # C10 settled at 08:00, C9 at 09:30: C10 first → eligible 5,000.00 − 3,000.00 = 2,000.00 × 65% = 1,300.00;
    # C9: the deductible is used up, 2,000.01 × 65% = 1,300.0065 → 1,300.01.
    assert settled(text_table(rows, {"settle_time": ["08:00", "09:30:00"]})) == {"C10": 130000, "C9": 130001}
    # one claim of the day without a time: the claim number orders the whole day (C9 first, as above)
    assert settled(text_table(rows, {"settle_time": ["08:00", ""]})) == {"C10": 260001, "C9": 0}


def test_a_malformed_settlement_time_is_an_error_of_that_row() -> None:
    table = text_table([claim("C1", "10.00"), claim("C2", "10.00")], {"settle_time": ["25:00", "7:5"]})
    result = batch.settle_table(table, parameters())
    errors = result.errors.to_pylist()
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [
        (2, "settle_time", "25:00"),
        (3, "settle_time", "7:5"),
    ]
    assert result.settled == 0


ids_strategy = st.one_of(
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from(["C", "H", "", "C0"]), st.integers(0, 200)),
    st.text(alphabet="AB12-", min_size=1, max_size=5),
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 3), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 86399)), ids_strategy
        ),
        min_size=1,
        max_size=40,
        unique_by=lambda r: r[3],
    )
)
def test_claim_order_is_the_defined_order(rows: list[tuple[int, int, int | None, str]]) -> None:
    # The definition, written plainly: by (person, day); within a (person, day), by time when every claim of it
    # has one; then by claim number in natural order.
    persons = np.array([r[0] for r in rows])
    days = np.array([19_000 + r[1] for r in rows])
    seconds = np.array([r[2] or 0 for r in rows])
    has_time = np.array([r[2] is not None for r in rows])
    ids = pa.array([r[3] for r in rows])
    order = claim_order(sort_key(persons, days), ids, seconds, has_time)

    def expected_key(i: int) -> tuple[object, ...]:
        day_rows = [j for j in range(len(rows)) if rows[j][:2] == rows[i][:2]]
        timed = all(rows[j][2] is not None for j in day_rows)
        return (rows[i][0], rows[i][1], rows[i][2] if timed else 0, natural_key(rows[i][3]))

    assert [rows[i][3] for i in order] == [rows[i][3] for i in sorted(range(len(rows)), key=expected_key)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=60))
def test_duplicated_is_exact(values: list[str]) -> None:
    # the fingerprint path against counting: "A" and "A\x00", "" and "\x00" are different texts
    arr = pa.array(values, pa.string())
    expected = [values.count(v) > 1 for v in values]
    assert duplicated(arr).tolist() == expected


def test_duplicated_long_texts_take_the_hash_table() -> None:
    long = "x" * 100
    assert duplicated(pa.array([long, "a", long + "y", long])).tolist() == [True, False, False, True]


def test_typed_parquet_columns_settle_as_their_text(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 400
    total = rng.integers(0, 2_000_000, n)
    oop = total * rng.integers(0, 20, n) // 100
    pay = (total - oop) * rng.integers(0, 90, n) // 100
    in_city = rng.random(n) < 0.6
    typed = pa.table(
        {
            "claim_id": pa.array([f"K{i}" for i in rng.permutation(n)]),
            "person_id": pa.array([f"P{i}" for i in rng.integers(0, 40, n)]),
            "person_class": pa.array(rng.integers(1, 5, n).astype(np.int8)),
            "settle_date": pa.array(
                np.datetime64("2024-01-01") + rng.integers(0, 60, n).astype("timedelta64[D]")
            ),
            "kind": pa.array(
                np.where(rng.random(n) < 0.5, "inpatient", "chronic_outpatient")
            ).dictionary_encode(),
            "hospital_level": pa.array(rng.integers(1, 4, n).astype(np.int16)),
            "in_city": pa.array(in_city),
            "in_province": pa.array(in_city | (rng.random(n) < 0.5)),
            "temporary_out_of_city": pa.array(~in_city & (rng.random(n) < 0.5)),
            "tilted_approved": pa.array(np.zeros(n, dtype=bool)),
            "total_cost": batch._yuan_decimal(total),
            "out_of_policy_cost": batch._yuan_decimal(oop),
            "policy_self_pay": pa.array([Decimal(int(v)) / 100 for v in pay], pa.decimal128(12, 2)),
        }
    )
    src = tmp_path / "typed.parquet"
    pq.write_table(typed, src)
    text = pa.table({c: pc.cast(typed.column(c), pa.string()) for c in typed.column_names})
    a = batch.settle_table(batch.read_table(src), parameters())
    b = batch.settle_table(text, parameters())
    assert a.errors.num_rows == 0 and b.errors.num_rows == 0
    for name in batch.OUTPUT_COLUMNS:
        assert a.amounts[name].tolist() == b.amounts[name].tolist(), name
    assert a.amounts["basic_aid"].sum() > 0


def test_typed_columns_out_of_range_are_errors_naming_the_field() -> None:
    rows = 4
    table = pa.table(
        {
            "claim_id": pa.array(["A1", "A2", "A3", "A4"]),
            "person_id": pa.array(["P", "P", "P", None]),
            "person_class": pa.array([3, 7, 3, 3], pa.int8()),
            "settle_date": pa.array([dt.date(2024, 1, 2), None, dt.date(2022, 10, 17), dt.date(2024, 1, 2)]),
            "kind": pa.array(["inpatient", "inpatient", "surgery", "inpatient"]).dictionary_encode(),
            "hospital_level": pa.array([1, 2, 3, 4], pa.int8()),
            "in_city": pa.array([True, True, None, True]),
            "in_province": pa.array([True] * rows),
            "temporary_out_of_city": pa.array([False] * rows),
            "tilted_approved": pa.array([False] * rows),
            "total_cost": pa.array([Decimal("100.00")] * rows, pa.decimal128(18, 2)),
            "out_of_policy_cost": pa.array([Decimal("0")] * rows, pa.decimal128(18, 2)),
            "policy_self_pay": pa.array(
                [Decimal("-1.00"), Decimal("1"), Decimal("1"), Decimal("1")], pa.decimal128(18, 2)
            ),
        }
    )
    result = batch.settle_table(table, parameters())
    found = {(e["row"], e["field"]) for e in result.errors.to_pylist()}
    assert found == {
        (2, "policy_self_pay"),  # negative amount
        (3, "person_class"),  # 7
        (3, "settle_date"),  # missing
        (4, "settle_date"),  # before 2022年10月18日
        (4, "kind"),
        (4, "in_city"),  # missing flag
        (5, "person_id"),  # missing
        (5, "hospital_level"),  # 4
    }
    assert result.settled == 0


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_files(n: int) -> None:
    table = text_table([claim("C1", "10.00")][:n])
    assert batch.settle_table(table, parameters()).settled == n
