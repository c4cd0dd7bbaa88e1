"""Benchmark (not a test) of the distributed medical-assistance batch (issue 15 item 4).

    .venv/bin/python bench/medical_assistance_dask.py [--claims 100000000] [--per-file 1000000]
        [--workers 2] [--memory-limit 4GB] [--sample-files 4] [--folder DIR] [--keep]

1. Writes a partitioned Parquet dataset: FILES = claims / per-file files (typed columns, one file a slice of
   the year's settlement system export, persons spread over every file, a person's class fixed for the year).
2. Identity: the first --sample-files files (4,000,000 claims by default) settled by the distributed engine and
   by the single-process engine (batch.run on the same rows as one file) — the outputs compared row for row
   (rows ordered by claim number, every column, every amount).
3. The whole dataset on a LocalCluster (--workers processes, one thread each, --memory-limit each): wall time,
   throughput per worker, and the driver's own peak memory (it holds file names and counts only).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from medical_assistance import tree  # noqa: E402

from ezhou_rules.medical_assistance import batch  # noqa: E402
from ezhou_rules.medical_assistance.distributed import settle_dataset  # noqa: E402


def write_file(path: Path, k: int, rows: int, persons: int) -> None:
    """File k of the dataset: ``rows`` claims of 2024, in date order, claim numbers C{k·rows + i}."""
    rng = np.random.default_rng(1000 + k)
    person = rng.integers(0, persons, rows)
    days = np.sort(rng.integers(0, 366, rows))
    cls = ((person * 2654435761) >> 7) % 4 + 1  # the person's class, the same in every file
    in_city = rng.random(rows) < 0.8
    total = rng.integers(0, 5_000_000, rows)
    oop = (total * rng.integers(0, 15, rows)) // 100
    ids = pc.binary_join_element_wise(
        "C", pc.cast(pa.array(np.arange(k * rows, (k + 1) * rows)), pa.string()), ""
    )
    table = pa.table(
        {
            "claim_id": ids,
            "person_id": pc.cast(pa.array(person), pa.string()),
            "person_class": pa.array(cls.astype(np.int8)),
            "settle_date": pa.array(np.datetime64("2024-01-01") + days.astype("timedelta64[D]")),
            "kind": pa.array(
                np.where(rng.random(rows) < 0.6, "inpatient", "chronic_outpatient")
            ).dictionary_encode(),
            "hospital_level": pa.array(rng.integers(1, 4, rows).astype(np.int8)),
            "in_city": pa.array(in_city),
            "in_province": pa.array(in_city | (rng.random(rows) < 0.7)),
            "temporary_out_of_city": pa.array(~in_city & (rng.random(rows) < 0.5)),
            "tilted_approved": pa.array((person % 10) == 0),
            "total_cost": batch._yuan_decimal(total),
            "out_of_policy_cost": batch._yuan_decimal(oop),
            "policy_self_pay": batch._yuan_decimal((total - oop) * rng.integers(0, 60, rows) // 100),
        }
    )
    pq.write_table(table, path)


def canonical(table: pa.Table) -> pa.Table:
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        cols[name] = pc.cast(col, col.type.value_type) if pa.types.is_dictionary(col.type) else col
    plain = pa.table(cols)
    return plain.take(pc.sort_indices(plain, [("claim_id", "ascending")]))


def _resident_mb() -> float:
    """This process's resident memory now (Linux /proc; NaN elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000_000)
    ap.add_argument("--per-file", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--sample-files", type=int, default=4)
    ap.add_argument("--folder", type=Path, default=None, help="数据集文件夹（已存在则直接使用）")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    from dask.distributed import Client, LocalCluster

    files = args.claims // args.per_file
    persons = args.claims // 5
    base = args.folder or Path(tempfile.mkdtemp(prefix="ezhou-dask-bench-"))
    data = base / "claims"
    data.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for k in range(files):
        path = data / f"part-{k:05d}.parquet"
        if not path.exists():
            write_file(path, k, args.per_file, persons)
    print(
        f"数据集：{files} 个 Parquet 文件，共 {files * args.per_file:,} 笔结算单，{persons:,} 人（准备 {time.perf_counter() - start:.0f} 秒）"
    )
    t = tree()
    try:
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=args.memory_limit,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            # identity on a sample
            sample = base / "sample"
            sample.mkdir(exist_ok=True)
            for k in range(min(args.sample_files, files)):
                target = sample / f"part-{k:05d}.parquet"
                if not target.exists():
                    shutil.copy(data / target.name, target)
            whole = base / "sample-whole.parquet"
            pq.write_table(
                pa.concat_tables([pq.read_table(p) for p in sorted(sample.glob("*.parquet"))]), whole
            )
            single = batch.run(whole, base / "sample-single.parquet", t)
            res = settle_dataset(client, sample, base / "sample-out", t)
            got = canonical(
                pa.concat_tables(
                    [pq.read_table(p) for p in (base / "sample-out" / "settled").glob("*.parquet")],
                    promote_options="permissive",
                )
            )
            want = canonical(pq.read_table(base / "sample-single.parquet"))
            same = got.equals(want)
            print(
                f"一致性（样本 {res.rows:,} 笔）：分布式结算 {res.settled:,} 笔，单进程 {single.settled:,} 笔；"
                f"按结算单号排序后逐行逐列比较：{'完全一致' if same else '不一致'}"
            )
            del got, want
            # the whole dataset
            before = _resident_mb()
            start = time.perf_counter()
            res = settle_dataset(client, data, base / "out", t)
            wall = time.perf_counter() - start
            print(
                f"全量：{res.rows:,} 笔，{args.workers} 个工作进程（每个 1 线程，内存上限 {args.memory_limit}），"
                f"{res.buckets} 个分桶，用时 {wall:.0f} 秒；每个工作进程 {res.rows / wall / args.workers:,.0f} 笔/秒；"
                f"结算 {res.settled:,} 笔，校验错误 {res.error_rows} 行；各轮："
                + "，".join(f"{k} {v:.0f} 秒" for k, v in res.seconds.items())
            )
            print(
                f"主进程常驻内存：全量运行前 {before:,.0f} MB，运行后 {_resident_mb():,.0f} MB（只经手文件名和计数）"
            )
    finally:
        print(
            f"主进程峰值内存 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB（含单进程对照的样本）"
        )
        if not args.keep and args.folder is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
