"""Benchmark of the subsidy rules (鄂州政办发〔2022〕32号), rules only (the database-writing end-to-end figure
comes with the platform layer):

  1. interest subsidies of measures 1–3 (贷款贴息) over N loans (default 1,000,000), mixed measures, vectorised:
     eligibility and the subsidy to the fen (target ≤ 2 s);
  2. car trade-in (第十二条) over M applications (default 100,000) of which 5% repeat a person or a VIN, against
     a standing ledger of 10,000 awards: the subsidy rules, then duplicate detection and award
     (``ledger.check_batch``); input validation of the IDs and VINs is timed separately.

Run:  .venv/bin/python bench/subsidies.py [--loans 1000000] [--cars 100000]
Test values entered for the configuration the text leaves open: 365 subsidised days per loan (not a real
figure of the city's finance bureau).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.core import ids  # noqa: E402
from ezhou_rules.core.params import AdminValue  # noqa: E402
from ezhou_rules.subsidies import parameters  # noqa: E402
from ezhou_rules.subsidies.cars import trade_in_subsidy  # noqa: E402
from ezhou_rules.subsidies.interest import interest_batch  # noqa: E402
from ezhou_rules.subsidies.ledger import Awards, Candidates, check_batch  # noqa: E402
from ezhou_rules.subsidies.vin import VIN_ALPHABET, check_vins, vin_check_digit  # noqa: E402

ON = dt.date(2022, 12, 20)


def timed(fn, repeat: int = 3) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times, result


def loans(n: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    measure = rng.integers(1, 4, n)
    start = np.datetime64("2022-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]")
    kinds = np.array(["micro", "small", "medium", "individual_business", "individual", "large"], dtype=object)
    tools = np.array(["科技创新再贷款", "碳减排支持工具", "交通物流再贷款", ""], dtype=object)
    industries = np.array(["零售", "旅游", "交通运输", "制造业"], dtype=object)
    c = {
        "bank_code": np.array([f"B{i % 12:02d}" for i in range(n)], dtype=object),
        "contract_no": np.array([f"K{i:08d}" for i in range(n)], dtype=object),
        "borrower_id": np.array([f"91420700MA{i:08d}" for i in range(n)], dtype=object),
        "borrower_kind": kinds[rng.integers(0, len(kinds), n)],
        "principal": rng.integers(1_000_000, 500_000_000, n).astype(np.int64),  # 1万 – 500万元
        "disbursed_on": start,
        "ends_on": start + rng.integers(90, 730, n).astype("timedelta64[D]"),
        "first_loan": rng.random(n) < 0.8,
        "relief_fund": rng.random(n) < 0.8,
        "tool": tools[rng.integers(0, len(tools), n)],
        "industry": industries[rng.integers(0, len(industries), n)],
        "other_fiscal_subsidy": rng.random(n) < 0.05,
    }
    return measure, c


def resident_ids(k: int, rng: np.random.Generator) -> np.ndarray:
    births = np.datetime64("1960-01-01") + rng.integers(0, 40 * 365, k).astype("timedelta64[D]")
    out = []
    for i, b in enumerate(births.astype(str)):
        first17 = f"420704{b.replace('-', '')}{i % 1000:03d}"
        out.append(first17 + ids.resident_id_check_char(first17))
    return np.array(out, dtype=object)


def vins(k: int, rng: np.random.Generator) -> np.ndarray:
    letters = np.array(list(VIN_ALPHABET))
    body = ["LSV" + "".join(letters[rng.integers(0, len(letters), 14)]) for _ in range(k)]
    return np.array([v[:8] + vin_check_digit(v) + v[9:] for v in body], dtype=object)


def cars(m: int, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    people = resident_ids(m, rng)
    new_vins = vins(m, rng)
    # 5% repeat: half repeat an earlier person, half an earlier VIN
    head = min(1000, m // 10)  # duplicates repeat one of the first applications
    dup = rng.choice(np.arange(head, m), size=m // 20, replace=False)
    half = len(dup) // 2
    people[dup[:half]] = people[rng.integers(0, head, half)]
    new_vins[dup[half:]] = new_vins[rng.integers(0, head, len(dup) - half)]
    purchased = np.datetime64("2022-06-01") + rng.integers(0, 214, m).astype("timedelta64[D]")
    c = {
        "applicant_id": people,
        "old_owner_id": people.copy(),
        "old_plate": np.full(m, "鄂G12345", dtype=object),
        "old_vin": vins(1, rng).repeat(m),
        "disposal": np.array(["scrap", "transfer"], dtype=object)[rng.integers(0, 2, m)],
        "disposed_on": purchased - 1,
        "new_vin": new_vins,
        "energy": np.array(["nev", "fuel"], dtype=object)[rng.integers(0, 2, m)],
        "dealer_code": np.array([f"D{i:02d}" for i in rng.integers(0, 40, m)], dtype=object),
        "purchased_on": purchased,
        "new_plate": np.full(m, "鄂GD0001", dtype=object),
    }
    return c, dup


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loans", type=int, default=1_000_000)
    ap.add_argument("--cars", type=int, default=100_000)
    args = ap.parse_args()
    rng = np.random.default_rng(20221013)
    tree = parameters().with_values(
        [
            AdminValue(f"m0{m}.max_subsidised_days", dt.date(2022, 10, 13), 365, source="基准测试值")
            for m in (1, 2, 3)
        ]
    )

    measure, c = loans(args.loans, rng)
    best, times, (eligible, amount) = timed(lambda: interest_batch(measure, c, tree, ON))
    print(
        f"贷款贴息（第一至三条）：{args.loans:,} 笔，符合条件 {int(eligible.sum()):,} 笔，贴息合计 {int(amount.sum()) / 100:,.2f} 元"
    )
    print(
        f"  向量化计算：最快 {best:.3f} 秒（{args.loans / best:,.0f} 笔/秒）；三次 {', '.join(f'{t:.3f}' for t in times)} 秒（目标 ≤ 2 秒）"
    )

    cols, dup = cars(args.cars, rng)
    dealers = {f"D{i:02d}" for i in range(36)}  # 4 of 40 dealers not on the list
    prior_n = 10_000
    prior_people = resident_ids(prior_n, rng)
    held = min(500, args.cars // 20)
    prior_people[:held] = cols["applicant_id"][-held:]  # these applicants already hold an award
    prior = Awards(
        np.array([f"A{i}" for i in range(prior_n)], dtype=object),
        np.full(prior_n, "m12", dtype=object),
        prior_people,
        vins(prior_n, rng),
        np.full(prior_n, 2022),
        np.full(prior_n, 300000),
    )
    best_v, _times_v, _ = timed(
        lambda: (ids.check_resident_ids(cols["applicant_id"]), check_vins(cols["new_vin"]))
    )

    def rules_and_ledger():
        d = trade_in_subsidy(cols, tree, ON, dealers)
        cand = Candidates(
            np.array([f"C{i}" for i in range(args.cars)], dtype=object),
            np.full(args.cars, "m12", dtype=object),
            d.subject,
            d.object,
            d.year,
            d.amount,
            d.eligible,
            np.arange(args.cars),
        )
        return d, check_batch(prior, cand, tree, ON)

    best_c, times_c, (_d, verdict) = timed(rules_and_ledger)
    codes, counts = np.unique(verdict.code.astype(str), return_counts=True)
    print(
        f"汽车以旧换新（第十二条）：{args.cars:,} 份申请（{len(dup):,} 份重复人员或车辆），台账已有 {prior_n:,} 笔"
    )
    print(f"  身份证号与 VIN 校验：最快 {best_v:.3f} 秒")
    print(
        f"  规则＋查重＋核定：最快 {best_c:.3f} 秒（{args.cars / best_c:,.0f} 份/秒）；三次 {', '.join(f'{t:.3f}' for t in times_c)} 秒"
    )
    print(
        f"  补贴 {int(verdict.accepted.sum()):,} 份，合计 {int(verdict.amount.sum()) / 100:,.2f} 元；结果："
        + "，".join(f"{k or 'accepted'} {v:,}" for k, v in zip(codes, counts, strict=True))
    )


if __name__ == "__main__":
    main()
