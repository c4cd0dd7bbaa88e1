"""Where a coefficient event came from, when another system recorded it (附件1 三).

Other systems feed the water plan's coefficient events: the unconventional-water system (鄂州政办发〔2022〕14号
第八条) records the +0.1 of a unit using unconventional water and the −0.1 of one able but not using it. The water
plan must show the clerk that source — the record, its reports and its articles — without depending on those
systems, so they register a provider here (from their AppConfig.ready) and the water plan's pages ask every
provider for the events they show.

A provider takes event ids and returns {event id: {"url", "label", "explanation", "citations", "reports",
"facilities"}} for the events it knows; events typed in the water plan by hand are in no provider's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Provider = Callable[[Iterable[int]], dict[int, dict[str, Any]]]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def sources_for(event_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Every registered system's record behind each event (an event may have more than one source)."""
    ids = list(event_ids)
    out: dict[int, list[dict[str, Any]]] = {}
    if not ids:
        return out
    for provider in _PROVIDERS:
        for event_id, source in provider(ids).items():
            out.setdefault(event_id, []).append(source)
    return out
