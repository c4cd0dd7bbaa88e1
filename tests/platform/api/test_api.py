"""The JSON API: health, errors as JSON, the committed OpenAPI schema, docs without a CDN."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_health(client: Any) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_is_valid_openapi_3(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises on an invalid document


def test_committed_schema_matches_the_code() -> None:
    """docs/api/openapi.json is the contract; regenerate it with `ezhou manage export_openapi`."""
    from ezhou_platform.common.management.commands.export_openapi import SCHEMA_PATH, current_schema, render

    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert render(current_schema()) == committed, (
        "API 已变更：请运行 `ezhou manage export_openapi` 并提交 docs/api/openapi.json"
    )


def test_docs_page_uses_no_cdn(client: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    # every script and stylesheet comes from this server
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")), url


def test_not_found_is_json_with_chinese_message(client: Any) -> None:
    response = client.get("/api/v1/policies/no-such-document")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert "不存在" in body["message"]


def test_invalid_citation_names_the_field(client: Any) -> None:
    response = client.get("/api/v1/policies/resolve", {"cite": "not a citation"})
    assert response.status_code == 400
    body = response.json()
    assert body == {"code": "invalid_citation", "message": body["message"], "field": "cite"}
    assert "无法识别的引用" in body["message"]


def test_missing_parameter_is_a_422_naming_the_field(client: Any) -> None:
    response = client.get("/api/v1/policies/resolve")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["field"] == "cite"


def test_resolve_a_citation(client: Any) -> None:
    from django.core.management import call_command

    call_command("load_gazette", verbosity=0)
    response = client.get("/api/v1/policies/resolve", {"cite": "鄂州政办发〔2022〕34号 第十一条"})
    assert response.status_code == 200
    unit = response.json()
    assert unit["anchor"] == "art11"
    assert unit["label"] == "第十一条"
    assert unit["citation"] == "鄂州政办发〔2022〕34号 第十一条"


def test_me_needs_login(client: Any, login_client: Any) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").json()["code"] == "not_authenticated"
    me = login_client("yibao_clerk").get("/api/v1/me").json()
    assert me["role"] == "clerk"
    assert me["department"] == "医疗保障局"


def test_errors_are_utf8_json(client: Any) -> None:
    response = client.get("/api/v1/policies/resolve", {"cite": "x"})
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content.decode("utf-8"))
