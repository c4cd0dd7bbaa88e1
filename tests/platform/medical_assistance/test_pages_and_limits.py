"""Pages and contracts (issue 8 §3, §4): input limits and Chinese labels, the calculator keeping what was
typed, one date format, the settlements filter, the 第二十三条 fund ledger, the OpenAPI schema of the router."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.demo import load_demo
from ezhou_platform.medical_assistance.models import Application, FundContribution

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_calculator_keeps_what_was_entered(client: Any) -> None:
    form = {
        "person_class": "3",
        "tilted": "on",
        "date_0": "2024-02-01",
        "kind_0": "chronic_outpatient",
        "place_0": "temporary",
        "self_pay_0": "2000",
        "date_1": "2024-03-01",
        "self_pay_1": "1.234",  # refused: more than two decimals
    }
    text = client.post("/medical-assistance/calculator/", form).content.decode()
    assert "第2行“政策范围内个人自付”" in text
    for kept in ('value="2024-02-01"', 'value="2000"', 'value="2024-03-01"', 'value="1.234"'):
        assert kept in text, kept
    assert (
        '<option value="chronic_outpatient" selected>' in text
        and '<option value="temporary" selected>' in text
    )
    assert '<option value="3" selected>' in text and 'name="tilted" checked' in text
    # computed (tilted unticked: no income needed): the form still shows the rows
    form.update({"self_pay_1": "5000", "tilted": ""})
    text = client.post("/medical-assistance/calculator/", form).content.decode()
    assert 'id="total"' in text and 'value="5000"' in text and 'value="2024-02-01"' in text
    # a date beyond this year (2099) is refused by its label, once
    form.update({"date_1": "2099-01-01"})
    text = client.post("/medical-assistance/calculator/", form).content.decode()
    assert text.count("第2行“结算日期”") == 1 and "本年度末（2026年12月31日）" in text


def test_the_settlements_filter_shows_the_year_as_typed(login_client: Any, make_person: Any) -> None:
    person = make_person("orphan")
    c = login_client("yibao_clerk")
    c.post(
        "/api/v1/medical-assistance/settlements",
        json.dumps(claim_payload(person, "Y-1", 100_000)),
        content_type="application/json",
    )
    text = c.get("/medical-assistance/settlements/", {"year": "2024"}).content.decode()
    assert 'name="year" value="2024"' in text and "2,024" not in text
    assert "2024年3月1日" in text  # the one date format
    assert 'value="abc"' not in c.get("/medical-assistance/settlements/", {"year": "abc"}).content.decode()


PAGES = {
    "yibao_clerk": [
        "/medical-assistance/",
        "/medical-assistance/persons/",
        "/medical-assistance/identities/",
        "/medical-assistance/settlements/",
        "/medical-assistance/recoveries/",
        "/medical-assistance/applications/",
        "/medical-assistance/applications/?state=approved",
        "/medical-assistance/warnings/",
        "/medical-assistance/fund/",
        "/medical-assistance/premium-subsidy/persons/",
    ],
    "minzheng_clerk": ["/medical-assistance/class-4/", "/medical-assistance/warnings/civil-affairs/"],
}


def test_one_date_format_on_every_medical_page(login_client: Any, demo_users: Any) -> None:
    load_demo()
    for user, pages in PAGES.items():
        c = login_client(user)
        for url in pages:
            html = c.get(url).content.decode()
            text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])  # what a reader sees, not attributes
            assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), (
                url,
                re.findall(r"\d{4}-\d{2}-\d{2}", text),
            )
            assert not re.search(r"年0\d月|月0\d日", text), url
            assert not re.search(r"\b\d,\d{3}年", text), url  # no year written 2,026
            title = re.search(r"<title>(.*?)</title>", html, re.S)
            assert title and "<" not in title.group(1) and "csrf" not in title.group(1).lower()


def test_receiving_an_application_on_the_page(login_client: Any, make_person: Any) -> None:
    person = make_person("low_income_marginal")
    c = login_client("yibao_clerk")
    page = "/medical-assistance/applications/"
    form = {
        "decision": "submit",
        "resident_id": person.resident_id,
        "kind": "tilted",
        "year": "2026",
        "submitted_on": "2099-01-01",
        "note": "自付费用负担重",
    }
    text = c.post(page, form, follow=True).content.decode()
    messages = text.split('class="messages"', 1)[1].split("</ul>", 1)[0]
    assert messages.count("申请日期不能晚于今天（2026年6月15日）") == 1
    assert not re.search(r"[a-z_]{4,}", re.sub(r"<[^>]+>", "", messages))  # no internal field names
    assert 'value="2099-01-01"' in text and 'value="自付费用负担重"' in text  # kept
    assert not Application.objects.exists()
    form["submitted_on"] = "2026-06-10"
    text = c.post(page, form, follow=True).content.decode()
    assert "已受理" in text
    app = Application.objects.get()
    assert (app.kind, app.year, app.submitted_on) == ("tilted", 2026, dt.date(2026, 6, 10))
    assert login_client("auditor").post(page, form).status_code == 403


def test_fund_ledger_shows_each_district_and_zone_budget_lines_against_payments(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    # 第二十三条第二款: 鄂城区 merges the poverty-measure funds of 12,400 persons: 12,400 × 320 = 3,968,000.00
    echeng = Jurisdiction.objects.get(code="echeng")
    c = login_client("yibao_clerk")
    page = "/medical-assistance/fund/"
    r = c.post(
        page,
        {
            "year": "2024",
            "district": "echeng",
            "source": "poverty_measure",
            "persons": "12400",
            "basis": "鄂城财〔2024〕1号",
        },
        follow=True,
    )
    assert "已录入筹集资金" in r.content.decode()
    line = FundContribution.objects.get()
    assert (line.persons, line.amount) == (12_400, 396_800_000)
    services.record_contribution(
        year=2024,
        jurisdiction=echeng,
        source="premium_subsidy",
        amount=50_000_000,
        basis="鄂城财〔2024〕2号",
        acting_user=clerk,
    )
    # a payment: class 2, 10,000 × 70% = 7,000.00 from 鄂城区's fund
    person = make_person("minimum_living")
    c.post(
        "/api/v1/medical-assistance/settlements",
        json.dumps(claim_payload(person, "FL-1", 1_000_000)),
        content_type="application/json",
    )
    text = c.get(page, {"year": "2024"}).content.decode()
    ledger = text.split('id="ledger"', 1)[1].split("</table>", 1)[0]
    for place in ("鄂城区", "华容区", "梁子湖区", "葛店经开区", "临空经济区"):
        assert place in ledger, place  # every district and zone, entered or not
    assert "12,400人 × 320.00元" in ledger and "3,968,000.00元" in ledger and "500,000.00元" in ledger
    # 3,968,000 + 500,000 = 4,468,000 in; 7,000 out (the premium of 2024 is not entered: noted, not invented)
    assert "筹集合计 4,468,000.00元" in ledger and "医疗救助支出 7,000.00元" in ledger
    assert "结余 4,461,000.00元" in ledger
    assert "premium_subsidy.individual_premium" in text
    # refused by label: persons missing for the poverty-measure line; a 2099 budget
    text = c.post(
        page, {"year": "2024", "district": "huarong", "source": "poverty_measure", "basis": "x"}, follow=True
    ).content.decode()
    assert "请填写人数" in text
    with pytest.raises(services.ApiError, match="预算年度应在2022年至下一年度（2027年）之间"):
        services.record_contribution(
            year=2099, jurisdiction=echeng, source="fiscal", amount=1, basis="x", acting_user=clerk
        )
    # the first, partial year: the standard is read on 2022-10-18, when 34号 took effect
    assert services.poverty_measure_amount(2022, 10) == (32_000, 320_000)
    assert login_client("auditor").post(page, {"year": "2024"}).status_code == 403


def test_the_routers_schema_has_chinese_titles_for_every_field() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def check(node: dict[str, Any], where: str, seen: set[str]) -> None:
        for option in node.get("anyOf", []) + node.get("allOf", []):
            check(resolve(option), where, seen)
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            seen.add(name)
            node = resolve(node)
        for prop, sub in node.get("properties", {}).items():
            label = str(sub.get("title", "")) + str(sub.get("description", ""))
            assert CJK.search(label), f"{where}.{prop} has no Chinese title"
            check(sub, f"{where}.{prop}", seen)
        if "items" in node:
            check(node["items"], f"{where}[]", seen)

    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/medical-assistance/")}
    assert len(paths) >= 10
    for path, ops in paths.items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                assert CJK.search(
                    str(p.get("schema", {}).get("title", "")) + str(p.get("description", ""))
                ), (path, p["name"])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                check(body, f"{method} {path} in", set())
            for status, response in op.get("responses", {}).items():
                out = response.get("content", {}).get("application/json", {}).get("schema")
                if out:
                    check(out, f"{method} {path} {status}", set())


def test_api_errors_name_fields_by_their_chinese_label_once(client: Any) -> None:
    url = "/api/v1/medical-assistance/calculate"
    claim = {"settle_date": "2024-03-01", "total_cost": 1000, "policy_self_pay": 500}
    bad = {"person_class": 3, "claims_so_far": [{**claim, "total_cost": -1}], "new_claim": claim}
    r = client.post(url, json.dumps(bad), content_type="application/json")
    message = r.json()["message"]
    assert r.status_code == 422 and message == "本年度此前各笔第1项的医疗总费用：不能小于0。"
    assert not re.search(r"[a-z_]{4,}", message)
    bad = {
        "person_class": 3,
        "claims_so_far": [claim, {**claim, "out_of_policy_cost": 2000}],
        "new_claim": claim,
    }
    message = client.post(url, json.dumps(bad), content_type="application/json").json()["message"]
    assert (
        message.startswith("此前第2笔的政策范围外费用不能超过医疗总费用")
        and message.count("政策范围外费用") == 1
    )
    bad = {"person_class": 3, "new_claim": {**claim, "settle_date": "2099-01-01"}}
    r = client.post(url, json.dumps(bad), content_type="application/json")
    assert r.status_code == 422 and r.json()["message"].startswith(
        "本笔的结算日期应在本办法施行之日（2022年10月18日）"
    )
