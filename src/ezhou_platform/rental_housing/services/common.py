"""What every rental-housing service shares: the documents cited, the error of a rule as an API error, the
clock, and the check of a date that records a past event."""

from __future__ import annotations

import datetime as dt

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.dates import cn_date
from ezhou_rules.rental_housing.common import RentalHousingInputError

from ..steps import DOC, HOUSING, PLAN_DOC

__all__ = ["DOC", "HOUSING", "HOUSING_DEPARTMENT", "PLAN_DOC", "input_error", "not_future", "today"]

HOUSING_DEPARTMENT = HOUSING


def input_error(exc: RentalHousingInputError, renamed: dict[str, str] | None = None) -> ApiError:
    """The rules' error as an API error; `renamed` maps a rule's argument to the form or API field it came
    from (the message already names it by its Chinese label)."""
    return ApiError(exc.code, exc.message, field=(renamed or {}).get(exc.field, exc.field), status=422)


def today() -> dt.date:
    return clock.today()


def not_future(day: dt.date, field: str, label: str) -> None:
    """A step that records a past event (a termination, a hand-back, a construction start) takes no future date."""
    now = today()
    if day > now:
        raise ApiError(
            "date_in_future",
            f"{label}：{cn_date(day)}晚于今天（{cn_date(now)}），此处登记已经发生的事项，请核对日期。",
            field=field,
            status=422,
        )
