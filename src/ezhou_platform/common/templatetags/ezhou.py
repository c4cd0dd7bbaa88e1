"""Template filters for the Chinese UI: amounts in fen shown as 1,234.56元 / ¥1,234.56 / 大写, masked IDs."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from ezhou_platform.common.pii_search import masked_term, search_box
from ezhou_rules.core.dates import cn_date as _cn_date
from ezhou_rules.core.ids import mask_phone, mask_resident_id
from ezhou_rules.core.money import format_capital, format_yuan, format_yuan_symbol

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """123456 → 1,234.56元 (empty for None)."""
    return "" if fen is None or fen == "" else format_yuan(int(fen))


@register.filter
def yuan_symbol(fen: Any) -> str:
    return "" if fen is None or fen == "" else format_yuan_symbol(int(fen))


@register.filter
def yuan_capital(fen: Any) -> str:
    return "" if fen is None or fen == "" else format_capital(int(fen))


@register.filter
def masked_id(value: Any) -> str:
    return mask_resident_id(str(value)) if value else ""


@register.simple_tag
def search_input(term: Any, placeholder: str = "") -> str:
    """The ``q`` box of a list searched with ``pii_search``: after a search by a whole ID the box is empty and
    the masked ID is shown beside it (the page's HTML holds no whole ID, SECURITY.md C05); any other term is
    echoed as typed."""
    term = "" if term is None else str(term)
    box = format_html(
        '<input type="search" name="q" value="{}" placeholder="{}">', search_box(term), placeholder
    )
    if term and not search_box(term):
        return format_html(
            '{} <span class="hint">当前查询：{}（重新输入以更换）</span>', box, masked_term(term)
        )
    return box


@register.filter
def masked_phone(value: Any) -> str:
    return mask_phone(str(value)) if value else ""


@register.filter
def cn_date(value: Any) -> str:
    """A date as 2026年12月1日 (the one date format of every page)."""
    return _cn_date(value) if value else ""


@register.simple_tag
def due(value: Any, reason: str = "") -> str:
    """A deadline: 2027年1月11日, followed by a 暂定 mark explaining why when ``reason`` is given."""
    if not value:
        return ""
    if not reason:
        return _cn_date(value)
    return format_html(
        '{}<span class="provisional" title="{}">（暂定：{}）</span>', _cn_date(value), reason, reason
    )


@register.simple_tag
def period_due(record: Any, field: str) -> str:
    """``record.<field>`` as a deadline, marked 暂定 when its stored period says so (one query)."""
    from ezhou_platform.procedures.periods import period_of

    value = getattr(record, field, None)
    if not value:
        return ""
    period = period_of(record, field)
    return due(value, period.reason if period is not None and period.provisional else "")
