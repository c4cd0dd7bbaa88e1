"""Demo data of the subsidies system, dated back from the platform's today (the facts themselves are 2022's, as
the measures require), through the same services and jobs a clerk uses:

- the configuration the text leaves open, entered as demo values marked 演示配置（非官方）: the notice period, the
  直达快享 period, the subsidised days of 一至三;
- the data holders' tables imported as files: Hubei's dealer list, the 统计局 限上 list, the 交通运输部 规上 list,
  four bank loan reports (then the interest run generates the 一至三 applications);
- budgets of 市级财政 and 鄂城区;
- applications at every stage: 张三's car trade-in paid; 鄂州示范商贸's store award
  whose notice is over (the 商务局负责人 decides the amount) and its retail-growth award decided, waiting for
  鄂城区's payment; 鄂州示范物流's freight award decided at 80,000 and replaced by its ranked 200,000 (就高不就低)
  now in the notice; 李四's first car subsidy paid and clawed back, his second waiting for review;
- 第十六条 免申即享 over five units' August–October contributions; two tracking records; one what-if.

Idempotent: each block runs only if its marker is not there yet.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from ezhou_platform.common import clock
from ezhou_platform.common.models import ConfiguredValue, User
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.runner import start_job
from ezhou_rules.core import ids
from ezhou_rules.subsidies.vin import vin_check_digit

from .models import Application, BudgetAccount, Deferral, ReferenceRow, TrackingRecord, WhatIf
from .services import apply, clawback, decisions, exempt, notices, payments, review

DEMO_SOURCE = "演示配置（非官方，上线前由主管部门按实际录入）"
SHANGMAO = "91420700MA49QM3K17"
HUOYUN = "91420700MA49HY7T23"
D = dt.date


def _rid(first17: str) -> str:
    return first17 + ids.resident_id_check_char(first17)


def _uscc(first17: str) -> str:
    return first17 + ids.uscc_check_char(first17)


def _vin(body: str) -> str:
    return body[:8] + vin_check_digit(body) + body[9:]


LISI = _rid("42070419880314253")
ZHANGSAN = _rid("42070419941212001")


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.select_related("department", "jurisdiction")}


def _configure() -> None:
    for name, value in (
        ("procedure.notice_workdays", 5),
        ("procedure.direct_payment_days", 30),
        ("m01.max_subsidised_days", 365),
        ("m02.max_subsidised_days", 365),
        ("m03.max_subsidised_days", 365),
    ):
        ConfiguredValue.objects.get_or_create(
            tree="subsidies",
            name=name,
            valid_from=D(2022, 10, 13),
            defaults={"value": value, "source": DEMO_SOURCE},
        )


def _write(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _import(
    folder: Path, job: str, user: User, name: str, header: list[str], rows: list[list[Any]]
) -> JobRun:
    return start_job(
        job, user=user, input_path=_write(folder, name, header, rows), via=JobRun.Via.SYSTEM, inline=True
    )


def _reference_data(u: dict[str, User], folder: Path) -> None:
    if ReferenceRow.objects.exists():
        return
    _import(
        folder,
        "subsidies.import.dealers",
        u["shangwu_clerk"],
        "dealers.csv",
        [
            "经销店编码",
            "经销店名称",
            "经销店统一社会信用代码",
            "所在市州",
            "列入湖北省2022年汽车以旧换新专项行动授权经销商名单",
        ],
        [
            ["EZ001", "鄂州示范新能源汽车销售服务有限公司", _uscc("91420700MA49D0001"), "鄂州市", "是"],
            ["EZ002", "鄂州示范汽车贸易有限公司", _uscc("91420700MA49D0002"), "鄂州市", "是"],
            ["WH001", "武汉示范汽车销售有限公司", _uscc("91420100MA49D0003"), "武汉市", "是"],
        ],
    )
    _import(
        folder,
        "subsidies.import.above_limit",
        u["shangwu_clerk"],
        "above_limit.csv",
        [
            "单位名称",
            "单位类型",
            "统一社会信用代码",
            "行业（批发/零售/住宿/餐饮）",
            "首次入库",
            "入库日期",
            "所属区域",
            "入库后持续在库（未退库）",
            "在库限额以上企业",
            "央企",
            "年度",
            "本年零售额（元）",
            "上年零售额（元）",
        ],
        [
            [
                "鄂州示范商贸有限公司",
                "法人企业",
                SHANGMAO,
                "零售",
                "否",
                "2019-03-01",
                "鄂城区",
                "是",
                "是",
                "否",
                2022,
                "36000000.00",
                "25000000.00",
            ]
        ],
    )
    _import(
        folder,
        "subsidies.import.freight",
        u["jiaotong_clerk"],
        "freight.csv",
        [
            "企业名称",
            "企业统一社会信用代码",
            "在我市依法设立",
            "纳入交通运输部规上公路货运",
            "2022年公路货物周转量全省排名",
            "周转量增长量全省排名",
            "纳入规模以上公路货运企业日期",
            "年度",
        ],
        [["鄂州示范物流有限公司", HUOYUN, "是", "是", 35, 0, "2022-09-01", 2022]],
    )
    loans = [
        [
            "B01",
            "首贷-2022-0901",
            _uscc("91420700MA49L0001"),
            "微型企业",
            "1000000.00",
            "2022-09-01",
            "2023-09-01",
            "是",
            "否",
            "",
            "",
            "否",
            "鄂州示范小微科技有限公司",
            "6222020000000000101",
        ],
        [
            "B02",
            "科创-2022-1010",
            _uscc("91420700MA49L0002"),
            "小型企业",
            "2000000.00",
            "2022-10-10",
            "2023-04-10",
            "否",
            "否",
            "科技创新再贷款",
            "",
            "否",
            "鄂州示范新材料有限公司",
            "6222020000000000102",
        ],
        [
            "B01",
            "纾困-2022-0815",
            _uscc("91420700MA49L0003"),
            "小型企业",
            "500000.00",
            "2022-08-15",
            "2023-08-15",
            "否",
            "是",
            "",
            "零售",
            "否",
            "鄂州示范超市有限公司",
            "6222020000000000103",
        ],
        [
            "B03",
            "首贷-2022-1120",
            _uscc("91420700MA49L0004"),
            "大型企业",
            "8000000.00",
            "2022-11-20",
            "2023-11-20",
            "是",
            "否",
            "",
            "",
            "否",
            "鄂州示范重工有限公司",
            "6222020000000000104",
        ],
    ]
    _import(
        folder,
        "subsidies.import.bank_loans",
        u["caizheng_clerk"],
        "bank_loans.csv",
        [
            "贷款银行",
            "贷款合同编号",
            "借款人证件号码",
            "借款人类型",
            "贷款本金（元）",
            "发放日期",
            "到期或结清日期",
            "首贷户贷款",
            "纾困基金贷款",
            "货币政策工具",
            "所属行业",
            "已享受其他财政贴息",
            "借款人名称",
            "收款账号",
        ],
        loans,
    )


def _budgets(u: dict[str, User], today: dt.date) -> None:
    if BudgetAccount.objects.exists():
        return
    for measure, amount in (
        (1, 50_000_000),
        (2, 20_000_000),
        (3, 50_000_000),
        (4, 100_000_000),
        (8, 100_000_000),
        (12, 100_000_000),
    ):
        payments.enter_budget(
            measure=measure,
            amount_fen=amount,
            source="演示预算（非官方）",
            actor=u["caizheng_clerk"],
            on=today - dt.timedelta(days=45),
        )
    for measure, amount in ((5, 50_000_000), (9, 50_000_000)):
        payments.enter_budget(
            measure=measure,
            amount_fen=amount,
            source="演示预算（非官方）",
            actor=u["caizheng_echeng"],
            on=today - dt.timedelta(days=45),
        )


def _car(person: str, seed: str, dealer: str = "EZ001", **kw: Any) -> dict[str, Any]:
    facts = {
        "applicant_id": person,
        "old_owner_id": person,
        "old_plate": "鄂G6J218",
        "old_vin": _vin(f"LFV2A21K3{seed}0000"[:17]),
        "disposal": "scrap",
        "disposed_on": "2022-09-03",
        "new_vin": _vin(f"LGXC16DF9{seed}7777"[:17]),
        "energy": "nev",
        "dealer_code": dealer,
        "purchased_on": "2022-09-12",
        "new_plate": "鄂GD3C215",
    }
    facts.update(kw)
    return facts


PDF = b"%PDF-1.4\n% demo document (not a real certificate)\n"
CAR_UPLOADS = [apply.Upload(k, f"演示-{k}.pdf", PDF) for k in apply.CAR_DOCUMENTS]


def _applications(u: dict[str, User], today: dt.date) -> None:
    if Application.objects.filter(source=Application.Source.ONLINE).exists():
        return
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731 - dates read better as "n days ago"
    commerce, head = u["shangwu_clerk"], u["shangwu_head"]
    # 张三: filed 40 days ago, paid.
    paid = apply.submit(
        "m12",
        _car(ZHANGSAN, "1001"),
        actor=u["citizen"],
        on=ago(40),
        payee=apply.Payee("张三", "中国建设银行鄂州分行", "6217000000000000201"),
        subject_name="张三",
        uploads=CAR_UPLOADS,
    )
    # 李四's first car: paid, then found undue and clawed back; his keys are free again and his second car (below)
    # waits for review.
    undue = apply.submit(
        "m12",
        _car(LISI, "1002", energy="fuel", disposal="transfer", new_plate="鄂GA8K112"),
        actor=u["car_buyer"],
        on=ago(40),
        payee=apply.Payee("李四", "中国工商银行鄂州分行", "6222020000000000001"),
        subject_name="李四",
        uploads=CAR_UPLOADS,
    )
    store = apply.submit(
        "m05.store",
        {
            "carrier_id": SHANGMAO,
            "store_id": "EC-2022-018",
            "brand": "示范咖啡",
            "store_class": "hubei_first",
            "catering": "是",
            "opened_on": "2022-09-18",
            "agreement_months": "36",
            "tax_in_ezhou": "是",
            "main_revenue": "960000.00",
            "revenue_months": "3",
            "territory": "鄂城区",
        },
        actor=u["shangmao"],
        on=ago(30),
        payee=apply.Payee("鄂州示范商贸有限公司", "湖北银行鄂州分行", "8200000000000401"),
    )
    growth = apply.submit(
        "m09.retail_growth",
        {
            "unit_id": SHANGMAO,
            "in_database": "是",
            "central_soe": "否",
            "year": "2022",
            "retail_sales": "36000000.00",
            "retail_sales_last_year": "25000000.00",
            "territory": "鄂城区",
        },
        actor=u["shangmao"],
        on=ago(40),
        payee=apply.Payee("鄂州示范商贸有限公司", "湖北银行鄂州分行", "8200000000000401"),
    )
    new_freight = apply.submit(
        "m08.new",
        {"enterprise_id": HUOYUN, "included_on": "2022-09-01", "meets_conditions": "是"},
        actor=u["huoyun"],
        on=ago(40),
        payee=apply.Payee("鄂州示范物流有限公司", "中国银行鄂州分行", "1772000000000501"),
    )
    for app in (paid, undue, growth):
        review.review(app, actor=commerce, on=ago(38), note="材料齐全，与报送数据一致")
    review.review(new_freight, actor=u["jiaotong_clerk"], on=ago(38), note="交通运输部门认定符合条件")
    notices.publish([paid, undue, growth], actor=commerce, on=ago(37))
    notices.publish([new_freight], actor=u["jiaotong_clerk"], on=ago(37))
    decisions.decide(
        [decisions.Item(paid), decisions.Item(undue), decisions.Item(growth)], actor=head, on=ago(25)
    )
    decisions.decide(
        [decisions.Item(new_freight, 8_000_000, "2022年9月新增纳入规上，按营运车辆规模核定")],
        actor=u["jiaotong_head"],
        on=ago(25),
    )
    for a in (paid, undue):
        a.refresh_from_db()
    payments.pay([paid, undue], actor=u["caizheng_clerk"], on=ago(20))
    clawback.claw_back(
        undue, actor=head, on=ago(5), reason="核查发现旧车转出登记日期为2022年5月20日，早于补贴期限"
    )
    # 鄂州示范物流 ranked 35th by turnover: 200,000 replaces the 80,000 decided (就高不就低), now in the notice.
    ranked = apply.submit(
        "m08.ranked",
        {
            "enterprise_id": HUOYUN,
            "established_in_ezhou": "是",
            "in_designated_list": "是",
            "turnover_rank": "35",
        },
        actor=u["huoyun"],
        on=ago(10),
        payee=apply.Payee("鄂州示范物流有限公司", "中国银行鄂州分行", "1772000000000501"),
    )
    review.review(ranked, actor=u["jiaotong_clerk"], on=ago(9), note="与交通运输部规上名单及全省排名一致")
    notices.publish([ranked], actor=u["jiaotong_clerk"], on=ago(8))
    # The store award: its notice is over; the 商务局负责人 decides the amount within 50,000.
    review.review(store, actor=commerce, on=ago(29), note="入驻协议36个月，纳税证明齐全")
    notices.publish([store], actor=commerce, on=ago(28))
    # 李四's car: waiting for review.
    apply.submit(
        "m12",
        _car(LISI, "1003", dealer="EZ002"),
        actor=u["car_buyer"],
        on=ago(2),
        payee=apply.Payee("李四", "中国工商银行鄂州分行", "6222020000000000001"),
        subject_name="李四",
        uploads=CAR_UPLOADS,
    )


def _interest(u: dict[str, User]) -> None:
    if Application.objects.filter(source=Application.Source.BANK).exists():
        return
    start_job("subsidies.interest.run", user=u["caizheng_clerk"], via=JobRun.Via.SYSTEM, inline=True)


def _deferrals(u: dict[str, User], folder: Path) -> None:
    if Deferral.objects.exists():
        return
    units = [
        (_uscc("91420700MA49Y0001"), "鄂州示范包装有限公司", "小型企业"),
        (_uscc("91420700MA49Y0002"), "鄂州示范餐饮店", "个体工商户"),
        (_uscc("91420700MA49Y0003"), "鄂州示范会计师事务所", "会计师事务所"),
        (_uscc("91420700MA49Y0004"), "鄂州示范钢铁集团有限公司", "大型企业"),
    ]
    rows = []
    for uid, name, kind in units:
        for month, fee in (
            ("2022-08-01", "12600.00"),
            ("2022-09-01", "12600.00"),
            ("2022-10-01", "12850.00"),
            ("2022-11-01", "12850.00"),
        ):
            rows.append([uid, kind, "是", "是", month, fee, name])
    header = [f.label for f in exempt.FIELDS]
    _import(folder, "subsidies.deferral.run", u["yibao_clerk"], "deferrals.csv", header, rows)


def _tracking(u: dict[str, User], today: dt.date) -> None:
    if TrackingRecord.objects.exists():
        return
    from .services import tracking

    tracking.add(
        measure=6,
        unit="市商务局",
        done_on=D(2022, 11, 8),
        action="对接省级会展政策，组织3家会展企业申报省级补助",
        actor=u["shangwu_clerk"],
        on=today,
    )
    tracking.add(
        measure=17,
        unit="市发改委",
        item="动态更新调整并公布《鄂州市涉企行政事业性收费清单》",
        done_on=D(2022, 11, 30),
        action="更新并在市政府门户网站公布2022年版涉企行政事业性收费清单",
        actor=u["fagai_clerk"],
        on=today,
    )


def _whatif(u: dict[str, User]) -> None:
    if WhatIf.objects.exists():
        return
    start_job(
        "subsidies.whatif",
        user=u["caizheng_clerk"],
        params={"year": "2022", "overrides": "m12.amount.scrap_nev=9000; m01.rate=1.5%"},
        via=JobRun.Via.SYSTEM,
        inline=True,
    )


def load_demo() -> None:
    today = clock.today()
    u = _users()
    _configure()
    with tempfile.TemporaryDirectory(prefix="ezhou-subsidies-demo-") as tmp:
        folder = Path(tmp)
        _reference_data(u, folder)
        _budgets(u, today)
        _applications(u, today)
        _interest(u)
        _deferrals(u, folder)
    _tracking(u, today)
    _whatif(u)
