"""`{% load charts %}{% chart spec %}`: one chart (see ezhou_platform.common.charts for the spec)."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_COUNTER = "ezhou_chart_counter"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _tree_rows(nodes: list[dict[str, Any]], labels: dict[str, str], path: str = "") -> str:
    rows: list[str] = []
    for n in nodes:
        name = f"{path} / {n['name']}" if path else n["name"]
        rows.append(
            format_html(
                '<tr><td>{}</td><td class="num">{}</td><td>{}</td></tr>',
                name,
                _cell(n["value"]),
                labels.get(n.get("status", ""), ""),
            )
        )
        rows.append(_tree_rows(n.get("children") or [], labels, name))
    return "".join(rows)


def _table(spec: dict[str, Any]) -> SafeString:
    """The chart's numbers as a table (screen readers, print, and readers without JavaScript)."""
    unit = spec.get("unit") or ""
    if spec["kind"] == "treemap":
        head = format_html("<tr><th>项目</th><th>{}</th><th>状态</th></tr>", unit or "数值")
        body = _tree_rows(spec["nodes"], {s["key"]: s["label"] for s in spec["statuses"]})
    elif spec["kind"] == "pie":
        head = format_html("<tr><th>项目</th><th>{}</th></tr>", unit or "数值")
        body = "".join(
            format_html('<tr><td>{}</td><td class="num">{}</td></tr>', i["name"], _cell(i["value"]))
            for i in spec["items"]
        )
    else:
        head = format_html(
            "<tr><th></th>{}</tr>",
            mark_safe("".join(format_html("<th>{}</th>", s["name"]) for s in spec["series"])),  # noqa: S308 - escaped above  # nosec B308, B703
        )
        body = "".join(
            format_html(
                "<tr><th>{}</th>{}</tr>",
                cat,
                mark_safe(  # noqa: S308 - each cell escaped by format_html  # nosec B308, B703
                    "".join(
                        format_html('<td class="num">{}</td>', _cell(s["data"][i])) for s in spec["series"]
                    )
                ),
            )
            for i, cat in enumerate(spec["categories"])
        )
    caption = f"单位：{unit}" if unit else ""
    return format_html(
        '<details class="chart-data"><summary>数据表</summary><div class="table-scroll"><table class="table">'
        "{}<thead>{}</thead><tbody>{}</tbody></table></div></details>",
        format_html("<caption>{}</caption>", caption) if caption else "",
        head,
        mark_safe(body),  # noqa: S308 - rows built with format_html  # nosec B308, B703
    )


@register.simple_tag(takes_context=True)
def chart(context: template.Context, spec: dict[str, Any] | None) -> str:
    if not spec:
        return ""
    # Count charts per page on the request: included templates get a fresh render_context, the request is
    # the one thing the whole page shares.
    request = context.get("request")
    if request is not None:
        n = getattr(request, _COUNTER, 0) + 1
        setattr(request, _COUNTER, n)
    else:
        n = int(context.render_context.get(_COUNTER) or 0) + 1
        context.render_context[_COUNTER] = n
    chart_id = f"chart-{n}"
    scripts = ""
    if n == 1:
        # Once per page; deferred scripts run in order after the page is parsed.
        scripts = format_html(
            '<script src="{}" defer></script><script src="{}" defer></script>',
            static("vendor/echarts/echarts.min.js"),
            static("ezhou/charts.js"),
        )
    return format_html(
        '<figure class="chart" id="{id}"><figcaption>{title}</figcaption>'
        '<div class="chart-canvas" data-chart="{id}-data" role="img" aria-label="{label}"></div>'
        "{data}{table}</figure>{scripts}",
        id=chart_id,
        title=spec.get("title", ""),
        label=spec.get("description") or spec.get("title", ""),
        data=json_script(spec, f"{chart_id}-data"),
        table=_table(spec),
        scripts=scripts,
    )
