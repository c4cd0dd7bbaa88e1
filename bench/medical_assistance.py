"""Benchmark (not a test) of medical-assistance settlement: 1,000,000 claims of 200,000 persons.

    .venv/bin/python bench/medical_assistance.py [--claims 1000000] [--persons 200000] [--no-command]

Prints, in one run:
- the vectorised kernel's throughput (best of 3, warm) and the claim-by-claim reference's on a sample;
- issue 15 item 2: ``settle_table`` (validation + order + settlement) on the year's claims as read from a
  typed Parquet file, against a plain-numpy floor on the same claims (one int64 sort key, grouped running
  sums, basic aid only), interleaved, best of 5 each, and the ratio (target ≥ 0.33); the same for the text
  columns of a CSV;
- issue 15 item 3: ``ezhou medical-assistance settle`` on the Parquet file as a whole process (start-up
  included): wall time and peak memory, median of 3 (targets ≤ 2.5 s, ≤ 1 GB).

The claims are written in file order (by date, persons interleaved), not sorted by person, as a settlement
system exports them; claim numbers are C0 … C999999 (so natural order matters: C9 before C10).
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

import machine  # bench/machine.py: load and calibration printed beside the figures
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


def file_order(c: Claims, seed: int = 7) -> tuple[Claims, np.ndarray]:
    """The claims as a settlement system exports them: by date, persons interleaved (a permutation of the
    generator's person-sorted rows), and the claim numbers C0, C1, … in that order."""
    rng = np.random.default_rng(seed)
    days = c.settle_date.astype(np.int64)
    order = np.lexsort((rng.random(len(c)), days))
    return c.take(order), np.array([f"C{i}" for i in range(len(c))], dtype=object)


def to_typed_table(c: Claims, claim_ids: np.ndarray) -> pa.Table:
    """Typed Parquet columns: date32, int8, bool, decimal128(18, 2) amounts (batch_columns reads them without
    parsing text)."""
    return pa.table(
        {
            "claim_id": pa.array(claim_ids, pa.string()),
            "person_id": pa.array(c.person.astype(str)),
            "person_class": pa.array(c.person_class.astype(np.int8)),
            "settle_date": pa.array(c.settle_date.astype("datetime64[D]")),
            "kind": pa.array(np.where(c.inpatient, "inpatient", "chronic_outpatient")).dictionary_encode(),
            "hospital_level": pa.array(c.hospital_level.astype(np.int8)),
            "in_city": pa.array(c.in_city),
            "in_province": pa.array(c.in_province),
            "temporary_out_of_city": pa.array(c.temporary_out_of_city),
            "tilted_approved": pa.array(c.tilted_approved),
            "total_cost": batch._yuan_decimal(c.total_cost),
            "out_of_policy_cost": batch._yuan_decimal(c.out_of_policy_cost),
            "policy_self_pay": batch._yuan_decimal(c.policy_self_pay),
        }
    )


def numpy_floor(
    person: np.ndarray, days: np.ndarray, self_pay: np.ndarray, cls: np.ndarray, tables: dict
) -> np.ndarray:
    """The plain-numpy floor of issue 15: basic aid only (第十一条), one int64 sort key (person, day), grouped
    running sums for the deductible and the cap, half-up rounding; no validation, no tilted aid, no 50% rule,
    same-day claims in whatever order the sort leaves them. Returns basic aid per input row."""
    n = len(person)
    low = int(days.min())
    key = (person.astype(np.int64) << 10) | (days - low)
    order = np.argsort(key)
    k = key[order] >> 10
    x = self_pay[order]
    c = cls[order].astype(np.intp)
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = k[1:] != k[:-1]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    cs = np.cumsum(x)
    before = cs - cs[start] + x[start] - x
    eligible = np.maximum(x - np.maximum(tables["deductible"][c] - before, 0), 0)
    num, den = tables["num"][c], tables["den"][c]
    raw = (2 * eligible * num + den) // (2 * den)
    rs = np.cumsum(raw)
    r_after = rs - rs[start] + raw[start]
    cap = tables["cap"][c]
    basic = np.minimum(r_after, cap) - np.minimum(r_after - raw, cap)
    out = np.empty(n, dtype=np.int64)
    out[order] = basic
    return out


def floor_tables(t, day: dt.date) -> dict:  # type: ignore[no-untyped-def]
    tables = {k: np.zeros(5, dtype=np.int64) for k in ("deductible", "cap", "num", "den")}
    for c in (1, 2, 3, 4):
        tables["deductible"][c] = t.get(f"basic.deductible.class_{c}", day)
        tables["cap"][c] = t.get(f"basic.cap.class_{c}", day)
        ratio = t.get(f"basic.ratio.class_{c}", day)
        tables["num"][c], tables["den"][c] = ratio.numerator, ratio.denominator
    tables["den"][0] = 1
    return tables


def interleaved(runs: dict, rounds: int) -> dict[str, list[float]]:
    """Each callable once per round, in turn, so the machine's load falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def command_runs(src: Path, out: Path, rounds: int) -> list[tuple[float, float]]:
    """`ezhou medical-assistance settle` as a whole process: (wall seconds, peak MB) per run. The database is
    a fresh, migrated SQLite in a temporary folder; the 2023 income comes with --set."""
    import os

    ezhou = Path(sys.executable).with_name("ezhou")
    with tempfile.TemporaryDirectory() as var:
        env = dict(os.environ, EZHOU_VAR_DIR=var, PYTHONPATH=str(ROOT / "src"))
        subprocess.run([str(ezhou), "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
        figures = []
        # GNU time reports the command's own peak: a child's ru_maxrss as seen by this (large) process would
        # start from this process's own high-water mark, inherited at fork
        gnu_time = Path("/usr/bin/time")
        for _ in range(rounds):
            report = Path(var) / "time.txt"
            argv = [str(ezhou), "medical-assistance", "settle", str(src), "-o", str(out), "--set", INCOME_SET]
            if gnu_time.exists():
                argv = [str(gnu_time), "-o", str(report), "-f", "%M", *argv]
            start = time.perf_counter()
            proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)  # noqa: S603
            wall = time.perf_counter() - start
            if proc.returncode != 0:
                raise SystemExit(f"ezhou medical-assistance settle 退出码 {proc.returncode}")
            peak = int(report.read_text().split()[-1]) / 1024 if gnu_time.exists() else float("nan")
            figures.append((wall, peak))
    return figures


INCOME_SET = "income.per_capita_disposable@2023=40000元"  # the same test value as INCOME


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
    ap.add_argument(
        "--no-command", action="store_true", help="不测整个命令进程（需要 ezhou 命令与数据库迁移）"
    )
    args = ap.parse_args()
    t = tree()
    print(machine.report())  # the machine's speed beside the figures (bench/machine.py)
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

    # issue 15 item 2: settle_table against the numpy floor, on the claims in file order
    exported, claim_ids = file_order(claims)
    typed = to_typed_table(exported, claim_ids)
    text = to_table(exported).set_column(0, "claim_id", pa.array(claim_ids, pa.string()))
    tables = floor_tables(t, dt.date(2024, 1, 1))
    person, days = exported.person.astype(np.int64), exported.settle_date.astype(np.int64)
    x, cls = exported.policy_self_pay, exported.person_class
    times = interleaved(
        {
            "floor": lambda: numpy_floor(person, days, x, cls, tables),
            "typed": lambda: batch.settle_table(typed, t),
            "text": lambda: batch.settle_table(text, t),
        },
        rounds=5,
    )
    floor, best_typed, best_text = min(times["floor"]), min(times["typed"]), min(times["text"])
    print(
        f"numpy 下限（单一 int64 排序键、分组累计、仅基本救助）：最快 {floor:.3f} 秒（{args.claims / floor:,.0f} 笔/秒）"
    )
    print(
        f"settle_table（校验 + 排序 + 结算，Parquet 类型列）：最快 {best_typed:.3f} 秒（{args.claims / best_typed:,.0f} 笔/秒），"
        f"为下限的 {floor / best_typed:.2f}（目标 ≥ 0.33）"
    )
    print(
        f"settle_table（CSV 文本列）：最快 {best_text:.3f} 秒（{args.claims / best_text:,.0f} 笔/秒），为下限的 {floor / best_text:.2f}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "claims.parquet"
        out = Path(tmp) / "settled.parquet"
        pq.write_table(typed, src)
        code = FILE_RUN.format(src=str(ROOT / "src"), bench=str(ROOT / "bench"))
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", code, str(src), str(out)], capture_output=True, text=True, check=True
        )
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"文件到文件（Parquet 读入、校验、结算、Parquet 写出，进程内计时）：{figures['seconds']:.2f} 秒，"
            f"峰值内存 {figures['peak_mb']:,.0f} MB，结算 {figures['settled']:,} 笔，校验错误 {figures['errors']} 条"
        )
        if not args.no_command:
            del (
                claims,
                exported,
                typed,
                text,
                sample,
            )  # the command runs on a machine this process does not crowd
            runs = command_runs(src, out, rounds=3)
            walls = sorted(w for w, _ in runs)
            peak = max(m for _, m in runs)
            print(
                f"命令 ezhou medical-assistance settle（整个进程，含启动）：中位 {walls[len(walls) // 2]:.2f} 秒，"
                f"三次 {', '.join(f'{w:.2f}' for w, _ in runs)} 秒（目标 ≤ 2.5 秒）；峰值内存 {peak:,.0f} MB（目标 ≤ 1 GB）"
            )
    print(f"本进程峰值内存 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
