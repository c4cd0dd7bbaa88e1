"""Every input field of every endpoint has a Chinese label, so a validation error names it in words a clerk
reads (issue 8 §3–4: "the schema lists every calculator field"; api_labels uses the same labels)."""

from __future__ import annotations

from typing import Any

import pytest

from ezhou_platform.common.api_labels import _resolve, chinese_label

pytestmark = pytest.mark.django_db


def _unlabelled(schema: dict[str, Any]) -> list[str]:
    missing: list[str] = []

    def walk(node: dict[str, Any], where: str, depth: int = 0) -> None:
        node = _resolve(schema, node)
        for name, prop in (node.get("properties") or {}).items():
            resolved = _resolve(schema, prop)
            if not (chinese_label(prop) or chinese_label(resolved)):
                missing.append(f"{where}.{name}")
            if depth < 5:
                if resolved.get("properties"):
                    walk(resolved, f"{where}.{name}", depth + 1)
                if resolved.get("items"):
                    walk(resolved["items"], f"{where}.{name}[]", depth + 1)

    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                node = {**_resolve(schema, p.get("schema", {})), "description": p.get("description", "")}
                if not (chinese_label(node) or chinese_label(p)):
                    missing.append(f"{method.upper()} {path} ?{p['name']}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                walk(media.get("schema", {}), f"{method.upper()} {path}")
    return missing


def test_every_input_field_has_a_chinese_label() -> None:
    from ezhou_platform.api import api

    assert _unlabelled(api.get_openapi_schema(path_prefix="/api/v1")) == []


def test_the_check_finds_an_unlabelled_field() -> None:
    # The check itself can fail: a body field without a Chinese title or description is reported.
    schema = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}
                    },
                    "parameters": [{"name": "q", "in": "query", "schema": {"title": "Q"}}],
                }
            }
        },
        "components": {
            "schemas": {"In": {"properties": {"area_m2": {"title": "Area M2"}, "ok": {"title": "面积"}}}}
        },
    }
    assert _unlabelled(schema) == ["POST /x ?q", "POST /x.area_m2"]
