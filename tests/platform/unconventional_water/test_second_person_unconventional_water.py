"""Issue 14 failure 3 (SECURITY.md C29) adopted in unconventional_water: confirming that a unit able to use
unconventional water does not (−0.1) is the decision to cut its water plans, so the step is marked ``effect=``
and always needs someone other than the person who opened the case — a configuration cannot switch it off, and
a rule row written around the check is not honoured."""

from __future__ import annotations

import pytest
from second_person_marks import marked_steps, relaxable

pytestmark = pytest.mark.django_db
MARKED = {
    ("unconventional_water.water_plan_link", "confirm"): "plan",
}


def test_the_decisions_are_marked_and_a_configuration_cannot_relax_them() -> None:
    assert marked_steps("unconventional_water") == MARKED
    assert relaxable(MARKED) == 0
