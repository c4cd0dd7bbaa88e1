"""A car trade-in from filing to payment and clawback (十二), with the ledger, the notice, four eyes, the budget
and the documents; and the refusals that leave nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case, CaseEvent, Document, Period
from ezhou_platform.subsidies.models import Application, LedgerKey
from ezhou_platform.subsidies.models.ledger import subject_token
from ezhou_platform.subsidies.services import clawback, decisions, ledger, notices, payments, review
from ezhou_platform.subsidies.services.apply import NotEligible
from ezhou_rules.subsidies.errors import InvalidRows, SubsidyError

from .conftest import file_car, resident_id, vin

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_car_trade_in_from_filing_to_payment(configured: dict[str, Any]) -> None:
    u = configured
    buyer, clerk, head = u["car_buyer"], u["shangwu_clerk"], u["shangwu_head"]
    person, car = resident_id(1), vin(1)
    # Filed Mon 2026-06-15: scrapped an old car, bought a new-energy car at a listed Ezhou dealer → 8,000.00.
    app = file_car(buyer, person, car)
    assert (app.status, app.amount_fen, app.payer, app.department.code) == (
        "submitted",
        800_000,
        "市级财政",
        "commerce",
    )
    # the person's key holds a keyed token of the ID, not the ID (C20)
    assert set(LedgerKey.objects.values_list("key", flat=True)) == {
        f"m12.person|{subject_token(person)}",
        f"m12.vin|{car}",
    }
    case = Case.objects.get()
    assert case.applicant_user == buyer and case.department.code == "commerce"
    assert app.documents.count() == 4
    assert AuditRecord.objects.filter(action="subsidies.application.submit").count() == 1

    review.review(app, actor=clerk, on=D(2026, 6, 16), note="材料齐全，与经销商名单一致")
    # Notice on Wed 06-17 for 5 working days (test value): 06-18, (06-19 端午节), 22, 23, 24, 25 → ends Thu 06-25.
    notice = notices.publish([app], actor=clerk, on=D(2026, 6, 17))
    app.refresh_from_db()
    assert (app.status, notice.ends_on) == ("noticed", D(2026, 6, 25))
    assert notice.document.number == "鄂商奖补公示〔2026〕1号"
    assert "李*" in notice.document.html and person not in notice.document.html  # masked
    assert Period.objects.get(field="ends_on").closed_on is None

    # Decided only after the notice period, and not by the reviewer (four eyes).
    with pytest.raises(SubsidyError, match="期满后方可作出决定"):
        decisions.decide([decisions.Item(app)], actor=head, on=D(2026, 6, 25))
    with pytest.raises(SubsidyError, match="双人复核"):
        decisions.decide([decisions.Item(app)], actor=clerk, on=D(2026, 6, 26))
    decision = decisions.decide([decisions.Item(app)], actor=head, on=D(2026, 6, 26))
    app.refresh_from_db()
    assert (app.status, app.payable_fen, app.decided_by) == ("decided", 800_000, head)
    assert decision.document.number == "鄂商奖补决〔2026〕1号" and "行政复议" in decision.document.html
    assert Period.objects.get(field="ends_on").closed_on == D(2026, 6, 26)

    # Paid by the city's finance office from the budget of 十二: 10,000.00 − 8,000.00 leaves 2,000.00.
    payer = u["caizheng_clerk"]
    with pytest.raises(SubsidyError, match="尚未录入第十二条的预算"):
        payments.pay([app], actor=payer, on=D(2026, 6, 29))
    account = payments.enter_budget(
        measure=12, amount_fen=1_000_000, source="测试预算批复", actor=payer, on=D(2026, 6, 29)
    )
    with pytest.raises(
        SubsidyError, match="鄂城区"
    ):  # a district's finance office does not pay the city's awards
        payments.pay([app], actor=u["caizheng_echeng"], on=D(2026, 6, 29))
    result = payments.pay([app], actor=payer, on=D(2026, 6, 29))
    app.refresh_from_db()
    account.refresh_from_db()
    assert app.status == "paid" and app.paid_on == D(2026, 6, 29)
    assert (account.drawn_fen, account.remaining_fen) == (800_000, 200_000)
    assert result.batch is not None and result.batch.total_fen == 800_000
    row = payments.payment_rows(result.batch)[0]
    assert row[2] == app.number and row[7] == "6222020000000000001" and str(row[8]) == "8000.00"

    # Found undue: clawed back with its reason; the keys are free again.
    clawback.claw_back(app, actor=head, on=D(2026, 7, 1), reason="旧车登记所有人与申请人不一致")
    app.refresh_from_db()
    assert (app.status, app.clawback_fen) == ("clawed_back", 800_000)
    assert app.clawback_document.number == "鄂商奖补追〔2026〕1号"
    assert not LedgerKey.objects.filter(released_on__isnull=True).exists()
    assert list(CaseEvent.objects.values_list("label", flat=True)) == [
        "提交奖补申请",
        "审核通过",
        "列入名单公示",
        "作出奖补决定",
        "支付奖补资金",
        "认定不应享受并追回",
    ]


def test_a_second_application_for_the_same_car_or_person_is_refused_naming_the_first(
    configured: dict[str, Any],
) -> None:
    u = configured
    first = file_car(u["car_buyer"], resident_id(1), vin(1))
    before = (Application.objects.count(), LedgerKey.objects.count(), Case.objects.count())
    with pytest.raises(ledger.DuplicateAward) as err:  # another person, the same car
        file_car(u["citizen"], resident_id(2), vin(1))
    assert first.number in err.value.message and "同一车辆（车辆识别代号）已有在先申请" in err.value.message
    with pytest.raises(ledger.DuplicateAward) as err:  # the same person, another car
        file_car(u["car_buyer"], resident_id(1), vin(2))
    assert first.number in err.value.message and "同一申请人" in err.value.message
    assert (Application.objects.count(), LedgerKey.objects.count(), Case.objects.count()) == before
    # A refused application frees its keys: the person may apply with another car.
    review.refuse(first, actor=u["shangwu_clerk"], on=D(2026, 6, 16), reason="发票与车辆不符")
    second = file_car(u["car_buyer"], resident_id(1), vin(2))
    assert second.status == "submitted"


def test_bad_input_is_refused_by_field_and_writes_nothing(configured: dict[str, Any]) -> None:
    u = configured
    bad_vin = vin(1)[:8] + ("0" if vin(1)[8] != "0" else "1") + vin(1)[9:]
    with pytest.raises(InvalidRows) as err:
        file_car(u["car_buyer"], resident_id(1), bad_vin, dealer_code="")
    codes = {e.code for e in err.value.errors}
    assert {"vin_check_digit", "required"} <= codes
    assert any("新车车辆识别代号" in e.message and "第9位校验位" in e.message for e in err.value.errors)
    with pytest.raises(NotEligible) as not_ok:  # an unknown dealer, a purchase outside 2022-06…12
        file_car(u["car_buyer"], resident_id(1), vin(1), dealer_code="W009", purchased_on="2023-01-02")
    assert "不在我市列入湖北省" in not_ok.value.message and "十二" in not_ok.value.message
    assert "不在补贴期限2022年6月1日至2022年12月31日内" in not_ok.value.message
    assert not Application.objects.exists() and not Case.objects.exists() and not Document.objects.exists()


def test_only_the_caseworkers_department_takes_its_steps(configured: dict[str, Any]) -> None:
    u = configured
    app = file_car(u["car_buyer"], resident_id(1), vin(1))
    with pytest.raises(ProcedureError) as err:
        review.review(app, actor=u["jiaotong_clerk"], on=D(2026, 6, 16))
    assert err.value.code == "forbidden"
    with pytest.raises(SubsidyError, match="只能撤回本人"):
        review.withdraw(app, actor=u["citizen"], on=D(2026, 6, 16))
    review.withdraw(app, actor=u["car_buyer"], on=D(2026, 6, 16))
    app.refresh_from_db()
    assert app.status == "withdrawn" and not LedgerKey.objects.filter(released_on__isnull=True).exists()
