"""The subsidies API: the stateless calculation (eligible, amount, reasons, trace; the prior awards it is told
about), the catalogue, applications and their steps, the ledger; Chinese errors naming the field; every field
of every endpoint titled in Chinese."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from consent_fields import API_ACK

from ezhou_platform.subsidies.models import Application

from .conftest import PDF, add_dealer, car_facts, configure, resident_id, vin

pytestmark = pytest.mark.django_db
URL = "/api/v1/subsidies"
ON = "2022-12-20"


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(URL + path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def dealers(reference_data: None) -> None:
    configure_values()
    add_dealer("D001")


def configure_values() -> None:
    configure()


def test_calculate_a_car_trade_in(client: Any, dealers: None) -> None:
    r = post(client, "/calculate", {"measure": "12", "facts": car_facts(resident_id(1), vin(1)), "on": ON})
    assert r.status_code == 200, r.content
    body = r.json()
    # Scrapped, new energy: 8,000.00 (十二).
    assert (body["eligible"], body["awardable"], body["amount_fen"], body["payer"]) == (
        True,
        True,
        800_000,
        "市级财政",
    )
    assert {k["key"] for k in body["keys"]} == {f"m12.person|{resident_id(1)}", f"m12.vin|{vin(1)}"}
    assert any("每辆补贴8,000.00元" in s["explanation"] and s["anchor"] == "sec12" for s in body["trace"])


def test_calculate_against_the_prior_awards_it_is_given(client: Any, dealers: None) -> None:
    prior = [
        {
            "award_id": "A-9",
            "component": "m12",
            "subject": resident_id(1),
            "object": vin(5),
            "year": 2022,
            "amount_fen": 300_000,
        }
    ]
    r = post(
        client,
        "/calculate",
        {"measure": "m12", "facts": car_facts(resident_id(1), vin(1)), "on": ON, "prior_awards": prior},
    )
    body = r.json()
    assert body["eligible"] and not body["awardable"] and body["amount_fen"] == 0
    assert body["ledger"]["code"] == "duplicate_award" and "A-9" in body["ledger"]["message"]


def test_calculate_says_why_not_with_the_section(client: Any, dealers: None) -> None:
    facts = car_facts(resident_id(1), vin(1), dealer_code="W009", old_plate="京A12345")
    body = post(client, "/calculate", {"measure": "m12", "facts": facts, "on": ON}).json()
    codes = {r["code"] for r in body["reasons"]}
    assert not body["eligible"] and {"dealer_not_listed", "old_plate_not_hubei"} <= codes
    assert all(r["citation"] == "鄂州政办发〔2022〕32号 十二" for r in body["reasons"])


@pytest.mark.parametrize(
    ("body", "code", "field", "words"),
    [
        ({"measure": "5", "facts": {}, "on": ON}, "component_required", "measure", "m05.store"),
        ({"measure": "6", "facts": {}, "on": ON}, "measure_not_computed", "measure", "市商务局"),
        ({"measure": "99", "facts": {}, "on": ON}, "unknown_component", "measure", "m12"),
        ({"measure": "m99.x", "facts": {}, "on": ON}, "invalid_input", "measure", "措施或奖补事项"),
        ({"measure": "m12", "facts": {}, "on": "2019-01-01"}, "invalid_input", "on", "计算日期"),
    ],
)
def test_calculate_refuses_in_chinese_naming_the_field(
    client: Any, dealers: None, body: dict[str, Any], code: str, field: str, words: str
) -> None:
    r = post(client, "/calculate", body)
    assert r.status_code == 422, r.content
    err = r.json()
    assert err["code"] == code and err["field"] == field and words in err["message"]


def test_a_bad_vin_or_a_negative_principal_is_refused_by_its_label(client: Any, dealers: None) -> None:
    bad = vin(1)[:8] + ("0" if vin(1)[8] != "0" else "1") + vin(1)[9:]
    r = post(client, "/calculate", {"measure": "m12", "facts": car_facts(resident_id(1), bad), "on": ON})
    err = r.json()
    assert r.status_code == 422 and err["field"] == "facts.new_vin" and "新车车辆识别代号" in err["message"]
    loan = {
        "bank_code": "B1", "contract_no": "K1", "borrower_id": "91420700MA49QM3K17", "borrower_kind": "micro",
        "principal": "-1.00", "disbursed_on": "2022-09-01", "ends_on": "2023-09-01", "first_loan": True,
    }  # fmt: skip
    err = post(client, "/calculate", {"measure": "m01", "facts": loan, "on": ON}).json()
    assert (
        err["code"] == "negative_amount"
        and "贷款本金（元）" in err["message"]
        and err["field"] == "facts.principal"
    )


def test_measures(client: Any) -> None:
    r = client.get(URL + "/measures", {"on": ON})
    assert r.status_code == 200
    items = r.json()
    assert [m["number"] for m in items] == list(range(1, 19))
    m12 = items[11]
    assert m12["citation"] == "鄂州政办发〔2022〕32号 十二" and m12["components"] == [
        {"code": "m12", "title": "汽车以旧换新补贴"}
    ]
    assert (items[5]["kind"] == "tracking" and items[5]["parameters"] == []) or all(
        p["unit"] in ("text", "date") for p in items[5]["parameters"]
    )


def _documents() -> list[dict[str, str]]:
    data = base64.b64encode(PDF).decode()
    return [
        {"kind": k, "name": f"{k}.pdf", "content_base64": data}
        for k in ("id_card", "old_car", "invoice", "new_licence")
    ]


def test_apply_review_and_ledger_through_the_api(login_client: Any, dealers: None) -> None:
    client = login_client("car_buyer")
    body = {
        "component": "m12",
        "facts": car_facts(resident_id(1), vin(1)),
        "subject_name": "李四",
        "payee": {"name": "李四", "bank": "中国工商银行鄂州分行", "account": "6222020000000000001"},
        "documents": _documents(),
        **API_ACK,
    }
    r = post(client, "/applications", body)
    assert r.status_code == 201, r.content
    app = r.json()
    assert (app["status"], app["amount_fen"], app["number"]) == ("submitted", 800_000, f"SQ{app['id']:08d}")
    # The same car again: 409 naming the first application.
    r = post(client, "/applications", {**body, "facts": car_facts(resident_id(2), vin(1))})
    assert (
        r.status_code == 409
        and r.json()["code"] == "duplicate_award"
        and app["number"] in r.json()["message"]
    )
    # Missing documents and a bad account: named.
    r = post(client, "/applications", {**body, "facts": car_facts(resident_id(3), vin(3)), "documents": []})
    assert r.status_code == 422 and "申请人身份证" in r.json()["message"]
    mine = client.get(URL + "/applications").json()
    assert mine["total"] == 1 and mine["items"][0]["id"] == app["id"]
    # The applicant may not review; the 商务局's clerk may; an auditor reads but does not write.
    assert post(client, f"/applications/{app['id']}/steps/review", {}).status_code == 403
    auditor = login_client("auditor")
    assert auditor.get(URL + f"/applications/{app['id']}").status_code == 200
    assert post(auditor, f"/applications/{app['id']}/steps/review", {}).status_code == 403
    clerk = login_client("shangwu_clerk")
    r = post(clerk, f"/applications/{app['id']}/steps/review", {"note": "材料齐全"})
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    r = post(clerk, f"/applications/{app['id']}/steps/decide", {})
    assert r.status_code == 409 and "当前状态为“审核通过”，不能作出奖补决定" in r.json()["message"]
    r = post(clerk, f"/applications/{app['id']}/steps/refuse", {"reason": ""})
    assert r.status_code == 422 and "理由" in r.json()["message"]
    keys = clerk.get(URL + "/ledger", {"q": vin(1)}).json()
    assert [k["application"] for k in keys] == [app["number"]]
    # Another department's clerk sees neither the application nor its keys.
    other = login_client("jiaotong_clerk")
    assert other.get(URL + f"/applications/{app['id']}").status_code == 404
    assert other.get(URL + "/ledger", {"q": vin(1)}).json() == []
    assert Application.objects.count() == 1


def test_every_subsidies_endpoint_field_has_a_chinese_title() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema(path_prefix="")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    missing: list[str] = []

    def walk(node: dict[str, Any], where: str, seen: set[str]) -> None:
        node = resolve(node)
        for name, prop in node.get("properties", {}).items():
            target = resolve(prop) if "$ref" in prop else prop
            if not (
                cjk.search(str(prop.get("title", "")))
                or cjk.search(str(prop.get("description", "")))
                or cjk.search(str(target.get("title", "")))
            ):
                missing.append(f"{where}.{name}")
            for inner in (
                prop,
                *prop.get("anyOf", []),
                prop.get("items", {}),
                *prop.get("items", {}).get("anyOf", []),
            ):
                ref = inner.get("$ref", "") if isinstance(inner, dict) else ""
                if ref and ref not in seen:
                    walk(inner, f"{where}.{name}", seen | {ref})

    paths = {p: ops for p, ops in schema["paths"].items() if "/subsidies/" in p}
    assert len(paths) == 7  # …/ledger/search (a whole ID in the body, C05) beside GET …/ledger
    for path, ops in paths.items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if not (
                    cjk.search(str(param.get("schema", {}).get("title", "")))
                    or cjk.search(str(param.get("description", "")))
                ):
                    missing.append(f"{method} {path} ?{param['name']}")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                walk(body, f"{method} {path} body", set())
            for resp in op.get("responses", {}).values():
                out = resp.get("content", {}).get("application/json", {}).get("schema")
                if out:
                    walk(out.get("items", out), f"{method} {path} response", set())
    assert missing == []
