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

Run:  .venv/bin/python bench/unconventional_water.py [--reports 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    args = ap.parse_args()
    library = shipped_library()
    t0 = time.perf_counter()
    data = make(args.reports)
    setup = time.perf_counter() - t0
    rows = len(data["row_report"])  # type: ignore[arg-type]
    print(
        f"数据：{args.reports:,} 份检测报告 × {len(INDICATORS)} 项指标 = {rows:,} 行；1,000 个设施，每个 3 种用途"
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
        f"逐项判定（check_reports）：最快 {best:.2f} 秒（{rows / best:,.0f} 行/秒，{args.reports / best:,.0f} 份/秒）；"
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"进程峰值内存 {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
