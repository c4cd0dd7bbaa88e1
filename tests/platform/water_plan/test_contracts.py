"""The API as a contract (issue 8 §3, §4, §6): Chinese titles on every field, the supplement types as a
discriminated union, coefficient kinds as an enumeration, the plan's components, the surcharge tiers' source,
date limits and the 5-year validity warning."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import SurchargeNotice, YearlyPlan
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES

from .conftest import make_unit, monthly

pytestmark = pytest.mark.django_db
API = "/api/v1/water-plan"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _schema() -> dict[str, Any]:
    from ezhou_platform.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")  # type: ignore[no-any-return]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _walk(schema: dict[str, Any], node: dict[str, Any], where: str, seen: set[str], out: list[str]) -> None:
    """Every property (nested, through refs, lists, unions) must carry a Chinese title or description."""
    if "$ref" in node:
        name = node["$ref"]
        if name in seen:
            return
        seen = seen | {name}
    node = _resolve(schema, node)
    for key in ("oneOf", "anyOf", "allOf"):
        for option in node.get(key, []):
            _walk(schema, option, where, seen, out)
    if "items" in node:
        _walk(schema, node["items"], where + "[]", seen, out)
    for name, prop in node.get("properties", {}).items():
        label = f"{prop.get('title', '')} {prop.get('description', '')}"
        if not CJK.search(label):
            out.append(f"{where}.{name}")
        _walk(schema, prop, f"{where}.{name}", seen, out)


def test_every_field_of_the_water_api_has_a_chinese_title():
    schema = _schema()
    missing: list[str] = []
    for path, ops in schema["paths"].items():
        if not path.startswith("/api/v1/water-plan/"):
            continue
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            for p in op.get("parameters", []):
                text = f"{p.get('description', '')} {p.get('schema', {}).get('title', '')}"
                if not CJK.search(text):
                    missing.append(f"{where} ?{p['name']}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                _walk(schema, media["schema"], where, set(), missing)
            for response in op.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    _walk(schema, media["schema"], f"{where} →", set(), missing)
    assert missing == []


def test_supplements_are_a_discriminated_union_of_every_type():
    schema = _schema()
    for path in (f"{API}/supplements/calculate", f"{API}/plans/{{plan_id}}/supplements"):
        body = _resolve(
            schema, schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        )
        assert body["discriminator"]["propertyName"] == "type"
        mapping = body["discriminator"]["mapping"]
        assert set(mapping) == set(SUPPLEMENT_TYPES)  # the eight of 附件2 and "other" (附件2 注)
        leak = _resolve(schema, {"$ref": mapping["leak"]})
        inputs = _resolve(schema, leak["properties"]["inputs"])
        assert {"leak_start", "leak_end", "repair_started", "daily", "renewal_cost_fen"} <= set(
            inputs["properties"]
        )
        assert set(inputs["required"]) == {"leak_start", "leak_end", "repair_started"}
        other = _resolve(schema, _resolve(schema, {"$ref": mapping["other"]})["properties"]["inputs"])
        assert {"description", "indicator", "quota_unit", "quantity", "requested_volume"} == set(
            other["properties"]
        )


def test_coefficient_kinds_are_an_enumeration_with_effect_and_years(client, reference_data):
    from ezhou_platform.water_plan.schemas import WaterCoefficientKind

    assert {k.value for k in WaterCoefficientKind} == set(COEFFICIENT_CASES)
    schema = _schema()
    kind = schema["components"]["schemas"]["WaterEventIn"]["properties"]["kind"]
    assert set(_resolve(schema, kind)["enum"]) == set(COEFFICIENT_CASES)
    assert "unconventional_used：使用再生水、雨水等非常规水资源，+0.1，计入实施当年" in kind["description"]
    rows = {r["kind"]: r for r in client.get(f"{API}/coefficient-kinds").json()}
    assert rows["balance_test_rectified"]["effect"] == "+0.10"
    assert rows["balance_test_rectified"]["counts_for"].startswith("自完成测试、整改次年起3年内")
    assert rows["statistics_late"]["effect"] == "-0.05" and rows["statistics_late"]["citation"].endswith(
        "附件1 三（七）"
    )
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "quota",
            "quantity": "1",
            "quota": "1",
            "events": [{"kind": "made_up", "on": "2023-01-01"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["message"].startswith(
        "增减系数情形第1项的增减系数情形：应为以下之一"
    )


def test_plan_calculator_returns_the_base_and_each_component(client, reference_data):
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "statistic",
            "history": ["1000", "1200", "1500"],
            "years_of_normal_use": "5",
            "events": [{"kind": "balance_test_rectified", "on": "2023-06-01"}],
            "adjustment": "-10.25",
        },
        content_type="application/json",
    )
    body = r.json()
    # 1000×10% + 1200×20% + 1500×70% = 100 + 240 + 1050 = 1390.00; × 0.1 = 139.00; 1529.00 − 10.25 = 1518.75
    assert [(c["label"], c["year"], c["weight"], c["amount"]) for c in body["components"]] == [
        ("前三年用水量", 2021, "10%", "100.00"),
        ("前二年用水量", 2022, "20%", "240.00"),
        ("前一年用水量", 2023, "70%", "1050.00"),
    ]
    assert (body["base_volume"], body["coefficient_volume"], body["formula_volume"]) == (
        "1390.00",
        "139.00",
        "1529.00",
    )
    assert (body["adjustment"], body["plan_volume"], body["formula"]) == (
        "-10.25",
        "1518.75",
        "附件1 二（二）1",
    )
    assert body["coefficient_detail"]["cases"][0]["counts_for"] == [2024, 2026]
    # a fractional number of years: 2.5 → "2年以上3年以下" (30% / 70%): 1200×30% + 1500×70% = 1410.00
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "statistic",
            "history": ["1000", "1200", "1500"],
            "years_of_normal_use": "2.5",
        },
        content_type="application/json",
    )
    assert r.json()["plan_volume"] == "1410.00" and r.json()["formula"] == "附件1 二（二）2"
    assert r.json()["years_of_normal_use"] == "2.5"
    # or a start date: normal use since 2021-07-01 → 2 full years before 2024-01-01
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "statistic",
            "history": ["1000", "1200", "1500"],
            "normal_use_started": "2021-07-01",
        },
        content_type="application/json",
    )
    assert r.json()["plan_volume"] == "1410.00"
    # 定额法: 500 × 12.5 = 6250.00 (the base), one component
    r = client.post(
        f"{API}/plan/calculate",
        {
            "plan_year": 2024,
            "method": "quota",
            "quantity": "500",
            "quota": "12.5",
            "indicator": "机关办公人员",
        },
        content_type="application/json",
    )
    assert r.json()["base_volume"] == "6250.00" and r.json()["components"][0]["quota"] == "12.5"


def test_surcharge_calculator_says_whose_tiers_and_never_falls_back(client, reference_data, demo_users):
    payload = {"year": 2024, "issued_plan": "1000", "supplier_volume": "1400"}
    r = client.post(f"{API}/surcharge/calculate", payload, content_type="application/json")
    # neither in the request nor configured: refused, naming the parameter
    assert r.status_code == 422 and r.json()["code"] == "parameter_not_set"
    assert r.json()["field"] == "water_plan.surcharge.band_upper_bounds"
    assert "surcharge.band_upper_bounds" in r.json()["message"]
    tiers = {"band_upper_bounds": ["10%", "30%"], "multipliers": ["0.5", "1", "2"], "base_price_fen": 300}
    r = client.post(
        f"{API}/surcharge/calculate", {**payload, "tiers": tiers}, content_type="application/json"
    )
    body = r.json()
    assert body["tiers_source"] == "request" and body["tiers_source_text"] == "请求中给出的分档、倍数和基价"
    # excess 400.00 = 40% of 1000: 100 × 0.5 × 3 = 150.00 + 200 × 1 × 3 = 600.00 + 100 × 2 × 3 = 600.00
    assert body["band_amounts_fen"] == [15000, 60000, 60000] and body["amount_fen"] == 135000
    assert body["bands"][2]["span"] == "超计划30%以上的部分" and body["bands"][0]["volume"] == "100.00"
    from ezhou_platform.common.models import ConfiguredValue

    for name, value in (
        ("surcharge.band_upper_bounds", ["10%"]),
        ("surcharge.multipliers", ["1", "3"]),
        ("surcharge.base_price", 258),
    ):
        ConfiguredValue.objects.create(
            tree="water_plan",
            name=name,
            valid_from=dt.date(2024, 1, 1),
            value=value,
            source="演示数据（非鄂州实际取值）",
        )
    body = client.post(f"{API}/surcharge/calculate", payload, content_type="application/json").json()
    assert body["tiers_source"] == "configured" and "演示数据（非鄂州实际取值）" in body["tiers_source_text"]
    assert "自2024年1月1日起" in body["tiers_source_text"] and body["base_price_fen"] == 258


def test_calculator_inputs_outside_what_the_step_allows(client, reference_data):
    r = client.post(
        f"{API}/plan/calculate",
        {"plan_year": 2099, "method": "quota", "quantity": "1", "quota": "1"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["message"].startswith("计划年度：2099年不在可办理的范围内")
    r = client.post(
        f"{API}/plan/calculate",
        {"plan_year": "abc", "method": "quota"},
        content_type="application/json",
    )
    assert r.json()["message"] == "计划年度：格式不正确（应为整数）。"
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "fire", "event_on": "2099-01-01", "inputs": {"volume": "1", "source": "fire_meter"}},
        content_type="application/json",
    )
    assert r.json()["code"] == "date_in_future" and r.json()["message"].startswith(
        "事发日期：2099年1月1日晚于今天"
    )
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "fire", "event_on": "2022-07-10", "inputs": {"volume": "1", "source": "fire_meter"}},
        content_type="application/json",
    )
    assert r.json()["code"] == "date_too_early"
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "flood", "event_on": "2024-07-10", "inputs": {}},
        content_type="application/json",
    )
    assert r.json()["message"].startswith("突发用水类型：应为以下之一：fire")
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "fire", "event_on": "2024-07-10", "inputs": {"source": "fire_meter"}},
        content_type="application/json",
    )
    assert r.json()["message"] == "计算依据·消防用水量：必须填写。"


def test_the_five_year_validity_is_stated_after_2027_07_10(client, clock_at, login_client, demo_users, tiers):
    expired = "鄂州政办发〔2022〕15号的有效期已于2027年7月10日届满（鄂州政办发〔2022〕15号 第十九条）"
    r = client.post(
        f"{API}/plan/calculate",
        {"plan_year": 2026, "method": "quota", "quantity": "1", "quota": "1"},
        content_type="application/json",
    )
    assert r.json()["expiry_warning"] == ""
    clock_at(dt.date(2028, 1, 10))
    r = client.post(
        f"{API}/plan/calculate",
        {"plan_year": 2028, "method": "quota", "quantity": "1", "quota": "1"},
        content_type="application/json",
    )
    assert r.json()["expiry_warning"].startswith(expired)
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "fire", "event_on": "2027-07-11", "inputs": {"volume": "1", "source": "fire_meter"}},
        content_type="application/json",
    )
    assert r.json()["expiry_warning"].startswith(expired)
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "fire", "event_on": "2027-07-10", "inputs": {"volume": "1", "source": "fire_meter"}},
        content_type="application/json",
    )
    assert r.json()["expiry_warning"] == ""  # the last day of validity is inside it
    # a plan issued and a notice issued after the end date: the pages and the API say so
    from .conftest import ENTERPRISE_USCC

    clerk = demo_users["shuiwu_clerk"]
    unit = make_unit("鄂州示范制造有限公司", ENTERPRISE_USCC, started=None)
    acct = unit.accounts.create(number="EZ-9")
    plan = services.issue_clerk_set_plan(
        unit, 2027, 100000, "design", "按设计用水量", actor=clerk, issued_on=dt.date(2027, 8, 2)
    )
    monthly(acct, 2027, 100)
    services.settle_year(2027, actor=clerk, issued_on=dt.date(2028, 1, 10))
    notice = SurchargeNotice.objects.get()
    c = login_client("enterprise")
    assert expired in c.get("/water-plan/my/").content.decode()
    assert expired in c.get(f"/water-plan/notices/{notice.pk}/").content.decode()
    assert c.get(f"{API}/plans/{plan.pk}").json()["expiry_warning"].startswith(expired)
    assert c.get(f"{API}/notices").json()[0]["expiry_warning"].startswith(expired)
    assert YearlyPlan.objects.count() == 1
