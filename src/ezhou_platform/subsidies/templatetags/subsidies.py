"""Template filters of the subsidies pages: a component's title, a measure's citation and name."""

from __future__ import annotations

from typing import Any

from django import template

from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.components import COMPONENTS

register = template.Library()


@register.filter
def component_title(code: str) -> str:
    comp = COMPONENTS.get(str(code))
    return comp.title if comp else str(code)


@register.filter
def measure_cite(measure: Any) -> str:
    return cite(int(measure))


@register.filter
def measure_label(measure: Any) -> str:
    return measure_name(int(measure))
