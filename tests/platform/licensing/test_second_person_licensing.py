"""Issue 14 failure 3 (SECURITY.md C29) adopted in licensing: a credit record's 认定并公示 and 信用修复 change an
enterprise's credit record (第二部分 三（四）), so the steps are marked ``effect="credit"`` and always need someone
other than the person who opened the case — a configuration cannot switch them off."""

from __future__ import annotations

import pytest
from second_person_marks import marked_steps, relaxable

pytestmark = pytest.mark.django_db
MARKED = {
    ("licensing.credit_record", "confirm"): "credit",
    ("licensing.credit_record", "repair"): "credit",
}


def test_the_decisions_are_marked_and_a_configuration_cannot_relax_them() -> None:
    assert marked_steps("licensing") == MARKED
    assert relaxable(MARKED) == 0
