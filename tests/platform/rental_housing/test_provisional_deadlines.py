"""Deadlines that reach a year whose holidays are not entered: provisional, shown as 暂定, recounted on entry.

chinese-calendar 1.11.0 knows 2004–2026; nothing in the database knows 2027 until the administrator enters it.
An application on 2027-06-01 and the deadline board ran into CalendarYearUnknown (a bare 500) before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.models import Period

from .conftest import SHANGHAI, submit

pytestmark = pytest.mark.django_db
D = dt.date


def test_application_on_2027_06_01_with_no_2027_table(
    clock_at: Any, login_client: Any, housing: dict[str, Any]
) -> None:
    clock_at(D(2027, 6, 1))
    # Reviewed within 5 working days of Tue 2027-06-01, Monday–Friday: 06-02, 03, 04, 07, 08 → 2027-06-08, 暂定.
    app = submit(housing["project"], housing["clerk"], 1, dt.datetime(2027, 6, 1, 9, tzinfo=SHANGHAI))
    assert app.review_deadline == D(2027, 6, 8)
    assert Period.objects.get(field="review_deadline").provisional
    board = login_client("zhujian_clerk").get("/rental-housing/deadlines/")
    assert board.status_code == 200 and "暂定：2027年节假日安排尚未录入" in board.content.decode()


def test_application_on_2026_12_28_publicity_into_2027(clock_at: Any, housing: dict[str, Any]) -> None:
    from ezhou_platform.rental_housing import services

    clock_at(D(2026, 12, 28))
    app = submit(housing["project"], housing["clerk"], 1, dt.datetime(2026, 12, 28, 9, tzinfo=SHANGHAI))
    # Review: 12-29, 12-30, 12-31, 01-01, 01-04 (2027 Monday–Friday).
    assert app.review_deadline == D(2027, 1, 4)
    app = services.review_approve(app, acting_user=housing["clerk"], on=D(2026, 12, 30))
    # Publicity 5 working days from Wed 12-30: 12-31, 01-01, 01-04, 01-05, 01-06.
    assert app.publicity_end == D(2027, 1, 6)
    assert Period.objects.get(field="publicity_end").provisional
