"""The JSON API under /api/v1/unconventional-water (issue 12): the four checks, the registers, Chinese titles on
every field, and bad input answered 4xx with a code and a Chinese message naming the field, nothing written."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ezhou_platform.unconventional_water.api import schemas
from ezhou_platform.unconventional_water.models import LabReport, Project
from ezhou_rules.unconventional_water.screening import ART16_CLASSES, PROJECT_KINDS, WORKS
from ezhou_rules.unconventional_water.sources import SOURCE_KINDS
from ezhou_rules.unconventional_water.uses import USES

from .conftest import PASSING_ROWS

pytestmark = pytest.mark.django_db
API = "/api/v1/unconventional-water"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_enumerations_match_the_rules() -> None:
    assert {e.value for e in schemas.ProjectKind} == set(PROJECT_KINDS)
    assert {e.value for e in schemas.Works} == set(WORKS)
    assert {e.value for e in schemas.Art16Class} == set(ART16_CLASSES)
    assert {e.value for e in schemas.SourceKind} == set(SOURCE_KINDS)
    assert {e.value for e in schemas.UseCode} == set(USES)


def test_every_field_has_a_chinese_title() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    missing: list[str] = []

    def walk(node: dict[str, Any], where: str, seen: frozenset[str]) -> None:
        ref = node.get("$ref")
        if ref in seen:
            return
        node = resolve(node)
        seen = seen | {ref} if ref else seen
        for key in ("oneOf", "anyOf", "allOf"):
            for option in node.get(key, []):
                walk(option, where, seen)
        if "items" in node:
            walk(node["items"], where + "[]", seen)
        for name, prop in node.get("properties", {}).items():
            if not CJK.search(f"{prop.get('title', '')} {prop.get('description', '')}"):
                missing.append(f"{where}.{name}")
            walk(prop, f"{where}.{name}", seen)

    paths = [p for p in schema["paths"] if p.startswith(f"{API}/")]
    assert len(paths) >= 10
    for path in paths:
        for method, op in schema["paths"][path].items():
            where = f"{method.upper()} {path}"
            for p in op.get("parameters", []):
                if not CJK.search(f"{p.get('description', '')} {p.get('schema', {}).get('title', '')}"):
                    missing.append(f"{where} ?{p['name']}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], where, frozenset())
            for response in op.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    walk(media["schema"], f"{where} →", frozenset())
    assert missing == []


def test_screening_at_the_boundary_and_refusals(client: Any, reference_data: None) -> None:
    # 18,000.00 + 12,000.00 = 30,000.00 ≥ 30,000 ("以上" includes the figure)
    r = _post(
        client,
        "/screening",
        {"project_kind": "building", "works": "new", "footprint_m2": "18000", "hardened_m2": "12000"},
    )
    assert r.status_code == 200 and r.json()["required"] is True and r.json()["area_m2"] == "30,000.00"
    # a park of 19,999.99 m² is below 20,000
    r = _post(client, "/screening", {"project_kind": "park", "works": "new", "land_m2": "19999.99"})
    assert r.json()["required"] is False and "第八条" in r.json()["reason"]
    # negative area: 422, code and a Chinese message naming the field
    r = _post(client, "/screening", {"project_kind": "park", "works": "new", "land_m2": "-5"})
    assert r.status_code == 422 and r.json()["code"] == "negative" and "总用地面积" in r.json()["message"]
    r = _post(client, "/screening", {"project_kind": "castle", "works": "new"})
    assert r.status_code == 422 and "项目类型" in r.json()["message"]


def test_source_check(client: Any, reference_data: None) -> None:
    r = _post(client, "/source-check", {"facility_type": "reclaimed", "source_kind": "medical_wastewater"})
    assert r.json()["status"] == "refused" and "第十三条第二款" in r.json()["citation"]
    r = _post(
        client,
        "/source-check",
        {"facility_type": "reclaimed", "source_kind": "industrial_drainage", "meets_standard": True},
    )
    assert r.status_code == 422 and "排水行业" in r.json()["message"]


def test_quality_check(client: Any, reference_data: None) -> None:
    body = {
        "facility_type": "reclaimed",
        "uses": ["toilet_flushing", "road_cleaning"],
        "sampled_on": "2026-05-20",
        "sample_point_kind": "plant_outlet",
        "measurements": [{"indicator": "浊度", "value": "6", "unit": "NTU"}],
    }
    r = _post(client, "/quality-check", body)
    out = r.json()
    # 6 NTU > 5 (厕所冲洗) → 不合格, the governing limit named with its use
    assert r.status_code == 200 and out["verdict"] == "fail"
    assert out["results"][0]["limit"] == "≤5 NTU" and "厕所冲洗" in out["results"][0]["origin"]
    # a use whose standard nobody entered: refused naming it
    r = _post(client, "/quality-check", {**body, "uses": ["agricultural_irrigation"]})
    assert r.status_code == 422 and r.json()["code"] == "standard_not_entered"
    assert "《GB 20922-2007》" in r.json()["message"] and "《GB 5084-2021》" in r.json()["message"]
    # an unknown unit: refused, never guessed
    r = _post(
        client,
        "/quality-check",
        {**body, "measurements": [{"indicator": "铁", "value": "0.3", "unit": "ppm"}]},
    )
    assert r.status_code == 422 and "ppm" in r.json()["message"]
    r = _post(client, "/quality-check", {**body, "uses": []})
    assert r.status_code == 422 and "供水用途" in r.json()["message"]


def test_stop_notice_check_to_the_minute(client: Any, reference_data: None) -> None:
    body = {
        "stop_starts_at": "2026-06-16T08:00+08:00",
        "users_notified_at": "2026-06-15T08:00:59+08:00",
        "reported_at": "2026-06-15T08:01+08:00",
    }
    out = _post(client, "/stop-notice-check", body).json()
    # notice 08:00:59 read 08:00 → exactly 24h, on time; report 08:01 → 23h59m, late
    assert (
        out["notice_on_time"] is True
        and out["report_status"] == "late"
        and out["notice_lead_minutes"] == 1440
    )
    r = _post(client, "/stop-notice-check", {**body, "users_notified_at": "2026-06-16T09:00+08:00"})
    assert r.status_code == 422 and "通知时间晚于停止时间" in r.json()["message"]
    r = _post(client, "/stop-notice-check", {"stop_starts_at": "2026-06-16T08:00"})
    assert r.status_code == 422 and "缺少时区" in r.json()["message"]


def test_developer_files_and_operator_reports(login_client: Any, facility: Any, client: Any) -> None:
    c = login_client("developer")
    r = _post(
        c,
        "/projects",
        {
            "name": "API项目",
            "jurisdiction": "huarong",
            "location": "某路1号",
            "project_kind": "building",
            "works": "new",
            "footprint_m2": "31000",
            "facility_type": "rainwater",
        },
    )
    assert r.status_code == 201 and r.json()["facility_required"] is True and r.json()["receipt_number"]
    assert Project.objects.get().developer_uscc == "91420700MA4D3K001U"
    r = _post(
        c,
        "/projects",
        {
            "name": "负数",
            "jurisdiction": "huarong",
            "location": "某路",
            "project_kind": "park",
            "works": "new",
            "land_m2": "-1",
            "facility_type": "rainwater",
        },
    )
    assert r.status_code == 422 and Project.objects.count() == 1
    # the developer is not the facility's operator
    assert _post(c, f"/facilities/{facility.pk}/reports", {}).status_code in (403, 422)
    op = login_client("water_operator")
    body = {
        "report_no": "API-1",
        "sampled_on": "2026-05-20",
        "lab": "某检测公司",
        "lab_qualification": "CMA 1",
        "sample_point": "出水口",
        "sample_point_kind": "plant_outlet",
        "measurements": [{"indicator": i, "value": v, "unit": u} for i, v, u in PASSING_ROWS],
    }
    r = _post(op, f"/facilities/{facility.pk}/reports", body)
    assert r.status_code == 201 and r.json()["verdict"] == "pass"
    bad = {**body, "report_no": "API-2", "measurements": [{"indicator": "铁", "value": "1", "unit": "ppm"}]}
    r = _post(op, f"/facilities/{facility.pk}/reports", bad)
    assert r.status_code == 422 and LabReport.objects.count() == 1
    r = _post(
        op,
        f"/facilities/{facility.pk}/stop-notices",
        {
            "reason": "检修",
            "stop_starts_at": "2026-06-17T08:00+08:00",
            "users_notified_at": "2026-06-15T08:00+08:00",
        },
    )
    assert r.status_code == 201 and r.json()["report_status"] == "on_time"
    # the public list needs no login and shows no USCC
    public = client.get(f"{API}/facilities").json()
    assert public[0]["name"] == facility.name and "operator_uscc" not in public[0]
    needed = {s["standard"]: s["entered"] for s in client.get(f"{API}/standards/needed").json()}
    assert needed["GB/T 18920-2020"] is True and needed["GB/T 25499-2010"] is False
