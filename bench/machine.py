"""The machine a benchmark ran on, in one line printed beside its results.

Absolute targets (seconds) depend on the machine; the machines these benchmarks run on are shared containers
whose speed differs from day to day (the water-plan set-up, unchanged code, took 35.5 s earlier on 2026-12-02
and 118.5 s on an idle machine the same evening). So every benchmark with an absolute target prints, before its
figures, the load average and three calibration timings: a pure-Python loop (what the per-row Python code of
the platform pays), a numpy sort (what the vectorised rules pay) and a million rows inserted into an indexed
SQLite table (what the database-bound benchmarks pay: the same evening the Python loop ran at 0.67 s and the
water-plan set-up still took 3.2× its earlier time). Two runs are comparable when all three agree.
"""

from __future__ import annotations

import os
import time


def _python_loop(n: int = 10_000_000) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    elapsed = time.perf_counter() - start
    assert total == n * (n - 1) // 2
    return elapsed


def _numpy_sort(n: int = 10_000_000) -> float:
    import numpy as np

    values = np.random.default_rng(0).random(n)
    start = time.perf_counter()
    np.sort(values)
    return time.perf_counter() - start


def _sqlite_insert(n: int = 1_000_000) -> float:
    """What the database-bound benchmarks pay: n rows of an indexed table inserted in one transaction into a
    SQLite file (WAL, synchronous=FULL as the platform configures it) and committed."""
    import sqlite3
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="ezhou-calibrate-") as tmp:
        db = sqlite3.connect(Path(tmp) / "c.sqlite3")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, account INTEGER, period TEXT, volume INTEGER)")
        db.execute("CREATE INDEX r_account ON r (account, period)")
        rows = [(i % 100_000, f"2024-{i % 12 + 1:02d}-01", i * 7 % 5000) for i in range(n)]
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO r (account, period, volume) VALUES (?, ?, ?)", rows)
        elapsed = time.perf_counter() - start
        db.close()
    return elapsed


def report() -> str:
    """One line in Chinese: 负载与本机标定 (best of three of each timing)."""
    load = os.getloadavg()
    loop = min(_python_loop() for _ in range(3))
    sort = min(_numpy_sort() for _ in range(3))
    sqlite = min(_sqlite_insert() for _ in range(3))
    return (
        f"本机：负载 {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}（1/5/15 分钟）；标定：纯 Python 循环 1,000 万次加法 "
        f"{loop:.2f} 秒，numpy 排序 1,000 万个浮点数 {sort:.2f} 秒，SQLite 一个事务写入 100 万行（带索引）{sqlite:.2f} 秒"
    )


if __name__ == "__main__":
    print(report())
