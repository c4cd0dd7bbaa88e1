"""Charts: the spec helpers, the `{% chart %}` tag (data as application/json, never code), the vendored
library served from this server with its licence, and a CSP that stays as it was."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from ezhou_platform.common.charts import Series, bar_chart, line_chart, pie_chart
from ezhou_platform.common.middleware import CONTENT_SECURITY_POLICY

VENDOR = Path(__file__).resolve().parents[3] / "src" / "ezhou_platform" / "static" / "vendor" / "echarts"


def test_bar_chart_spec_checks_its_series() -> None:
    spec = bar_chart(
        title="2026年各月用水量与计划",
        categories=["1月", "2月"],
        series=[Series("实际用水", [Decimal("120.50"), 130]), Series("计划", [125, None], type="line")],
        unit="立方米",
    )
    assert spec["kind"] == "category" and spec["categories"] == ["1月", "2月"]
    assert spec["series"][0]["data"] == [120.5, 130] and spec["series"][1]["data"] == [125, None]
    assert json.loads(json.dumps(spec)) == spec  # plain JSON: data, not code
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        bar_chart(title="x", categories=["a", "b", "c"], series=[Series("s", [1, 2])])
    with pytest.raises(ValueError, match="must be numbers"):
        bar_chart(title="x", categories=["a"], series=[Series("s", ["1"])])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="type must be one of"):
        bar_chart(title="x", categories=["a"], series=[Series("s", [1], type="radar")])
    with pytest.raises(ValueError, match="at least one series"):
        bar_chart(title="x", categories=["a"], series=[])
    assert {
        s["type"] for s in line_chart(title="x", categories=["a"], series=[Series("s", [1])])["series"]
    } == {"line"}
    pie = pie_chart(title="筹集方式", items=[("新建", 3000), ("改建", Decimal("2000"))], unit="套")
    assert pie["items"] == [{"name": "新建", "value": 3000}, {"name": "改建", "value": 2000}]


def _render(text: str, **context: Any) -> str:
    request = RequestFactory().get("/")
    return Template("{% load charts %}" + text).render(Context({"request": request, **context}))


def test_the_tag_writes_a_container_json_data_and_a_table() -> None:
    spec = bar_chart(
        title="各区辖区数量</script><script>alert(1)</script>",
        categories=["鄂城区", "华容区"],
        series=[Series("乡镇（街道）", [10, 5], stack="n"), Series("村（社区）", [100, 50], stack="n")],
        unit="个",
    )
    html = _render("{% chart a %}{% chart b %}", a=spec, b=spec)
    assert html.count('class="chart-canvas"') == 2
    assert 'id="chart-1"' in html and 'id="chart-2"' in html
    assert html.count("vendor/echarts/echarts.min.js") == 1 and html.count("ezhou/charts.js") == 1
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert "<script>alert(1)" not in html  # the title is escaped in the caption and in the JSON
    data = re.search(r'<script id="chart-1-data" type="application/json">(.*?)</script>', html, re.S)
    assert data is not None and json.loads(data.group(1))["series"][1]["data"] == [100, 50]
    assert "<caption>单位：个</caption>" in html and '<td class="num">100</td>' in html
    assert _render("{% chart none %}", none=None) == ""


def test_the_vendored_library_and_its_licence() -> None:
    js = (VENDOR / "echarts.min.js").read_text(encoding="utf-8")
    assert "Licensed to the Apache Software Foundation" in js[:2000]
    assert "Apache License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (VENDOR / "NOTICE").read_text(encoding="utf-8")
    assert re.search(r"version\s*=\s*\"5\.\d+\.\d+\"|\"5\.\d+\.\d+\"", js)


@pytest.mark.django_db
def test_the_page_serves_the_library_locally_and_the_csp_is_unchanged(client: Any) -> None:
    response = client.get("/static/vendor/echarts/echarts.min.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 500_000
    assert client.get("/static/ezhou/charts.js").status_code == 200
    csp = client.get("/")["Content-Security-Policy"]
    # The policy as it was before charts: nothing was loosened for them (no CDN, no eval, no inline script).
    assert (
        csp
        == CONTENT_SECURITY_POLICY
        == (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'"
        )
    )
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp and "http" not in csp
