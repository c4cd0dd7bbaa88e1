"""The machine a benchmark ran on, in two figures printed beside its results.

Absolute targets (seconds) depend on the machine; the machines these benchmarks run on are shared containers
whose speed differs from day to day (the water-plan set-up, unchanged code, took 35.5 s on 2026-12-02 at noon
and 118.5 s on an idle machine the same evening). So every benchmark with an absolute target prints, before its
figures, the load average and two calibration timings: a pure-Python loop (what the per-row Python code of the
platform pays) and a numpy sort (what the vectorised rules pay). Two runs are comparable when these agree.
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


def report() -> str:
    """One line in Chinese: 负载与本机标定 (best of three of each timing)."""
    load = os.getloadavg()
    loop = min(_python_loop() for _ in range(3))
    sort = min(_numpy_sort() for _ in range(3))
    return (
        f"本机：负载 {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}（1/5/15 分钟）；标定：纯 Python 循环 1,000 万次加法 "
        f"{loop:.2f} 秒，numpy 排序 1,000 万个浮点数 {sort:.2f} 秒"
    )


if __name__ == "__main__":
    print(report())
