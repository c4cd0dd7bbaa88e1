"""Chart specifications: data for the one chart library the platform serves (Apache ECharts, vendored).

A view builds a spec with these helpers and a template draws it with `{% load charts %}{% chart spec %}`:
the tag writes a container, the spec as `<script type="application/json">` (data, which the CSP allows; no
code) and a data table for screen readers and print; static/ezhou/charts.js draws every chart on the page
and redraws it when the page is resized (readable at 390 px wide).

    spec = bar_chart(title="2026年各月用水量与计划", categories=["1月", …],
                     series=[Series("实际用水", used), Series("计划", plan, type="line")], unit="立方米")
    spec = treemap_chart(title="村级网点覆盖", nodes=[TreeNode("鄂城区", 120, children=[…])],
                         statuses=[("covered", "已覆盖", "#2e7d32"), ("uncovered", "未覆盖", "#c62828")])

Values are for display only: pass yuan (not fen) or cubic metres as int/Decimal/float; None leaves a gap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Number = int | float | Decimal | None
SPEC_VERSION = 1
SERIES_TYPES = ("bar", "line")


@dataclass(frozen=True)
class Series:
    name: str
    data: Sequence[Number]
    type: str = "bar"
    stack: str | None = None
    axis: int = 0  # 0: the left value axis (unit), 1: the right one (unit2)


def _number(value: Any, where: str) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{where}: chart values must be numbers or None, got {value!r}")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    unit2: str = "",
    horizontal: bool = False,
    description: str = "",
    height: int = 320,
) -> dict[str, Any]:
    """Bars and lines over categories (months, districts, bodies); stacked where series share `stack`."""
    if not series:
        raise ValueError("a chart needs at least one series")
    cats = [str(c) for c in categories]
    out_series = []
    for s in series:
        if s.type not in SERIES_TYPES:
            raise ValueError(f"series {s.name!r}: type must be one of {SERIES_TYPES}")
        if len(s.data) != len(cats):
            raise ValueError(f"series {s.name!r} has {len(s.data)} values for {len(cats)} categories")
        if s.axis not in (0, 1):
            raise ValueError(f"series {s.name!r}: axis is 0 or 1")
        out_series.append(
            {
                "name": s.name,
                "type": s.type,
                "stack": s.stack,
                "axis": s.axis,
                "data": [_number(v, f"{s.name}[{i}]") for i, v in enumerate(s.data)],
            }
        )
    return {
        "version": SPEC_VERSION,
        "kind": "category",
        "title": title,
        "description": description,
        "categories": cats,
        "series": out_series,
        "unit": unit,
        "unit2": unit2,
        "horizontal": horizontal,
        "height": int(height),
    }


def line_chart(**kwargs: Any) -> dict[str, Any]:
    """The same as bar_chart with every series drawn as a line."""
    kwargs["series"] = [Series(s.name, s.data, "line", s.stack, s.axis) for s in kwargs["series"]]
    return bar_chart(**kwargs)


@dataclass(frozen=True)
class TreeNode:
    """A tile of a tree-map: its size (``value``), a status naming its colour, and the tiles inside it."""

    name: str
    value: Number
    status: str = ""
    children: Sequence[TreeNode] = ()


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def treemap_chart(
    *,
    title: str,
    nodes: Sequence[TreeNode],
    statuses: Sequence[tuple[str, str, str]] = (),
    unit: str = "",
    description: str = "",
    height: int = 420,
) -> dict[str, Any]:
    """Nested tiles (district → township → village), each coloured by its status: ``statuses`` is
    (key, label, colour "#rrggbb") for the legend and the data table; a tile without a status takes its
    parent's colour. Without geodata this is the map-like view: the size shows how much, the colour how far."""
    known = {}
    for key, label, colour in statuses:
        if not _COLOUR.match(colour):
            raise ValueError(f"status {key!r}: colour must be #rrggbb, got {colour!r}")
        known[key] = {"key": key, "label": label, "color": colour}

    def node(n: TreeNode, where: str) -> dict[str, Any]:
        if n.status and n.status not in known:
            raise ValueError(f"{where}: status {n.status!r} is not one of the chart's statuses")
        out: dict[str, Any] = {"name": str(n.name), "value": _number(n.value, where)}
        if n.status:
            out["status"] = n.status
        if n.children:
            out["children"] = [node(c, f"{where}/{c.name}") for c in n.children]
        return out

    return {
        "version": SPEC_VERSION,
        "kind": "treemap",
        "title": title,
        "description": description,
        "nodes": [node(n, str(n.name)) for n in nodes],
        "statuses": list(known.values()),
        "unit": unit,
        "height": int(height),
    }


def pie_chart(
    *,
    title: str,
    items: Sequence[tuple[str, Number]],
    unit: str = "",
    description: str = "",
    height: int = 320,
) -> dict[str, Any]:
    """Shares of a whole (e.g. the 5,000-unit sourcing plan by body)."""
    return {
        "version": SPEC_VERSION,
        "kind": "pie",
        "title": title,
        "description": description,
        "items": [{"name": str(n), "value": _number(v, str(n))} for n, v in items],
        "unit": unit,
        "height": int(height),
    }
