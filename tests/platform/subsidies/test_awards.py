"""Awards decided to the fen, with the computation in the comments: a 最高 ceiling decided with its reason (五),
a cap counted across applications and freed by a clawback (四), 就高不就低 (八), and the interest subsidies
generated from the banks' reports (一至三)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.jobs.runner import start_job
from ezhou_platform.subsidies.models import Application, CapUsage, LedgerKey, ReferenceRow
from ezhou_platform.subsidies.models.ledger import subject_token
from ezhou_platform.subsidies.services import clawback, decisions, ledger, notices, review
from ezhou_platform.subsidies.services.apply import Payee, submit
from ezhou_rules.subsidies.errors import SubsidyError

from .conftest import SHANGMAO, configure, uscc

D = dt.date
pytestmark = pytest.mark.django_db
PAYEE = Payee("鄂州示范商贸有限公司", "湖北银行鄂州分行", "8200000000000401")


REVIEWED_ON = D(2026, 6, 1)


def _through_notice(apps: list[Application], clerk: Any, on: dt.date = REVIEWED_ON) -> None:
    for a in apps:
        review.review(a, actor=clerk, on=on)
    notices.publish(apps, actor=clerk, on=on + dt.timedelta(days=1))  # 5 working days: ends before 06-15


STORE = {
    "carrier_id": SHANGMAO,
    "store_id": "EC-001",
    "brand": "示范咖啡",
    "store_class": "hubei_first",
    "catering": "是",
    "opened_on": "2022-09-18",
    "agreement_months": "24",
    "tax_in_ezhou": "是",
    "main_revenue": "600000.00",
    "revenue_months": "3",
    "territory": "鄂城区",
}


def test_a_ceiling_is_decided_with_its_reason_within_it(demo_users: dict[str, Any]) -> None:
    configure()
    u = demo_users
    # 湖北首店 最高10万, a catering brand 50% → 最高 50,000.00; 24 months is 2年及以上; 600,000.00 ÷ 3 = 200,000.00 a
    # month, 20万元以上 includes the figure.
    app = submit("m05.store", STORE, actor=u["shangmao"], on=D(2026, 6, 1), payee=PAYEE)
    assert (app.pending_decision, app.ceiling_fen, app.amount_fen, app.payer) == (
        True,
        5_000_000,
        0,
        "鄂城区",
    )
    _through_notice([app], u["shangwu_clerk"])
    head = u["shangwu_head"]
    with pytest.raises(SubsidyError, match="请填写决定金额和理由"):
        decisions.decide([decisions.Item(app)], actor=head, on=D(2026, 6, 15))
    with pytest.raises(SubsidyError) as err:  # 50,000.01 > 最高 50,000.00
        decisions.decide([decisions.Item(app, 5_000_001, "超额")], actor=head, on=D(2026, 6, 15))
    assert err.value.code == "decision_above_ceiling" and app.number in err.value.message
    with pytest.raises(SubsidyError) as err:
        decisions.decide([decisions.Item(app, 4_000_000, "  ")], actor=head, on=D(2026, 6, 15))
    assert err.value.code == "decision_reason_required"
    # 最高 includes the figure: exactly 50,000.00 is allowed.
    decisions.decide(
        [decisions.Item(app, 5_000_000, "品牌影响力大，按最高额奖励")], actor=head, on=D(2026, 6, 15)
    )
    app.refresh_from_db()
    assert (app.status, app.decided_amount_fen, app.payable_fen) == ("decided", 5_000_000, 5_000_000)
    assert app.decision_reason == "品牌影响力大，按最高额奖励"
    # The carrier's yearly cap (200万) counts it.
    assert CapUsage.objects.get(key=f"m05.store|{subject_token(SHANGMAO)}|2022").used_fen == 5_000_000


def _bills(u: dict[str, Any], n: int) -> list[Application]:
    enterprise = u["enterprise"]
    apps = [
        submit(
            "m04.bills",
            {
                "enterprise_id": enterprise.enterprise_uscc,
                "core_unit": "是",
                "connected": "是",
                "year": "2022",
                "batch": f"2022-Q{i + 1}",
                "issued": "600000000.00",
            },
            actor=enterprise,
            on=D(2026, 6, 1),
            payee=Payee("鄂州示范制造有限公司", "某银行", f"62220000000000{i:02d}"),
        )
        for i in range(n)
    ]
    _through_notice(apps, u["caizheng_clerk"])
    return apps


def test_the_yearly_cap_counts_across_applications_and_a_clawback_frees_it(
    demo_users: dict[str, Any],
) -> None:
    configure()
    u = demo_users
    head = u["caizheng_head"]
    first, second, third = _bills(u, 3)
    # Each: 600,000,000.00 × 0.2% = 1,200,000.00; cap 2,000,000.00 per enterprise and year (四, S4).
    assert first.amount_fen == 120_000_000
    decisions.decide([decisions.Item(first)], actor=head, on=D(2026, 6, 15))
    decisions.decide([decisions.Item(second)], actor=head, on=D(2026, 6, 15))
    second.refresh_from_db()
    # 2,000,000.00 − 1,200,000.00 = 800,000.00 left: cut to it.
    assert (second.payable_fen, second.capped) == (
        80_000_000,
        True,
    ) and "按上限核减" in second.decision_reason
    with pytest.raises(SubsidyError) as err:
        decisions.decide([decisions.Item(third)], actor=head, on=D(2026, 6, 15))
    assert err.value.code == "cap_exhausted" and "2,000,000.00元" in err.value.message
    # The first award found undue: its 1,200,000.00 leaves the cap, the third may now be decided in full.
    clawback.claw_back(first, actor=head, on=D(2026, 6, 16), reason="平台接入未经人民银行确认")
    assert CapUsage.objects.get().used_fen == 80_000_000
    decisions.decide([decisions.Item(third)], actor=head, on=D(2026, 6, 16))
    third.refresh_from_db()
    assert third.payable_fen == 120_000_000 and CapUsage.objects.get().used_fen == 200_000_000


def test_highest_wins_in_measure_8(demo_users: dict[str, Any]) -> None:
    configure()
    u = demo_users
    huoyun, clerk, head = u["huoyun"], u["jiaotong_clerk"], u["jiaotong_head"]
    payee = Payee("鄂州示范物流有限公司", "中国银行鄂州分行", "1772000000000501")
    new = submit(
        "m08.new",
        {"enterprise_id": huoyun.enterprise_uscc, "included_on": "2022-09-01", "meets_conditions": "是"},
        actor=huoyun,
        on=D(2026, 6, 1),
        payee=payee,
    )
    _through_notice([new], clerk)
    decisions.decide([decisions.Item(new, 8_000_000, "按营运车辆规模核定")], actor=head, on=D(2026, 6, 15))
    # Ranked 50th by 2022 turnover (前50位 includes the 50th): 200,000.00 > 80,000.00, so it replaces it.
    ranked = submit(
        "m08.ranked",
        {
            "enterprise_id": huoyun.enterprise_uscc,
            "established_in_ezhou": "是",
            "in_designated_list": "是",
            "turnover_rank": "50",
        },
        actor=huoyun,
        on=D(2026, 6, 16),
        payee=payee,
    )
    assert ranked.supersedes == new and ranked.amount_fen == 20_000_000
    assert (
        LedgerKey.objects.get(
            key=f"m08|{subject_token(huoyun.enterprise_uscc)}", released_on__isnull=True
        ).application
        == ranked
    )
    # Another new-enterprise award now is lower (最高 100,000.00 ≤ 200,000.00): refused naming the ranked one.
    with pytest.raises(ledger.DuplicateAward) as err:
        submit(
            "m08.new",
            {"enterprise_id": huoyun.enterprise_uscc, "included_on": "2022-10-01", "meets_conditions": "是"},
            actor=huoyun,
            on=D(2026, 6, 16),
            payee=payee,
        )
    assert ranked.number in err.value.message and "就高不就低" in err.value.message
    review.review(ranked, actor=clerk, on=D(2026, 6, 16))
    notices.publish([ranked], actor=clerk, on=D(2026, 6, 17))
    decisions.decide([decisions.Item(ranked)], actor=head, on=D(2026, 6, 29))
    ranked.refresh_from_db()
    # 200,000.00 − 80,000.00 already decided = 120,000.00; together the enterprise gets the higher one.
    assert ranked.payable_fen == 12_000_000 and "就高不就低" in ranked.decision_reason


def test_a_higher_application_withdraws_a_lower_one_still_in_procedure(demo_users: dict[str, Any]) -> None:
    configure()
    huoyun = demo_users["huoyun"]
    payee = Payee("鄂州示范物流有限公司", "中国银行鄂州分行", "1772000000000501")
    new = submit(
        "m08.new",
        {"enterprise_id": huoyun.enterprise_uscc, "included_on": "2022-09-01", "meets_conditions": "是"},
        actor=huoyun,
        on=D(2026, 6, 1),
        payee=payee,
    )
    ranked = submit(
        "m08.ranked",
        {
            "enterprise_id": huoyun.enterprise_uscc,
            "established_in_ezhou": "是",
            "in_designated_list": "是",
            "growth_rank": "100",
        },
        actor=huoyun,
        on=D(2026, 6, 2),
        payee=payee,
    )
    new.refresh_from_db()
    assert new.status == "withdrawn" and ranked.number in new.refusal_reason
    assert not new.ledger_keys.filter(released_on__isnull=True).exists()


LOANS = [
    # bank, contract, borrower, kind, principal, from, to, first loan, relief fund, tool, industry, other, name, account
    ("B01", "K1", uscc(1), "微型企业", "1000000.00", "2022-09-01", "2023-09-01", "是", "否", "", "", "否"),
    (
        "B02",
        "K2",
        uscc(2),
        "小型企业",
        "2000000.00",
        "2022-10-10",
        "2023-04-10",
        "否",
        "否",
        "科技创新再贷款",
        "",
        "否",
    ),
    ("B01", "K3", uscc(3), "小型企业", "500000.00", "2022-08-15", "2023-08-15", "否", "是", "", "零售", "否"),
    ("B03", "K4", uscc(4), "大型企业", "8000000.00", "2022-11-20", "2023-11-20", "是", "否", "", "", "否"),
    # first loan and a monetary-policy tool: both 1% — one fiscal interest subsidy, the first measure (tie).
    (
        "B03",
        "K5",
        uscc(5),
        "中型企业",
        "300000.00",
        "2022-08-01",
        "2023-02-01",
        "是",
        "否",
        "碳减排支持工具",
        "",
        "否",
    ),
]
NAMES = ("bank_code", "contract_no", "borrower_id", "borrower_kind", "principal", "disbursed_on", "ends_on",
         "first_loan", "relief_fund", "tool", "industry", "other_fiscal_subsidy")  # fmt: skip
KINDS = {"微型企业": "micro", "小型企业": "small", "中型企业": "medium", "大型企业": "large"}


def test_the_interest_run_generates_one_application_per_loan_at_its_best_measure(
    demo_users: dict[str, Any],
) -> None:
    configure()
    for row in LOANS:
        data = dict(zip(NAMES, row, strict=True))
        data["borrower_kind"] = KINDS[data["borrower_kind"]]
        data.update(borrower_name=f"借款企业{row[1]}", payee_account="6222020000000000999")
        ReferenceRow.objects.create(kind="bank_loans", key=f"{row[0]}|{row[1]}", data=data)
    run = start_job("subsidies.interest.run", user=demo_users["caizheng_clerk"], inline=True)
    assert run.state == "succeeded", run.message
    got = {a.object: (a.component, a.amount_fen) for a in Application.objects.all()}
    assert got == {
        # 1,000,000.00 × 1% × 365 ÷ 360 = 10,138.888… → 10,138.89
        "B01:K1": ("m01", 1_013_889),
        # 2,000,000.00 × 1% × 182 (2022-10-10 … 2023-04-09) ÷ 360 = 10,111.111… → 10,111.11
        "B02:K2": ("m03", 1_011_111),
        # 500,000.00 × 0.5% × 365 ÷ 360 = 2,534.722… → 2,534.72
        "B01:K3": ("m02", 253_472),
        # 300,000.00 × 1% × 184 (2022-08-01 … 2023-01-31) ÷ 360 = 1,533.333… → 1,533.33 under 一 (the tie goes to 一)
        "B03:K5": ("m01", 153_333),
    }
    assert run.counts["不符合贴息条件的贷款"] == 1  # 大型企业 is not 中小微
    # Run again: every loan already holds its key (interest|<bank>:<contract>) — nothing new, nothing twice.
    again = start_job("subsidies.interest.run", user=demo_users["caizheng_clerk"], inline=True)
    assert again.state == "succeeded" and Application.objects.count() == 4
    assert LedgerKey.objects.filter(key="interest|B01:K1").count() == 1
