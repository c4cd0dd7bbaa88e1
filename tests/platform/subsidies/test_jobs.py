"""The background jobs on files: imports of the data holders' tables (row errors, all or nothing, idempotent),
batch applications through the ledger (duplicates of person or VIN refused naming the row or the holder),
免申即享 (十六) and the what-if of a year."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from ezhou_platform.jobs import files
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.procedures.models import Case
from ezhou_platform.subsidies.models import Application, Deferral, LedgerKey, ReferenceRow, WhatIf
from ezhou_platform.subsidies.services import intake

from .conftest import add_dealer, configure, file_car, resident_id, uscc, vin

D = dt.date
pytestmark = pytest.mark.django_db(transaction=True)

DEALER_HEADER = [
    "经销店编码",
    "经销店名称",
    "经销店统一社会信用代码",
    "所在市州",
    "列入湖北省2022年汽车以旧换新专项行动授权经销商名单",
]


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _job_files(tmp_path: Path, settings: Any) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"


def run(name: str, user: Any, path: Path | None = None, **params: Any) -> JobRun:
    return start_job(name, user=user, input_path=path, params=params, inline=True)


def errors_of(r: JobRun) -> list[tuple[Any, ...]]:
    wb = load_workbook(files.resolve(r.errors_file), read_only=True)
    rows = [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows[1:]


def test_a_dealer_list_is_imported_once_whatever_the_number_of_uploads(
    demo_users: dict[str, Any], tmp_path: Path
) -> None:
    clerk = demo_users["shangwu_clerk"]
    rows = [["EZ001", "甲店", uscc(1), "鄂州市", "是"], ["WH001", "乙店", uscc(2), "武汉市", "是"]]
    first = run("subsidies.import.dealers", clerk, write_csv(tmp_path / "d.csv", DEALER_HEADER, rows))
    assert (first.state, first.counts) == ("succeeded", {"新增": 2, "更新": 0, "未变": 0})
    again = run("subsidies.import.dealers", clerk, write_csv(tmp_path / "d2.csv", DEALER_HEADER, rows))
    assert again.counts == {"新增": 0, "更新": 0, "未变": 2}
    rows[1][4] = "否"
    changed = run("subsidies.import.dealers", clerk, write_csv(tmp_path / "d3.csv", DEALER_HEADER, rows))
    assert changed.counts == {"新增": 0, "更新": 1, "未变": 1}
    assert ReferenceRow.objects.get(key="WH001").data["listed"] == "否"
    # The same list as Excel.
    wb = Workbook()
    ws = wb.active
    ws.append(DEALER_HEADER)
    ws.append(["EZ002", "丙店", uscc(3), "鄂州市", "是"])
    wb.save(tmp_path / "d.xlsx")
    assert run("subsidies.import.dealers", clerk, tmp_path / "d.xlsx").counts["新增"] == 1
    # Another department may not start it.
    with pytest.raises(Exception, match="没有权限"):
        run("subsidies.import.dealers", demo_users["jiaotong_clerk"], tmp_path / "d.xlsx")


def test_a_file_with_broken_rows_writes_nothing_and_names_each_row(
    demo_users: dict[str, Any], tmp_path: Path
) -> None:
    clerk = demo_users["caizheng_clerk"]
    header = ["贷款银行", "贷款合同编号", "借款人证件号码", "借款人类型", "贷款本金（元）", "发放日期", "到期或结清日期",
              "首贷户贷款", "纾困基金贷款", "货币政策工具", "所属行业", "已享受其他财政贴息", "借款人名称", "收款账号"]  # fmt: skip
    good = [
        "B01",
        "K1",
        uscc(1),
        "微型企业",
        "1000000.00",
        "2022-09-01",
        "2023-09-01",
        "是",
        "否",
        "",
        "",
        "否",
        "甲",
        "6222020000000000001",
    ]
    rows = [
        good,
        # a negative principal
        [
            "B01",
            "K2",
            uscc(2),
            "小型企业",
            "-5.00",
            "2022-09-01",
            "2023-09-01",
            "是",
            "否",
            "",
            "",
            "否",
            "乙",
            "6222020000000000002",
        ],
        # flagged 纾困基金 (二: 2022年8月至12月) but disbursed in July
        [
            "B01",
            "K3",
            uscc(3),
            "小型企业",
            "500000.00",
            "2022-07-31",
            "2023-07-31",
            "否",
            "是",
            "",
            "零售",
            "否",
            "丙",
            "6222020000000000003",
        ],
        # a bad USCC check character and no payee account
        [
            "B02",
            "K4",
            uscc(4)[:-1] + ("0" if uscc(4)[-1] != "0" else "1"),
            "小型企业",
            "100.00",
            "2022-09-01",
            "2023-09-01",
            "是",
            "否",
            "",
            "",
            "否",
            "丁",
            "",
        ],
    ]
    r = run("subsidies.import.bank_loans", clerk, write_csv(tmp_path / "loans.csv", header, rows))
    assert r.state == "failed" and "全部未导入" in r.message
    errors = errors_of(r)
    by_row = {(e[0], e[4]) for e in errors}
    assert (3, "negative_amount") in by_row
    assert (4, "loan_outside_window") in by_row
    assert (5, "subject_id_invalid") in by_row  # neither a valid USCC nor a valid resident ID
    assert any(e[0] == 5 and e[1] == "收款账号" for e in errors)
    assert any("二" in str(e[3]) or "第二条" in str(e[3]) for e in errors if e[0] == 4)
    assert not ReferenceRow.objects.exists()
    # Fixed, the same file goes in.
    ok = run("subsidies.import.bank_loans", clerk, write_csv(tmp_path / "loans2.csv", header, [good]))
    assert ok.state == "succeeded" and ReferenceRow.objects.count() == 1


def test_a_file_without_a_required_column_is_refused(demo_users: dict[str, Any], tmp_path: Path) -> None:
    r = run(
        "subsidies.import.dealers",
        demo_users["shangwu_clerk"],
        write_csv(tmp_path / "x.csv", ["经销店编码"], [["EZ1"]]),
    )
    assert r.state == "failed" and "表头缺少列" in r.message and "经销店名称" in r.message


CAR_BATCH_HEADER = [f.label for f in intake.batch_fields("m12")]


def _car_row(person: str, car: str, dealer: str = "D001") -> list[Any]:
    values = {
        "applicant_id": person, "old_owner_id": person, "old_plate": "鄂G12345", "old_vin": vin(999),
        "disposal": "报废", "disposed_on": "2022-09-01", "new_vin": car, "energy": "新能源汽车",
        "dealer_code": dealer, "purchased_on": "2022-09-10", "new_plate": "鄂GD12345", "subject_name": "某人",
        "payee_name": "某人", "payee_bank": "某银行", "payee_account": "6222020000000000001",
    }  # fmt: skip
    return [values[f.name] for f in intake.batch_fields("m12")]


def test_batch_applications_go_through_the_ledger_in_file_order(
    demo_users: dict[str, Any], tmp_path: Path
) -> None:
    configure()
    add_dealer("D001")
    u = demo_users
    held = file_car(u["car_buyer"], resident_id(900), vin(900))  # an online application holds person 900
    rows = [_car_row(resident_id(i), vin(i)) for i in range(6)]
    rows.append(_car_row(resident_id(1), vin(50)))  # row 8: person of row 3 again
    rows.append(_car_row(resident_id(51), vin(2)))  # row 9: the car of row 4 again
    rows.append(_car_row(resident_id(900), vin(52)))  # row 10: the person holding the online application
    rows.append(_car_row(resident_id(53), vin(53), dealer="W009"))  # row 11: not a listed Ezhou dealer
    r = run(
        "subsidies.applications.import",
        u["shangwu_clerk"],
        write_csv(tmp_path / "cars.csv", CAR_BATCH_HEADER, rows),
        component="m12",
    )
    assert r.state == "succeeded", r.message
    assert r.counts == {"受理": 6, "重复申请未受理": 3, "不符合条件未受理": 1}
    errors = {e[0]: e[3] for e in errors_of(r)}
    assert "与本文件第3行重复" in errors[8] and "同一申请人" in errors[8]
    assert "与本文件第4行重复" in errors[9] and "同一车辆" in errors[9]
    assert held.number in errors[10]
    assert "不在我市列入湖北省" in errors[11]
    batch = Application.objects.filter(source="batch")
    assert batch.count() == 6 and all(a.amount_fen == 800_000 for a in batch)
    assert Case.objects.count() == 7 and LedgerKey.objects.filter(released_on__isnull=True).count() == 14


def test_a_batch_with_a_broken_cell_takes_no_application(demo_users: dict[str, Any], tmp_path: Path) -> None:
    configure()
    add_dealer("D001")
    rows = [_car_row(resident_id(i), vin(i)) for i in range(3)]
    rows[1][CAR_BATCH_HEADER.index("新车车辆识别代号")] = vin(1)[:16] + "I"  # I is never used in a VIN
    r = run(
        "subsidies.applications.import",
        demo_users["shangwu_clerk"],
        write_csv(tmp_path / "c.csv", CAR_BATCH_HEADER, rows),
        component="m12",
    )
    assert r.state == "failed" and not Application.objects.exists()
    assert any(e[0] == 3 and e[1] == "新车车辆识别代号" for e in errors_of(r))


def test_exempt_run_defers_august_to_october_without_a_late_fee(
    demo_users: dict[str, Any], tmp_path: Path
) -> None:
    clerk = demo_users["yibao_clerk"]
    header = [
        "参保单位统一社会信用代码",
        "单位类型",
        "以单位方式参保",
        "符合缓缴条件",
        "费款所属月份",
        "单位应缴职工医保费（元）",
        "单位名称",
    ]
    rows = []
    for unit, kind in ((uscc(10), "小型企业"), (uscc(11), "大型企业"), (uscc(12), "律师事务所")):
        for month in ("2022-07-01", "2022-08-01", "2022-10-01", "2022-11-01"):
            rows.append([unit, kind, "是", "是", month, "1000.00", "某单位"])
    r = run("subsidies.deferral.run", clerk, write_csv(tmp_path / "m16.csv", header, rows))
    # 中小微 and the social organisations 参照执行: August and October of the small one and the law firm (2 × 2).
    assert (
        r.state == "succeeded"
        and r.counts["缓缴（单位月）"] == 4
        and r.counts["不符合缓缴条件（单位月）"] == 8
    )
    assert set(Deferral.objects.filter(deferred=True).values_list("late_fee_fen", flat=True)) == {0}
    large = Deferral.objects.get(unit_id=uscc(11), month=D(2022, 8, 1))
    assert not large.deferred and any("大型企业" in r for r in large.reasons)
    again = run("subsidies.deferral.run", clerk, write_csv(tmp_path / "m16b.csv", header, rows))
    assert again.counts["未变"] == 12 and Deferral.objects.count() == 12


def test_what_if_recomputes_the_year_under_changed_amounts(demo_users: dict[str, Any]) -> None:
    configure()
    add_dealer("D001")
    buyer = demo_users["car_buyer"]
    file_car(buyer, resident_id(1), vin(1))  # scrap + new energy: 8,000.00
    file_car(buyer, resident_id(2), vin(2), energy="fuel")  # scrap + fuel: 3,000.00
    r = run(
        "subsidies.whatif",
        demo_users["caizheng_clerk"],
        year="2022",
        overrides={"m12.amount.scrap_nev": "9000"},
    )
    assert r.state == "succeeded", r.message
    w = WhatIf.objects.get()
    # baseline 8,000 + 3,000 = 11,000.00; scenario 9,000 + 3,000 = 12,000.00
    assert (w.total_baseline_fen, w.total_scenario_fen, w.applications) == (1_100_000, 1_200_000, 2)
    assert w.rows == [
        {"measure": 12, "payer": "市级财政", "baseline_count": 2, "baseline_fen": 1_100_000, "scenario_count": 2,
         "scenario_fen": 1_200_000, "difference_fen": 100_000, "measure_name": "第十二条"}
    ]  # fmt: skip
    assert r.result_file
    with pytest.raises(Exception, match="没有参数"):
        run("subsidies.whatif", demo_users["caizheng_clerk"], year="2022", overrides={"m12.nothing": "1"})
