"""C20 measurement for the subsidies (惠企政策兑现, 32号): the resident IDs of citizens' car trade-ins filed online,
of a dealer's batch file and of a bank's individual borrowers (imported, then turned into interest subsidy
applications), and the account numbers the bank reports for its loans, are nowhere in clear in the SQLite file,
its WAL or its ``sqlite3 .dump`` — not in the subject columns, not in the facts or the imported rows' data, not
inside a ledger or cap key. Real processes with the installation's own settings (key file created on first
use), on a migrated database of the test's own.

The data migrations both ways on the same rows: back to 0004 writes every ID and account in clear again (the
control: the scan finds them all, in keys too), forward seals them again and the ledger still knows each
person."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from migrated_db import migrated_database
from plaintext_scan import ROOT, database_bytes, dump, hits, run_python, scan_env

from ezhou_rules.core import ids
from ezhou_rules.subsidies.vin import vin_check_digit

SEED = r"""
import csv, datetime as dt, io, json, sys, zoneinfo
import time_machine
time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True).start()
import django
django.setup()
from pathlib import Path
from PIL import Image
from ezhou_platform.common.demo import load_demo_accounts, load_reference_data
from ezhou_platform.common.models import ConfiguredValue, User
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.subsidies.models import ApplicationDocument, ReferenceRow
from ezhou_platform.subsidies.services import apply, intake

seed = json.loads(sys.argv[1])
folder = Path(sys.argv[2])
load_reference_data()
load_demo_accounts()
users = {u.username: u for u in User.objects.all()}
for name, value in {"procedure.notice_workdays": 5, "procedure.direct_payment_days": 30,
                    "m01.max_subsidised_days": 365, "m02.max_subsidised_days": 365,
                    "m03.max_subsidised_days": 365}.items():
    ConfiguredValue.objects.create(tree="subsidies", name=name, valid_from=dt.date(2022, 10, 13), value=value,
                                   source="测试值（非官方）")
ReferenceRow.objects.create(kind="dealers", key="D001", name="D001汽车销售服务有限公司",
                            data={"dealer_code": "D001", "name": "D001店", "dealer_id": seed["dealer"],
                                  "city": "鄂州市", "listed": "是"})
png = io.BytesIO(); Image.new("RGB", (2, 2), "white").save(png, "PNG")
pdf = b"%PDF-1.4\n% test document\n"
uploads = [apply.Upload(ApplicationDocument.Kind.ID_CARD, "id.png", png.getvalue()),
           apply.Upload(ApplicationDocument.Kind.OLD_CAR, "old.pdf", pdf),
           apply.Upload(ApplicationDocument.Kind.INVOICE, "invoice.pdf", pdf),
           apply.Upload(ApplicationDocument.Kind.NEW_LICENCE, "licence.png", png.getvalue())]

def car(person, owner, new_vin):
    return {"applicant_id": person, "old_owner_id": owner, "old_plate": "鄂G12345", "old_vin": seed["old_vin"],
            "disposal": "scrap", "disposed_on": "2022-09-01", "new_vin": new_vin, "energy": "nev",
            "dealer_code": "D001", "purchased_on": "2022-09-10", "new_plate": "鄂GD12345"}

for person, owner, new_vin in seed["online"]:
    apply.submit("m12", car(person, owner, new_vin), actor=users["car_buyer"], on=dt.date(2026, 6, 15),
                 payee=apply.Payee("李四", "中国工商银行鄂州分行", "6222020000000000001"), subject_name="李四",
                 uploads=uploads)

fields = intake.batch_fields("m12")
batch = folder / "cars.csv"
with batch.open("w", encoding="utf-8-sig", newline="") as fh:
    w = csv.writer(fh)
    w.writerow([f.label for f in fields])
    for person, owner, new_vin in seed["batch"]:
        row = {**car(person, owner, new_vin), "disposal": "报废", "energy": "新能源汽车", "subject_name": "某人",
               "payee_name": "某人", "payee_bank": "某银行", "payee_account": "6222020000000000001"}
        w.writerow([row[f.name] for f in fields])
r = start_job("subsidies.applications.import", user=users["shangwu_clerk"], input_path=batch,
              params={"component": "m12"}, inline=True)
assert r.state == "succeeded" and r.counts.get("受理") == len(seed["batch"]), (r.state, r.message, r.counts)

loans = folder / "loans.csv"
with loans.open("w", encoding="utf-8-sig", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["贷款银行", "贷款合同编号", "借款人证件号码", "借款人类型", "贷款本金（元）", "发放日期", "到期或结清日期",
                "首贷户贷款", "纾困基金贷款", "货币政策工具", "所属行业", "已享受其他财政贴息", "借款人名称", "收款账号"])
    for i, (person, account) in enumerate(zip(seed["borrowers"], seed["accounts"])):
        w.writerow(["B01", f"K{i}", person, "个体工商户", "100000.00", "2022-09-01", "2023-09-01", "是", "否", "",
                    "", "否", "某个体户", account])
r = start_job("subsidies.import.bank_loans", user=users["caizheng_clerk"], input_path=loans, inline=True)
assert r.state == "succeeded", (r.state, r.message)
r = start_job("subsidies.interest.run", user=users["caizheng_clerk"], inline=True)
assert r.state == "succeeded", (r.state, r.message)
"""

READ = r"""
import json, sys, django
django.setup()
from ezhou_platform.subsidies.models import Application, LedgerKey, ReferenceRow
from ezhou_platform.subsidies.models.ledger import subject_token
seed = json.loads(sys.argv[1])
online = [p for p, _o, _v in seed["online"]]
batch = [p for p, _o, _v in seed["batch"]]
x_person = next(p for p in online + batch if p.endswith("X"))
print(json.dumps({
    "subjects": Application.objects.filter(subject__in=online + batch + seed["borrowers"]).count(),
    "x_lower": Application.objects.filter(subject=x_person.lower()).count(),
    "owners": sorted(a.facts["old_owner_id"] for a in Application.objects.filter(component="m12"))
              == sorted(o for _p, o, _v in seed["online"] + seed["batch"]),
    "person_keys": sorted(LedgerKey.objects.filter(key__startswith="m12.person|").values_list("key", flat=True))
                   == sorted(f"m12.person|{subject_token(p)}" for p in online + batch),
    "borrowers": ReferenceRow.objects.filter(kind="bank_loans", subject__in=seed["borrowers"]).count(),
    "accounts": sorted(r.data["payee_account"] for r in ReferenceRow.objects.filter(kind="bank_loans"))
                == sorted(a.payee_account for a in Application.objects.exclude(component="m12"))
                == sorted(seed["accounts"]),
}))
"""


# What READ finds, the first time and again after migrating back and forth.
READ_BACK = {
    "subjects": 9,
    "x_lower": 1,
    "owners": True,
    "person_keys": True,
    "borrowers": 2,
    "accounts": True,
}


def _read(env: dict[str, str], seed: dict[str, object]) -> object:
    return json.loads(run_python(env, "-c", READ, json.dumps(seed)).stdout.strip().splitlines()[-1])


def resident_id(serial: int) -> str:
    first17 = f"420704{1960 + serial % 40}0{1 + serial % 9}{10 + serial % 18}{serial % 1000:03d}"
    return first17 + ids.resident_id_check_char(first17)


def vin(seed: int) -> str:
    body = f"LSVAU2180N{seed:07d}"[:17]
    return body[:8] + vin_check_digit(body) + body[9:]


def _seed() -> dict[str, object]:
    people = [resident_id(i) for i in range(1, 400)]
    x_person = next(p for p in people if p.endswith("X"))  # one ID with the X check character
    others = [p for p in people if not p.endswith("X")]
    uscc17 = "91420700MA4900001"
    return {
        "dealer": uscc17 + ids.uscc_check_char(uscc17),
        "old_vin": vin(999),
        # (applicant, old car's registered owner — the applicant himself, 十二 —, new VIN)
        "online": [
            [x_person, x_person, vin(1)],
            [others[0], others[0], vin(2)],
            [others[1], others[1], vin(3)],
        ],
        "batch": [[others[2 + i], others[2 + i], vin(10 + i)] for i in range(4)],
        "borrowers": [others[10], others[11]],
        # the bank's 收款账号 of each loan (C20, migration 0007): sealed in the imported row's data, paid to by
        # the interest run, the applications' own column encrypted since 0002
        "accounts": ["6222024200000000011", "6222024200000000012"],
    }


def _all_ids(seed: dict[str, object]) -> list[str]:
    out: set[str] = set(seed["borrowers"]) | set(seed["accounts"])  # type: ignore[arg-type]
    for person, owner, _vin in [*seed["online"], *seed["batch"]]:  # type: ignore[misc]
        out |= {person, owner}
    return sorted(out)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="file scan of the SQLite pass"
)
def test_subsidies_resident_ids_nowhere_in_clear(tmp_path: Path) -> None:
    env = {**scan_env(tmp_path), "EZHOU_DEMO": "1"}  # the demo accounts file the applications
    drop = migrated_database(env, tmp_path)
    try:
        seed = _seed()
        numbers = _all_ids(seed)
        assert len(numbers) == 11  # 3 online applicants + 4 batch applicants + 2 borrowers + 2 loan accounts
        manage = str(ROOT / "manage.py")
        run_python(env, "-c", SEED, json.dumps(seed), str(tmp_path))
        db = tmp_path / "ezhou.sqlite3"
        found = {"file": hits(database_bytes(db), numbers), "dump": hits(dump(db), numbers)}
        print(
            f"subsidies: plaintext hits = {sum(found.values())} of {len(numbers)} IDs and account numbers ({found})"
        )
        assert found == {"file": 0, "dump": 0}

        # 3 online + 4 batch car applications + 2 interest subsidies of the individual borrowers = 9
        assert _read(env, seed) == READ_BACK
        check = run_python(env, manage, "crypto", "check").stdout
        assert "subsidies.Application.subject：v1 9" in check
        assert "subsidies.Application.facts.old_owner_id：v1 7" in check
        assert "subsidies.ReferenceRow.data.borrower_id：v1 2" in check
        assert "subsidies.ReferenceRow.data.payee_account：v1 2" in check

        # Back to 0004: subjects, facts, keys and the loans' accounts in clear again (the control) …
        run_python(env, manage, "migrate", "subsidies", "0004", "--noinput", "-v", "0")
        text = dump(db)
        plain = hits(text, numbers)
        print(f"after migrating back: plaintext hits in the dump = {plain} of {len(numbers)}")
        assert plain == len(numbers)
        assert all(f"m12.person|{p}".encode() in text for p, _o, _v in seed["online"])  # type: ignore[misc]
        # … and forward: sealed again, the ledger's keys tokens again, every value read back
        run_python(env, manage, "migrate", "--noinput", "-v", "0")
        assert hits(dump(db), numbers) == 0
        assert _read(env, seed) == READ_BACK
    finally:
        drop()
