"""Benchmark (not a test) of medical-assistance settlement: 1,000,000 claims of 200,000 persons.

    .venv/bin/python bench/medical_assistance.py [--claims 1000000] [--persons 200000]

Prints: the vectorised kernel's throughput (best of 3, warm), the claim-by-claim reference's throughput on
a sample and the ratio, and file to file (Parquet in, Parquet out) time and peak memory, measured in a
fresh process so the figure is the runner's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.core.params import AdminValue  # noqa: E402
from ezhou_rules.medical_assistance import batch  # noqa: E402
from ezhou_rules.medical_assistance.parameters_tree import parameters  # noqa: E402
from ezhou_rules.medical_assistance.settlement import Claims, settle, settle_reference  # noqa: E402

# Test data, not Ezhou's real figure (which is configuration nobody has entered).
INCOME = AdminValue("income.per_capita_disposable", dt.date(2023, 1, 1), 4_000_000, source="基准测试数据")


def tree():  # type: ignore[no-untyped-def]
    return parameters().with_values([INCOME])


def generate(n: int, persons: int, seed: int = 2024) -> Claims:
    rng = np.random.default_rng(seed)
    person = rng.integers(0, persons, n)
    days = rng.integers(0, 366, n)
    order = np.lexsort((np.arange(n), days, person))
    person, days = person[order], days[order]
    cls = rng.integers(1, 5, persons).astype(np.int8)[person]
    in_city = rng.random(n) < 0.8
    total = rng.integers(0, 5_000_000, n)
    oop = (total * rng.integers(0, 15, n)) // 100
    return Claims(
        person=person,
        settle_date=np.datetime64("2024-01-01") + days.astype("timedelta64[D]"),
        person_class=cls,
        inpatient=rng.random(n) < 0.6,
        hospital_level=rng.integers(1, 4, n).astype(np.int8),
        in_city=in_city,
        in_province=in_city | (rng.random(n) < 0.7),
        temporary_out_of_city=~in_city & (rng.random(n) < 0.5),
        tilted_approved=(person % 10) == 0,
        total_cost=total,
        out_of_policy_cost=oop,
        policy_self_pay=(total - oop) * rng.integers(0, 60, n) // 100,
    )


def to_table(c: Claims) -> pa.Table:
    def yuan(fen: np.ndarray) -> pa.Array:
        return batch._yuan_text(fen)

    def flag(b: np.ndarray) -> pa.Array:
        return pa.array(np.where(b, "true", "false"))

    n = len(c)
    return pa.table(
        {
            "claim_id": pa.array([f"C{i:08d}" for i in range(n)]),
            "person_id": pa.array(c.person.astype(str)),
            "person_class": pa.array(c.person_class.astype(str)),
            "settle_date": pa.array(np.datetime_as_string(c.settle_date)),
            "kind": pa.array(np.where(c.inpatient, "inpatient", "chronic_outpatient")),
            "hospital_level": pa.array(c.hospital_level.astype(str)),
            "in_city": flag(c.in_city),
            "in_province": flag(c.in_province),
            "temporary_out_of_city": flag(c.temporary_out_of_city),
            "tilted_approved": flag(c.tilted_approved),
            "total_cost": yuan(c.total_cost),
            "out_of_policy_cost": yuan(c.out_of_policy_cost),
            "policy_self_pay": yuan(c.policy_self_pay),
        }
    )


FILE_RUN = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
sys.path.insert(0, {bench!r})
from medical_assistance import tree
from ezhou_rules.medical_assistance import batch
t = time.perf_counter()
r = batch.run(Path(sys.argv[1]), Path(sys.argv[2]), tree())
print(json.dumps({{"seconds": time.perf_counter() - t, "settled": r.settled, "errors": r.errors.num_rows,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--reference-sample", type=int, default=20_000)
    args = ap.parse_args()
    t = tree()
    claims = generate(args.claims, args.persons)
    print(
        f"数据：{args.claims:,} 笔结算单，{args.persons:,} 人（医疗救助对象类别 1—4 随机，10% 纳入倾斜救助）"
    )

    times = []
    for _ in range(3):
        start = time.perf_counter()
        settle(claims, t)
        times.append(time.perf_counter() - start)
    best = min(times)
    print(
        f"向量化内核：最快 {best:.3f} 秒（{args.claims / best:,.0f} 笔/秒）；三次 {', '.join(f'{x:.3f}' for x in times)} 秒"
    )

    sample = claims.take(np.arange(min(args.reference_sample, len(claims))))
    start = time.perf_counter()
    settle_reference(sample, t)
    ref = time.perf_counter() - start
    ref_rate = len(sample) / ref
    print(
        f"逐笔参考实现：{len(sample):,} 笔 {ref:.3f} 秒（{ref_rate:,.0f} 笔/秒）；向量化内核快 {args.claims / best / ref_rate:,.0f} 倍"
    )

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "claims.parquet"
        out = Path(tmp) / "settled.parquet"
        pq.write_table(to_table(claims), src)
        code = FILE_RUN.format(src=str(ROOT / "src"), bench=str(ROOT / "bench"))
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", code, str(src), str(out)], capture_output=True, text=True, check=True
        )
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"文件到文件（Parquet 读入、校验、结算、Parquet 写出）：{figures['seconds']:.2f} 秒，"
            f"峰值内存 {figures['peak_mb']:,.0f} MB，结算 {figures['settled']:,} 笔，校验错误 {figures['errors']} 条"
        )
    print(f"本进程峰值内存 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
