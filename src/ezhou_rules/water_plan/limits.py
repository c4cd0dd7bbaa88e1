"""Which dates and years a step of 鄂州政办发〔2022〕15号 accepts (docs/interpretations.md W19).

A step that records something that has happened (a meter reading, a delivery, a payment, a filing, an event)
takes no date after today; no step takes a date before the document took effect (2022-07-11, 第十九条)
unless the rule itself reaches back (readings of the three years a first plan is computed from); a year is
at most next year (a plan is requested by 31 December for the next year, 第六条). ``today`` is always an
argument: the rules never read the clock.
"""

from __future__ import annotations

import datetime as dt

from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterTree

from . import parameters
from .errors import WaterPlanError
from .labels import label as field_label

# The statistic method (附件1 二) of the first plan year under the document looks back three years.
HISTORY_YEARS = 3


def document_start(params: ParameterTree | None = None) -> dt.date:
    first = (params or parameters()).document_date
    assert first is not None, "water_plan.yaml states document_date"
    return first


def check_date(
    day: dt.date,
    *,
    field: str,
    today: dt.date,
    past_event: bool = True,
    not_before: dt.date | None = None,
    not_before_why: str = "",
    not_after: dt.date | None = None,
    not_after_why: str = "",
    label: str | None = None,
    params: ParameterTree | None = None,
) -> dt.date:
    """``day`` if the step accepts it; otherwise a WaterPlanError naming the field by its Chinese label.

    ``past_event``: the step records something that has already happened, so a date after ``today`` is
    refused. ``not_before`` (with ``not_before_why`` naming it) replaces the default floor, the document's
    first day — later for a step that follows another (a payment not before the delivery), earlier only where
    the rule reaches back."""
    name = label or field_label(field) or "日期"
    if not_before is None:
        start = document_start(params)
        floor, why = start, f"本细则施行之日（{cn_date(start)}，第十九条）"
    else:
        floor, why = not_before, not_before_why or cn_date(not_before)
    if day < floor:
        raise WaterPlanError("date_too_early", f"{name}：{cn_date(day)}早于{why}，不能办理。", field=field)
    if past_event and day > today:
        raise WaterPlanError(
            "date_in_future",
            f"{name}：{cn_date(day)}晚于今天（{cn_date(today)}）；这里登记的是已经发生的事项，不能填写将来的日期。",
            field=field,
        )
    if not_after is not None and day > not_after:
        why_after = not_after_why or cn_date(not_after)
        raise WaterPlanError(
            "date_too_late", f"{name}：{cn_date(day)}晚于{why_after}，不能办理。", field=field
        )
    return day


def check_year(
    year: int, *, field: str, today: dt.date, label: str | None = None, params: ParameterTree | None = None
) -> int:
    """A plan or assessment year: from the document's first year to next year (第六条: the request for next
    year is filed by 31 December)."""
    name = label or field_label(field) or "年度"
    first = document_start(params).year
    last = today.year + 1
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
        raise WaterPlanError(
            "year_out_of_range",
            f"{name}：{year}年不在可办理的范围内（{first}年至{last}年；本细则自{cn_date(document_start(params))}"
            "施行，计划最早于上一年度提出申请）。",
            field=field,
        )
    return year


def check_reading_period(period: dt.date, *, today: dt.date, params: ParameterTree | None = None) -> str:
    """A supplier reading's period (第五条): "" if accepted, else the Chinese reason for the reject list.

    Readings reach back three years before the document's first year (the statistic method of the first plan
    year uses them) and never past today (a month not yet begun, a day not yet come)."""
    earliest = dt.date(document_start(params).year - HISTORY_YEARS, 1, 1)
    if period < earliest:
        return (
            f"期间{cn_date(period)}早于{cn_date(earliest)}（本细则施行年度的前{HISTORY_YEARS}年，"
            "统计法用到的最早年份）"
        )
    if period > today:
        return f"期间{cn_date(period)}晚于今天（{cn_date(today)}），抄表数据只能是已发生的用水量"
    return ""
