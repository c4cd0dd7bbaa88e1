"""A year of a province's claims settled on a dask.distributed cluster; the driver holds no claim data (issue 15).

    settle_dataset(client, Path("claims/"), Path("settled/"), tree)
    # or: ezhou medical-assistance settle-dataset claims/ -o settled/ --scheduler tcp://10.0.0.5:8786

Input: a folder of Parquet files (split any way: by month, by hospital …) on storage every worker reads (a
shared volume, NFS). Output, in the output folder: ``settled/part-00000.parquet`` … (the settled rows with their
five amounts, as the single-process engine writes them), ``errors/*.parquet`` (file, row, claim_id, field,
rule, value) and ``_SUCCESS`` (a JSON summary, written last).

Three rounds of tasks, each on the workers:

1. check (one task per input file): every row checked as the single-process batch does, except the two checks
   that need the whole year (batch_columns.parse without them); the good rows go to the bucket of their person
   (a fingerprint of the person number, modulo the number of buckets: one Parquet piece per bucket) and every
   row's claim number to the bucket of the claim number.
2. duplicates (one task per claim bucket): claim numbers that occur more than once, in any files.
3. settle (one task per person bucket): the bucket's pieces without the duplicated claims go through
   batch.settle_table — which orders each person's claims (M1, M1a) and fails the person-years that lack a
   parameter — and the result is written as one part.

A person's claims are always in one bucket, so each bucket is settled exactly as the whole file would be: the
output equals the single-process engine's, row for row (tests/rules/medical_assistance/test_distributed.py,
bench/medical_assistance_dask.py). Memory per worker is bounded by one input file or one bucket, never the year.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ezhou_rules.core.params import ParameterTree

from . import batch_columns as columns
from .batch import OUTPUT_COLUMNS, _yuan_decimal, read_table, settle_table

FILE, ROW = "_file", "_row"  # where a row came from, carried through the shuffle


@dataclass
class DatasetResult:
    files: int
    rows: int
    settled: int
    error_rows: int
    buckets: int
    seconds: dict[str, float]  # wall time of each round: check, duplicates, settle


def _write(table: pa.Table, path: Path) -> None:
    """Through a temporary name renamed into place: a killed task leaves no torn piece. The shuffle's pieces
    (.arrow) are Arrow IPC files with LZ4 — written and read back at memory speed, no Parquet encoding —
    and the outputs Parquet, encoded as batch.write_output does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if path.suffix == ".arrow":
        table = table.unify_dictionaries()  # one dictionary per column: an IPC file cannot replace one
        with (
            pa.OSFile(str(tmp), "wb") as sink,
            pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer,
        ):
            writer.write_table(table)
    else:
        text_cols = [c.name for c in table.schema if pa.types.is_string(c.type)]
        pq.write_table(
            table,
            tmp,
            use_dictionary=[c for c in text_cols if c != "claim_id"],
            write_statistics=[c for c in table.column_names if c not in text_cols],
        )
    os.replace(tmp, path)


def _read(path: Path) -> pa.Table:
    if path.suffix == ".arrow":
        with pa.memory_map(str(path)) as source:
            return pa.ipc.open_file(source).read_all()
    return pq.read_table(path)


def _error_table(errors: pa.Table, files: np.ndarray, rows: np.ndarray, names: list[str]) -> pa.Table:
    """An error table with the input file and its line (row + 2, as the single-process batch counts)."""
    return pa.table(
        {
            "file": pa.array([names[i] for i in files], pa.string()),
            "row": pa.array(rows + 2, pa.int64()),
            "claim_id": errors.column("claim_id"),
            "field": errors.column("field"),
            "rule": errors.column("rule"),
            "value": errors.column("value"),
        }
    )


def _split_by_bucket(
    table: pa.Table, rows: np.ndarray, bucket: np.ndarray, folder: Path, index: int, buckets: int
) -> None:
    """Write ``table``'s ``rows`` into folder/bNNNNN/fNNNNN.parquet by their bucket (one sort, then slices)."""
    order = np.argsort(bucket[rows], kind="stable")
    rows = rows[order]
    bounds = np.searchsorted(bucket[rows], np.arange(buckets + 1))
    for k in range(buckets):
        part = rows[bounds[k] : bounds[k + 1]]
        if len(part):
            _write(table.take(pa.array(part)), folder / f"b{k:05d}" / f"f{index:05d}.arrow")


def check_file(
    index: int, path: str, work: str, buckets: int, tree: ParameterTree, names: list[str]
) -> dict[str, int]:
    """Round 1 for one input file."""
    table = read_table(Path(path))
    n = table.num_rows
    parsed = columns.parse(table, tree, check_duplicates=False, check_parameters=False)
    where = Path(work)
    if parsed.errors.bad.any():
        errors = parsed.errors.table()
        _write(
            _error_table(errors, np.full(errors.num_rows, index), errors.column("row").to_numpy() - 2, names),
            where / "errors" / f"check-{index:05d}.parquet",
        )
    all_rows = np.arange(n, dtype=np.int64)
    claims = pa.table(
        {"claim_id": parsed.claim_ids, FILE: pa.array(np.full(n, index, np.int32)), ROW: all_rows}
    )
    claim_bucket = (columns.fingerprints(parsed.claim_ids) % np.uint64(buckets)).astype(np.int64)
    _split_by_bucket(claims, all_rows, claim_bucket, where / "claims", index, buckets)
    person_bucket = (
        columns.fingerprints(columns.text(table.column("person_id"))) % np.uint64(buckets)
    ).astype(np.int64)
    tagged = table.append_column(FILE, pa.array(np.full(n, index, np.int32))).append_column(
        ROW, pa.array(all_rows)
    )
    _split_by_bucket(
        tagged, np.flatnonzero(~parsed.errors.bad), person_bucket, where / "rows", index, buckets
    )
    return {"rows": n, "bad": int(parsed.errors.bad.sum())}


def _pieces(folder: Path) -> pa.Table | None:
    paths = sorted(folder.glob("*.arrow")) if folder.exists() else []
    if not paths:
        return None
    return pa.concat_tables([_read(p) for p in paths], promote_options="permissive")


def find_duplicates(k: int, work: str, names: list[str]) -> int:
    """Round 2 for one claim bucket: every row whose claim number occurs more than once in the dataset."""
    table = _pieces(Path(work) / "claims" / f"b{k:05d}")
    if table is None:
        return 0
    dup = columns.duplicated(columns.text(table.column("claim_id")))
    if not dup.any():
        return 0
    rows = table.filter(pa.array(dup))
    files, lines = rows.column(FILE).to_numpy(), rows.column(ROW).to_numpy()
    errors = pa.table(
        {
            "claim_id": rows.column("claim_id"),
            "field": pa.array(["claim_id"] * rows.num_rows),
            "rule": pa.array([columns.DUPLICATE_RULE] * rows.num_rows),
            "value": rows.column("claim_id"),
        }
    )
    _write(_error_table(errors, files, lines, names), Path(work) / "errors" / f"duplicate-{k:05d}.parquet")
    _write(rows.select([FILE, ROW]), Path(work) / "dropped" / f"d{k:05d}.arrow")
    return rows.num_rows


def settle_bucket(k: int, work: str, out: str, tree: ParameterTree, names: list[str]) -> dict[str, int]:
    """Round 3 for one person bucket: settle its persons' claims and write the part."""
    table = _pieces(Path(work) / "rows" / f"b{k:05d}")
    if table is None:
        return {"settled": 0, "bad": 0}
    dropped = _pieces(Path(work) / "dropped")
    if dropped is not None:
        key = table.column(FILE).to_numpy().astype(np.int64) << 40 | table.column(ROW).to_numpy()
        gone = dropped.column(FILE).to_numpy().astype(np.int64) << 40 | dropped.column(ROW).to_numpy()
        keep = ~np.isin(key, gone)
        table = table.filter(pa.array(keep))
    result = settle_table(table, tree)
    bad = 0
    if result.errors.num_rows:
        at = result.errors.column("row").to_numpy() - 2
        files = table.column(FILE).to_numpy()[at]
        lines = table.column(ROW).to_numpy()[at]
        _write(
            _error_table(result.errors, files, lines, names),
            Path(work) / "errors" / f"settle-{k:05d}.parquet",
        )
        bad = len(set(at.tolist()))
    output = result.output.drop_columns([FILE, ROW])
    for name in OUTPUT_COLUMNS:
        output = output.append_column(name, _yuan_decimal(result.amounts[name]))
    _write(output, Path(out) / "settled" / f"part-{k:05d}.parquet")
    return {"settled": result.settled, "bad": bad}


def settle_dataset(
    client: Any, input_dir: Path, output_dir: Path, tree: ParameterTree, buckets: int | None = None
) -> DatasetResult:
    """Run the three rounds on ``client`` (a dask.distributed Client). Only file names and counts pass
    through this process."""
    files = sorted(str(p) for p in Path(input_dir).rglob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"{input_dir} 中没有 Parquet 文件。")
    workers = max(len(client.scheduler_info()["workers"]), 1)
    buckets = buckets or max(4 * workers, len(files))
    names = [str(Path(f).relative_to(input_dir)) for f in files]
    out = Path(output_dir)
    for stale in ("settled", "errors", "_work", "_SUCCESS"):  # an earlier run's parts would be read as ours
        target = out / stale
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    work = out / "_work"
    work.mkdir(parents=True)
    tree_f = client.scatter(tree, broadcast=True)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    checked = client.gather(
        [
            client.submit(check_file, i, f, str(work), buckets, tree_f, names, pure=False)
            for i, f in enumerate(files)
        ]
    )
    seconds["check"], clock = time.perf_counter() - clock, time.perf_counter()
    client.gather([client.submit(find_duplicates, k, str(work), names, pure=False) for k in range(buckets)])
    seconds["duplicates"], clock = time.perf_counter() - clock, time.perf_counter()
    settled = client.gather(
        [
            client.submit(settle_bucket, k, str(work), str(out), tree_f, names, pure=False)
            for k in range(buckets)
        ]
    )
    seconds["settle"] = time.perf_counter() - clock
    (out / "errors").mkdir(exist_ok=True)
    for path in sorted((work / "errors").glob("*.parquet")) if (work / "errors").exists() else []:
        os.replace(path, out / "errors" / path.name)
    error_rows = 0
    if any((out / "errors").iterdir()):
        errors = pa.concat_tables(
            [pq.read_table(p, columns=["file", "row"]) for p in (out / "errors").glob("*.parquet")]
        )
        error_rows = len(
            set(zip(errors.column("file").to_pylist(), errors.column("row").to_pylist(), strict=True))
        )
    shutil.rmtree(work)
    result = DatasetResult(
        files=len(files),
        rows=sum(c["rows"] for c in checked),
        settled=sum(s["settled"] for s in settled),
        error_rows=error_rows,
        buckets=buckets,
        seconds=seconds,
    )
    (out / "_SUCCESS").write_text(json.dumps(result.__dict__, ensure_ascii=False), encoding="utf-8")
    return result
