"""Identities page and admin (第四条第八款), premium subsidy pages (第七条), 先诊疗后付费 (第二十条)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Department
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
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
    # the search form posts (an ID number never in a URL, C05): exact ID only, no fragments
    assert "共 1 条" in c.post(PAGE, {"search": "1", "q": marginal.resident_id}, follow=True).content.decode()
    assert (
        "共 0 条"
        in c.post(PAGE, {"search": "1", "q": marginal.resident_id[:10]}, follow=True).content.decode()
    )
    assert "第 2 / 2 页" in c.get(PAGE, {"page": 2}).content.decode()
    assert login_client("minzheng_clerk").get(PAGE).status_code == 403
    assert login_client("auditor").get(PAGE).status_code == 200


def test_add_identity_from_the_page(login_client: Any) -> None:
    """第二十二条: 民政局 recognises the identities it names on its own page; 医疗保障局 only reads them (M25)."""
    number = demo_resident_id("42070419850505123")
    civil = "/medical-assistance/civil-affairs/identities/"
    c = login_client("minzheng_clerk")
    form = {
        "resident_id": number,
        "name": "王五",
        "district": "echeng",
        "kind": "illness_poverty",
        "valid_from": "2024-02-29",
        "evidence": "鄂城民认〔2024〕3号",
    }
    r = c.post(civil, form, follow=True)
    assert "已认定登记" in r.content.decode()
    identity = Identity.objects.get()
    assert identity.source_department.code == "civil_affairs"
    # 因病致贫重病患者: 12 months from 2024-02-29 (民法典 第二百零一条、第二百零二条, relativedelta): 2025 has no
    # 29 February, so the period ends on the month's last day, 2025-02-28 (M9)
    assert identity.valid_until == dt.date(2025, 2, 28)
    assert Person.objects.get().name == "王五"
    assert AuditRecord.objects.filter(action="medical_assistance.identity.record").count() == 1
    # bad input: an end before the start → nothing written
    r = c.post(civil, {**form, "kind": "orphan", "valid_until": "2024-01-01"}, follow=True)
    assert "有效期止不能早于有效期起" in r.content.decode()
    # 第二十二条: 孤儿 are recognised by 民政, not by 乡村振兴: not a kind on 乡村振兴局's page
    rural = login_client("xiangcun_clerk")
    r = rural.post(
        "/medical-assistance/rural-revitalization/identities/", {**form, "kind": "orphan"}, follow=True
    )
    assert "本部门认定的身份之一（第二十二条）" in r.content.decode()
    c = login_client("minzheng_clerk")  # one test client: log in again as 民政局's clerk
    # an identity valid from 2099 records nothing that has happened: refused, the field named once by its label
    r = c.post(civil, {**form, "kind": "orphan", "valid_from": "2099-01-01"}, follow=True)
    text = r.content.decode()
    assert "有效期起不能晚于今天（2026年6月15日）" in text and text.count("有效期起不能") == 1
    assert "valid_from" not in text.split("<main", 1)[1].split("<form", 1)[0]
    # 医疗保障局 reads the identities and cannot record them; 民政局 cannot use 乡村振兴局's page
    login_client("yibao_clerk").post(PAGE, {**form, "kind": "orphan"})
    assert (
        login_client("minzheng_clerk").get("/medical-assistance/rural-revitalization/identities/").status_code
        == 403
    )
    assert Identity.objects.count() == 1
    assert login_client("auditor").post(PAGE, form).status_code == 403
    assert Identity.objects.count() == 1


def test_identities_are_read_only_in_the_admin(
    login_client: Any, make_person: Any, demo_users: dict[str, Any]
) -> None:
    """Identities are recognised on the recognising department's page (M25), never added in the admin; the
    service refuses a department 第二十二条 does not name, and a start after today, before writing anything."""
    person = make_person(None, serial=29)
    assert login_client("yibao_clerk").get("/admin/medical_assistance/identity/add/").status_code == 403
    body = {
        "kind": "illness_poverty",
        "valid_from": dt.date(2024, 3, 15),
        "evidence": "认定书1号",
        "acting_user": demo_users["minzheng_clerk"],
    }
    for code, message in (
        ("water", "“因病致贫重病患者”由民政部门认定（第二十二条第三款）"),
        ("rural_revitalization", "“因病致贫重病患者”由民政部门认定（第二十二条第三款）"),
    ):
        with pytest.raises(services.ApiError) as refused:
            services.record_identity(person, source_department=Department.objects.get(code=code), **body)
        assert message in refused.value.message and refused.value.field == "source_department"
    civil = Department.objects.get(code="civil_affairs")
    with pytest.raises(services.ApiError, match="有效期起不能晚于今天（2026年6月15日）"):
        services.record_identity(
            person, source_department=civil, **{**body, "valid_from": dt.date(2099, 1, 1)}
        )
    assert not Identity.objects.exists()
    identity = services.record_identity(person, source_department=civil, **body)
    assert identity.valid_until == dt.date(2025, 3, 15)  # 12 months from 2024-03-15, set by the service (M9)
    assert AuditRecord.objects.filter(action="medical_assistance.identity.record").count() == 1


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
    search = {"search": "1", "q": low.resident_id}
    text = c.post("/medical-assistance/persons/", search, follow=True).content.decode()
    assert "先诊疗后付费" in text and "<td>是</td>" in text
    search = {"search": "1", "q": marginal.resident_id}
    text = c.post("/medical-assistance/persons/", search, follow=True).content.decode()
    assert "<td>否</td>" in text
