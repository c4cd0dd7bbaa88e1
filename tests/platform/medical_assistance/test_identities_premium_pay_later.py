"""Identities page and admin (第四条第八款), premium subsidy pages (第七条), 先诊疗后付费 (第二十条)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Department
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance.demo import demo_resident_id
from ezhou_platform.medical_assistance.models import Identity, Person
from ezhou_rules.medical_assistance.parameters_tree import parameters

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
PAGE = "/medical-assistance/identities/"


def test_identities_list_filter_and_paging(login_client: Any, make_person: Any) -> None:
    for serial in range(1, 28):  # 27 persons with 低保 since 2024-01-01
        make_person("minimum_living", serial=serial)
    marginal = make_person("marginal_at_risk", serial=30, valid_from=dt.date(2023, 1, 1))
    Identity.objects.filter(person=marginal).update(valid_until=dt.date(2023, 12, 31))
    c = login_client("yibao_clerk")
    text = c.get(PAGE).content.decode()
    assert "共 28 条" in text and "第 1 / 2 页" in text  # 25 a page
    assert "民政局" in text and "测试认定书" in text and "动态管理（未设止期）" in text
    assert marginal.resident_id not in text and marginal.masked_id in text
    text = c.get(PAGE, {"kind": "marginal_at_risk"}).content.decode()
    assert "共 1 条" in text and "乡村振兴局" in text and "已失效" in text
    assert "2023年1月1日 至 2023年12月31日" in text  # one date format (2026年12月1日)
    assert "共 27 条" in c.get(PAGE, {"status": "valid"}).content.decode()
    assert "共 1 条" in c.get(PAGE, {"status": "expired"}).content.decode()
    assert "共 1 条" in c.get(PAGE, {"source": "rural_revitalization"}).content.decode()
    assert "共 1 条" in c.get(PAGE, {"q": marginal.resident_id}).content.decode()  # exact ID
    assert "共 0 条" in c.get(PAGE, {"q": marginal.resident_id[:10]}).content.decode()  # no fragments
    assert "第 2 / 2 页" in c.get(PAGE, {"page": 2}).content.decode()
    assert login_client("minzheng_clerk").get(PAGE).status_code == 403
    assert login_client("auditor").get(PAGE).status_code == 200


def test_add_identity_from_the_page(login_client: Any) -> None:
    number = demo_resident_id("42070419850505123")
    c = login_client("yibao_clerk")
    form = {
        "resident_id": number,
        "name": "王五",
        "district": "echeng",
        "kind": "illness_poverty",
        "source_department": "civil_affairs",
        "valid_from": "2024-02-29",
        "evidence": "鄂城民认〔2024〕3号",
    }
    r = c.post(PAGE, form, follow=True)
    assert "已登记" in r.content.decode()
    identity = Identity.objects.get()
    # 因病致贫重病患者: 12 months from 2024-02-29 (民法典 第二百零一条、第二百零二条, relativedelta): 2025 has no
    # 29 February, so the period ends on the month's last day, 2025-02-28 (M9)
    assert identity.valid_until == dt.date(2025, 2, 28)
    assert Person.objects.get().name == "王五"
    assert AuditRecord.objects.filter(action="medical_assistance.identity.record").count() == 1
    # bad input: an end before the start, a department that does not recognise identities → nothing written
    r = c.post(PAGE, {**form, "kind": "orphan", "valid_until": "2024-01-01"}, follow=True)
    assert "有效期止不能早于有效期起" in r.content.decode()
    r = c.post(PAGE, {**form, "kind": "orphan", "source_department": "water"}, follow=True)
    assert "认定部门" in r.content.decode()
    # 第二十二条: 孤儿 are recognised by 民政, not by 乡村振兴
    r = c.post(PAGE, {**form, "kind": "orphan", "source_department": "rural_revitalization"}, follow=True)
    assert "“孤儿”由民政部门认定（第二十二条第三款）" in r.content.decode()
    # an identity valid from 2099 records nothing that has happened: refused, the field named once by its label
    r = c.post(PAGE, {**form, "kind": "orphan", "valid_from": "2099-01-01"}, follow=True)
    text = r.content.decode()
    assert "有效期起不能晚于今天（2026年6月15日）" in text and text.count("有效期起不能") == 1
    assert "valid_from" not in text.split("<main", 1)[1].split("<form", 1)[0]
    assert Identity.objects.count() == 1
    assert login_client("auditor").post(PAGE, form).status_code == 403
    assert Identity.objects.count() == 1


def test_add_identity_through_the_admin(login_client: Any, make_person: Any) -> None:
    person = make_person(None, serial=29)
    c = login_client("yibao_clerk")
    url = "/admin/medical_assistance/identity/add/"
    assert c.get(url).status_code == 200
    water = Department.objects.get(code="water")
    body = {
        "person": person.pk,
        "kind": "illness_poverty",
        "source_department": Department.objects.get(code="civil_affairs").pk,
        "valid_from": "2024-03-15",
        "valid_until": "",
        "evidence": "认定书1号",
    }
    assert c.post(url, {**body, "source_department": water.pk}).status_code == 200  # form error, no save
    assert not Identity.objects.exists()
    # 第二十二条 and the dates: errors on the form by their Chinese label, never an error page, nothing saved
    rural = Department.objects.get(code="rural_revitalization")
    r = c.post(url, {**body, "source_department": rural.pk})
    assert (
        r.status_code == 200 and "“因病致贫重病患者”由民政部门认定（第二十二条第三款）" in r.content.decode()
    )
    r = c.post(url, {**body, "valid_from": "2099-01-01"})
    assert r.status_code == 200 and "有效期起不能晚于今天（2026年6月15日）" in r.content.decode()
    assert not Identity.objects.exists()
    r = c.post(url, body)
    assert r.status_code == 302, r.content.decode()[:2000]
    identity = Identity.objects.get()
    assert identity.valid_until == dt.date(2025, 3, 15)  # 12 months from 2024-03-15, set by the service (M9)
    assert AuditRecord.objects.filter(action="medical_assistance.identity.record").count() == 1
    assert login_client("auditor").get(url).status_code == 403


def test_premium_subsidy_pages(client: Any, login_client: Any, make_person: Any, clerk: Any) -> None:
    page = "/medical-assistance/premium-subsidy/"
    r = client.get(page, {"identity": ["minimum_living"], "year": "2024"})
    assert "premium_subsidy.individual_premium" in r.content.decode()  # not entered yet: named
    enter_value(
        parameters(),
        "premium_subsidy.individual_premium",
        dt.date(2024, 1, 1),
        38_000,
        source="测试",
        actor=clerk,
    )
    # 二类 + 监测对象: the highest, 380.00 × 90% = 342.00 元
    text = client.get(
        page, {"identity": ["minimum_living", "unstable_lifted"], "year": "2024"}
    ).content.decode()
    assert '<span id="subsidy">342.00元</span>' in text and "第七条" in text
    assert "医保年度" in client.get(page, {"year": "1999"}).content.decode()

    make_person("unstable_lifted", serial=1)  # since 2024-01-01: 380.00 × 50% = 190.00 元
    make_person("orphan", serial=2, valid_from=dt.date(2024, 2, 1))  # not yet on 1 January 2024: 0
    c = login_client("yibao_clerk")
    text = c.get("/medical-assistance/premium-subsidy/persons/", {"year": "2024"}).content.decode()
    assert "190.00元" in text and "0.00元" in text and "无资助身份" in text
    # 2026: after the transition period (ends 2025-12-31) the monitored person gets nothing; the orphan gets the
    # full 2026 premium, which nobody entered → named
    text = c.get("/medical-assistance/premium-subsidy/persons/", {"year": "2026"}).content.decode()
    assert "premium_subsidy.individual_premium" in text
    assert (
        login_client("minzheng_clerk").get("/medical-assistance/premium-subsidy/persons/").status_code == 403
    )


def test_pay_after_treatment_flag(login_client: Any, make_person: Any) -> None:
    low = make_person("minimum_living", serial=3)
    marginal = make_person("low_income_marginal", serial=4)
    c = login_client("yibao_clerk")
    url = "/api/v1/medical-assistance/settlements"

    def settle(body: dict[str, Any]) -> Any:
        return c.post(url, json.dumps(body), content_type="application/json").json()

    r = settle(claim_payload(low, "P-1", 100_000, referred_from_primary_care=True))
    assert r["settlement"]["pay_after_treatment"] is True
    r = settle(claim_payload(low, "P-2", 100_000))  # not referred from primary care
    assert r["settlement"]["pay_after_treatment"] is False
    r = settle(claim_payload(low, "P-3", 100_000, referred_from_primary_care=True, kind="chronic_outpatient"))
    assert r["settlement"]["pay_after_treatment"] is False  # outpatient, not an admission
    summary = c.get(f"/api/v1/medical-assistance/persons/{low.pk}/years/2024").json()
    assert summary["pay_after_treatment_eligible"] is True
    summary = c.get(f"/api/v1/medical-assistance/persons/{marginal.pk}/years/2024").json()
    assert summary["pay_after_treatment_eligible"] is False  # 低保边缘 is not named in 第二十条
    text = c.get("/medical-assistance/persons/", {"q": low.resident_id}).content.decode()
    assert "先诊疗后付费" in text and "<td>是</td>" in text
    text = c.get("/medical-assistance/persons/", {"q": marginal.resident_id}).content.decode()
    assert "<td>否</td>" in text
