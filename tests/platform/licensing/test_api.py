"""The licensing API: the four endpoints the issue names and the case endpoints; every field with a Chinese
title; bad input refused with a 4xx JSON error naming the field in Chinese, nothing written."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from ezhou_platform.licensing.models import Application

from .conftest import ENTERPRISE_USCC

pytestmark = pytest.mark.django_db
PREFIX = "/api/v1/licensing"


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(PREFIX + path, body, content_type="application/json")


def test_every_field_has_a_chinese_title() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    missing = []

    def chinese(text: str | None) -> bool:
        return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)

    def walk(name: str, seen: set[str]) -> None:
        if name in seen:
            return
        seen.add(name)
        for prop, spec in components[name].get("properties", {}).items():
            if not (chinese(spec.get("title")) or chinese(spec.get("description"))):
                missing.append(f"{name}.{prop}")
            for ref in _refs(spec):
                walk(ref, seen)

    seen: set[str] = set()
    for path, ops in schema["paths"].items():
        if not path.startswith(PREFIX):
            continue
        for op in ops.values():
            for p in op.get("parameters", []):
                if not (chinese(p.get("schema", {}).get("title")) or chinese(p.get("description"))):
                    missing.append(f"{path} {p['name']}")
            for ref in _refs(op.get("requestBody", {})) | {
                r for resp in op.get("responses", {}).values() for r in _refs(resp)
            }:
                walk(ref, seen)
    assert len(seen) > 15
    assert not missing, missing


def _refs(node: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.add(v.rsplit("/", 1)[-1])
            else:
                out |= _refs(v)
    elif isinstance(node, list):
        for v in node:
            out |= _refs(v)
    return out


def test_items_with_facets(client: Any, configured: dict[str, Any]) -> None:
    body = client.get(PREFIX + "/items", {"on": "2026-06-15"}).json()
    assert len(body["items"]) == 26 and body["report"] == []
    item8 = next(i for i in body["items"] if i["code"] == "b1-08")
    assert item8["facets"][0]["wording"] == "（仅限巡游出租车）"
    assert item8["inconsistencies"][0]["decision"]["decision"] == "scope_governs"
    food = next(i for i in body["items"] if i["code"] == "b1-20")
    assert food["scheme_published"] and food["department"] == {
        "label": "市场监督管理部门",
        "type": "market_regulation",
    }
    response = client.get(PREFIX + "/items", {"on": "2022-01-01"})
    assert response.status_code == 422 and "日期" in response.json()["message"]


def test_coverage(client: Any, configured: dict[str, Any]) -> None:
    ok = _post(
        client, "/coverage", {"item": "b1-23", "facets": {"business_mode": ["零售"]}, "on": "2026-06-15"}
    ).json()
    assert ok["covered"] and ok["general_procedure_available"]
    no = _post(
        client,
        "/coverage",
        {"item": "b1-23", "facets": {"business_mode": ["零售", "批发"]}, "on": "2026-06-15"},
    ).json()
    assert not no["covered"] and "经营方式仅限零售" in no["reason"]
    bad = _post(client, "/coverage", {"item": "b1-99", "facets": {}, "on": "2026-06-15"})
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_item" and bad.json()["field"] == "item"
    contra = _post(
        client, "/coverage", {"item": "b1-02", "facets": {"action": ["延续", "设立"]}, "on": "2026-06-15"}
    )
    assert contra.json()["code"] == "facets_contradict" and contra.json()["message"].startswith("申请类型：")
    malformed = _post(client, "/coverage", {"item": "twenty", "facets": {}, "on": "2026-06-15"})
    assert malformed.status_code == 422 and malformed.json()["message"].startswith("事项：")


def test_eligibility(client: Any, configured: dict[str, Any]) -> None:
    record = {
        "record_id": "R1",
        "subject_uscc": ENTERPRISE_USCC,
        "kind": "commitment_untrue",
        "recorded_on": "2026-03-01",
        "authority": "鄂州市行政审批局",
    }
    barred = _post(client, "/eligibility", {"records": [record], "on": "2026-05-31"}).json()
    assert not barred["eligible"] and barred["barring_records"] == ["R1"]
    repaired = _post(
        client, "/eligibility", {"records": [{**record, "repaired_on": "2026-06-01"}], "on": "2026-06-01"}
    ).json()
    assert repaired["eligible"]
    bad = _post(client, "/eligibility", {"records": [{**record, "subject_uscc": "123"}], "on": "2026-06-01"})
    assert bad.status_code == 422 and "统一社会信用代码：" in bad.json()["message"]


def test_case_state_across_national_day(client: Any, configured: dict[str, Any]) -> None:
    """Decided on the spot Mon 2025-09-29; 平面布局图 due 10-09; on 10-10 it is overdue and an order is due."""
    body = {
        "item": "b1-20",
        "qualification": "already",
        "materials_after_decision": ["layout_plan"],
        "events": [
            {"kind": "notified", "on": "2025-09-29"},
            {"kind": "submitted", "on": "2025-09-29"},
            {"kind": "decided", "on": "2025-09-29"},
        ],
        "on": "2025-10-10",
    }
    state = _post(client, "/case-state", body).json()
    due = {d["code"]: d for d in state["due"]}
    assert due["material:layout_plan"]["due"] == "2025-10-09" and due["material:layout_plan"]["overdue"]
    assert {a["code"] for a in state["actions"]} >= {"order:layout_plan", "credit:layout_plan"}
    assert state["operation"]["permitted"] and state["on_the_spot"]
    # the caller's own periods instead of the configured ones
    periods = [
        {
            "kind": "materials",
            "length": 5,
            "unit": "workdays",
            "counts_from": "decided",
            "valid_from": "2025-01-01",
            "source": "测试",
        }
    ]
    mine = _post(client, "/case-state", {**body, "periods": periods}).json()
    assert {d["code"]: d["due"] for d in mine["due"]}["material:layout_plan"] == "2025-10-13"
    wrong = _post(client, "/case-state", {**body, "events": [{"kind": "decided", "on": "2025-09-29"}]})
    assert wrong.status_code == 422 and wrong.json()["code"] == "event_out_of_order"


def test_case_endpoints(client: Any, login_client: Any, configured: dict[str, Any]) -> None:
    ent = login_client("enterprise")
    filed = _post(
        ent,
        "/cases",
        {"item": "b1-20", "facets": {"food_business_scope": "不限于预包装食品"}, "route": "commitment"},
    )
    assert filed.status_code == 201, filed.json()
    case = filed.json()
    assert (
        case["status"] == "notified"
        and case["notification_sha256"]
        and case["steps"] == ["submit_commitment", "withdraw"]
    )
    # a commitment without its five confirmations: refused, nothing written
    incomplete = _post(
        ent,
        f"/cases/{case['id']}/commitment",
        {"confirmations": [1, 2], "signed_on": "2026-06-15", "qualification": "already"},
    )
    assert incomplete.status_code == 422 and "缺少第3项" in incomplete.json()["message"]
    assert Application.objects.get(pk=case["id"]).status == "notified"
    pdf = base64.b64encode(b"%PDF-1.4").decode()
    signed = _post(
        ent,
        f"/cases/{case['id']}/commitment",
        {
            "confirmations": [1, 2, 3, 4, 5],
            "signed_on": "2026-06-15",
            "qualification": "already",
            "conditions": ["premises_area", "staff_health", "storage"],
            "materials": [
                {"code": "application_form", "file_name": "a.pdf", "content_base64": pdf},
                {"code": "commitment_letter", "file_name": "b.pdf", "content_base64": pdf},
            ],
        },
    )
    assert signed.status_code == 200 and signed.json()["status"] == "submitted"
    # an enterprise takes no clerk step; the clerk of another department cannot see the case
    assert _post(ent, f"/cases/{case['id']}/steps/decide", {}).status_code == 403
    assert _post(login_client("shijian_clerk"), f"/cases/{case['id']}/steps/decide", {}).status_code == 404
    clerk = login_client("shenpi_clerk")
    decided = _post(clerk, f"/cases/{case['id']}/steps/decide", {})
    assert decided.status_code == 200 and decided.json()["licence_number"] == "鄂审批告承许〔2026〕1号"
    again = _post(clerk, f"/cases/{case['id']}/steps/decide", {})
    assert again.status_code == 409 and "当前状态为“已许可”" in again.json()["message"]
    unknown = _post(clerk, f"/cases/{case['id']}/steps/fly", {})
    assert unknown.status_code == 422 and unknown.json()["field"] == "step"
    listing = clerk.get(PREFIX + "/cases").json()
    assert listing["count"] == 1 and listing["cases"][0]["reference"] == case["reference"]
    detail = clerk.get(f"{PREFIX}/cases/{case['id']}").json()
    assert detail["state"]["operation"]["permitted"]
    assert login_client("enterprise2").get(f"{PREFIX}/cases/{case['id']}").status_code == 404
    assert dt.date.fromisoformat(detail["filed_on"]) == dt.date(2026, 6, 15)


def test_filing_not_covered_names_the_field(login_client: Any, configured: dict[str, Any]) -> None:
    ent = login_client("enterprise")
    response = _post(
        ent,
        "/cases",
        {"item": "b1-20", "facets": {"food_business_scope": "仅销售预包装食品"}, "route": "commitment"},
    )
    assert (
        response.status_code == 422
        and response.json()["code"] == "not_covered"
        and response.json()["field"] == "facets"
    )
    assert not Application.objects.exists()
