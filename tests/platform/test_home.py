"""The home page: one card per system, those not built yet say so."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_every_system_is_built_and_links_to_its_pages(client: Any) -> None:
    from ezhou_platform.common.systems import SYSTEMS

    page = client.get("/").content.decode()
    # All nine documents' systems run now: each card links to its pages and none says 建设中.
    assert len(SYSTEMS) == 9 and all(s.url_name for s in SYSTEMS)
    for s in SYSTEMS:
        assert f">{s.name}</a>" in page
    assert "建设中" not in page


def test_a_card_of_a_system_not_built_says_so(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ezhou_platform.common import context
    from ezhou_platform.common.systems import SYSTEMS, System

    waiting = System("future", "示例未建系统", "鄂州政办发〔2022〕99号", "某局")
    monkeypatch.setattr(context, "SYSTEMS", (*SYSTEMS, waiting))
    page = client.get("/").content.decode()
    assert f'{waiting.name} <span class="badge building">建设中</span>' in page
    assert page.count("建设中") == 1
