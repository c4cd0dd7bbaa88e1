"""The home page: one card per system, those not built yet say so."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_cards_of_systems_not_built_say_so(client: Any) -> None:
    from ezhou_platform.common.systems import SYSTEMS

    page = client.get("/").content.decode()
    built = [s for s in SYSTEMS if s.url_name]
    waiting = [s for s in SYSTEMS if not s.url_name]
    assert built and waiting
    # Each system not built shows its name followed by 建设中; each built one links to its pages.
    for s in waiting:
        assert f'{s.name} <span class="badge building">建设中</span>' in page
    for s in built:
        assert f">{s.name}</a>" in page
    assert page.count("建设中") == len(waiting)
