"""Validation errors of the JSON API in Chinese, naming the field by its Chinese label.

Pydantic says "homes.0.area_m2: Input should be a valid decimal"; a clerk needs "第1项住房的建筑面积：格式不正确
（应为数字）". The label comes from the endpoint's own OpenAPI schema — the field's ``title`` (``Field(...,
title="建筑面积")``), else the first clause of its Chinese ``description`` — so the words in an error are the
words in the API documentation. A test requires every input field of every endpoint to have one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.http import HttpRequest

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTAINERS = {"body", "query", "path", "form", "file", "cookie", "header"}


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from ezhou_platform.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")  # type: ignore[no-any-return]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in node and seen < 20:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node and "properties" not in node:
            for option in node[key]:
                resolved = _resolve(schema, option)
                if resolved.get("properties") or resolved.get("items"):
                    return resolved
    return node


def chinese_label(node: dict[str, Any]) -> str:
    """The Chinese label of a schema node: its title if Chinese, else the first clause of its description."""
    title = str(node.get("title") or "")
    if _CJK.search(title):
        return title
    description = str(node.get("description") or "")
    if _CJK.search(description):
        return re.split(r"[（(，,。；;：:]", description, maxsplit=1)[0].strip() or description
    return ""


def _operation(request: HttpRequest) -> dict[str, Any] | None:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return None
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    return _schema().get("paths", {}).get(path, {}).get((request.method or "get").lower())


def field_label(request: HttpRequest, loc: list[Any] | tuple[Any, ...]) -> str:
    """'第1项住房 · 建筑面积' for ("body", "payload", "homes", 0, "area_m2"); '' when nothing is known."""
    schema = _schema()
    op = _operation(request)
    if op is None or not loc:
        return ""
    parts = list(loc)
    where = str(parts.pop(0)) if str(parts[0]) in _CONTAINERS else "body"
    node: dict[str, Any] | None = None
    if where == "body":
        content = op.get("requestBody", {}).get("content", {})
        media: dict[str, Any] = (
            content.get("application/json")
            or content.get("multipart/form-data")
            or next(iter(content.values()), {})
        )
        raw = media.get("schema", {})
        node = _resolve(schema, raw)
        while "$ref" in raw:  # a root model: its component holds the union
            raw = schema.get("components", {}).get("schemas", {}).get(raw["$ref"].rsplit("/", 1)[-1], {})
        # ninja names the body parameter (payload); it is not a property of the schema.
        if parts and str(parts[0]) not in node.get("properties", {}):
            parts.pop(0)
        # A discriminated union (oneOf + discriminator): pydantic puts the tag in the location; follow it to
        # the member, or name the discriminator itself when the tag is what is wrong.
        union = raw.get("discriminator") or {}
        if union:
            if parts and str(parts[0]) in union.get("mapping", {}):
                node = _resolve(schema, {"$ref": union["mapping"][str(parts.pop(0))]})
            elif not parts:
                parts = [union.get("propertyName", "")]
    else:
        name = str(parts.pop(0)) if parts else ""
        for p in op.get("parameters", []):
            if p.get("name") == name and p.get("in") == where:
                node = {**_resolve(schema, p.get("schema", {})), "description": p.get("description", "")}
                break
        if node is None:
            return ""
        if not parts:
            return chinese_label(node)
    labels: list[str] = []
    for part in parts:
        if node is None:
            return ""
        if isinstance(part, int) or str(part).isdigit():
            labels.append(f"第{int(part) + 1}项")
            node = _resolve(schema, node.get("items", {}))
            continue
        prop = node.get("properties", {}).get(str(part))
        if prop is None:
            return ""
        label = chinese_label(prop) or chinese_label(_resolve(schema, prop))
        if not label:
            return ""
        labels.append(label)
        node = _resolve(schema, prop)
    # ["住房", "第1项", "建筑面积"] → "住房第1项的建筑面积"; ["计划", "年度"] → "计划·年度".
    text = ""
    for i, x in enumerate(labels):
        last = i == len(labels) - 1
        is_index = x.startswith("第") and x.endswith("项")
        text += x + ("" if last else ("的" if is_index else ("" if labels[i + 1].startswith("第") else "·")))
    return text


_TYPE_WORDS = {
    "int": "整数",
    "float": "数字",
    "decimal": "数字",
    "bool": "是或否（true/false）",
    "date": "日期（YYYY-MM-DD）",
    "datetime": "日期时间（ISO 8601）",
    "time": "时间",
    "string": "文字",
    "list": "列表",
    "dict": "对象",
    "uuid": "UUID",
}


def chinese_reason(error: dict[str, Any]) -> str:
    """Pydantic's error type → a short Chinese rule ("不能小于0", "必须填写")."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必须填写"
    if kind == "json_invalid":
        return "请求内容不是有效的 JSON"
    if kind == "extra_forbidden":
        return "不是可接受的字段"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = next(iter(ctx.values()), "")
        return {
            "greater_than_equal": f"不能小于{limit}",
            "greater_than": f"应大于{limit}",
            "less_than_equal": f"不能大于{limit}",
            "less_than": f"应小于{limit}",
        }[kind]
    if kind == "string_too_long":
        return f"最多{ctx.get('max_length')}个字符"
    if kind == "string_too_short":
        return f"至少{ctx.get('min_length')}个字符" if ctx.get("min_length", 0) > 1 else "不能为空"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind == "too_short":
        return f"至少{ctx.get('min_length')}项"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}".replace("'", "")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return (
            f"应为以下之一：{ctx.get('expected_tags', '')}".replace("'", "")
            if ctx.get("expected_tags")
            else "必须填写"
        )
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind.startswith(("decimal_max_places", "decimal_max_digits")):
        return "小数位数过多"
    if kind in ("date_from_datetime_inexact", "date_from_datetime_parsing", "date_parsing", "date_type"):
        return "格式不正确（应为日期 YYYY-MM-DD）"
    for prefix, word in _TYPE_WORDS.items():
        if kind.startswith(prefix):
            return f"格式不正确（应为{word}）"
    if kind == "value_error":
        # A validator of ours raised ValueError with a Chinese message: keep it.
        message = str(error.get("msg", ""))
        message = message.removeprefix("Value error, ")
        return message if _CJK.search(message) else "不符合要求"
    return "不符合要求"
