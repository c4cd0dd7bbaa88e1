"""Small helpers shared by the rental-housing rules: areas in hundredths of m², calendar months and years."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.params import ParameterTree

DOC = "鄂州政发〔2022〕19号"
PLAN_DOC = "鄂州政办发〔2022〕19号"


class RentalHousingInputError(ValueError):
    """Bad input: a Chinese message naming the field and the rule, and a machine code."""

    def __init__(self, message: str, *, field: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def centi_m2(value: Any, *, field: str = "area_m2") -> int:
    """An area in m² (int, Decimal or decimal text, at most 2 decimals) as an integer of 0.01 m².

    Areas are compared as integers so that 35.00 m² per person is exactly 35.00, never 34.999….
    """
    if isinstance(value, float) or isinstance(value, bool):
        raise RentalHousingInputError(
            f'{field}：面积请以十进制数（字符串，如 "89.50"）填写，不接受二进制浮点数。', field=field
        )
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RentalHousingInputError(f"{field}：“{value}”不是面积数值（平方米）。", field=field) from None
    if not number.is_finite() or number < 0:
        raise RentalHousingInputError(f"{field}：面积不能为负数。", field=field)
    centi = number * 100
    if centi != centi.to_integral_value():
        raise RentalHousingInputError(f"{field}：面积最多保留两位小数（0.01平方米）。", field=field)
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


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; a day the target month lacks becomes its last day
    (1月31日 + 1个月 = 2月28日/29日)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary `years` later; 2月29日 falls on 2月28日 in a common year."""
    return add_months(day, 12 * years)


def as_days(values: npt.ArrayLike, *, field: str) -> npt.NDArray[np.datetime64]:
    try:
        arr = np.asarray(values).astype("datetime64[D]")
    except (ValueError, TypeError):
        raise RentalHousingInputError(f"{field}：日期格式应为 YYYY-MM-DD。", field=field) from None
    if np.isnat(arr).any():
        raise RentalHousingInputError(f"{field}：日期不能为空。", field=field)
    return arr
