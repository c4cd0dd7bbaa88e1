"""The tree-map kind of the chart library: nested tiles coloured by status (the map-like view of the rural
delivery coverage, district → township → village), as data with its table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from ezhou_platform.common.charts import TreeNode, treemap_chart

STATUSES = [("covered", "已覆盖", "#2e7d32"), ("uncovered", "未覆盖", "#c62828")]


def test_a_treemap_spec_is_nested_data_with_its_statuses() -> None:
    spec = treemap_chart(
        title="村级网点覆盖",
        nodes=[
            TreeNode(
                "鄂城区",
                3,
                children=[
                    TreeNode(
                        "甲镇", 2, children=[TreeNode("一村", 1, "covered"), TreeNode("二村", 1, "uncovered")]
                    ),
                    TreeNode("乙街道", 1, children=[TreeNode("三社区", 1, "covered")]),
                ],
            )
        ],
        statuses=STATUSES,
        unit="个村",
    )
    assert spec["kind"] == "treemap" and json.loads(json.dumps(spec)) == spec
    district = spec["nodes"][0]
    assert district["value"] == 3 and "status" not in district
    assert district["children"][0]["children"][1] == {"name": "二村", "value": 1, "status": "uncovered"}
    assert spec["statuses"][0] == {"key": "covered", "label": "已覆盖", "color": "#2e7d32"}


def test_a_status_or_colour_that_is_not_data_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of the chart's statuses"):
        treemap_chart(title="x", nodes=[TreeNode("a", 1, "lost")], statuses=STATUSES)
    with pytest.raises(ValueError, match="#rrggbb"):
        treemap_chart(title="x", nodes=[TreeNode("a", 1)], statuses=[("a", "甲", "red;}</style>")])
    with pytest.raises(ValueError, match="must be numbers"):
        treemap_chart(title="x", nodes=[TreeNode("a", "1")])  # type: ignore[arg-type]


def test_the_tag_writes_every_tile_in_its_table() -> None:
    spec = treemap_chart(
        title="覆盖<script>",
        nodes=[TreeNode("华容区", 1, children=[TreeNode("<b>镇</b>", 1, "uncovered")])],
        statuses=STATUSES,
    )
    html = Template("{% load charts %}{% chart spec %}").render(
        Context({"request": RequestFactory().get("/"), "spec": spec})
    )
    assert "<td>华容区 / &lt;b&gt;镇&lt;/b&gt;</td>" in html and "未覆盖" in html
    assert "<script>" not in html.split('type="application/json"')[0]
    data: Any = json.loads(html.split('type="application/json">')[1].split("</script>")[0])
    assert data["nodes"][0]["children"][0]["status"] == "uncovered"
