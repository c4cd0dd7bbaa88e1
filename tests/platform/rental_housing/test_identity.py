"""Who an application is for (issue 8 §4): an account applies for its own verified identity, or — as an agent
account with a recorded agent relationship — for its principal; the resident ID (18 on the application date)
and the phone are checked on submission; impersonation is refused and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from consent_fields import API_ACK

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.rental_housing.models import AgentRelationship, Application

from .conftest import resident_id, verify

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rental-housing"


def apply(client: Any, project: Any, name: str, number: str, **kw: Any) -> Any:
    body = {
        "project_id": project.pk,
        "name": name,
        "id_number": number,
        "phone": "13807111234",
        "full_civil_capacity": True,
        "materials": ["form", "identity", "marriage", "housing"],
        **API_ACK,
        **kw,
    }
    return client.post(f"{BASE}/applications", body, content_type="application/json")


def test_a_citizen_cannot_apply_as_zhang_san_with_another_persons_id(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p = housing["project"]
    c = login_client("citizen")
    # no verified identity yet: refused, told how to get one
    r = apply(c, p, "张三", resident_id(1))
    assert r.status_code == 403 and r.json()["code"] == "identity_not_verified"
    verify(demo_users["citizen"], "张三", resident_id(1))
    # 张三 with somebody else's ID number: impersonation, refused, nothing written
    r = apply(c, p, "张三", resident_id(2))
    assert r.status_code == 403 and r.json()["code"] == "not_own_identity"
    assert r.json()["field"] == "id_number" and "不能以他人的姓名和身份证号码申请" in r.json()["message"]
    # the account's ID number under another name: refused too
    r = apply(c, p, "李四", resident_id(1))
    assert r.status_code == 422 and r.json()["code"] == "name_mismatch" and r.json()["field"] == "name"
    assert not Application.objects.exists()
    assert not AuditRecord.objects.filter(action="rental_housing.application.submit").exists()
    # the account's own identity: accepted, and 我的申请 says for whom
    assert apply(c, p, "张三", resident_id(1)).status_code == 201
    mine = c.get(f"{BASE}/applications/mine").json()
    assert [(m["applicant_name"], m["on_behalf"]) for m in mine] == [("张三", False)]


def test_an_agent_account_applies_for_its_principal_and_the_page_says_for_whom(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    citizen = demo_users["citizen"]
    verify(citizen, "张三", resident_id(1))
    rel = AgentRelationship.objects.create(
        agent=citizen,
        principal_name="张小红",
        principal_id_number=resident_id(3, "20000101"),
        relation=AgentRelationship.Relation.CHILD,
        evidence="授权委托书",
        valid_from=dt.date(2026, 6, 1),
        recorded_by=clerk,
    )
    c = login_client("citizen")
    r = apply(c, p, "张小红", resident_id(3, "20000101"))
    assert r.status_code == 201, r.content
    assert r.json()["on_behalf"] is True and r.json()["agent_relation"] == "子女"
    app = Application.objects.get()
    assert app.agent == rel and app.applicant == citizen and app.name == "张小红"
    page = c.get("/rental-housing/my/").content.decode()
    assert "张小红（代理申请：子女）" in page
    # the page offers exactly the account itself and its principal, masked
    assert "张*（420***********" in page and "代理申请：子女" in page
    # a relationship that has ended no longer allows applying (the clock is 2026-06-15)
    rel.valid_until = dt.date(2026, 6, 14)
    rel.save()
    r = apply(c, p, "张小红", resident_id(3, "20000101"))
    assert r.status_code == 403 and r.json()["code"] == "not_own_identity"


def test_id_number_age_on_the_application_date_and_phone_are_checked_on_submission(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p = housing["project"]
    # born 2008-06-16: 17 on 2026-06-15 (the frozen today), 18 only the next day (第十二条第（一）项)
    minor = resident_id(5, "20080616")
    verify(demo_users["citizen"], "张三", minor)
    c = login_client("citizen")
    r = apply(c, p, "张三", minor)
    assert r.status_code == 422 and r.json()["code"] == "under_age" and r.json()["field"] == "id_number"
    assert r.json()["message"].startswith(
        "身份证号码：按身份证号码，申请人出生于2008年6月16日，申请日2026年6月15日未满18周岁"
    )


def test_bad_phone_is_refused_naming_the_field(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    verify(demo_users["citizen"], "张三", resident_id(1))
    r = apply(login_client("citizen"), housing["project"], "张三", resident_id(1), phone="12345")
    assert r.status_code == 422 and r.json()["field"] == "phone"
    assert r.json()["message"].startswith("联系电话：")


def test_operator_enters_offline_applications_for_anyone_with_the_same_checks(
    login_client: Any, housing: dict[str, Any]
) -> None:
    c = login_client("zhujian_clerk")
    body = {
        "project_id": housing["project"].pk,
        "name": "王五",
        "id_number": resident_id(6),
        "phone": "0711-3200000",
        "full_civil_capacity": True,
    }
    r = c.post(f"{BASE}/applications/offline", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["applicant_name"] == "王五"
    assert Application.objects.get().phone == "07113200000"
    r = c.post(
        f"{BASE}/applications/offline", {**body, "id_number": "420704"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["message"].startswith("身份证号码：")


def test_housing_staff_record_identities_and_agents_in_the_admin(
    login_client: Any, demo_users: dict[str, Any]
) -> None:
    from ezhou_platform.rental_housing.models import AccountIdentity

    c = login_client("zhujian_clerk")
    r = c.post(
        "/admin/rental_housing/accountidentity/add/",
        {
            "user": demo_users["citizen"].pk,
            "name": "张三",
            "id_number": resident_id(8),
            "method": "in_person",
            "verified_on": "2026-06-15",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    identity = AccountIdentity.objects.get()
    assert identity.verified_by == demo_users["zhujian_clerk"]
    assert AuditRecord.objects.filter(action="rental_housing.accountidentity.add").exists()
    # a future verification date or a bad ID number is refused by the form
    r = c.post(
        "/admin/rental_housing/accountidentity/add/",
        {
            "user": demo_users["enterprise"].pk,
            "name": "李四",
            "id_number": "123",
            "method": "in_person",
            "verified_on": "2026-07-01",
        },
    )
    assert r.status_code == 200 and AccountIdentity.objects.count() == 1
    assert login_client("auditor").get("/admin/rental_housing/agentrelationship/").status_code == 200
    assert login_client("citizen").get("/admin/rental_housing/accountidentity/").status_code != 200
