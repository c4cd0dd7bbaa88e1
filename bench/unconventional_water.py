"""Benchmark of the water-quality check of 鄂州政办发〔2022〕14号 (第十一条, 第十八条, 第二十三条).

N lab reports (default 100,000) of 15 indicators each (the 14 of GB/T 18920-2020 plus water temperature, which
it does not govern), from 1,000 reclaimed-water facilities serving 3 uses each (drawn from the six uses of
GB/T 18920-2020, so both use groups mix), sampled at the plant outlet or the network end. Values are written as
a lab would — decimals, "<0.05", "0.05L", "未检出" — in mixed units (mg/L, μg/L, g/L, CFU/L …), about 2% of
reports carry a bad row (an unknown unit or an unreadable value) and are refused.

Timed: `quality.check_reports` end to end — parsing the text columns, unit conversion, the strictest limit per
(facility, sample point), judging every row, missing indicators and the verdict per report. Set-up (making
the strings) is not timed. Best of 3.

Also timed: one report through `lab_reports.check_report` (the single-case API path, with its explanation),
median of 1,000 calls. The peak resident memory of the process is printed at the end.

Then, with the database (a fresh SQLite file in a temporary folder, migrated): 1,000 facilities registered
through the platform's service, N reports written to a CSV file as an operator would send them (one unit per
column, as in the import template) and imported by the background job ``unconventional_water.reports.import``
(inline, as the worker runs it: parsing, the check, bulk writes, one audit record per 1,000, the testing
reminders and the water-plan proposals) — timed once; then the check of all the stored reports read back from
the database as columns (``reports.check_stored``: the read, the strictest limit per use set and sample point,
every row judged) — best of 3, the target ≤ 5 s; then the re-check job end to end (check and bulk insert of
the new checks, old ones kept).

Run:  .venv/bin/python bench/unconventional_water.py [--reports 100000] [--no-db | --db-only]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.unconventional_water.lab_reports import LabReport, Measurement, check_report  # noqa: E402
from ezhou_rules.unconventional_water.quality import check_reports  # noqa: E402
from ezhou_rules.unconventional_water.standards import shipped_library  # noqa: E402

USES = [
    "toilet_flushing",
    "vehicle_washing",
    "road_cleaning",
    "fire_fighting",
    "construction",
    "urban_greening",
]
# indicator, units it may be written in (with the factor from the first), centre, spread
INDICATORS = [
    ("ph", ["无量纲"], 7.5, 1.2),
    ("colour", ["铂钴色度单位", "度"], 12.0, 8.0),
    ("turbidity", ["NTU"], 3.0, 3.0),
    ("bod5", ["mg/L"], 6.0, 4.0),
    ("ammonia_n", ["mg/L", "μg/L"], 3.0, 2.5),
    ("anionic_surfactant", ["mg/L", "μg/L"], 0.3, 0.2),
    ("iron", ["mg/L", "μg/L"], 0.2, 0.15),
    ("manganese", ["mg/L", "μg/L"], 0.05, 0.05),
    ("tds", ["mg/L", "g/L"], 700.0, 300.0),
    ("dissolved_oxygen", ["mg/L"], 4.0, 2.0),
    ("total_chlorine", ["mg/L"], 1.2, 0.6),
    ("e_coli", ["MPN/100mL", "CFU/L"], 0.0, 0.0),
    ("chloride", ["mg/L"], 250.0, 100.0),
    ("sulphate", ["mg/L"], 300.0, 150.0),
    ("water_temperature", ["℃"], 20.0, 8.0),
]
FACTOR = {"μg/L": 1000.0, "g/L": 0.001, "CFU/L": 10.0}


def make(n_reports: int, seed: int = 7) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    n_fac = 1000
    facilities = [("reclaimed", tuple(rng.choice(USES, 3, replace=False))) for _ in range(n_fac)]
    report_facility = rng.integers(0, n_fac, n_reports)
    points = np.where(rng.random(n_reports) < 0.5, "plant_outlet", "network_end")
    sampled = np.datetime64("2024-01-01") + rng.integers(0, 366, n_reports).astype("timedelta64[D]")
    k = len(INDICATORS)
    row_report = np.repeat(np.arange(n_reports), k)
    inds, values, units = [], [], []
    for name, unit_choices, centre, spread in INDICATORS:
        raw = np.abs(centre + spread * rng.standard_normal(n_reports))
        unit = rng.choice(unit_choices, n_reports)
        scaled = raw * np.array([FACTOR.get(u, 1.0) for u in unit])
        text = np.char.mod("%.3f", scaled).astype(object)
        if name == "e_coli":
            text = np.where(
                rng.random(n_reports) < 0.9, "未检出", np.char.mod("%d", rng.integers(1, 20, n_reports))
            )
        elif name in ("iron", "manganese"):
            text = np.where(rng.random(n_reports) < 0.2, "0.01L", text)
        elif name == "anionic_surfactant":
            text = np.where(rng.random(n_reports) < 0.1, "<0.05", text)
        inds.append(np.full(n_reports, name))
        values.append(text.astype(str))
        units.append(unit)
    # interleave so each report's 15 rows are together
    row_ind = np.stack(inds, axis=1).ravel()
    row_val = np.stack(values, axis=1).ravel().astype("<U16")
    row_unit = np.stack(units, axis=1).ravel().astype("<U16")
    bad = rng.random(n_reports) < 0.02
    bad_rows = np.flatnonzero(bad) * k + 2  # the turbidity row of those reports
    row_unit[bad_rows[::2]] = "mg/L"  # a concentration unit for turbidity: refused
    row_val[bad_rows[1::2]] = "1,2"  # unreadable
    return {
        "facilities": facilities,
        "report_facility": report_facility,
        "report_sample_point": points,
        "report_sampled_on": sampled,
        "row_report": row_report,
        "row_indicator": row_ind,
        "row_value": row_val,
        "row_unit": row_unit,
    }


# the import file's columns: header (indicator and the unit the lab wrote), centre, spread, factor from the
# limit's unit to the column's
CSV_COLUMNS = [
    ("pH", 7.5, 1.2, 1.0),
    ("色度（度）", 12.0, 8.0, 1.0),
    ("浊度（NTU）", 3.0, 3.0, 1.0),
    ("五日生化需氧量（mg/L）", 6.0, 4.0, 1.0),
    ("氨氮（μg/L）", 3.0, 2.5, 1000.0),
    ("阴离子表面活性剂（mg/L）", 0.3, 0.2, 1.0),
    ("铁（μg/L）", 0.2, 0.15, 1000.0),
    ("锰（mg/L）", 0.05, 0.05, 1.0),
    ("溶解性总固体（g/L）", 700.0, 300.0, 0.001),
    ("溶解氧（mg/L）", 4.0, 2.0, 1.0),
    ("总氯（mg/L）", 1.2, 0.6, 1.0),
    ("大肠埃希氏菌（MPN/100mL）", 0.0, 0.0, 1.0),
    ("氯化物（mg/L）", 250.0, 100.0, 1.0),
    ("硫酸盐（mg/L）", 300.0, 150.0, 1.0),
    ("水温（℃）", 20.0, 8.0, 1.0),
]


def write_csv(path: Path, n_reports: int, facility_codes: list[str], seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    cols = []
    for header, centre, spread, factor in CSV_COLUMNS:
        raw = np.abs(centre + spread * rng.standard_normal(n_reports)) * factor
        text = np.char.mod("%.3f", raw).astype(object)
        if header.startswith("大肠"):
            text = np.where(
                rng.random(n_reports) < 0.9, "未检出", np.char.mod("%d", rng.integers(1, 20, n_reports))
            )
        elif header.startswith("锰"):
            text = np.where(rng.random(n_reports) < 0.2, "0.01L", text)
        elif header.startswith("阴离子"):
            text = np.where(rng.random(n_reports) < 0.1, "<0.05", text)
        cols.append(text.astype(str))
    bad = np.flatnonzero(rng.random(n_reports) < 0.02)
    cols[2][bad] = "1,2"  # an unreadable turbidity: the row is refused and listed in the errors file
    fac = rng.integers(0, len(facility_codes), n_reports)
    days = np.datetime64("2025-01-01") + rng.integers(0, 365, n_reports).astype("timedelta64[D]")
    points = np.where(rng.random(n_reports) < 0.5, "出厂", "管网末端")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "设施登记编号",
                "检测报告编号",
                "采样日期",
                "检测机构",
                "资质认定证书编号",
                "采样点",
                "采样点类型",
            ]
            + [c[0] for c in CSV_COLUMNS]
        )
        for i in range(n_reports):
            w.writerow(
                [
                    facility_codes[fac[i]],
                    f"JC-{i:07d}",
                    str(days[i]),
                    "湖北某环境检测有限公司",
                    "CMA 201912345678",
                    "1号出水口" if points[i] == "出厂" else "管网末端取样点",
                    points[i],
                    *(c[i] for c in cols),
                ]
            )


def database(n_reports: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ezhou-bench-uw-"))
    os.environ.update(
        EZHOU_VAR_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        EZHOU_DEMO="1",  # a throw-away database with the demo accounts
    )
    os.environ.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import User
    from ezhou_platform.jobs.runner import start_job
    from ezhou_platform.unconventional_water.models import LabReport, QualityCheck
    from ezhou_platform.unconventional_water.services.facilities import register_facility
    from ezhou_platform.unconventional_water.services.reports import check_stored

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo_accounts()
    print(f"建库 {time.perf_counter() - t0:.1f} 秒（不计时）", flush=True)
    clerk = User.objects.get(username="shuiwu_clerk")
    rng = np.random.default_rng(3)
    t0 = time.perf_counter()
    codes = []
    with transaction.atomic():  # one transaction for the set-up (SQLite syncs each commit)
        for i in range(1000):
            uses = [str(u) for u in rng.choice(USES, 3, replace=False)]
            f = register_facility(
                {
                    "name": f"再生水设施{i:04d}",
                    "facility_type": "reclaimed",
                    "operator_name": f"鄂州水务运营{i:04d}有限公司",
                    "operator_uscc": "91420700MA4QPR002H",
                    "self_built": False,
                    "uses": uses,
                    "sources": [{"kind": "domestic_sewage"}],
                    "capacity_m3_per_day": "500",
                    "location": f"葛店经开区创业大道{i + 1}号",
                    "jurisdiction": "gedian",
                    "in_service_from": dt.date(2024, 1, 1),
                    "testing_interval_months": 3,
                },
                actor=clerk,
            )
            codes.append(f.code)
    path = tmp / "reports.csv"
    write_csv(path, n_reports, codes)
    print(
        f"数据库（SQLite）：登记 1,000 个设施、写出 {n_reports:,} 行的导入文件 {time.perf_counter() - t0:.1f} 秒（不计时），"
        f"文件 {path.stat().st_size / 1e6:.0f} MB"
    )

    t0, c0 = time.perf_counter(), time.process_time()
    run = start_job("unconventional_water.reports.import", user=clerk, input_path=path, inline=True)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    run.refresh_from_db()
    stored = LabReport.objects.count()
    print(
        f"导入作业（unconventional_water.reports.import，逐千份一个单元）：{took:.1f} 秒（进程 CPU {cpu:.1f} 秒；{n_reports / took:,.0f} 份/秒）；"
        f"状态 {run.state}，已备案 {stored:,} 份，未导入 {run.counts.get('未导入', 0):,} 行"
    )
    ids = list(LabReport.objects.order_by("pk").values_list("pk", flat=True))
    times, cpus = [], []
    checked = None
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        checked = check_stored(ids)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    assert checked is not None and len(checked.checks) == stored
    best = min(times)
    print(
        f"判定已备案的报告（check_stored：从数据库按列读出并逐项判定）：最快 {best:.2f} 秒（{stored / best:,.0f} 份/秒）；"
        f"三次 {', '.join(f'{x:.2f}' for x in times)} 秒（进程 CPU {', '.join(f'{x:.2f}' for x in cpus)} 秒）；"
        f"目标 ≤ 5 秒：{'达到' if best <= 5 else '未达到'}"
    )
    print("结论分布：" + "，".join(f"{k} {v:,}" for k, v in sorted(checked.counts.items())))
    before = QualityCheck.objects.count()
    t0, c0 = time.perf_counter(), time.process_time()
    again = start_job(
        "unconventional_water.reports.recheck", user=clerk, params={"only_refused": "0"}, inline=True
    )
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    again.refresh_from_db()
    print(
        f"重新判定作业（含写入 {QualityCheck.objects.count() - before:,} 条判定记录，原记录保留）：{took:.1f} 秒（进程 CPU {cpu:.1f} 秒）；状态 {again.state}"
    )
    print(f"数据库 {(tmp / 'bench.sqlite3').stat().st_size / 1e6:.0f} MB，位于 {tmp}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--no-db", action="store_true", help="only the rules' check, without the database")
    ap.add_argument("--db-only", action="store_true", help="only the database part")
    args = ap.parse_args()
    if not args.db_only:
        rules(args.reports)
    if not args.no_db:
        database(args.reports)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"进程峰值内存 {peak:,.0f} MiB")


def rules(n_reports: int) -> None:
    library = shipped_library()
    t0 = time.perf_counter()
    data = make(n_reports)
    setup = time.perf_counter() - t0
    rows = len(data["row_report"])  # type: ignore[arg-type]
    print(
        f"数据：{n_reports:,} 份检测报告 × {len(INDICATORS)} 项指标 = {rows:,} 行；1,000 个设施，每个 3 种用途"
    )
    print(f"准备数据 {setup:.1f} 秒（不计时）")
    times = []
    result = None
    for _ in range(3):
        t = time.perf_counter()
        result = check_reports(library=library, **data)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t)
    assert result is not None
    best = min(times)
    verdicts, counts = np.unique(result.verdict, return_counts=True)
    print(
        f"逐项判定（check_reports）：最快 {best:.2f} 秒（{rows / best:,.0f} 行/秒，{n_reports / best:,.0f} 份/秒）；"
        f"三次 {', '.join(f'{x:.2f}' for x in times)} 秒"
    )
    print("结论分布：" + "，".join(f"{v} {c:,}" for v, c in zip(verdicts, counts, strict=True)))
    print(
        f"组合限值表（设施 × 采样点）：{len(result.combos):,} 个；目标 ≤ 5 秒：{'达到' if best <= 5 else '未达到'}"
    )
    one = LabReport(
        "R-1",
        dt.date(2024, 5, 3),
        "某检测公司",
        "CMA 1",
        "1号出水口",
        "plant_outlet",
        tuple(Measurement(name, "1", units[0]) for name, units, _, _ in INDICATORS),
    )
    single = []
    for _ in range(1000):
        t = time.perf_counter()
        check_report(one, "reclaimed", ["toilet_flushing", "road_cleaning", "urban_greening"], library)
        single.append(time.perf_counter() - t)
    print(
        f"单份报告（check_report，含逐项说明）：中位数 {statistics.median(single) * 1000:.2f} 毫秒，"
        f"p99 {sorted(single)[989] * 1000:.2f} 毫秒（1,000 次）"
    )


if __name__ == "__main__":
    main()
