"""Issue 14 failure 3 (SECURITY.md C29) adopted in rental_housing: a measure after an inspection finding
(依法处置: 纳入失信联合惩戒, 责令退回财政奖补资金) records credit or claws back money, so the step is marked
``effect=`` and always needs someone other than the person who opened the case — a configuration cannot switch
it off, and a rule row written around the check is not honoured."""

from __future__ import annotations

import pytest
from second_person_marks import marked_steps, relaxable

pytestmark = pytest.mark.django_db
MARKED = {
    ("rental_housing.finding", "impose"): "credit",
}


def test_the_decisions_are_marked_and_a_configuration_cannot_relax_them() -> None:
    assert marked_steps("rental_housing") == MARKED
    assert relaxable(MARKED) == 0
