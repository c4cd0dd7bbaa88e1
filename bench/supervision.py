"""Benchmark of task supervision (督办): task states and rural-delivery coverage.

1. The state of 10,000 tasks with 100,000 progress/completion reports on 365 dates (issue 13: ≤ 5 s):
   validation of the report columns plus the state matrix with the latest report per item and date.
2. Coverage of the three levels of 鄂州政办发〔2022〕28号 二 over 5,000 villages and 20,000 sites on 365 dates
   (≤ 5 s): counts, coverage and the per-unit norm of every level on every date. Timed twice: from validated
   site records (each site checked against the register) and from bare columns.

Synthetic data (fixed seed): the jurisdictions and sites are invented for the benchmark only.
Run:  .venv/bin/python bench/supervision.py [--tasks 10000 --reports 100000 --villages 5000 --sites 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.supervision.rural_delivery.coverage import coverage_series  # noqa: E402
from ezhou_rules.supervision.rural_delivery.jurisdictions import Jurisdiction, JurisdictionRegister  # noqa: E402
from ezhou_rules.supervision.rural_delivery.sites import Site, SiteState, SiteTable, site_table  # noqa: E402
from ezhou_rules.supervision.state import State, Supervision  # noqa: E402


def best_of(n: int, fn):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times, result


def bench_states(n_tasks: int, n_reports: int, n_dates: int, rng: np.random.Generator) -> None:
    issued = np.full(n_tasks, np.datetime64("2022-08-09"), dtype="datetime64[D]")
    # month-end deadlines 2022-08 … 2025-12; one task in five runs continuously (NaT)
    months = rng.integers(0, 41, n_tasks)
    due = (np.datetime64("2022-09", "M") + months).astype("datetime64[D]") - 1
    due[rng.random(n_tasks) < 0.2] = np.datetime64("NaT")
    engine = Supervision.from_arrays([f"t{k}" for k in range(n_tasks)], due, issued)
    item = rng.integers(0, n_tasks, n_reports)
    dates = np.datetime64("2022-08-09") + rng.integers(0, 1200, n_reports).astype("timedelta64[D]")
    completion = (rng.random(n_reports) < 0.3) & ~np.isnat(due[item])
    query = np.datetime64("2024-01-01") + np.arange(n_dates).astype("timedelta64[D]")

    def run():  # type: ignore[no-untyped-def]
        cols = engine.report_arrays(item, completion, dates)
        return engine.states(cols, query, with_last_report=True)

    best, times, matrix = best_of(3, run)
    counts = {s.name: int((matrix.state[:, -1] == s).sum()) for s in State}
    print(
        f"任务状态：{n_tasks:,} 项任务、{n_reports:,} 条报告、{n_dates} 个日期"
        f"（{n_tasks * n_dates:,} 个状态）：最快 {best:.3f} 秒；三次 {', '.join(f'{t:.3f}' for t in times)} 秒"
    )
    print(f"  最后一日各状态数：{counts}")


def bench_coverage(n_villages: int, n_sites: int, n_dates: int, rng: np.random.Generator) -> None:
    rows = [Jurisdiction(f"D{k}", f"区{k}", "district") for k in range(3)]
    rows.append(Jurisdiction("Z0", "开发区", "district", development_zone=True))
    rows += [Jurisdiction(f"T{k}", f"镇{k}", "township", f"D{k % 3}" if k % 7 else "Z0") for k in range(21)]
    rows += [
        Jurisdiction(f"V{k}", f"村{k}", "village", f"T{k % 21}", dispersed=bool(k % 50 == 0))
        for k in range(n_villages)
    ]
    t0 = time.perf_counter()
    register = JurisdictionRegister(rows)
    t_register = time.perf_counter() - t0
    level = rng.choice([0, 1, 2], size=n_sites, p=[0.0005, 0.01, 0.9895])
    level[:4] = 0
    units = np.where(
        level == 0,
        rng.integers(0, 4, n_sites),
        np.where(level == 1, rng.integers(0, 21, n_sites), rng.integers(0, n_villages, n_sites)),
    )
    start = np.datetime64("2022-10-01") + rng.integers(0, 1000, n_sites).astype("timedelta64[D]")
    closed = rng.random(n_sites) < 0.05
    end = np.where(
        closed, start + rng.integers(30, 400, n_sites).astype("timedelta64[D]"), np.datetime64("NaT")
    )
    codes = {0: register.codes["district"], 1: register.codes["township"], 2: register.codes["village"]}
    names = ("district", "township", "village")
    sites = []
    for k in range(n_sites):
        history = [SiteState(start[k].astype(object), "operating")]
        if closed[k]:
            history.append(SiteState(end[k].astype(object), "closed"))
        sites.append(
            Site(
                f"s{k}",
                f"站点{k}",
                names[level[k]],
                codes[int(level[k])][units[k]],
                ("邮政", "快递"),
                (),
                tuple(history),
            )
        )
    query = np.datetime64("2024-01-01") + np.arange(n_dates).astype("timedelta64[D]")

    best, times, series = best_of(3, lambda: coverage_series(register, sites, query))
    table = SiteTable.from_arrays(level, units, start, end)
    best_cols, times_cols, series_cols = best_of(3, lambda: coverage_series(register, table, query))
    t0 = time.perf_counter()
    site_table(sites, register)
    t_validate = time.perf_counter() - t0
    assert (series.levels["village"].covered == series_cols.levels["village"].covered).all()
    v = series.levels["village"]
    print(
        f"覆盖率：{n_villages:,} 个村、{n_sites:,} 个站点、{n_dates} 个日期："
        f"从站点记录（含逐个校验）最快 {best:.3f} 秒（三次 {', '.join(f'{t:.3f}' for t in times)}）；"
        f"从列数据最快 {best_cols:.3f} 秒（三次 {', '.join(f'{t:.3f}' for t in times_cols)}）"
    )
    print(
        f"  其中站点校验 {t_validate:.3f} 秒；辖区名录载入 {t_register:.3f} 秒（不计入）；"
        f"最后一日村级网点 {int(v.count[-1]):,} 个，覆盖 {int(v.covered[-1]):,}/{int(v.denominator[-1]):,} 个村"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--villages", type=int, default=5_000)
    ap.add_argument("--sites", type=int, default=20_000)
    ap.add_argument("--dates", type=int, default=365)
    args = ap.parse_args()
    rng = np.random.default_rng(20221)
    bench_states(args.tasks, args.reports, args.dates, rng)
    bench_coverage(args.villages, args.sites, args.dates, rng)


if __name__ == "__main__":
    main()
