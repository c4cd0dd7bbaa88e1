"""Template tags of the rental-housing pages: the validity banner of 鄂州政发〔2022〕19号 (第三十一条)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ezhou_platform.common import clock
from ezhou_rules.rental_housing import validity_warning

register = template.Library()


@register.simple_tag
def rental_validity(day: object = None) -> str:
    """A banner when the measures' 5-year validity has ended on `day` (default: the platform's today)."""
    warning = validity_warning(day if day is not None else clock.today())  # type: ignore[arg-type]
    return format_html('<p class="notice-admin" role="alert">{}</p>', warning) if warning else ""
