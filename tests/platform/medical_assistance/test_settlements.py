"""Settlement through the API: amounts, idempotency, reversal, applications, permissions, audit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import Application, Claim, Settlement, YearAccount

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_class_2_claims_share_the_cap(login_client: Any, make_person: Any) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    # 20000.00 × 70% = 14000.00
    r1 = post(c, URL, claim_payload(person, "H-1", 2_000_000))
    assert r1.status_code == 201, r1.content
    assert r1.json()["settlement"]["basic_aid"] == 1_400_000
    # 10000.00 × 70% = 7000.00, but only 20000 − 14000 = 6000.00 of the cap is left
    r2 = post(c, URL, claim_payload(person, "H-2", 1_000_000, settle_date="2024-04-01"))
    body = r2.json()["settlement"]
    assert body["basic_aid"] == 600_000 and body["remaining_cap"] == 0
    assert any("第十一条第（三）项" in (s["citation"] or "") for s in body["trace"])
    account = YearAccount.objects.get(person=person, year=2024)
    assert account.basic_paid == 2_000_000 and account.self_pay == 3_000_000
    assert AuditRecord.objects.filter(action="medical_assistance.claim.settle").count() == 2


def test_settlement_is_idempotent_on_claim_id(login_client: Any, make_person: Any) -> None:
    person = make_person("orphan")
    c = login_client("yibao_clerk")
    first = post(c, URL, claim_payload(person, "H-9", 50_000))
    again = post(c, URL, claim_payload(person, "H-9", 50_000))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["repeated"] is True
    assert again.json()["settlement"]["id"] == first.json()["settlement"]["id"]
    assert Settlement.objects.count() == 1
    assert YearAccount.objects.get(person=person).basic_paid == 50_000  # not paid twice
    different = post(c, URL, claim_payload(person, "H-9", 60_000))
    assert different.status_code == 409 and different.json()["code"] == "claim_id_conflict"


def test_reversal_is_a_new_record_and_gives_back_the_deductible(
    login_client: Any, make_person: Any, head: Any
) -> None:
    person = make_person("low_income_marginal")
    clerk = login_client("yibao_clerk")
    app = services.submit_application(
        person, kind="class_aid", year=2024, submitted_on=dt.date(2024, 2, 1), acting_user=None
    )
    services.approve_application(app, acting_user=head, day=dt.date(2024, 2, 2))
    # class 3: 5000 − 3000 = 2000 × 65% = 1300.00
    s1 = post(clerk, URL, claim_payload(person, "R-1", 500_000)).json()["settlement"]
    assert s1["basic_aid"] == 130_000 and s1["remaining_deductible"] == 0
    # four eyes (M25): the clerk who received the claim may not reverse it; the head may
    refused = post(clerk, f"{URL}/{s1['id']}/reverse", {"reason": "医院撤回结算单"})
    assert refused.status_code == 403 and refused.json()["code"] == "second_person_required"
    clerk = login_client("yibao_head")
    rev = post(clerk, f"{URL}/{s1['id']}/reverse", {"reason": "医院撤回结算单"})
    assert rev.status_code == 201, rev.content
    assert rev.json()["basic_aid"] == -130_000 and rev.json()["reverses_id"] == s1["id"]
    assert rev.json()["remaining_deductible"] == 300_000
    assert Settlement.objects.get(pk=s1["id"]).basic_aid == 130_000  # the original is untouched
    assert post(clerk, f"{URL}/{s1['id']}/reverse", {"reason": "再次"}).status_code == 409
    # the deductible is back: 4000 − 3000 = 1000 × 65% = 650.00
    s2 = post(clerk, URL, claim_payload(person, "R-2", 400_000, settle_date="2024-03-05")).json()[
        "settlement"
    ]
    assert s2["basic_aid"] == 65_000
    assert YearAccount.objects.get(person=person).basic_paid == 65_000


def test_class_3_waits_for_the_application(
    login_client: Any, make_person: Any, clerk: Any, head: Any
) -> None:
    person = make_person("unstable_lifted")
    c = login_client("yibao_clerk")
    r = post(c, URL, claim_payload(person, "P-1", 500_000))
    assert r.status_code == 201
    assert r.json()["status"] == "pending" and "第十五条第一款" in r.json()["pending_reason"]
    assert Claim.objects.filter(claim_id="P-1").exists()  # the claim is kept, not lost
    app = services.submit_application(
        person, kind="class_aid", year=2024, submitted_on=dt.date(2024, 3, 2), acting_user=clerk
    )
    # four eyes (M25): the clerk who received the application may not approve it
    with pytest.raises(services.ApiError, match="双人复核"):
        services.approve_application(app, acting_user=clerk, day=dt.date(2024, 3, 4))
    services.approve_application(app, acting_user=head, day=dt.date(2024, 3, 4))
    s = Settlement.objects.get(claim__claim_id="P-1")
    assert s.basic_aid == 130_000  # (5000 − 3000) × 65%
    assert Claim.objects.get(claim_id="P-1").status == Claim.Status.SETTLED
    with pytest.raises(services.ApiError):
        services.approve_application(app, acting_user=head, day=dt.date(2024, 3, 5))  # not twice


def test_retroactive_aid_settles_the_twelve_months_before(
    login_client: Any, make_person: Any, clerk: Any, head: Any
) -> None:
    person = make_person("illness_poverty", valid_from=dt.date(2024, 6, 1))
    c = login_client("yibao_clerk")
    before = post(c, URL, claim_payload(person, "B-1", 1_000_000, settle_date="2024-02-10")).json()
    too_early = post(c, URL, claim_payload(person, "B-0", 1_000_000, settle_date="2023-05-31")).json()
    assert before["status"] == "pending" and too_early["status"] == "pending"
    app = services.submit_application(
        person,
        kind="retroactive",
        year=2024,
        submitted_on=dt.date(2024, 6, 3),
        recognised_on=dt.date(2024, 6, 1),
        acting_user=clerk,
    )
    services.approve_application(app, acting_user=head, day=dt.date(2024, 6, 4))
    # window 2023-06-01 .. 2024-05-31: B-1 settled under class 4: (10000 − 7000) × 55% = 1650.00
    assert Settlement.objects.get(claim__claim_id="B-1").basic_aid == 165_000
    assert not Settlement.objects.filter(claim__claim_id="B-0").exists()


def test_not_a_recipient_is_received_but_not_paid(login_client: Any, make_person: Any) -> None:
    person = make_person(None)
    r = post(login_client("yibao_clerk"), URL, claim_payload(person, "N-1", 500_000))
    assert r.json()["status"] == "pending" and "第四条" in r.json()["pending_reason"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"policy_self_pay": -1}, "policy_self_pay"),
        ({"out_of_policy_cost": 2_000_000}, "out_of_policy_cost"),
        ({"kind": "dental"}, "kind"),
        ({"settle_date": "2024-02-30"}, "settle_date"),
        ({"resident_id": "420704198001011234"}, "resident_id"),
        ({"in_city": True, "temporary_out_of_city": True}, "temporary_out_of_city"),
    ],
)
def test_bad_input_is_refused_whole(login_client: Any, make_person: Any, change: dict, field: str) -> None:
    person = make_person("orphan")
    r = post(login_client("yibao_clerk"), URL, claim_payload(person, "X-1", 100_000, **change))
    assert r.status_code == 422, r.content
    assert r.json()["field"].endswith(field)
    assert not Claim.objects.exists() and not Settlement.objects.exists()


def test_who_may_settle(login_client: Any, make_person: Any, client: Any) -> None:
    person = make_person("orphan")
    body = claim_payload(person, "A-1", 100_000)
    assert post(client, URL, body).status_code in (401, 403)
    for user in ("auditor", "shuiwu_clerk", "minzheng_clerk", "admin", "citizen"):
        assert post(login_client(user), URL, body).status_code == 403, user
    assert not Settlement.objects.exists()


def test_year_summary(login_client: Any, make_person: Any) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    post(c, URL, claim_payload(person, "S-1", 1_000_000))
    r = c.get(f"/api/v1/medical-assistance/persons/{person.pk}/years/2024")
    assert r.status_code == 200
    body = r.json()
    assert body["basic_paid"] == 700_000 and body["person_class"] == 2
    assert body["masked_resident_id"].count("*") == 11
    assert (
        login_client("minzheng_clerk")
        .get(f"/api/v1/medical-assistance/persons/{person.pk}/years/2024")
        .status_code
        == 403
    )
    assert (
        login_client("auditor").get(f"/api/v1/medical-assistance/persons/{person.pk}/years/2024").status_code
        == 200
    )


def test_tilted_aid_needs_the_configured_income(
    login_client: Any, make_person: Any, clerk: Any, head: Any
) -> None:
    person = make_person("orphan")
    app = services.submit_application(
        person, kind="tilted", year=2024, submitted_on=dt.date(2024, 1, 5), acting_user=clerk
    )
    services.approve_application(app, acting_user=head, day=dt.date(2024, 1, 8))
    c = login_client("yibao_clerk")
    r = post(c, URL, claim_payload(person, "T-1", 100_000))
    assert r.status_code == 409 and "income.per_capita_disposable" in r.json()["message"]
    assert not Claim.objects.exists()  # nothing half-written
    from ezhou_platform.common.parameters import enter_value
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    enter_value(
        parameters(),
        "income.per_capita_disposable",
        dt.date(2023, 1, 1),
        4_000_000,
        source="测试数据",
        actor=clerk,
    )
    # class 1, cap 30000: claim of 40000 → basic 30000; base 10000 not above 10000 → no tilted aid
    r = post(c, URL, claim_payload(person, "T-1", 4_000_000))
    assert r.json()["settlement"]["basic_aid"] == 3_000_000 and r.json()["settlement"]["tilted_aid"] == 0
    # base 15000 > 10000: (15000 − 2000) × 100% = 13000
    r = post(c, URL, claim_payload(person, "T-2", 500_000, settle_date="2024-03-02"))
    assert r.json()["settlement"]["tilted_aid"] == 1_300_000


def test_application_state_machine(make_person: Any, clerk: Any) -> None:
    person = make_person("low_income_marginal")
    app = services.submit_application(
        person, kind="class_aid", year=2024, submitted_on=dt.date(2024, 1, 5), acting_user=clerk
    )
    assert app.review_deadline is None  # the document sets no review period; none is invented
    with pytest.raises(services.ApiError):
        services.reject_application(app, acting_user=clerk, day=dt.date(2024, 1, 6), reason=" ")
    services.reject_application(app, acting_user=clerk, day=dt.date(2024, 1, 6), reason="家庭财产不符合规定")
    app.refresh_from_db()
    assert app.state == Application.State.REJECTED
    with pytest.raises(services.ApiError, match="当前状态为“未批准”，不能批准三类、四类依申请救助申请"):
        services.approve_application(app, acting_user=clerk, day=dt.date(2024, 1, 7))
    assert AuditRecord.objects.filter(action="medical_assistance.application.reject_class_aid").count() == 1


def test_review_deadline_in_working_days_when_configured(make_person: Any, clerk: Any) -> None:
    from ezhou_platform.common.parameters import enter_value
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    enter_value(
        parameters(),
        "application_review_workdays",
        dt.date(2022, 10, 18),
        5,
        source="测试：经办规程",
        actor=clerk,
    )
    person = make_person("low_income_marginal")
    app = services.submit_application(
        person, kind="class_aid", year=2023, submitted_on=dt.date(2023, 9, 28), acting_user=clerk
    )
    assert app.review_deadline == dt.date(2023, 10, 11)  # National Day; 10-07/08 are make-up working days


def test_review_page(login_client: Any, make_person: Any, clerk: Any) -> None:
    person = make_person("low_income_marginal")
    a1 = services.submit_application(
        person, kind="class_aid", year=2024, submitted_on=dt.date(2024, 1, 5), acting_user=clerk
    )
    a2 = services.submit_application(
        person, kind="tilted", year=2024, submitted_on=dt.date(2024, 1, 5), acting_user=clerk
    )
    c = login_client("yibao_clerk")
    page = c.get("/medical-assistance/applications/").content.decode()
    assert "三类、四类依申请救助" in page and person.resident_id not in page
    # refusing without a reason is refused; nothing changes
    c.post("/medical-assistance/applications/", {"application": a2.pk, "decision": "reject", "reason": ""})
    a2.refresh_from_db()
    assert a2.state == Application.State.SUBMITTED
    c.post(
        "/medical-assistance/applications/",
        {"application": a2.pk, "decision": "reject", "reason": "无致贫返贫风险"},
    )
    # four eyes (M25): the clerk who received a1 may not approve it; the head does
    c.post("/medical-assistance/applications/", {"application": a1.pk, "decision": "approve"})
    a1.refresh_from_db()
    assert a1.state == Application.State.SUBMITTED
    c = login_client("yibao_head")
    c.post("/medical-assistance/applications/", {"application": a1.pk, "decision": "approve"})
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.state, a2.state) == (Application.State.APPROVED, Application.State.REJECTED)
    assert a2.reason == "无致贫返贫风险" and a1.decided_by.username == "yibao_head"
    assert (
        login_client("auditor").post("/medical-assistance/applications/", {"application": a1.pk}).status_code
        == 403
    )
    assert login_client("minzheng_clerk").get("/medical-assistance/applications/").status_code == 403
