"""Benchmark of the licensing rules (鄂州政办发〔2022〕27号): a 双随机 draw and the daily overdue sweep.

1. Draw: 200,000 holders in 3 credit-risk classes (1% special industries, drawn in full), 300 inspectors in teams
   of 2, ratios 3% / 5% / 10%: population snapshot and hash, commitment, draw, and verification (a re-run).
2. Sweep (the rules part): 100,000 open cases decided in the 90 days before 2026-10-31, configured periods of 5–30
   working or calendar days: due dates through the working-day calendar (vectorised), then overdue against a
   date. A one-by-one reference on 10,000 cases gives the ratio.

3. With the database (SQLite file in a temporary folder, migrated, the catalogue and example configuration
   loaded): the daily overdue sweep as the platform runs it — the job `licensing.sweep` started as
   `ezhou licensing sweep` does (inline), over 100,000 open cases with 150,000 materials due after the decision
   (reads, vectorised check, bulk writes of the attention codes and overdue flags, the run recorded and
   audited); then a 双随机 draw through the services over 200,000 licence holders in 3 risk classes: population
   read from the licences, risk classes and schemes, snapshot and hashes recorded (`draws.plan`), drawn, seed
   and result published and the selections stored (`draws.run`), and verified (`draws.verify`).
   The set-up (bulk inserts) is timed separately and is not part of the figures.

Run:  .venv/bin/python bench/licensing.py [--holders 200000] [--cases 100000] [--repeat 3] [--no-db]
Prints one line per figure (best of --repeat runs; the database figures are single runs, first and second).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.core.workdays import default_calendar  # noqa: E402
from ezhou_rules.licensing.draw import (  # noqa: E402
    DrawSpec,
    Inspectors,
    Population,
    commit_draw,
    inspectors_from_snapshot,
    population_from_snapshot,
    run_draw,
    verify_draw,
)
from ezhou_rules.licensing.periods import PeriodUnit, due_date, due_dates, overdue_sweep  # noqa: E402


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

    def whole() -> tuple[Any, Any, Any]:
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


def bench_db(holders: int, cases: int, db_dir: str | None = None, only_draw: bool = False) -> None:
    tmp = Path(db_dir) if db_dir else Path(tempfile.mkdtemp(prefix="ezhou-bench-lic-"))
    os.environ.update(
        EZHOU_VAR_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        EZHOU_DEMO="1",  # the demo accounts and example configuration are loaded (demo mode only)
    )
    os.environ.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import Department, Organisation, User
    from ezhou_platform.jobs.models import JobRun
    from ezhou_platform.jobs.runner import start_job
    from ezhou_platform.licensing.demo import configure
    from ezhou_platform.licensing.jobs import SWEEP_JOB
    from ezhou_platform.licensing.models import (
        Application,
        CatalogueItem,
        Licence,
        MaterialItem,
    )
    from ezhou_platform.licensing.services import draws
    from ezhou_rules.core.ids import uscc_check_char

    call_command("migrate", verbosity=0)
    load_demo_accounts()
    admin = User.objects.get(username="admin")
    configure(admin)
    approval = Department.objects.get(code="administrative_approval")
    market = Department.objects.get(code="market_regulation")
    food = CatalogueItem.objects.filter(code="b1-20").order_by("-id").first()
    pharmacy = CatalogueItem.objects.filter(code="b1-22").order_by("-id").first()
    assert food is not None and pharmacy is not None
    rng = np.random.default_rng(2022)
    on = dt.date(2026, 10, 31)

    def uscc(i: int) -> str:
        body = f"91420700{i:09d}"
        return body + uscc_check_char(body)

    n_orgs = max(holders, cases)
    if not Organisation.objects.filter(name__startswith="基准企业").exists():  # else: a prepared --db-dir
        t0 = time.perf_counter()
        with transaction.atomic():
            Organisation.objects.bulk_create(
                (
                    Organisation(
                        kind="enterprise", name=f"基准企业{i:06d}", name_key=f"基准企业{i:06d}", uscc=uscc(i)
                    )
                    for i in range(n_orgs)
                ),
                batch_size=5000,
            )
        orgs = list(
            Organisation.objects.filter(name__startswith="基准企业")
            .order_by("id")
            .values_list("id", "uscc", "name")
        )
        statuses = rng.choice(
            np.array(["licensed", "completed", "rectifying", "submitted", "notified"]),
            cases,
            p=[0.7, 0.1, 0.1, 0.05, 0.05],
        )
        decided = np.datetime64("2026-08-02") + rng.integers(0, 91, cases).astype("timedelta64[D]")
        with transaction.atomic():
            Application.objects.bulk_create(
                (
                    Application(
                        applicant_id=oid,
                        applicant_uscc=code,
                        applicant_name=name,
                        level="city",
                        item=food,
                        item_code="b1-20",
                        route="commitment",
                        department=approval,
                        filed_on=decided[i].astype(object),
                        qualification="already",
                        status=str(statuses[i]),
                        decided_on=decided[i].astype(object)
                        if statuses[i] not in ("submitted", "notified")
                        else None,
                        decision_due=(decided[i] + 1).astype(object) if statuses[i] == "submitted" else None,
                        commitment_due=(decided[i] + 5).astype(object) if statuses[i] == "notified" else None,
                        verification_due=(decided[i] + 30).astype(object),
                        rectification_due=(decided[i] + 40).astype(object)
                        if statuses[i] == "rectifying"
                        else None,
                    )
                    for i, (oid, code, name) in enumerate(orgs[:cases])
                ),
                batch_size=5000,
            )
            app_ids: list[Any] = list(
                Application.objects.filter(decided_on__isnull=False)
                .order_by("id")
                .values_list("id", "status", "decided_on")
            )
            MaterialItem.objects.bulk_create(
                (
                    MaterialItem(
                        application_id=a,
                        code=code,
                        name=code,
                        timing="after_decision",
                        due=decided_on + dt.timedelta(days=int(days)),
                    )
                    for (a, st, decided_on), days in zip(
                        app_ids, rng.integers(5, 61, len(app_ids)), strict=True
                    )
                    if st in ("licensed", "rectifying", "completed")
                    for code in ("layout_plan", "health_certificates")[: 1 + int(a % 2)]
                ),
                batch_size=5000,
            )
        n_mat = MaterialItem.objects.count()
        print(
            f"数据库准备（SQLite，{cases:,} 件在办案件、{n_mat:,} 项决定后材料）：{time.perf_counter() - t0:.1f} 秒（不计入）"
        )

    if not only_draw:
        clerk = User.objects.get(username="shenpi_clerk")
        for label in ("首次（全部写入）", "再次（无变化）"):
            t, c = time.perf_counter(), time.process_time()
            run = start_job(
                SWEEP_JOB, user=clerk, params={"on": on.isoformat()}, via=JobRun.Via.CLI, inline=True
            )
            took, cpu = time.perf_counter() - t, time.process_time() - c
            run.refresh_from_db()
            print(
                f"每日逾期检查作业 licensing.sweep，{label}：{took:.2f} 秒（本进程CPU时间 {cpu:.2f} 秒；目标 ≤ 10 秒）；"
                f"{run.state}；{run.message}"
            )
    if not Licence.objects.filter(department=market).exists():
        t0 = time.perf_counter()
        n_holders = _holders_sql(holders, market.pk, pharmacy.pk, admin.pk)
        print(
            f"数据库准备（{n_holders:,} 户持证企业及其信用风险分类，SQL 批量插入）：{time.perf_counter() - t0:.1f} 秒（不计入）"
        )
    head = User.objects.get(username="shijian_clerk")
    quotas = {"A": "3%", "B": "5%", "C": "10%"}
    t, c = time.perf_counter(), time.process_time()
    draw = draws.plan(department=market, title="基准抽查", quotas=quotas, team_size=2, actor=head, on=on)
    t_plan = time.perf_counter() - t
    t = time.perf_counter()
    result = draws.run(draw, actor=head, on=on)
    t_run, cpu = time.perf_counter() - t, time.process_time() - c
    draw.refresh_from_db()
    t = time.perf_counter()
    verification = draws.verify(draw)
    t_verify = time.perf_counter() - t
    print(
        f"双随机抽查（数据库）：{draw.population_size:,} 户，抽取 {len(result.holders):,} 户；"
        f"登记（读取持证企业、快照与哈希、承诺种子）{t_plan:.2f} 秒 + 抽取并公布、存储抽取结果 {t_run:.2f} 秒"
        f" = {t_plan + t_run:.2f} 秒（本进程CPU时间 {cpu:.2f} 秒；目标 ≤ 2 秒）；核验 {t_verify:.2f} 秒，结果{'一致' if verification.ok else '不一致'}"
    )


def _insert_select(model: Any, source: str, overrides: dict[str, str], where: str) -> int:
    """INSERT INTO model's table SELECT … FROM ``source``: every column from ``overrides`` (SQL expressions),
    else NULL for a nullable column, '' for text and '{}'/'[]' for JSON — a bench set-up, not the services."""
    from django.db import connection, models

    cols, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.column in overrides:
            exprs.append(overrides[f.column])
        elif f.null:
            exprs.append("NULL")
        elif isinstance(f, models.JSONField):
            exprs.append("'[]'" if f.default is list else "'{}'")
        elif isinstance(f, (models.CharField, models.TextField)):
            exprs.append("''")
        elif isinstance(f, models.BooleanField):
            exprs.append("0")
        else:
            raise RuntimeError(f"bench set-up: no value for {model.__name__}.{f.name}")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {source} {where}"  # noqa: S608 (bench: internal names)
    with connection.cursor() as cur:
        cur.execute(sql)
        return int(cur.rowcount)


def _holders_sql(holders: int, market: int, pharmacy: int, admin: int) -> int:
    """``holders`` licence holders of the market regulator with their risk classes (A 50%, B 35%, C 15%) and
    1% special industry (the food item, whose example scheme marks it), inserted in SQL from the bench's
    enterprises; deterministic."""
    from django.db import transaction

    from ezhou_platform.licensing.models import Application, Licence, RiskClassification

    bench = f"WHERE o.name LIKE '基准企业%' ORDER BY o.id LIMIT {int(holders)}"
    with transaction.atomic():
        _insert_select(
            Application,
            "common_organisation o",
            {
                "applicant_id": "o.id",
                "applicant_uscc": "o.uscc",
                "applicant_name": "o.name",
                "level": "'city'",
                "item_id": str(pharmacy),
                "item_code": "'b1-22'",
                "route": "'commitment'",
                "department_id": str(market),
                "qualification": "'already'",
                "filed_on": "'2025-06-01'",
                "decided_on": "'2025-06-01'",
                "status": "'completed'",
                "filed_at": "'2025-06-01 00:00:00'",
            },
            bench,
        )
        n = _insert_select(
            Licence,
            "licensing_application a",
            {
                "application_id": "a.id",
                "number": "'JY-BENCH-' || a.id",
                "certificate": "'药品经营许可证'",
                "holder_id": "a.applicant_id",
                "holder_uscc": "a.applicant_uscc",
                "holder_name": "a.applicant_name",
                "item_code": "CASE WHEN (a.applicant_id * 7919) % 100 = 0 THEN 'b1-20' ELSE 'b1-22' END",
                "department_id": "a.department_id",
                "issued_on": "'2025-06-01'",
            },
            f"WHERE a.department_id = {int(market)} AND a.item_code = 'b1-22'",
        )
        _insert_select(
            RiskClassification,
            "common_organisation o",
            {
                "organisation_id": "o.id",
                "uscc": "o.uscc",
                "risk_class": "CASE WHEN (o.id * 31) % 20 < 10 THEN 'A' WHEN (o.id * 31) % 20 < 17 THEN 'B' ELSE 'C' END",
                "valid_from": "'2025-01-01'",
                "source": "'基准测试数据'",
                "entered_by_id": str(admin),
                "entered_at": "'2025-01-01 00:00:00'",
            },
            bench,
        )
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holders", type=int, default=200_000)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-db", action="store_true", help="only the rules' figures, without the database")
    ap.add_argument("--db-dir", help="reuse the database a previous run prepared in this folder")
    ap.add_argument("--only-draw", action="store_true", help="with the database: the draw only")
    ap.add_argument("--no-rules", action="store_true", help="skip the in-memory rules figures")
    args = ap.parse_args()
    print(f"负载（1/5/15 分钟平均）：{os.getloadavg()}，CPU {os.cpu_count()} 个")
    if not args.no_rules:
        bench_draw(args.holders, args.repeat)
        bench_sweep(args.cases, args.repeat)
    if not args.no_db:
        bench_db(args.holders, args.cases, args.db_dir, args.only_draw)
        print(f"负载（1/5/15 分钟平均）：{os.getloadavg()}")


if __name__ == "__main__":
    main()
