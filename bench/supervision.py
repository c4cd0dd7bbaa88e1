"""Benchmark of task supervision (督办): task states and rural-delivery coverage.

1. The state of 10,000 tasks with 100,000 progress/completion reports on 365 dates (issue 13: ≤ 5 s):
   validation of the report columns plus the state matrix with the latest report per item and date.
2. Coverage of the three levels of 鄂州政办发〔2022〕28号 二 over 5,000 villages and 20,000 sites on 365 dates
   (≤ 5 s): counts, coverage and the per-unit norm of every level on every date. Timed twice: from validated
   site records (each site checked against the register) and from bare columns.

3. The same two with the database (the platform's services): the items, reports, jurisdictions, sites, operators
   and state histories written to a fresh SQLite file (or DATABASE_URL), then timed from the query on:
   ``supervision.services.boards.state_matrix`` (items and reports read from their tables) and
   ``supervision.services.coverage.series`` (the jurisdiction register and the sites with their histories read
   from the tables, each site checked against the register). The writes are timed and reported apart.

Synthetic data (fixed seed): the jurisdictions and sites are invented for the benchmark only.
Run:  .venv/bin/python bench/supervision.py [--tasks 10000 --reports 100000 --villages 5000 --sites 20000]
      [--no-db]   (rules only)   [--part states|coverage]   (one of the two)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _django() -> None:
    tmp = tempfile.mkdtemp(prefix="ezhou-bench-sv-")
    os.environ.setdefault("EZHOU_VAR_DIR", tmp)
    os.environ.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ezhou_platform.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def bench_db(args: argparse.Namespace, rng: np.random.Generator) -> None:
    """Write the benchmark's data through the ORM (bulk), then time the platform's services from the query on."""
    _django()
    from ezhou_platform.common.models import Department, Organisation, User

    vendor = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    user = User.objects.create(username="bench", display_name="基准测试")
    dept = Department.objects.get_or_create(code="bench", defaults={"name": "基准测试部门"})[0]
    unit = Organisation.objects.create(kind=Organisation.Kind.DEPARTMENT, name="基准测试单位")

    if args.part in ("all", "states"):
        _db_states(args, rng, plan_args=(user, dept, unit, vendor))
    if args.part in ("all", "coverage"):
        _db_coverage(args, rng, plan_args=(user, dept, unit, vendor))


def _db_states(args: argparse.Namespace, rng: np.random.Generator, plan_args: tuple[Any, ...]) -> None:
    from ezhou_platform.supervision.models import Item, Plan, Report, Task
    from ezhou_platform.supervision.services.boards import state_matrix

    user, dept, unit, vendor = plan_args
    n_tasks, n_reports, n_dates = args.tasks, args.reports, args.dates
    t0 = time.perf_counter()
    plan = Plan.objects.create(
        slug="bench",
        document="基准〔2022〕1号",
        title="基准测试方案",
        issued=dt.date(2022, 8, 9),
        department=dept,
        supervision_cite="基准",
        leadership_name="基准",
        leadership_cite="基准",
    )
    task = Task.objects.create(
        plan=plan,
        number=1,
        text="基准任务",
        anchor="b",
        citation="基准",
        deadline_kind="month",
        deliverable="completion",
        lead_basis="annex",
    )
    months = rng.integers(0, 41, n_tasks)
    continuous = rng.random(n_tasks) < 0.2
    items = []
    for k in range(n_tasks):
        due = (
            None
            if continuous[k]
            else ((np.datetime64("2022-09", "M") + int(months[k])).astype("datetime64[D]") - 1).astype(object)
        )
        items.append(
            Item(
                plan=plan,
                task=task,
                code=f"bench/{k}",
                label=f"事项{k}",
                kind="continuous" if due is None else "month",
                due=due,
                deliverable="completion",
            )
        )
    Item.objects.bulk_create(items, batch_size=2000)
    ids = np.array(Item.objects.filter(plan=plan).order_by("id").values_list("id", flat=True))
    which = rng.integers(0, n_tasks, n_reports)
    days = rng.integers(0, 1200, n_reports)
    completion = (rng.random(n_reports) < 0.3) & ~continuous[which]
    status = rng.choice(["accepted", "submitted", "returned"], size=n_reports, p=[0.8, 0.15, 0.05])
    base = dt.date(2022, 8, 9)
    Report.objects.bulk_create(
        (
            Report(
                plan=plan,
                item_id=int(ids[which[k]]),
                unit=unit,
                kind="completion" if completion[k] else "progress",
                evidence_date=base + dt.timedelta(days=int(days[k])),
                summary="基准",
                filed_by=user,
                filed_on=base + dt.timedelta(days=int(days[k])),
                status=str(status[k]),
            )
            for k in range(n_reports)
        ),
        batch_size=5000,
    )
    t_write = time.perf_counter() - t0
    query = np.datetime64("2024-01-01") + np.arange(n_dates).astype("timedelta64[D]")
    best, times, (_, matrix) = best_of(3, lambda: state_matrix([plan], query))
    counts = {s.name: int((matrix.state[:, -1] == s).sum()) for s in State}
    print(
        f"任务状态（数据库 {vendor}）：{n_tasks:,} 项事项、{n_reports:,} 条报送、{n_dates} 个日期：从查询起"
        f"最快 {best:.3f} 秒（三次 {', '.join(f'{t:.3f}' for t in times)}）；写入 {t_write:.1f} 秒（不计入）"
    )
    print(f"  最后一日各状态数：{counts}")


def _db_coverage(args: argparse.Namespace, rng: np.random.Generator, plan_args: tuple[Any, ...]) -> None:
    from ezhou_platform.common.models import Jurisdiction as J
    from ezhou_platform.supervision.models import Plan, Site, SiteOperator, SiteState
    from ezhou_platform.supervision.services.coverage import series

    user, dept, unit, vendor = plan_args
    n_villages, n_sites, n_dates = args.villages, args.sites, args.dates
    t0 = time.perf_counter()
    districts = [
        J(code=f"bd{k}", name=f"基准区{k}", level="district", division_code=f"9{k}0000") for k in range(3)
    ]
    districts.append(J(code="bz0", name="基准开发区", level="district"))
    J.objects.bulk_create(districts)
    dpk = dict(J.objects.filter(code__startswith="b", level="district").values_list("code", "pk"))
    townships = [
        J(code=f"bt{k}", name=f"基准镇{k}", level="township", parent_id=dpk[f"bd{k % 3}" if k % 7 else "bz0"])
        for k in range(21)
    ]
    J.objects.bulk_create(townships)
    tpk = dict(J.objects.filter(code__startswith="bt").values_list("code", "pk"))
    J.objects.bulk_create(
        (
            J(code=f"bv{k}", name=f"基准村{k}", level="village", parent_id=tpk[f"bt{k % 21}"])
            for k in range(n_villages)
        ),
        batch_size=2000,
    )
    jpk = {
        0: [dpk[f"bd{k}"] for k in range(3)] + [dpk["bz0"]],
        1: [tpk[f"bt{k}"] for k in range(21)],
        2: list(J.objects.filter(code__startswith="bv").order_by("id").values_list("pk", flat=True)),
    }
    level = rng.choice([0, 1, 2], size=n_sites, p=[0.0005, 0.01, 0.9895])
    level[:4] = 0
    names = ("district", "township", "village")
    start = rng.integers(0, 1000, n_sites)
    closed = rng.random(n_sites) < 0.05
    length = rng.integers(30, 400, n_sites)
    rplan = Plan.objects.create(
        slug="bench-rd",
        document="基准〔2022〕2号",
        title="基准测试方案二",
        issued=dt.date(2022, 9, 1),
        department=dept,
        supervision_cite="基准",
        leadership_name="基准",
        leadership_cite="基准",
    )
    sites = []
    for k in range(n_sites):
        lv = int(level[k])
        pool = jpk[lv]
        sites.append(
            Site(
                plan=rplan,
                code=f"BS{k}",
                name=f"站点{k}",
                level=names[lv],
                jurisdiction_id=pool[k % len(pool)] if lv < 2 else pool[int(rng.integers(0, len(pool)))],
                functions=["揽收", "投递"],
                status="closed" if closed[k] else "operating",
                registered_by=user,
            )
        )
    Site.objects.bulk_create(sites, batch_size=5000)
    spk = list(Site.objects.filter(plan=rplan).order_by("id").values_list("pk", flat=True))
    first = dt.date(2022, 10, 1)
    states = []
    for k, pk in enumerate(spk):
        on = first + dt.timedelta(days=int(start[k]))
        states.append(SiteState(site_id=pk, state="operating", since=on))
        if closed[k]:
            states.append(SiteState(site_id=pk, state="closed", since=on + dt.timedelta(days=int(length[k]))))
    SiteState.objects.bulk_create(states, batch_size=5000)
    SiteOperator.objects.bulk_create(
        (SiteOperator(site_id=pk, position=1, organisation=unit) for pk in spk), batch_size=5000
    )
    t_write = time.perf_counter() - t0
    end = dt.date(2024, 1, 1) + dt.timedelta(days=n_dates - 1)
    best, times, s = best_of(3, lambda: series(dt.date(2024, 1, 1), end, step="day"))
    v = s.levels["village"]
    print(
        f"覆盖率（数据库 {vendor}）：{n_villages:,} 个村、{n_sites:,} 个站点、{len(s.dates)} 个日期：从查询起"
        f"（辖区名录、站点、运营主体和状态记录，逐个校验）最快 {best:.3f} 秒（三次 "
        f"{', '.join(f'{t:.3f}' for t in times)}）；写入 {t_write:.1f} 秒（不计入）"
    )
    print(
        f"  最后一日村级网点 {int(v.count[-1]):,} 个，覆盖 {int(v.covered[-1]):,}/{int(v.denominator[-1]):,} 个村"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--villages", type=int, default=5_000)
    ap.add_argument("--sites", type=int, default=20_000)
    ap.add_argument("--dates", type=int, default=365)
    ap.add_argument("--no-db", action="store_true", help="only the rules (no database)")
    ap.add_argument("--part", choices=["all", "states", "coverage"], default="all")
    args = ap.parse_args()
    rng = np.random.default_rng(20221)
    if args.part in ("all", "states"):
        bench_states(args.tasks, args.reports, args.dates, rng)
    if args.part in ("all", "coverage"):
        bench_coverage(args.villages, args.sites, args.dates, rng)
    if not args.no_db:
        bench_db(args, rng)


if __name__ == "__main__":
    main()
