"""Benchmark of the core kernel: the column operations every domain's rules stand on.

Run: .venv/bin/python bench/kernel.py   (or `make bench`). Prints one line per figure.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ezhou_rules.core.ids import resident_id_check_char, valid_resident_ids
from ezhou_rules.core.money import mul_ratio_half_up
from ezhou_rules.core.params import parse_parameters
from ezhou_rules.core.trace import NO_TRACE
from ezhou_rules.core.workdays import default_calendar

RNG = np.random.default_rng(20221018)


def timed(label: str, n: int, fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {n:>12,} rows  {best * 1000:9.1f} ms  {n / best:>14,.0f} rows/s")
    return best


def main() -> None:
    n = 10_000_000
    fen = RNG.integers(0, 50_000_000, n, dtype=np.int64)
    timed("money.mul_ratio_half_up (× 65%, integer half-up)", n, lambda: mul_ratio_half_up(fen, 13, 20))

    tree = parse_parameters(
        """\
document: 鄂州政办发〔2022〕34号
document_date: 2022-10-18
parameters:
  deductible:
    class_3:
      unit: fen
      values:
        2022-10-18: {value: 300000, cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
        2024-01-01: {value: 250000, cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
""",
        name="bench",
        register=False,
    )
    m = 1_000_000
    days = np.datetime64("2022-10-18") + RNG.integers(0, 800, m).astype("timedelta64[D]")
    timed("params.get_array (dated lookup over dates)", m, lambda: tree.get_array("deductible.class_3", days))

    ids_n = 200_000
    bodies = [
        f"420704{1950 + i % 60:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}" for i in range(ids_n)
    ]
    ids = np.array([b + resident_id_check_char(b) for b in bodies])
    timed("ids.valid_resident_ids (GB 11643, vectorised)", ids_n, lambda: valid_resident_ids(ids))

    cal = default_calendar()
    starts = [dt.date(2023, 1, 1) + dt.timedelta(days=int(d)) for d in RNG.integers(0, 1000, 100_000)]
    timed(
        "workdays.add_workdays(d, 5) (per date)",
        len(starts),
        lambda: [cal.add_workdays(d, 5) for d in starts],
    )

    calls = 1_000_000
    timed(
        "trace off: NO_TRACE.step call",
        calls,
        lambda: [NO_TRACE.step("r", None, {}, 0, "") for _ in range(calls)],
    )

    tracemalloc.start()
    mul_ratio_half_up(fen, 13, 20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'peak memory of mul_ratio_half_up over 10M rows':<58} {peak / 2**20:>12.1f} MiB")


if __name__ == "__main__":
    main()
