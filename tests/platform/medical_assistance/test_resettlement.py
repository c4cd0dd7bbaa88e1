"""A person's year settled again when it changes: a tilted-aid approval (第十二条), a reversal, a claim dated
before claims already settled (第十一条). The history is kept: adjustments are new entries, a lowered aid is
an amount to recover with its reason (interpretation M12)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import Recovery, Settlement, YearAccount
from ezhou_rules.medical_assistance.parameters_tree import parameters

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def approved(person: Any, kind: str, year: int, on: dt.date, clerk: Any) -> Any:
    """Received by the clerk, approved by the head (four eyes, M25)."""
    from ezhou_platform.common.models import User

    app = services.submit_application(person, kind=kind, year=year, submitted_on=on, acting_user=clerk)
    return services.approve_application(app, acting_user=User.objects.get(username="yibao_head"), day=on)


def income(year: int, fen: int, clerk: Any, name: str = "income.per_capita_disposable") -> None:
    enter_value(parameters(), name, dt.date(year, 1, 1), fen, source="测试数据", actor=clerk)


def year_aid(person: Any, year: int) -> int:
    rows = Settlement.objects.filter(person=person, year=year)
    return sum(s.basic_aid + s.tilted_aid for s in rows)


def test_approving_tilted_aid_pays_for_the_costs_already_incurred(
    login_client: Any, make_person: Any, clerk: Any, head: Any
) -> None:
    # 第十二条: class 3, 2023 income 40,000 → threshold 40,000 × 25% = 10,000
    income(2023, 4_000_000, clerk)
    person = make_person("low_income_marginal")
    approved(person, "class_aid", 2024, dt.date(2024, 2, 1), clerk)
    c = login_client("yibao_clerk")
    # 2024-03-01, in province, self-pay 30,000: (30,000 − 3,000) × 65% = 17,550 → the cap, 10,000
    r = post(c, URL, claim_payload(person, "TA-1", 3_000_000))
    assert r.status_code == 201, r.content
    assert (r.json()["settlement"]["basic_aid"], r.json()["settlement"]["tilted_aid"]) == (1_000_000, 0)
    # approved 2024-04-10, no later claim: base 30,000 − 10,000 = 20,000 > 10,000;
    # (20,000 − 7,000) × 65% = 8,450.00 paid on approval (before this issue: 0 until a later claim came)
    app = services.submit_application(
        person, kind="tilted", year=2024, submitted_on=dt.date(2024, 4, 1), acting_user=clerk
    )
    services.approve_application(app, acting_user=head, day=dt.date(2024, 4, 10))
    adjustment = Settlement.objects.get(kind="adjust")
    assert (adjustment.basic_aid, adjustment.tilted_aid) == (0, 845_000)
    assert adjustment.entry_date == dt.date(2024, 4, 10) and adjustment.claim.claim_id == "TA-1"
    assert (
        "2024年4月10日批准2024年度倾斜救助申请" in adjustment.reason
        and "应补发8,450.00元" in adjustment.reason
    )
    assert any("第十二条" in (s.get("citation") or "") for s in adjustment.trace)
    assert not Recovery.objects.exists()
    assert year_aid(person, 2024) == 1_845_000
    summary = c.get(f"/api/v1/medical-assistance/persons/{person.pk}/years/2024").json()
    assert (summary["basic_paid"], summary["tilted_paid"], summary["recoverable"]) == (1_000_000, 845_000, 0)
    # a later claim of 1,000: the cap is used up; the base 21,000 → (21,000 − 7,000) × 65% = 9,100, of which
    # 8,450 is paid: 650.00 more
    r = post(c, URL, claim_payload(person, "TA-2", 100_000, settle_date="2024-05-06"))
    assert (r.json()["settlement"]["basic_aid"], r.json()["settlement"]["tilted_aid"]) == (0, 65_000)
    assert r.json()["adjustments"] == []
    assert AuditRecord.objects.filter(action="medical_assistance.settlement.adjust").count() == 1


def test_tilted_approval_without_the_income_is_refused_whole(make_person: Any, clerk: Any, head: Any) -> None:
    person = make_person("orphan")
    body = claim_payload(person, "TN-1", 100_000, settle_date=dt.date(2024, 3, 1))
    services.settle_claim(services.ClaimInput(**body), acting_user=clerk)
    app = services.submit_application(
        person, kind="tilted", year=2024, submitted_on=dt.date(2024, 4, 1), acting_user=clerk
    )
    with pytest.raises(services.ApiError, match=r"income\.per_capita_disposable.*2023年度"):
        services.approve_application(app, acting_user=head, day=dt.date(2024, 4, 10))
    app.refresh_from_db()
    assert app.state == "submitted" and not Settlement.objects.filter(kind="adjust").exists()
    # nothing of the step either: no event, no decision document, the case still open
    from ezhou_platform.procedures.engine import case_of

    case = case_of(app)
    assert case is not None and case.state == "submitted" and not case.documents.exists()


def test_reversal_settles_the_later_claims_again_and_the_overpaid_aid_is_recoverable(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    person = make_person("low_income_marginal")  # class 3: deductible 3,000, 65%
    approved(person, "class_aid", 2024, dt.date(2024, 2, 1), clerk)
    c = login_client("yibao_clerk")
    # A 3,000 uses the whole deductible: aid 0. B 1,000: 1,000 × 65% = 650.00
    a = post(c, URL, claim_payload(person, "A", 300_000, settle_date="2024-03-01")).json()["settlement"]
    b = post(c, URL, claim_payload(person, "B", 100_000, settle_date="2024-03-02")).json()["settlement"]
    assert (a["basic_aid"], b["basic_aid"]) == (0, 65_000)
    # A is reversed (by the head: four eyes, M25): the year's self-pay is B's 1,000, under the deductible → B's
    # aid is 0; the 650.00 paid is recoverable, with its reason. The original entries are untouched.
    r = post(login_client("yibao_head"), f"{URL}/{a['id']}/reverse", {"reason": "医院撤回结算单A"})
    c = login_client("yibao_clerk")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "reverse" and body["basic_aid"] == 0 and body["reason"] == "医院撤回结算单A"
    [adj] = body["adjustments"]
    assert (adj["claim_id"], adj["kind"], adj["basic_aid"]) == ("B", "adjust", -65_000)
    assert "结算单A已冲销（医院撤回结算单A）" in adj["reason"] and "多付650.00元，应追回" in adj["reason"]
    assert Settlement.objects.get(pk=b["id"]).basic_aid == 65_000  # history kept
    recovery = Recovery.objects.get()
    assert (recovery.amount, recovery.state, recovery.adjustment_id) == (65_000, "open", adj["id"])
    # C 2,000: B 1,000 + C 2,000 = 3,000, exactly the deductible → C's aid is 0; the person's year is 0
    cc = post(c, URL, claim_payload(person, "C", 200_000, settle_date="2024-03-10")).json()
    assert cc["settlement"]["basic_aid"] == 0 and cc["adjustments"] == []
    assert year_aid(person, 2024) == 0
    account = YearAccount.objects.get(person=person, year=2024)
    assert (account.self_pay, account.basic_paid) == (300_000, 0)
    # visible in the API: the amount to recover and why
    summary = c.get(f"/api/v1/medical-assistance/persons/{person.pk}/years/2024").json()
    assert summary["recoverable"] == 65_000 and summary["recoveries"][0]["claim_id"] == "B"
    listed = c.get("/api/v1/medical-assistance/recoveries", {"state": "open"}).json()
    assert [x["amount"] for x in listed] == [65_000] and "应追回" in listed[0]["reason"]
    # recorded as recovered: a day in 2099 is refused by its label; a day before the adjustment too
    url = f"/api/v1/medical-assistance/recoveries/{recovery.pk}/recovered"
    r = post(c, url, {"recovered_on": "2099-01-01", "evidence": "缴款书001"})
    assert r.status_code == 422 and r.json()["message"].startswith("追回日期不能晚于今天（2026年6月15日）")
    r = post(c, url, {"recovered_on": "2026-06-14", "evidence": "缴款书001"})
    assert r.status_code == 422 and "不能早于多付调整之日（2026年6月15日）" in r.json()["message"]
    r = post(c, url, {"recovered_on": "2026-06-15", "evidence": "缴款书001"})
    assert r.status_code == 200 and r.json()["state"] == "recovered"
    assert post(c, url, {"recovered_on": "2026-06-15", "evidence": "再次"}).status_code == 409
    assert login_client("auditor").get("/api/v1/medical-assistance/recoveries").status_code == 200
    assert (
        post(login_client("auditor"), url, {"recovered_on": "2026-06-15", "evidence": "x"}).status_code == 403
    )


def test_a_reversal_cannot_be_reversed_nor_an_adjustment(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    x = post(c, URL, claim_payload(person, "X", 100_000)).json()["settlement"]
    c = login_client("yibao_head")
    rev = post(c, f"{URL}/{x['id']}/reverse", {"reason": "重复结算"}).json()
    r = post(c, f"{URL}/{rev['id']}/reverse", {"reason": "撤销冲销"})
    assert r.status_code == 409 and r.json()["code"] == "not_reversible"
    # the claim's case is 已冲销: the step is refused naming the state and the article
    again = post(c, f"{URL}/{x['id']}/reverse", {"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "bad_state"
    assert again.json()["message"] == "当前状态为“已冲销”，不能冲销结算（鄂州政办发〔2022〕34号 第十一条）。"


def test_a_claim_dated_before_settled_claims_settles_them_again(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    person = make_person("minimum_living")  # class 2: no deductible, 70%, cap 20,000
    c = login_client("yibao_clerk")
    # X 2024-05-01, 20,000 × 70% = 14,000.00
    x = post(c, URL, claim_payload(person, "X", 2_000_000, settle_date="2024-05-01")).json()
    assert x["settlement"]["basic_aid"] == 1_400_000
    # Y dated 2024-04-01 arrives later: in date order Y comes first, 10,000 × 70% = 7,000.00; X then meets the
    # cap: 20,000 − 7,000 = 13,000.00, 1,000.00 less than paid → an adjustment and 1,000.00 to recover
    y = post(c, URL, claim_payload(person, "Y", 1_000_000, settle_date="2024-04-01")).json()
    assert y["settlement"]["basic_aid"] == 700_000
    [adj] = y["adjustments"]
    assert (adj["claim_id"], adj["basic_aid"], adj["remaining_cap"]) == ("X", -100_000, 0)
    assert "结算单Y的结算日期2024年4月1日早于本年度已结算的结算单" in adj["reason"]
    assert year_aid(person, 2024) == 2_000_000  # the cap, not 21,000
    assert Recovery.objects.get().amount == 100_000


def test_the_first_partial_year_settles_with_tilted_aid(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    # 34号 took effect 2022-10-18. Class 1 (orphan), 2021 income 30,000 → threshold 7,500. Claim 2022-11-01,
    # self-pay 40,000: basic 40,000 × 100% → the cap 30,000; base 10,000 > 7,500 → (10,000 − 2,000) × 100%
    income(2021, 3_000_000, clerk)
    person = make_person("orphan", valid_from=dt.date(2022, 1, 1))
    approved(person, "tilted", 2022, dt.date(2022, 10, 20), clerk)
    r = post(
        login_client("yibao_clerk"), URL, claim_payload(person, "F-1", 4_000_000, settle_date="2022-11-01")
    )
    assert r.status_code == 201, r.content
    s = r.json()["settlement"]
    assert (s["basic_aid"], s["tilted_aid"]) == (3_000_000, 800_000)


def test_the_2022_warning_lists(login_client: Any, make_person: Any, clerk: Any) -> None:
    # 2021 rural income 18,000 → 因病返贫 line 9,000. A 低保边缘 member (class 3, no application: no aid) with
    # 9,000.01 self-borne by November 2022 is on the list; looked up on 2022-11-30, not 2022-01-01.
    income(2021, 1_800_000, clerk, "income.rural_per_capita_disposable")
    person = make_person("low_income_marginal", valid_from=dt.date(2022, 1, 1))
    c = login_client("yibao_clerk")
    r = post(c, URL, claim_payload(person, "W22", 900_001, settle_date="2022-11-01"))
    assert r.json()["status"] == "pending"
    run = services.run_warnings(2022, 11, acting_user=clerk)
    [entry] = run.entries.all()
    assert (entry.list, entry.self_borne, entry.threshold) == ("return", 900_001, 900_000)
    # a month before the document or after this month records nothing that happened
    for year, month in ((2022, 9), (2026, 7)):
        with pytest.raises(services.ApiError, match="预警月份应在2022年10月"):
            services.run_warnings(year, month, acting_user=clerk)


@pytest.mark.parametrize(
    ("settle_date", "message"),
    [
        # accepted before this issue, and paid
        ("2099-01-01", "结算日期不能晚于今天（2026年6月15日）"),
        ("2026-06-16", "结算日期不能晚于今天（2026年6月15日）"),
        ("2022-10-17", "结算日期不能早于本办法施行之日（2022年10月18日）"),
    ],
)
def test_a_settlement_date_outside_its_range_is_refused(
    login_client: Any, make_person: Any, settle_date: str, message: str
) -> None:
    person = make_person("orphan")
    r = post(login_client("yibao_clerk"), URL, claim_payload(person, "D-1", 864_197, settle_date=settle_date))
    assert r.status_code == 422 and r.json()["field"] == "settle_date"
    assert r.json()["message"].startswith(message) and r.json()["message"].count("结算日期") == 1
    assert not Settlement.objects.exists()
    # the edges are accepted: today and the day the document took effect
    for day, cid in (("2026-06-15", "D-2"), ("2022-10-18", "D-3")):
        body = claim_payload(person, cid, 100_000, settle_date=day)
        assert post(login_client("yibao_clerk"), URL, body).status_code == 201
