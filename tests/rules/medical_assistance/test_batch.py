"""The batch file runner: validation to the error file, settlement of the rest, CSV and Parquet."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

HEADER = ",".join(batch.INPUT_COLUMNS)
ROWS = [
    # class 3: 2000 consumes the deductible (1000 left); then (5000 − 1000) × 65% = 2600.00
    "C2,P1,3,2024-03-01,inpatient,2,true,true,false,false,10000,0,5000",
    "C1,P1,3,2024-02-01,chronic_outpatient,1,true,true,false,false,3000,0,2000",
    # class 1: 1234.50 × 100%; level 1 in city: 500 − 10000 × 3% = 200.00 borne by the hospital
    "C3,P2,1,2024-01-05,inpatient,1,true,true,false,false,10000,500,1234.5",
    # class 2 temporary out of city: 100.01 × 35% = 35.0035 → 35.00
    "C4,P3,2,2024-02-04,inpatient,3,false,true,true,false,200,0,100.01",
]
BAD = [
    ("C5,P2,5,2024-01-06,inpatient,1,true,true,false,false,10000,500,100", "person_class"),
    ("C6,P2,1,2024-02-30,inpatient,1,true,true,false,false,10000,500,100", "settle_date"),
    ("C7,P2,1,2024-02-03,dental,1,true,true,false,false,100,0,10", "kind"),
    ("C8,P2,1,2024-02-03,inpatient,1,yes,true,false,false,100,0,10", "in_city"),
    ("C9,P2,1,2024-02-03,inpatient,1,true,true,false,false,-1,0,10", "total_cost"),
    ("C10,P2,1,2024-02-03,inpatient,1,true,true,false,false,100,0,1.234", "policy_self_pay"),
    ("C11,P2,1,2024-02-03,inpatient,1,true,true,false,false,100,101,0", "out_of_policy_cost"),
    ("C12,P2,1,2022-10-17,inpatient,1,true,true,false,false,100,0,10", "settle_date"),
    ("C3,P9,1,2024-02-03,inpatient,1,true,true,false,false,100,0,10", "claim_id"),
]


def write(tmp: Path, lines: list[str]) -> Path:
    path = tmp / "claims.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_good_rows_settle_in_date_order_and_keep_input_order(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = batch.run(write(tmp_path, ROWS), out, parameters())
    assert result.errors.num_rows == 0 and not batch.errors_file(out).exists()
    rows = {r["claim_id"]: r for r in read(out)}
    assert [r["claim_id"] for r in read(out)] == ["C2", "C1", "C3", "C4"]
    assert rows["C1"]["basic_aid"] == "0.00" and rows["C1"]["remaining_deductible"] == "1000.00"
    assert rows["C2"]["basic_aid"] == "2600.00" and rows["C2"]["remaining_cap"] == "7400.00"
    assert rows["C3"]["basic_aid"] == "1234.50" and rows["C3"]["hospital_borne"] == "200.00"
    assert rows["C4"]["basic_aid"] == "35.00"


def test_bad_rows_go_to_the_error_file_with_field_and_rule(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = batch.run(write(tmp_path, ROWS + [line for line, _ in BAD]), out, parameters())
    errors = read(batch.errors_file(out))
    by_claim: dict[str, set[str]] = {}
    for e in errors:
        by_claim.setdefault(e["claim_id"], set()).add(e["field"])
        assert e["rule"]
    for line, field in BAD:
        assert field in by_claim[line.split(",")[0]], line
    # the duplicated C3 is not settled at all: both rows are errors
    settled = [r["claim_id"] for r in read(out)]
    assert settled == ["C2", "C1", "C4"]
    assert result.settled == 3
    # no spurious cross-field error where an amount itself is malformed
    assert by_claim["C9"] == {"total_cost"}


def test_parquet_in_and_out(tmp_path: Path) -> None:
    table = pa.table(
        {c: pa.array([r.split(",")[i] for r in ROWS]) for i, c in enumerate(batch.INPUT_COLUMNS)}
    )
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out.parquet"
    batch.run(src, out, parameters())
    back = pq.read_table(out)
    assert back.schema.field("basic_aid").type == pa.decimal128(18, 2)
    assert back.column("basic_aid").to_pylist() == [
        Decimal("2600.00"),
        Decimal("0.00"),
        Decimal("1234.50"),
        Decimal("35.00"),
    ]


def test_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("claim_id,person_id\nA,B\n", encoding="utf-8")
    with pytest.raises(batch.BatchInputError, match="缺少列"):
        batch.run(path, tmp_path / "o.csv", parameters())


def test_what_if_set_and_params(tmp_path: Path) -> None:
    tree = batch.apply_parameters(parameters(), None, ["basic.ratio.class_3=70%"])
    out = tmp_path / "out.csv"
    batch.run(write(tmp_path, ROWS), out, tree)
    assert {r["claim_id"]: r for r in read(out)}["C2"]["basic_aid"] == "2800.00"  # 4000 × 70%
    with pytest.raises(batch.BatchInputError):
        batch.apply_parameters(parameters(), None, ["no.such.parameter=1"])
    params = tmp_path / "p.yaml"
    params.write_text(
        "- {name: income.per_capita_disposable, valid_from: 2023-01-01, value: 4000000, source: 测试}\n",
        encoding="utf-8",
    )
    tree = batch.apply_parameters(parameters(), params, [])
    assert tree.get("income.per_capita_disposable", __import__("datetime").date(2023, 6, 1)) == 4_000_000


def test_batch_equals_reference_on_random_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 400
    persons = rng.integers(0, 40, n)
    lines, records = [], []
    for i in range(n):
        cls = int(persons[i] % 4 + 1)
        day = f"2024-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        in_city = bool(rng.random() < 0.7)
        temp = (not in_city) and bool(rng.random() < 0.5)
        total = int(rng.integers(0, 5_000_000))
        oop = int(rng.integers(0, total + 1)) // 10
        self_pay = int(rng.integers(0, total - oop + 1))
        lvl = int(rng.integers(1, 4))
        kind = "inpatient" if rng.random() < 0.6 else "chronic_outpatient"
        lines.append(
            f"K{i:04d},P{persons[i]},{cls},{day},{kind},{lvl},{str(in_city).lower()},true,{str(temp).lower()},false,"
            f"{total // 100}.{total % 100:02d},{oop // 100}.{oop % 100:02d},{self_pay // 100}.{self_pay % 100:02d}"
        )
        records.append(
            {
                "claim_id": f"K{i:04d}",
                "person": int(persons[i]),
                "settle_date": day,
                "person_class": cls,
                "inpatient": kind == "inpatient",
                "hospital_level": lvl,
                "in_city": in_city,
                "in_province": True,
                "temporary_out_of_city": temp,
                "tilted_approved": False,
                "total_cost": total,
                "out_of_policy_cost": oop,
                "policy_self_pay": self_pay,
            }
        )
    out = tmp_path / "out.csv"
    batch.run(write(tmp_path, lines), out, parameters())
    got = {r["claim_id"]: r["basic_aid"] for r in read(out)}
    records.sort(key=lambda r: (r["person"], r["settle_date"], r["claim_id"]))
    ref = settle_reference(Claims.from_records(records), parameters())
    for i, r in enumerate(records):
        fen = int(ref.basic_aid[i])
        assert got[r["claim_id"]] == f"{fen // 100}.{fen % 100:02d}"


# Tilted rows of 2024 need the 2023 income; those of 2025 need 2024's.
TILTED = [
    # P1 2024: class 1, a tilted row and a plain row of the same person-year → both fail (one year, one order)
    "T1,P1,1,2024-03-01,inpatient,2,true,true,false,true,50000,0,40000",
    "T2,P1,1,2024-04-01,inpatient,2,true,true,false,false,2000,0,1000",
    # P1 2025: another year of the same person, income 2024 entered → settled
    "T3,P1,1,2025-03-01,inpatient,2,true,true,false,true,50000,0,40000",
    # P2 2024: no tilted row → needs no income, settled: 1000 × 70% = 700.00
    "T4,P2,2,2024-03-01,inpatient,2,true,true,false,false,2000,0,1000",
]


def test_a_missing_income_fails_the_person_years_that_need_it(tmp_path: Path) -> None:
    tree = batch.apply_parameters(parameters(), None, ["income.per_capita_disposable@2024=40000元"])
    out = tmp_path / "out.csv"
    result = batch.run(write(tmp_path, TILTED), out, tree)
    errors = read(batch.errors_file(out))
    by_claim = {e["claim_id"]: e for e in errors}
    assert set(by_claim) == {"T1", "T2"}
    assert by_claim["T1"]["field"] == "tilted_approved" and by_claim["T2"]["field"] == "person_id"
    for e in errors:
        assert "income.per_capita_disposable" in e["rule"] and "2023年度" in e["rule"]
        assert "--set income.per_capita_disposable@2023=" in e["rule"]
    rows = {r["claim_id"]: r for r in read(out)}
    assert set(rows) == {"T3", "T4"} and result.settled == 2
    # T3, class 1: basic 30000 (the cap); base 40000 − 30000 = 10000 > 40000 × 25% = 10000? No: exactly
    # 10000 is not above it → no tilted aid
    assert rows["T3"]["basic_aid"] == "30000.00" and rows["T3"]["tilted_aid"] == "0.00"
    assert rows["T4"]["basic_aid"] == "700.00"


def test_set_forms_for_every_parameter_the_file_needs(tmp_path: Path) -> None:
    import datetime as dt

    # a yearly statistic: that statistical year, in fen or in yuan
    tree = batch.apply_parameters(
        parameters(),
        None,
        ["income.per_capita_disposable@2023=4000000", "income.per_capita_disposable@2024=41000元"],
    )
    assert tree.get("income.per_capita_disposable", dt.date(2023, 6, 1)) == 4_000_000
    assert tree.get("income.per_capita_disposable", dt.date(2024, 6, 1)) == 4_100_000
    # a standard from a date on (第二十六条): before it, the document's value
    tree = batch.apply_parameters(parameters(), None, ["basic.cap.class_3@2024-07-01=15000元"])
    assert tree.get("basic.cap.class_3", dt.date(2024, 6, 30)) == 1_000_000
    assert tree.get("basic.cap.class_3", dt.date(2024, 7, 1)) == 1_500_000
    # refused, naming the option that works
    with pytest.raises(batch.BatchInputError, match=r"--set income\.per_capita_disposable@年度=取值"):
        batch.apply_parameters(parameters(), None, ["income.per_capita_disposable=4000000"])
    with pytest.raises(batch.BatchInputError, match=r"不是按统计年度取值的参数"):
        batch.apply_parameters(parameters(), None, ["basic.cap.class_3@2024=1"])
    with pytest.raises(batch.BatchInputError, match="@ 后应为日期"):
        batch.apply_parameters(parameters(), None, ["basic.cap.class_3@July=1"])
    with pytest.raises(batch.BatchInputError, match="金额"):
        batch.apply_parameters(parameters(), None, ["basic.cap.class_3=1.234元"])
