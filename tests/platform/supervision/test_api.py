"""The supervision API: every field titled in Chinese, the six endpoints of issue 13 with hand-computed
answers, bounds on input, 4xx JSON errors with a code and a Chinese message naming the field."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
PREFIXES = ("/api/v1/supervision/", "/api/v1/vocational-education/", "/api/v1/rural-delivery/")


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json")


def test_every_field_of_every_supervision_endpoint_has_a_chinese_title() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]
    missing: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def walk(node: dict[str, Any], where: str, depth: int = 0) -> None:
        node = resolve(node)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                walk(option, where, depth + 1)
        if "items" in node:
            walk(node["items"], where, depth + 1)
        for name, prop in node.get("properties", {}).items():
            if not CJK.search(f"{prop.get('title', '')}{prop.get('description', '')}"):
                missing.add(f"{where}.{name}")
            if depth < 8:
                walk(prop, f"{where}.{name}", depth + 1)

    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith(PREFIXES)}
    assert set(paths) == {
        "/api/v1/supervision/{document}/tasks",
        "/api/v1/supervision/task-state",
        "/api/v1/vocational-education/funding-floor",
        "/api/v1/vocational-education/progression",
        "/api/v1/rural-delivery/coverage",
        "/api/v1/rural-delivery/phase",
    }
    for path, ops in paths.items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if not CJK.search(
                    f"{param.get('schema', {}).get('title', '')}{param.get('description', '')}"
                ):
                    missing.add(f"{method} {path} parameter {param['name']}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], f"{method} {path} in")
            for response in op.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    walk(media["schema"], f"{method} {path} out")
    assert not missing, sorted(missing)


def test_the_plans_tasks_for_staff(ve: Any, client: Any, login_client: Any) -> None:
    assert client.get("/api/v1/supervision/vocational_education/tasks").status_code == 401
    assert login_client("citizen").get("/api/v1/supervision/vocational_education/tasks").status_code == 403
    body = login_client("auditor").get("/api/v1/supervision/vocational_education/tasks").json()
    assert len(body["tasks"]) == 25 and len(body["items"]) == 32 and body["roll_rest_days"] is False
    t9 = body["tasks"][8]
    names = {u["key"]: u["name"] for u in body["unit_names"]}
    assert {names[k] for k in t9["lead"]} == {"鄂州市发展和改革委员会", "鄂州市教育局"}
    assert (
        t9["deadline"]["due"] == "2022-12-31"
        and t9["main_text"]["citation"] == "鄂州政发〔2022〕15号 三（二）8"
    )
    assert body["membership"]["printed"] and body["consistency"]["differences"]
    # by 文号 too; an unknown or unloaded plan is a 404 naming the field
    assert login_client("auditor").get("/api/v1/supervision/鄂州政发〔2022〕15号/tasks").status_code == 200
    r = login_client("auditor").get("/api/v1/supervision/rural_delivery/tasks")
    assert r.status_code == 404 and r.json()["code"] == "plan_not_loaded" and r.json()["field"] == "文件"


def test_task_state_from_the_reports_in_the_request(ve: Any, client: Any) -> None:
    done = {
        "kind": "completion",
        "date": "2023-01-03",
        "document_number": "鄂州教发〔2023〕1号",
        "unit": "市教育局",
    }
    r = post(
        client,
        "/supervision/task-state",
        {"task": "vocational_education/25", "date": "2023-01-03", "reports": [done]},
    )
    # the printed 2022-12-31 holds: three days late
    assert (
        r.status_code == 200
        and r.json()["label"] == "逾期3天完成"
        and r.json()["citation"] == "鄂州政发〔2022〕15号 附件2 （二十五）"
    )
    r = post(
        client,
        "/supervision/task-state",
        {"task": "vocational_education/25", "date": "2023-01-03", "roll_rest_days": True, "reports": [done]},
    )
    assert r.json()["state"] == "done_on_time" and r.json()["due"] == "2023-01-03"
    # bad input: an unknown task, a completion before the plan was issued, a unit not on the task
    r = post(client, "/supervision/task-state", {"task": "vocational_education/26", "date": "2023-01-03"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "unknown_task", "任务编号")
    early = {**done, "date": "2022-08-08"}
    r = post(
        client,
        "/supervision/task-state",
        {"task": "vocational_education/25", "date": "2023-01-03", "reports": [early]},
    )
    assert (
        r.json()["code"] == "completion_before_issue"
        and "早于方案印发日期2022年8月9日" in r.json()["message"]
    )
    other = {**done, "unit": "市邮政管理局"}
    r = post(
        client,
        "/supervision/task-state",
        {"task": "vocational_education/25", "date": "2023-01-03", "reports": [other]},
    )
    assert r.json()["code"] == "unit_not_on_task" and r.json()["field"] == "报送单位"
    r = post(client, "/supervision/task-state", {"task": "vocational_education/25", "date": "2300-01-01"})
    assert r.status_code == 422 and r.json()["message"].startswith("查询日期：")


def test_funding_floor_and_progression(client: Any) -> None:
    record = {
        "school": "甲",
        "kind": "technical",
        "ownership": "public",
        "year": 2024,
        "students": 800,
        "lines": [
            {"kind": "appropriation", "amount": "4000000"},
            {"kind": "appropriation", "amount_fen": 100000000},
            {"kind": "tuition", "amount": "1200000", "label": "学费收入"},
        ],
    }
    r = post(client, "/vocational-education/funding-floor", {"records": [record]})
    out = r.json()["results"][0]
    # (4,000,000 + 1,000,000) counted; 800 × 8,000 = 6,400,000 required; 1,400,000.00 short
    assert (out["counted_fen"], out["required_fen"], out["shortfall_fen"], out["excluded_fen"]) == (
        500_000_000,
        640_000_000,
        140_000_000,
        120_000_000,
    )
    bad = {**record, "lines": [{"kind": "appropriation", "amount": "100", "includes_tuition": True}]}
    r = post(client, "/vocational-education/funding-floor", {"records": [bad]})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "funding_includes_tuition",
        "经费金额",
    )
    r = post(client, "/vocational-education/funding-floor", {"records": [{**record, "students": -1}]})
    assert r.status_code == 422 and "在校生数" in r.json()["message"]
    r = post(
        client,
        "/vocational-education/funding-floor",
        {"records": [{**record, "lines": [{"kind": "appropriation", "amount": "1.234"}]}]},
    )
    assert r.status_code == 422 and "经费金额（元）" in r.json()["message"]
    rows = [{"school": "甲", "year": 2024, "graduates": 200, "progressed": 140, "to_bachelor": 14}]
    r = post(client, "/vocational-education/progression", {"rows": rows})
    assert (
        r.json()["results"][0]["progression_met"] is True and r.json()["results"][0]["bachelor_met"] is False
    )
    r = post(
        client, "/vocational-education/progression", {"rows": rows, "bachelor_denominator": "progressed"}
    )
    assert r.json()["results"][0]["bachelor_met"] is True
    r = post(client, "/vocational-education/progression", {"rows": [{**rows[0], "progressed": 201}]})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "progressed_exceeds_graduates",
        "升学人数",
    )
    r = post(client, "/vocational-education/progression", {"rows": [{**rows[0], "year": 2021}]})
    assert r.json()["code"] == "year_before_plan"


def test_coverage_and_phase(client: Any, reference_data: None) -> None:
    jurisdictions = [
        {"code": "d1", "name": "甲区", "level": "district"},
        {"code": "d2", "name": "乙区", "level": "district"},
        {"code": "z", "name": "开发区", "level": "district", "development_zone": True},
        {"code": "t1", "name": "甲镇", "level": "township", "parent": "d1"},
        {"code": "v1", "name": "甲村", "level": "village", "parent": "t1"},
    ]
    site = {
        "id": "s1",
        "name": "甲中心",
        "level": "district",
        "jurisdiction": "d1",
        "operators": ["邮政"],
        "history": [{"since": "2023-01-01", "state": "operating"}],
    }
    zone = {**site, "id": "s2", "name": "开发区中心", "jurisdiction": "z"}
    r = post(
        client,
        "/rural-delivery/coverage",
        {
            "date": "2024-01-01",
            "jurisdictions": jurisdictions,
            "sites": [site, zone],
            "series": {"start": "2022-10-01", "end": "2023-02-28"},
        },
    )
    body = r.json()
    d = body["levels"]["district"]
    # 2 centres (the zone's counts), 1 of 2 administrative districts covered: 50.00%, the uncovered listed
    assert (d["count"], d["covered"], d["denominator"], d["coverage"]) == (2, 1, 2, "50.00%")
    assert d["uncovered"] == [{"code": "d2", "name": "乙区", "parent": ""}]
    assert any("21个" in w for w in body["warnings"]) and body["source"] == "辖区：请求；站点：请求"
    assert body["series"]["dates"] == ["2022-10-31", "2022-11-30", "2022-12-31", "2023-01-31", "2023-02-28"]
    outside = {**site, "jurisdiction": "nowhere"}
    r = post(
        client,
        "/rural-delivery/coverage",
        {"date": "2024-01-01", "jurisdictions": jurisdictions, "sites": [outside]},
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "site_outside_jurisdictions",
        "所在辖区",
    )
    # without lists in the request: the platform's register (the three districts, no township loaded)
    body = post(client, "/rural-delivery/coverage", {"date": "2024-01-01"}).json()
    assert (
        body["levels"]["district"]["denominator"] == 3
        and body["source"] == "辖区：平台辖区名录；站点：平台登记的站点"
    )
    # 2022-09-29 (the issue date) belongs to both phases, the first current; the next day the second (T9)
    r = client.get("/api/v1/rural-delivery/phase?date=2022-09-29").json()
    assert [p["number"] for p in r["phases"]] == [1, 2] and r["current"]["number"] == 1
    assert (
        client.get("/api/v1/rural-delivery/phase?date=2022-09-30").json()["current"]["name"] == "推动落实阶段"
    )
    assert client.get("/api/v1/rural-delivery/phase?date=2026-01-01").json()["current"] is None
    r = client.get("/api/v1/rural-delivery/phase?date=2022-02-30")
    assert r.status_code == 422 and r.json()["message"].startswith("日期：")
