"""Rendering gazette text: escape, Markdown bold → <strong>, lines → paragraphs, search highlighting."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BOLD = re.compile(r"\*\*(.+?)\*\*")
SNIPPET = 80


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


@register.filter
def gazette_paragraphs(text: str, first_id: str = "") -> SafeString:
    """Each line of a unit's text as a <p>; the first carries ``first_id`` if given."""
    out = []
    for i, line in enumerate(t for t in (text or "").split("\n") if t.strip()):
        attr = f' id="{escape(first_id)}"' if i == 0 and first_id else ""
        out.append(f"<p{attr}>{_inline(line)}</p>")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above  # nosec B308, B703


@register.filter
def gazette_cell(text: str) -> SafeString:
    return mark_safe("<br>".join(_inline(line) for line in (text or "").split("\n")))  # noqa: S308  # nosec B308, B703


@register.simple_tag
def highlight(text: str, q: str) -> SafeString:
    """A snippet of ``text`` around the first match of any term of ``q``, every match in <mark>."""
    text = (text or "").replace("\n", " ")
    terms = [t for t in (q or "").split() if t]
    if not terms:
        return mark_safe(escape(text[: 2 * SNIPPET]))  # noqa: S308  # nosec B308, B703
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    m = pattern.search(text)
    start = max(0, m.start() - SNIPPET) if m else 0
    end = min(len(text), (m.end() if m else 0) + SNIPPET)
    snippet = text[start:end]
    parts: list[str] = []
    last = 0
    for hit in pattern.finditer(snippet):
        parts.append(escape(snippet[last : hit.start()]))
        parts.append(f"<mark>{escape(hit.group(0))}</mark>")
        last = hit.end()
    parts.append(escape(snippet[last:]))
    return mark_safe(("…" if start else "") + "".join(parts) + ("…" if end < len(text) else ""))  # noqa: S308  # nosec B308, B703


@register.filter
def header_rows(rows: list, n: int) -> list:
    return rows[:n]


@register.filter
def body_rows(table) -> list:
    """(anchor, cells) for the rows after the header."""
    n = table.header_rows
    return list(zip(table.row_anchors[n:], table.rows[n:], strict=False))
