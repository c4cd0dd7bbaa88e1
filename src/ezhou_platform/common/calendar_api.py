"""`POST /api/v1/calendar/deadline`: the platform's deadline counting, for other systems and for checking.

The same counting every procedure uses (`ezhou_rules.core.periods`) on the platform's calendar: a year whose
holidays are not entered is counted Monday–Friday and the answer says it is provisional and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from ezhou_rules.core.periods import Basis, PeriodError, PeriodSpec, compute_deadline

from .api_errors import ApiError
from .calendar import platform_calendar

router = Router(tags=["平台"])

# Dates the calendar can be asked about: chinese-calendar starts in 2004; beyond 2100 is a typo.
FIRST_DAY = dt.date(2004, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


class DeadlineIn(Schema):
    start: dt.date = Field(..., description="起算日（事件发生之日，不计入期间）")
    basis: Literal["workdays", "calendar_days", "months", "month_end", "fixed_date"] = Field(
        ...,
        description="计算方式：workdays 工作日；calendar_days 自然日；months 月（民法典第二百零二条）；"
        "month_end 第N个月月底；fixed_date 固定日期",
    )
    amount: int = Field(0, ge=0, le=1200, description="期间长度（工作日数、天数或月数；fixed_date 时为0）")
    roll: bool = Field(
        True, description="最后一日为休息日时顺延至下一个工作日（民法典第二百零三条；工作日期间不适用）"
    )
    fixed: dt.date | None = Field(None, description="fixed_date 时的日期")
    not_later_than: dt.date | None = Field(None, description="最迟日期（如“截止当年12月31日”）")


class DeadlineOut(Schema):
    start: dt.date
    due: dt.date = Field(..., description="期限届满日")
    nominal: dt.date = Field(..., description="顺延和限定最迟日期之前的日期")
    rolled: bool
    capped: bool
    provisional: bool = Field(..., description="是否暂定：涉及的年度节假日安排尚未录入，暂按周一至周五计算")
    provisional_years: list[int]
    reason: str = Field(..., description="暂定的原因，例如“2027年节假日安排尚未录入”")
    skipped: list[dt.date] = Field(..., description="计算中跳过的休息日（周末、法定节假日）")
    rule: str = Field(..., description="计算规则的中文说明")
    explanation: str


def _check_day(value: dt.date | None, field: str, label: str) -> None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ApiError("date_out_of_range", f"{label}应在2004年1月1日至2100年12月31日之间。", field=field)


@router.post(
    "/deadline",
    response={200: DeadlineOut},
    auth=None,
    summary="计算期限（工作日、自然日、月、月底、固定日期）",
)
def deadline(request: HttpRequest, payload: DeadlineIn) -> dict[str, Any]:
    _check_day(payload.start, "start", "起算日")
    _check_day(payload.fixed, "fixed", "固定日期")
    _check_day(payload.not_later_than, "not_later_than", "最迟日期")
    try:
        spec = PeriodSpec(
            Basis(payload.basis),
            payload.amount,
            roll=payload.roll,
            fixed=payload.fixed,
            not_later_than=payload.not_later_than,
        )
    except PeriodError as exc:
        raise ApiError(
            exc.code, str(exc), field="amount" if payload.basis != "fixed_date" else "fixed"
        ) from None
    d = compute_deadline(platform_calendar(), payload.start, spec)
    if d.due > LAST_DAY:
        raise ApiError("date_out_of_range", "期限届满日超出2100年12月31日。", field="amount")
    return {
        "start": d.start,
        "due": d.due,
        "nominal": d.nominal,
        "rolled": d.rolled,
        "capped": d.capped,
        "provisional": d.provisional,
        "provisional_years": list(d.provisional_years),
        "reason": d.reason,
        "skipped": list(d.skipped),
        "rule": spec.describe(),
        "explanation": d.explain(),
    }
