"""Template filters for the Chinese UI: amounts in fen shown as 1,234.56元 / ¥1,234.56 / 大写, masked IDs."""

from __future__ import annotations

from typing import Any

from django import template

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


@register.filter
def masked_phone(value: Any) -> str:
    return mask_phone(str(value)) if value else ""
