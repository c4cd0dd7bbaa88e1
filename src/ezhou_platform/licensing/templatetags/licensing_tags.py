"""Template helpers of the licensing pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ labels|get_item:code }}``: a dictionary's value in a template ("" when missing)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def chosen(answers: Any, key_value: str) -> bool:
    """``{% if answers|chosen:"key=value" %}``: whether the form's answer to a question includes a value, so a
    re-shown form keeps what the applicant entered."""
    key, _, value = key_value.partition("=")
    try:
        given = answers.get(key)
    except AttributeError:
        return False
    return value == given if isinstance(given, str) else value in (given or ())
