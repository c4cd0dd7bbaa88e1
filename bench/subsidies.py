"""Benchmark of the subsidies (鄂州政办发〔2022〕32号): the rules, and the platform end to end with the database:

  1. interest subsidies of measures 1–3 (贷款贴息) over N loans (default 1,000,000), mixed measures, vectorised:
     eligibility and the subsidy to the fen (target ≤ 2 s);
  2. car trade-in (第十二条) over M applications (default 100,000) of which 5% repeat a person or a VIN, against
     a standing ledger of 10,000 awards: the subsidy rules, then duplicate detection and award
     (``ledger.check_batch``); input validation of the IDs and VINs is timed separately;
  3. with the database (``--database``, SQLite file in a temporary folder, or DATABASE_URL): the same kind of
     file of M car trade-ins (5% repeating a person or a VIN) through the platform's batch-application job
     (``subsidies.applications.import``, the one 商务局's page and ``ezhou subsidies`` start): the file read and
     every cell checked, the rules, each row checked against the ledger's key rows (a standing ledger of awards
     for some of the same people) and the rows before it, the accepted applications written with their amount,
     their ledger keys (unique index), their cases and first events, the refused rows to the errors file.

Run:  .venv/bin/python bench/subsidies.py [--loans 1000000] [--cars 100000] [--database] [--skip-rules]
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
    ap.add_argument("--database", action="store_true", help="also the end-to-end figure with database writes")
    ap.add_argument("--skip-rules", action="store_true", help="only the database figure")
    args = ap.parse_args()
    if not args.skip_rules:
        rules(args)
    if args.database or args.skip_rules:
        database(args.cars)


def rules(args: argparse.Namespace) -> None:
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


def database(m: int) -> None:
    """Part 3: the batch-application job over a CSV file of ``m`` car trade-ins, with database writes."""
    import csv
    import os
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="ezhou-bench-sub-"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(EZHOU_VAR_DIR=str(tmp), DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings")
    os.environ.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    os.environ.setdefault("EZHOU_DEMO", "1")  # the demo accounts (a 商务局 clerk starts the job)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Sum

    from ezhou_platform.common.demo import load_demo_accounts
    from ezhou_platform.common.models import ConfiguredValue, User
    from ezhou_platform.jobs.models import JobRun
    from ezhou_platform.jobs.runner import start_job
    from ezhou_platform.procedures.models import Case
    from ezhou_platform.subsidies.models import Application, LedgerKey, ReferenceRow
    from ezhou_platform.subsidies.services import intake

    call_command("migrate", verbosity=0)
    load_demo_accounts()
    clerk = User.objects.get(username="shangwu_clerk")
    for name, value in {"procedure.notice_workdays": 5, "procedure.direct_payment_days": 30}.items():
        ConfiguredValue.objects.create(
            tree="subsidies", name=name, valid_from=dt.date(2022, 10, 13), value=value, source="基准测试值"
        )
    dealer_id = "91420700MA49D0001"
    ReferenceRow.objects.bulk_create(
        ReferenceRow(
            kind="dealers",
            key=f"D{i:02d}",
            name=f"D{i:02d}汽车销售服务有限公司",
            data={
                "dealer_code": f"D{i:02d}",
                "name": f"D{i:02d}店",
                "dealer_id": dealer_id + ids.uscc_check_char(dealer_id),
                "city": "鄂州市",
                "listed": "是",
            },
        )
        for i in range(36)  # 4 of the 40 dealers in the file are not on the list
    )
    rng = np.random.default_rng(20221013)
    cols, dup = cars(m, rng)
    fields = intake.batch_fields("m12")
    path = tmp / "cars.csv"

    def write(rows_cols: dict[str, np.ndarray], first: int, count: int, target: Path) -> None:
        with target.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow([f.label for f in fields])
            for i in range(first, first + count):
                row = []
                for f in fields:
                    if f.name in rows_cols:
                        row.append(str(rows_cols[f.name][i]))
                    elif f.name in ("subject_name", "payee_name"):
                        row.append(f"申请人{i}")
                    elif f.name == "payee_bank":
                        row.append("中国工商银行鄂州分行")
                    elif f.name == "payee_account":
                        row.append(f"6222{i:015d}")
                    else:
                        row.append("")
                w.writerow(row)

    # a standing ledger: 2,000 earlier awards, 500 of whose people apply again in the big file (refused naming
    # the award), as in part 2
    prior = min(2000, m // 10)
    again = prior // 4
    earlier, _ = cars(prior, rng)
    for name in ("applicant_id", "old_owner_id"):
        earlier[name][:again] = cols[name][-again:]
    write(earlier, 0, prior, tmp / "prior.csv")
    start_job(
        "subsidies.applications.import",
        user=clerk,
        params={"component": "m12"},
        input_path=tmp / "prior.csv",
        via=JobRun.Via.SYSTEM,
        inline=True,
    )
    last_prior = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    held = LedgerKey.objects.count()
    write(cols, 0, m, path)
    t0 = time.perf_counter()
    run = start_job(
        "subsidies.applications.import",
        user=clerk,
        params={"component": "m12"},
        input_path=path,
        via=JobRun.Via.SYSTEM,
        inline=True,
    )
    elapsed = time.perf_counter() - t0
    run.refresh_from_db()
    new = Application.objects.filter(pk__gt=last_prior)
    taken = new.count()
    amount = new.aggregate(total=Sum("amount_fen"))["total"] or 0
    print(
        f"汽车以旧换新批量申报（数据库，{connection_vendor()}）：{m:,} 行的文件（{len(dup):,} 行重复人员或车辆），"
        f"台账已有 {held:,} 个键（{prior:,} 份在先申请，其中 {again:,} 人在本文件中再次申请）"
    )
    print(
        f"  作业端到端（读文件、逐格检查、规则、台账查重、写入申请/台账键/案件/事件、未受理清单）：{elapsed:.2f} 秒"
        f"（{m / elapsed:,.0f} 行/秒；目标 ≤ 30 秒）；作业状态 {run.state}"
    )
    print(
        f"  受理 {taken:,} 份，补贴合计 {amount / 100:,.2f} 元；{run.counts}；"
        f"案件 {Case.objects.filter(procedure='subsidies.application').count():,} 件；"
        f"台账键 {LedgerKey.objects.count():,} 个"
    )
    print(f"  数据库：{tmp}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
