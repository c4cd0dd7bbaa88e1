from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_loads_twice(demo_users: dict[str, Any]) -> None:
    from ezhou_platform.licensing.demo import load_demo
    from ezhou_platform.licensing.models import Application, CreditRecord, Draw

    load_demo()
    n = Application.objects.count()
    load_demo()
    assert Application.objects.count() == n
    assert Draw.objects.filter(status="published").exists()
    assert CreditRecord.objects.filter(status="repaired").exists()
    assert Application.objects.filter(status="heard").exists()
