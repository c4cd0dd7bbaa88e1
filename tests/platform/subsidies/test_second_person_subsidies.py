"""Issue 14 failure 3 (SECURITY.md C29) adopted in subsidies: 支付奖补资金 pays money out of a payer's budget, so
the step is marked ``effect="pay"`` and always needs someone other than the person who opened the case — a
configuration cannot switch it off. (作出奖补决定 is kept apart from the reviewer by its own check.)"""

from __future__ import annotations

import pytest
from second_person_marks import marked_steps, relaxable

pytestmark = pytest.mark.django_db
MARKED = {
    ("subsidies.application", "pay"): "pay",
}


def test_the_decisions_are_marked_and_a_configuration_cannot_relax_them() -> None:
    assert marked_steps("subsidies") == MARKED
    assert relaxable(MARKED) == 0
