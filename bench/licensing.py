"""Benchmark of the licensing rules (鄂州政办发〔2022〕27号): a 双随机 draw and the daily overdue sweep.

1. Draw: 200,000 holders in 3 credit-risk classes (1% special industries, drawn in full), 300 inspectors in teams
   of 2, ratios 3% / 5% / 10%: population snapshot and hash, commitment, draw, and verification (a re-run).
2. Sweep (the rules part): 100,000 open cases decided in the 90 days before 2026-10-31, configured periods of 5–30
   working or calendar days: due dates through the working-day calendar (vectorised), then overdue against a
   date. A one-by-one reference on 10,000 cases gives the ratio.

Run:  .venv/bin/python bench/licensing.py [--holders 200000] [--cases 100000] [--repeat 3]
Prints one line per figure (best of --repeat runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.licensing.draw import (
    DrawSpec,
    Inspectors,
    Population,
    commit_draw,
    inspectors_from_snapshot,
    population_from_snapshot,
    run_draw,
    verify_draw,
)
from ezhou_rules.licensing.periods import PeriodUnit, due_date, due_dates, overdue_sweep


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), times, out


def bench_draw(n: int, repeat: int) -> None:
    rng = np.random.default_rng(20221029)
    ids = np.array([f"91420700MA{i:08d}" for i in rng.permutation(n)])
    risk = rng.choice(np.array(["A", "B", "C"]), n)
    special = rng.random(n) < 0.01
    inspectors = Inspectors.from_ids([f"INS{i:04d}" for i in range(300)])
    spec = DrawSpec(
        "bench", {"A": Fraction(3, 100), "B": Fraction(5, 100), "C": Fraction(10, 100)}, team_size=2
    )
    seed = bytes(range(32))

    def whole() -> tuple[Any, Any]:
        pop = Population.from_columns(ids, risk, special)
        commitment = commit_draw(pop, inspectors, spec, seed)
        result = run_draw(pop, inspectors, spec, seed)
        return pop, commitment, result

    t_all, times, (pop, commitment, result) = best(whole, repeat)
    published_population, published_inspectors = pop.snapshot(), inspectors.snapshot()

    def verify() -> Any:  # as anyone would: from the published snapshots, the seed and the result's hash
        return verify_draw(
            commitment,
            population_from_snapshot(published_population),
            inspectors_from_snapshot(published_inspectors),
            spec,
            seed,
            result.sha256,
        )

    t_verify, _, verification = best(verify, repeat)
    t_draw, _, _ = best(lambda: run_draw(pop, inspectors, spec, seed), repeat)
    print(
        f"抽取对象：{n:,} 户（3 个信用风险分类，特殊行业 {int(special.sum()):,} 户全部抽取），检查人员 300 人，每组 2 人"
    )
    print(f"抽取结果：{len(result.holders):,} 户；各分类（户数，抽取数）：{dict(result.counts)}")
    print(f"快照与哈希、登记、抽取合计：最快 {t_all:.3f} 秒；三次 {', '.join(f'{x:.3f}' for x in times)} 秒")
    print(f"其中抽取本身（run_draw）：最快 {t_draw:.3f} 秒")
    print(
        f"核验（读入公布的快照、重算哈希并重新抽取）：最快 {t_verify:.3f} 秒，结果{'一致' if verification.ok else '不一致'}"
    )


def bench_sweep(n: int, repeat: int) -> None:
    cal = default_calendar()
    rng = np.random.default_rng(7)
    # open cases: decided in the 90 days before the sweep day (due dates stay within 2026, a year with holidays)
    start, end = np.datetime64("2026-08-02"), np.datetime64("2026-10-31")
    events = start + rng.integers(0, int((end - start).astype(int)) + 1, n).astype("timedelta64[D]")
    lengths = rng.integers(5, 31, n)
    workdays = rng.random(n) < 0.7
    closed = rng.random(n) < 0.05
    on = dt.date(2026, 10, 31)

    def sweep() -> Any:
        due, unknown = due_dates(events, lengths, workdays, cal)
        return due, unknown, overdue_sweep(due, on, closed)

    t_sweep, times, (due, unknown, result) = best(sweep, repeat)
    t_cmp, _, _ = best(lambda: overdue_sweep(due, on, closed), repeat)
    m = min(n, 10_000)
    t_ref, _, _ = best(
        lambda: [
            due_date(
                events[i].astype(object),
                int(lengths[i]),
                PeriodUnit.WORKDAYS if workdays[i] else PeriodUnit.DAYS,
                cal,
            )
            for i in range(m)
        ],
        1,
    )
    counts = result.counts()
    print(f"在办案件：{n:,} 件（期限 5—30 个工作日或自然日，5% 已办结），检查日 {on.isoformat()}")
    print(
        f"期限届满日（向量化）+ 逾期比对：最快 {t_sweep:.3f} 秒（{n / t_sweep:,.0f} 件/秒）；三次 {', '.join(f'{x:.3f}' for x in times)} 秒"
    )
    print(f"其中逾期比对（届满日已存储时的每日检查）：最快 {t_cmp * 1000:.1f} 毫秒")
    print(
        f"逾期 {counts['overdue']:,} 件，今日到期 {counts['due_today']:,} 件，日历未录入 {int(unknown.sum()):,} 件"
    )
    print(
        f"逐件参考实现：{m:,} 件 {t_ref:.3f} 秒（{m / t_ref:,.0f} 件/秒）；向量化快 {(m / t_ref) and (n / t_sweep) / (m / t_ref):.0f} 倍"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holders", type=int, default=200_000)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    bench_draw(args.holders, args.repeat)
    bench_sweep(args.cases, args.repeat)


if __name__ == "__main__":
    main()
