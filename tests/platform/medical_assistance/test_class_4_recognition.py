"""因病致贫重病患者认定 (第四条第六款、第七款) as a 民政局 procedure, and retroactive aid after it (第十五条第二款)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.demo import demo_resident_id
from ezhou_platform.medical_assistance.models import Class4Recognition, Identity, Person, Settlement
from ezhou_platform.procedures.models import Document
from ezhou_rules.medical_assistance.parameters_tree import parameters

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/class-4-recognitions"
ID = demo_resident_id("42070419800101551")


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def application(self_pay: int, **kw: Any) -> dict[str, Any]:
    body = {
        "resident_id": ID,
        "name": "李四",
        "district": "huarong",
        "submitted_on": "2024-03-15",
        "self_pay_12m": self_pay,
        "self_pay_evidence": "住院结算单6张",
    }
    body.update(kw)
    return body


@pytest.fixture
def income_2023(clerk: Any) -> None:
    # 2023 per-capita disposable income of residents: 40,000.00 元 → the class-4 threshold for 2024 applications
    enter_value(
        parameters(),
        "income.per_capita_disposable",
        dt.date(2023, 1, 1),
        4_000_000,
        source="测试数据",
        actor=clerk,
    )


def test_recognition_then_retroactive_aid(
    login_client: Any, income_2023: None, clerk: Any, head: Any, civil_head: Any
) -> None:
    # a hospital claim of 2024-02-01 for a person who is no recipient yet: received, not settled
    person = services.register_person(
        resident_id=ID,
        name="李四",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
        acting_user=clerk,
    )
    yibao = login_client("yibao_clerk")
    r = post(
        yibao,
        "/api/v1/medical-assistance/settlements",
        claim_payload(person, "R-1", 900_000, settle_date="2024-02-01"),
    )
    assert r.json()["status"] == "pending"

    c = login_client("minzheng_clerk")
    # 40,000.01 元 > 40,000.00 元 × 100%: the self-pay condition holds
    r = post(c, URL, application(4_000_001))
    assert r.status_code == 201, r.content
    rec = r.json()
    assert (
        rec["threshold"] == 4_000_000 and rec["income_year"] == 2023 and rec["self_pay_test_passed"] is True
    )
    assert rec["masked_resident_id"] == "420***********5510"
    # no decision before the property check is recorded
    r = post(login_client(civil_head.username), f"{URL}/{rec['id']}/decision", {"decision": "approve"})
    assert r.status_code == 409 and r.json()["code"] == "property_check_missing"
    c = login_client("minzheng_clerk")
    r = post(
        c, f"{URL}/{rec['id']}/property-check", {"passed": True, "reason": "家庭财产低于低保边缘家庭标准"}
    )
    assert r.status_code == 200 and r.json()["property_check_passed"] is True
    # four eyes (M25): the clerk who received the application may not recognise; another 民政 officer does
    r = post(c, f"{URL}/{rec['id']}/decision", {"decision": "approve", "recognised_on": "2024-03-20"})
    assert r.status_code == 403 and r.json()["code"] == "second_person_required"
    c = login_client(civil_head.username)
    # recognised 2024-03-20 → 12 months, the recognition day not counted (民法典 第二百零一条): through 2025-03-20
    r = post(c, f"{URL}/{rec['id']}/decision", {"decision": "approve", "recognised_on": "2024-03-20"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "approved" and r.json()["valid_until"] == "2025-03-20"  # M9
    identity = Identity.objects.get(person=person)
    assert identity.kind == "illness_poverty" and identity.source_department.code == "civil_affairs"
    assert (identity.valid_from, identity.valid_until) == (dt.date(2024, 3, 20), dt.date(2025, 3, 20))
    recognition = Class4Recognition.objects.get()
    assert recognition.identity == identity
    # the numbered 认定决定书 (民政局), with the article and the 救济途径; the identity's evidence names it
    doc = Document.objects.get(kind="medical_assistance.class_4_decision")
    assert doc.number == "鄂民救认〔2024〕1号" and doc.citation.endswith("第四条第七款")
    assert (
        "至2025年3月20日止" in doc.html
        and "行政复议" in doc.remedy
        and doc.department.code == "civil_affairs"
    )
    assert identity.evidence == "因病致贫重病患者认定决定书鄂民救认〔2024〕1号"
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "medical_assistance.class_4.submit",
        "medical_assistance.class_4.property_check",
        "medical_assistance.class_4.approve",
        "medical_assistance.identity.record",
    } <= actions

    # 第十五条第二款: on application, the claim of 2024-02-01 is settled as class 4:
    # (9,000.00 − 7,000.00 deductible) × 55% = 1,100.00 元
    app = services.submit_application(
        person,
        kind="retroactive",
        year=2024,
        submitted_on=dt.date(2024, 3, 25),
        recognised_on=dt.date(2024, 3, 20),
        acting_user=clerk,
    )
    services.approve_application(app, acting_user=head, day=dt.date(2024, 3, 26))
    s = Settlement.objects.get(claim__claim_id="R-1")
    assert s.person_class == 4 and s.basic_aid == 110_000


def test_refusals(login_client: Any, income_2023: None, make_person: Any, civil_head: Any) -> None:
    c = login_client("minzheng_clerk")
    # exactly 40,000.00 元 is not "超过": accepted, but it cannot be approved
    rec = post(c, URL, application(4_000_000)).json()
    assert rec["self_pay_test_passed"] is False
    post(c, f"{URL}/{rec['id']}/property-check", {"passed": True, "reason": "财产符合"})
    head = login_client(civil_head.username)
    r = post(head, f"{URL}/{rec['id']}/decision", {"decision": "approve", "recognised_on": "2024-03-20"})
    assert r.status_code == 409 and r.json()["code"] == "not_eligible" and "40,000.00" in r.json()["message"]
    c = login_client("minzheng_clerk")
    # one pending application per person
    assert post(c, URL, application(5_000_000)).json()["code"] == "pending_recognition"
    # refusal needs a reason
    r = post(c, f"{URL}/{rec['id']}/decision", {"decision": "reject", "reason": " "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = post(c, f"{URL}/{rec['id']}/decision", {"decision": "reject", "reason": "自负费用未超过认定标准"})
    assert r.json()["state"] == "rejected" and r.json()["reason"] == "自负费用未超过认定标准"
    assert not Identity.objects.exists()
    # a decided application is not decided again
    r = post(c, f"{URL}/{rec['id']}/property-check", {"passed": True, "reason": "x"})
    assert r.status_code == 409

    # property check failed → the application cannot be approved
    rec = post(c, URL, application(5_000_000)).json()
    post(c, f"{URL}/{rec['id']}/property-check", {"passed": False, "reason": "家有商铺两处"})
    head = login_client(civil_head.username)
    r = post(head, f"{URL}/{rec['id']}/decision", {"decision": "approve", "recognised_on": "2024-03-20"})
    assert r.status_code == 409 and r.json()["code"] == "property_check_failed"
    c = login_client("minzheng_clerk")

    # a class-2 person (低保 since 2024-01-01) is not a 因病致贫重病患者 (第四条第六款: 不含前三类)
    person = make_person("minimum_living", serial=7)
    r = post(c, URL, application(5_000_000, resident_id=person.resident_id))
    assert r.status_code == 409 and r.json()["code"] == "already_recipient"


def test_missing_income_names_the_parameter(login_client: Any) -> None:
    c = login_client("minzheng_clerk")
    r = post(c, URL, application(5_000_000))
    assert r.status_code == 409 and "income.per_capita_disposable" in r.json()["message"]
    assert not Person.objects.exists() and not Class4Recognition.objects.exists()  # nothing half-written


def test_only_civil_affairs_decides(login_client: Any, client: Any, income_2023: None) -> None:
    assert post(login_client("yibao_clerk"), URL, application(5_000_000)).status_code == 403
    client.logout()
    assert post(client, URL, application(5_000_000)).status_code in (401, 403)
    rec = post(login_client("minzheng_clerk"), URL, application(5_000_000)).json()
    auditor = login_client("auditor")
    assert auditor.get(f"{URL}/{rec['id']}").status_code == 200
    assert (
        post(auditor, f"{URL}/{rec['id']}/decision", {"decision": "reject", "reason": "x"}).status_code == 403
    )
    assert login_client("yibao_clerk").get(f"{URL}/{rec['id']}").status_code == 403


def test_recognition_page(login_client: Any, income_2023: None, civil_head: Any) -> None:
    c = login_client("minzheng_clerk")
    page = "/medical-assistance/class-4/"
    r = c.post(
        page,
        {
            "action": "submit",
            "resident_id": ID,
            "name": "李四",
            "district": "huarong",
            "submitted_on": "2024-03-15",
            "self_pay_12m": "45000.00",
            "self_pay_evidence": "住院结算单",
        },
        follow=True,
    )
    text = r.content.decode()
    assert "已受理" in text and "40,000.00元" in text and "超过门槛" in text
    rec = Class4Recognition.objects.get()
    assert rec.self_pay_12m == 4_500_000
    c.post(page, {"action": "property", "recognition": rec.pk, "passed": "yes", "reason": "财产符合规定"})
    c = login_client(civil_head.username)  # four eyes (M25)
    r = c.post(page, {"action": "approve", "recognition": rec.pk}, follow=True)
    rec.refresh_from_db()
    assert rec.state == "approved"
    # recognised today (the frozen clock: 2026-06-15): valid through the same date next year (M9, 民法典
    # 第二百零一条: the recognition day is not counted)
    assert (rec.decided_on, rec.valid_until) == (dt.date(2026, 6, 15), dt.date(2027, 6, 15))
    assert "身份有效期至" in r.content.decode()
    assert ID not in c.get(page).content.decode()  # masked
    # a bad amount is refused with the field named, nothing written
    r = c.post(
        page,
        {
            "action": "submit",
            "resident_id": ID,
            "name": "李四",
            "district": "huarong",
            "submitted_on": "2024-05-01",
            "self_pay_12m": "12,3x",
            "self_pay_evidence": "x",
        },
        follow=True,
    )
    assert "申请前12个月累计自负医疗费用" in r.content.decode()
    assert Class4Recognition.objects.count() == 1
    assert login_client("yibao_clerk").get(page).status_code == 403
    auditor = login_client("auditor")
    assert auditor.get(page).status_code == 200
    assert auditor.post(page, {"action": "reject", "recognition": rec.pk, "reason": "x"}).status_code == 403
