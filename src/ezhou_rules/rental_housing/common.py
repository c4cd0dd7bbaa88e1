"""Small helpers shared by the rental-housing rules: areas in hundredths of m², periods of months and years
(民法典 第二百零一条、第二百零二条, with dateutil's relativedelta), dates a step may take."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet, ParameterTree

DOC = "鄂州政发〔2022〕19号"
PLAN_DOC = "鄂州政办发〔2022〕19号"


class RentalHousingInputError(ValueError):
    """Bad input: a Chinese message naming the field by its label and the rule, and a machine code."""

    def __init__(self, message: str, *, field: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


# The Chinese label of every input the rules take: messages name fields by these, never by internal names.
FIELD_LABELS: dict[str, str] = {
    "application_date": "申请日期",
    "birth_date": "出生日期",
    "household_size": "家庭人数",
    "minor_children": "未成年子女人数",
    "homes": "住房",
    "area_m2": "建筑面积",
    "sourcing_method": "筹集方式",
    "housing_type": "房源类型",
    "started_or_converted": "已开工建设或由现有建成住房转化",
    "rent_fen": "月租金",
    "market_rent_fen": "市场月租金",
    "contract_rent_fen": "原合同月租金",
    "start_date": "起租日期",
    "end_date": "到期日期",
    "payment_period_months": "租金收取周期",
    "exit_date": "退出日期",
    "move_out_months": "腾退搬迁期",
    "vacated_date": "腾退日期",
    "tenancy_start": "起租日期",
    "rent_paid_fen": "已交租金",
    "price_fen": "购房款",
    "shared_ownership_from": "取得共有产权住房日期",
    "on": "计算日期",
    "appraised_on": "租金评估日期",
    "start": "申请日期",
    "publicity_start": "公示开始",
    "terminated_on": "终止日期",
    "vacated_on": "腾退日期",
    "id_number": "身份证号码",
    "phone": "联系电话",
    "name": "姓名",
}


def label(field: str) -> str:
    """ "homes.0.area_m2" → "第1套住房的建筑面积"; a known field → its label; otherwise the field itself."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "homes" and parts[1].isdigit():
        return f"第{int(parts[1]) + 1}套住房的{FIELD_LABELS.get(parts[2], parts[2])}"
    return FIELD_LABELS.get(field, field)


def fail(field: str, text: str, *, code: str = "invalid_input") -> RentalHousingInputError:
    """The error for `field`: "建筑面积：面积不能为负数。" (label first, then what is wrong and the rule)."""
    return RentalHousingInputError(f"{label(field)}：{text}", field=field, code=code)


def centi_m2(value: Any, *, field: str = "area_m2") -> int:
    """An area in m² (int, Decimal or decimal text, at most 2 decimals) as an integer of 0.01 m².

    Areas are compared as integers so that 35.00 m² per person is exactly 35.00, never 34.999….
    """
    if isinstance(value, float) or isinstance(value, bool):
        raise fail(field, '面积请以十进制数（字符串，如 "89.50"）填写，不接受二进制浮点数。')
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise fail(field, f"“{value}”不是面积数值（平方米）。") from None
    if not number.is_finite() or number < 0:
        raise fail(field, "面积不能为负数。")
    centi = number * 100
    if centi != centi.to_integral_value():
        raise fail(field, "面积最多保留两位小数（0.01平方米）。")
    return int(centi)


def format_m2(centi: int) -> str:
    return f"{Decimal(int(centi)) / 100:.2f}"


def param_centi_m2(tree: ParameterTree, name: str, dates: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """A dated m² parameter on each date, in hundredths of m² (int64)."""
    days = np.asarray(dates).astype("datetime64[D]")
    out = np.empty(days.shape, dtype=np.int64)
    for day in np.unique(days):
        value = tree.get(name, day.astype(object))
        out[days == day] = int(Decimal(value) * 100)
    return out


ONE_DAY = dt.timedelta(days=1)


def anniversary(day: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """The day `years`/`months` after `day` that corresponds to it; a month without that day gives its last
    day (民法典 第二百零二条: 2024-02-29 + 3 years = 2027-02-28; 2024-01-31 + 1 month = 2024-02-29).

    This is the last day of a period counted from an event on `day` (the event day itself not counted,
    第二百零一条): an appraisal on 2023-05-10 is due again 3 years later on 2026-05-10.
    """
    return day + relativedelta(years=years, months=months)


def period_last_day(first_day: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """The last day of a period of `years`/`months` whose **first** day is `first_day` (a lease term, a
    move-out period, a tenancy counted from the day it starts; docs/interpretations.md R9).

    The period ends the day before the day corresponding to `first_day` in the expiry month; where that month
    has no corresponding day (a period begun on 29, 30 or 31), 第二百零二条 makes the month's last day the
    period's last day. So 3 years from 2024-03-01 end on 2027-02-28, 3 years from 2024-02-29 end on
    2027-02-28 too, and one month from 2024-01-31 ends on 2024-02-29. Zero months end the day before.
    """
    corresponding = first_day + relativedelta(years=years, months=months)
    if corresponding.day != first_day.day:  # relativedelta clipped to the month's last day: none exists
        return corresponding
    return corresponding - ONE_DAY


def completed_on(first_day: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """The first day after such a period, the day it is complete ("满N年后"): a tenancy from 2024-02-29 is
    5 full years at the end of 2029-02-28, so what needs 5 years may be done from 2029-03-01."""
    return period_last_day(first_day, years=years, months=months) + ONE_DAY


def in_force(tree: ParameterTree, name: str, day: dt.date, *, field: str) -> Any:
    """`tree.get(name, day)`, or a Chinese error naming the field when `day` is before the document's rule
    applies (a date before 鄂州政发〔2022〕19号 was issued on 2022-10-28 is outside every step)."""
    try:
        return tree.get(name, day)
    except ParameterNotSet as exc:
        since = f"（{cn_date(exc.first_from)}起施行）" if exc.first_from else ""
        raise fail(
            field,
            f"{cn_date(day)}早于{_document_of(tree, name)}{since}，该规定尚不适用，请核对日期。",
            code="date_before_in_force",
        ) from None


def _document_of(tree: ParameterTree, name: str) -> str:
    for value in tree.parameter(name).values:
        if value.citation is not None:
            return value.citation.document
    return DOC


def as_days(values: npt.ArrayLike, *, field: str) -> npt.NDArray[np.datetime64]:
    try:
        arr = np.asarray(values).astype("datetime64[D]")
    except (ValueError, TypeError):
        raise fail(field, "日期格式应为 YYYY-MM-DD。") from None
    if np.isnat(arr).any():
        raise fail(field, "日期不能为空。")
    return arr
