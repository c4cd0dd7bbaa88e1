"""The public estimate (API and page) and the clerk pages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ezhou_platform.medical_assistance.models import Settlement

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
CALC = "/api/v1/medical-assistance/calculate"


def claim(day: str, self_pay: int, **kw: Any) -> dict[str, Any]:
    return {"settle_date": day, "total_cost": self_pay, "policy_self_pay": self_pay, **kw}


def test_calculate_breakdown_and_trace(client: Any) -> None:
    body = {
        "identities": ["low_income_marginal", "illness_poverty"],  # 就高不重复 → class 3
        "claims_so_far": [claim("2024-02-01", 200_000, kind="chronic_outpatient")],
        # 2000 of the 3000 deductible used; 1000 left; (5000 − 1000) × 65% × 50% = 1300.00
        "new_claim": claim("2024-03-01", 500_000, in_city=False, temporary_out_of_city=True),
    }
    r = client.post(CALC, json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["person_class"] == 3
    assert out["new_claim"]["basic_aid"] == 130_000
    assert out["claims"][0]["basic_aid"] == 0 and out["claims"][0]["remaining_deductible"] == 100_000
    anchors = {s["anchor"] for s in out["trace"]}
    assert "art13-para2" in anchors and "art11-item2" in anchors
    assert "32.5%" in out["explanation"]
    assert Settlement.objects.count() == 0  # an estimate writes nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person_class": 5, "new_claim": claim("2024-03-01", 1)}, "person_class"),
        ({"identities": ["stable_lifted"], "new_claim": claim("2024-03-01", 1)}, "person_class"),
        (
            {"person_class": 1, "new_claim": {**claim("2024-03-01", 100), "out_of_policy_cost": 101}},
            "new_claim.out_of_policy_cost",
        ),
        ({"person_class": 1, "new_claim": claim("2024-03-01", -5)}, "new_claim.total_cost"),
        (
            {
                "person_class": 1,
                "claims_so_far": [claim("2023-12-01", 1)],
                "new_claim": claim("2024-03-01", 1),
            },
            "claims_so_far",
        ),
    ],
)
def test_calculate_refuses_bad_input(client: Any, body: dict[str, Any], field: str) -> None:
    r = client.post(CALC, json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field
    assert r.json()["message"]


def test_calculate_tilted_without_income_is_a_clear_4xx(client: Any) -> None:
    body = {"person_class": 1, "tilted_approved": True, "new_claim": claim("2024-03-01", 100)}
    r = client.post(CALC, json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "parameter_not_set"
    assert "居民人均可支配收入" in r.json()["message"] and "2023" in r.json()["message"]


def test_calculator_page(client: Any) -> None:
    assert client.get("/medical-assistance/").status_code == 200
    r = client.post(
        "/medical-assistance/calculator/",
        {
            "person_class": "4",
            "date_0": "2024-05-01",
            "self_pay_0": "10000.01",
            "place_0": "city",
            "date_1": "2024-04-01",
            "self_pay_1": "8000",
            "place_1": "temporary",
        },
    )
    text = r.content.decode()
    # sorted by date: 8000 out of city → (8000 − 7000) × 27.5% = 275.00; then 10000.01 × 55% = 5500.01
    assert "275.00元" in text and "5,500.01元" in text and "5,775.01元" in text
    assert "第十三条第二款" in text and "#art13-para2" in text


def test_calculator_page_errors_name_the_field(client: Any) -> None:
    r = client.post(
        "/medical-assistance/calculator/",
        {"person_class": "2", "date_0": "2024-05-01", "self_pay_0": "12.345"},
    )
    text = r.content.decode()
    assert "第1行“政策范围内个人自付”" in text and "小数超过两位" in text


def test_clerk_pages_mask_ids_and_filter(login_client: Any, make_person: Any) -> None:
    person = make_person("minimum_living")
    c = login_client("yibao_clerk")
    c.post(
        "/api/v1/medical-assistance/settlements",
        json.dumps(claim_payload(person, "PG-1", 100_000)),
        content_type="application/json",
    )
    page = c.get("/medical-assistance/persons/").content.decode()
    assert person.masked_id in page and person.resident_id not in page
    page = c.get("/medical-assistance/settlements/?person_class=2&year=2024").content.decode()
    assert "PG-1" in page and "700.00元" in page and person.resident_id not in page
    assert "PG-1" not in c.get("/medical-assistance/settlements/?person_class=1").content.decode()
    found = c.post("/medical-assistance/settlements/", {"search": "1", "q": person.resident_id}, follow=True)
    assert "PG-1" in found.content.decode()
    for user in ("minzheng_clerk", "xiangcun_clerk", "shuiwu_clerk", "citizen", "admin"):
        assert login_client(user).get("/medical-assistance/settlements/").status_code == 403, user
    assert login_client("auditor").get("/medical-assistance/persons/").status_code == 200


def test_admin_is_for_the_medical_department(login_client: Any, make_person: Any) -> None:
    make_person("orphan")
    assert login_client("yibao_clerk").get("/admin/medical_assistance/person/").status_code == 200
    assert login_client("auditor").get("/admin/medical_assistance/settlement/").status_code == 200
    for user in ("admin", "shuiwu_clerk", "minzheng_clerk"):
        assert login_client(user).get("/admin/medical_assistance/person/").status_code == 403, user


def test_premium_subsidy_estimate(client: Any, demo_users: Any) -> None:
    import datetime as dt

    from ezhou_platform.common.parameters import enter_value
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    url = "/api/v1/medical-assistance/premium-subsidy"
    body = {"identities": ["minimum_living"], "coverage_year": 2024}
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 409 and "individual_premium" in r.json()["message"]
    enter_value(
        parameters(),
        "premium_subsidy.individual_premium",
        dt.date(2024, 1, 1),
        38_000,
        source="测试数据",
        actor=demo_users["yibao_clerk"],
    )
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.json()["subsidy"] == 34_200 and r.json()["ratio"] == "9/10"  # 380 × 90% = 342.00
    assert r.json()["trace"][0]["anchor"] == "art7"
    bad = client.post(
        url, json.dumps({"identities": ["nobody"], "coverage_year": 2024}), content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "identities"


def test_class_4_assessment(login_client: Any, demo_users: Any) -> None:
    import datetime as dt

    from ezhou_platform.common.parameters import enter_value
    from ezhou_rules.medical_assistance.parameters_tree import parameters

    enter_value(
        parameters(),
        "income.per_capita_disposable",
        dt.date(2023, 1, 1),
        4_000_000,
        source="测试数据",
        actor=demo_users["yibao_clerk"],
    )
    url = "/api/v1/medical-assistance/class-4-assessment"
    c = login_client("yibao_clerk")
    body = {"application_date": "2024-03-15", "self_pay_12m": 4_000_001, "property_check_passed": True}
    r = c.post(url, json.dumps(body), content_type="application/json")
    assert (
        r.json()["eligible"] is True and r.json()["valid_until"] == "2025-03-15"
    )  # M9: 民法典 第二百零一条、第二百零二条
    r = c.post(url, json.dumps({**body, "self_pay_12m": 4_000_000}), content_type="application/json")
    assert r.json()["eligible"] is False and "未超过" in r.json()["reasons"][0]
    assert (
        login_client("citizen").post(url, json.dumps(body), content_type="application/json").status_code
        == 403
    )
