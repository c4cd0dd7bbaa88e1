"""The distributed batch (issue 15 item 4) gives the single-process engine's output, row for row, with a
LocalCluster of two worker processes; duplicates across files and person-years lacking a parameter are found
although no task sees the whole year."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.distributed import settle_dataset

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        with distributed.Client(c) as client:
            yield client


def test_the_dataset_settles_as_one_file_would(tmp_path: Path, cluster) -> None:  # type: ignore[no-untyped-def]
    from medical_assistance import file_order, generate, to_typed_table, tree  # the benchmark's generator
    from medical_assistance_dask import canonical  # rows by claim number, plain columns

    exported, ids = file_order(generate(30_000, 2_000, seed=11))
    whole = to_typed_table(exported, ids)
    # a same-day pair of one person split over two files, the later claim number first (M1a across files)
    single = tmp_path / "single.parquet"
    pq.write_table(whole, single)
    folder = tmp_path / "claims"
    folder.mkdir()
    bounds = [0, 7_000, 19_000, 30_000]
    for i in range(3):
        pq.write_table(whole.slice(bounds[i], bounds[i + 1] - bounds[i]), folder / f"month-{i}.parquet")
    local = batch.run(single, tmp_path / "local.parquet", tree())
    result = settle_dataset(cluster, folder, tmp_path / "out", tree(), buckets=5)
    assert (result.files, result.rows, result.settled, result.error_rows) == (3, 30_000, local.settled, 0)
    parts = sorted((tmp_path / "out" / "settled").glob("part-*.parquet"))
    assert len(parts) == 5
    got = canonical(pa.concat_tables([pq.read_table(p) for p in parts], promote_options="permissive"))
    want = canonical(pq.read_table(tmp_path / "local.parquet"))
    assert got.equals(want)
    summary = json.loads((tmp_path / "out" / "_SUCCESS").read_text(encoding="utf-8"))
    assert summary["settled"] == 30_000 and not (tmp_path / "out" / "_work").exists()


def test_duplicates_across_files_and_missing_parameters(tmp_path: Path, cluster) -> None:  # type: ignore[no-untyped-def]
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    header = list(batch.INPUT_COLUMNS)
    good = "P1,3,2024-03-01,inpatient,2,true,true,false,false,10000,0,5000"
    tilted = "P2,3,2024-03-01,inpatient,2,true,true,false,true,10000,0,5000"
    other = "P2,3,2024-04-01,inpatient,2,true,true,false,false,10000,0,5000"
    files = {
        "a.parquet": [f"A1,{good}", f"D1,{good}", f"T1,{tilted}"],
        "b.parquet": [
            f"D1,{good}",
            "B2,P3,9,2024-03-01,inpatient,2,true,true,false,false,100,0,50",
            f"T2,{other}",
        ],
    }
    folder = tmp_path / "claims"
    folder.mkdir()
    for name, lines in files.items():
        rows = [line.split(",") for line in lines]
        pq.write_table(
            pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(header)}), folder / name
        )
    result = settle_dataset(cluster, folder, tmp_path / "out", parameters(), buckets=3)
    errors = pa.concat_tables([pq.read_table(p) for p in (tmp_path / "out" / "errors").glob("*.parquet")])
    found = sorted(
        zip(
            errors.column("file").to_pylist(),
            errors.column("row").to_pylist(),
            errors.column("field").to_pylist(),
            strict=True,
        )
    )
    # D1 twice (one in each file); B2's class 9; P2's 2024 tilted row lacks the 2023 income (第十二条), and so
    # does the rest of P2's year, T2, in the other file
    assert found == [
        ("a.parquet", 3, "claim_id"),
        ("a.parquet", 4, "tilted_approved"),
        ("b.parquet", 2, "claim_id"),
        ("b.parquet", 3, "person_class"),
        ("b.parquet", 4, "person_id"),
    ]
    assert (result.rows, result.settled, result.error_rows) == (6, 1, 5)
    settled = pa.concat_tables([pq.read_table(p) for p in (tmp_path / "out" / "settled").glob("*.parquet")])
    assert settled.column("claim_id").to_pylist() == ["A1"]
    # class 3 (第十一条): self-pay 5,000.00 − deductible 3,000.00 = 2,000.00 × 65% = 1,300.00
    assert settled.column("basic_aid").to_pylist() == [Decimal("1300.00")]
