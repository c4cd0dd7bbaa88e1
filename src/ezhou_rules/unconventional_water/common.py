"""Small helpers shared by the unconventional-water rules: exact areas and volumes, dates, month arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import fail

I64 = npt.NDArray[np.int64]
MAX_AREA_M2X100 = 10**14  # 1万平方公里 in hundredths of m²: far above any project, keeps sums in int64


def parse_hundredths(value: Any, *, field: str, unit: str = "平方米") -> int:
    """A quantity typed by a person (int, Decimal or decimal text, at most 2 decimals) as integer hundredths.

    Floats are refused (0.1 m² is not exact in binary); negatives are refused naming the field."""
    if isinstance(value, bool) or isinstance(value, float):
        raise fail(
            "not_exact", field, f'请以整数或十进制字符串填写（如 "30000.00"），不接受浮点数（{unit}）。'
        )
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise fail("not_a_number", field, f"“{value}”不是数值（{unit}）。") from None
    if not number.is_finite():
        raise fail("not_a_number", field, f"“{value}”不是数值（{unit}）。")
    if number < 0:
        raise fail("negative", field, f"不能为负数（收到 {value}）。")
    hundredths = number * 100
    if hundredths != hundredths.to_integral_value():
        raise fail("too_many_decimals", field, f"最多保留两位小数（0.01{unit}）。")
    if hundredths > MAX_AREA_M2X100:
        raise fail("out_of_range", field, f"数值过大（收到 {value}{unit}）。")
    return int(hundredths)


def check_hundredths(values: npt.ArrayLike, *, field: str, n: int) -> I64:
    """A column of hundredths (int64, broadcast to n rows), refusing negative or absurd values."""
    arr = np.broadcast_to(np.asarray(values, dtype=np.int64), (n,))
    if (arr < 0).any():
        row = int(np.flatnonzero(arr < 0)[0])
        raise fail("negative", field, f"不能为负数（第{row + 1}行）。")
    if (arr > MAX_AREA_M2X100).any():
        raise fail("out_of_range", field, "数值过大。")
    return arr


def check_codes(
    values: npt.ArrayLike, allowed: dict[str, str], field: str, what: str, n: int | None = None
) -> np.ndarray:
    """A column of codes (broadcast to n rows), refused naming the first unknown one and the allowed ones."""
    arr = np.atleast_1d(np.asarray(values)).astype(str)
    if n is not None:
        arr = np.broadcast_to(arr, (n,))
    bad = ~np.isin(arr, list(allowed))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        listed = "、".join(f"{k}（{v}）" if v else k for k, v in allowed.items())
        raise fail(f"{field}_unknown", field, f"“{arr[row]}”不是{what}（第{row + 1}行）；应为{listed}之一。")
    return arr


def format_hundredths(value: int) -> str:
    """3000000 → '30,000.00'."""
    whole, frac = divmod(abs(int(value)), 100)
    return f"{'-' if value < 0 else ''}{whole:,}.{frac:02d}"


def cn_date(day: dt.date) -> str:
    """2022-07-11 → '2022年7月11日' (the gazette's way of writing a date)."""
    return f"{day.year}年{day.month}月{day.day}日"


def as_days(values: npt.ArrayLike, *, field: str) -> npt.NDArray[np.datetime64]:
    try:
        arr = np.atleast_1d(np.asarray(values).astype("datetime64[D]"))
    except (ValueError, TypeError):
        raise fail("date_format", field, "日期格式应为 YYYY-MM-DD。") from None
    return arr


def add_months(days: npt.ArrayLike, months: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """The same day `months` calendar months later, over columns; a day the target month lacks becomes its
    last day (1月31日 + 1个月 = 2月28日/29日), as dateutil's relativedelta does."""
    d = np.asarray(days).astype("datetime64[D]")
    m = np.asarray(months, dtype=np.int64)
    month_start = d.astype("datetime64[M]")
    day_in_month = (d - month_start.astype("datetime64[D]")).astype(np.int64)
    target = month_start + m
    last_day = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64) - 1
    return target.astype("datetime64[D]") + np.minimum(day_in_month, last_day)


def day_column(*days: dt.date | None) -> npt.NDArray[np.datetime64]:
    """Dates (None → NaT) as a datetime64[D] column: one case as a batch of one."""
    return np.array(
        [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in days], dtype="datetime64[D]"
    )
