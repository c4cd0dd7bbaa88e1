"""Units, value conversion and one parameter's dated values: what ``params``' tree and loader build on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from .citations import Citation
from .param_errors import ParameterNotSet, ParameterValueError

# unit → what a value of it is. Amounts are integer fen only: a "yuan" unit would invite 3000 and
# 300000 to sit side by side in the same tree.
UNITS: dict[str, str] = {
    "fen": "金额（分，整数）",
    "fen_per_m3": "单价（分/立方米，整数）",
    "ratio": '比例（精确分数，写作 "0.65" 或 "65%"）',
    "m3": "体积（立方米）",
    "m2": "面积（平方米）",
    "days": "天数（自然日）",
    "workdays": "工作日数",
    "months": "月数",
    "years": "年数",
    "count": "个数",
    "bool": "是/否",
    "text": "文本",
    "date": "日期",
}
_COUNT_UNITS = frozenset({"fen", "fen_per_m3", "days", "workdays", "months", "years", "count"})
_UNIT_HINTS = {
    "yuan": "金额请以分为单位（unit: fen），如 3000元 写作 300000",
    "percent": '百分比请用 unit: ratio，值写作 "65%"',
}

_RATIO_RE = re.compile(r"[+-]?(?:\d+(?:\.\d+)?%?|\d+/\d+)")
_QUANTITY_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, holding from ``valid_from`` until the next value's date."""

    valid_from: dt.date
    value: Any
    citation: Citation | None = None
    source: str | None = None
    note: str = ""

    @property
    def reference(self) -> str:
        """Where the value comes from, as one string for a trace or a page."""
        return str(self.citation) if self.citation else (self.source or "")


@dataclass(frozen=True)
class AdminValue:
    """A dated value an administrator entered (the platform reads these from its database)."""

    name: str
    valid_from: dt.date
    value: Any
    source: str
    cite: str | Citation | None = None
    note: str = ""


def convert_value(unit: str, raw: Any) -> Any:
    """The stored form of a raw value for ``unit``; ValueError (Chinese) if it does not fit.

    Lists are allowed (a table of tiers as two parallel lists), each element taking the unit; they become
    tuples so a value can never be changed in place.
    """
    if unit not in UNITS:
        raise ValueError(
            f"未知单位 {unit!r}" + (f"（{_UNIT_HINTS[unit]}）" if unit in _UNIT_HINTS else "") + "。"
        )
    if isinstance(raw, list | tuple):
        if not raw:
            raise ValueError("列表取值不能为空。")
        return tuple(convert_value(unit, item) for item in raw)
    if raw is None:
        raise ValueError("缺少取值（value）。")
    if isinstance(raw, float):
        raise ValueError(f'取值 {raw!r} 是浮点数，不能精确保存；请写成带引号的字符串，如 "0.65"。')
    if unit in _COUNT_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"单位 {unit} 的取值应为整数，收到 {raw!r}。")
        if raw < 0:
            raise ValueError(f"单位 {unit} 的取值不能为负数，收到 {raw}。")
        return raw
    if unit == "ratio":
        if isinstance(raw, Fraction):
            return raw
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
            raise ValueError(f'比例应写成字符串，如 "0.65"、"65%" 或 "13/20"，收到 {raw!r}。')
        text = str(raw).strip()
        if not _RATIO_RE.fullmatch(text):
            raise ValueError(f'比例“{text}”无法识别；应写作 "0.65"、"65%" 或 "13/20"。')
        if text.endswith("%"):
            return Fraction(text[:-1]) / 100
        if "/" in text and int(text.split("/")[1]) == 0:
            raise ValueError(f"比例“{text}”的分母为零。")
        return Fraction(text)
    if unit in ("m3", "m2"):
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
            raise ValueError(f'单位 {unit} 的取值应为整数或十进制字符串（如 "0.5"），收到 {raw!r}。')
        if isinstance(raw, int):
            return raw
        text = str(raw).strip()
        if not _QUANTITY_RE.fullmatch(text):
            raise ValueError(f"“{text}”不是数值。")
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else number
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"单位 bool 的取值应为 true 或 false，收到 {raw!r}。")
        return raw
    if unit == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError(f"单位 text 的取值应为非空文本，收到 {raw!r}。")
        return raw
    # unit == "date"
    if isinstance(raw, dt.datetime):
        raise ValueError(f"日期取值不应含时刻：{raw!r}。")
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"“{raw}”不是日期（应为 YYYY-MM-DD）。") from None


@dataclass(frozen=True)
class Parameter:
    name: str  # dotted path inside its tree
    unit: str
    description: str = ""
    configurable: bool = False
    values: tuple[DatedValue, ...] = ()
    tree: str = ""  # the tree's name, for messages and the citation registry

    @property
    def full_name(self) -> str:
        return f"{self.tree}.{self.name}" if self.tree else self.name

    def entry_at(self, on: dt.date) -> DatedValue:
        on = _plain_date(on)
        found: DatedValue | None = None
        for v in self.values:
            if v.valid_from > on:
                break
            found = v
        if found is None:
            raise self._not_set(on)
        return found

    def value_at(self, on: dt.date) -> Any:
        return self.entry_at(on).value

    def _not_set(self, on: dt.date) -> ParameterNotSet:
        first = self.values[0].valid_from if self.values else None
        return ParameterNotSet(self.full_name, on, self.description, first, self.configurable)

    def _index(self, dates: npt.ArrayLike) -> npt.NDArray[np.intp]:
        arr = np.asarray(dates).astype("datetime64[D]")
        if np.isnat(arr).any():
            raise ValueError("日期数组中含有空值（NaT）。")
        froms = np.array([v.valid_from for v in self.values], dtype="datetime64[D]")
        idx = np.searchsorted(froms, arr, side="right") - 1
        missing = idx < 0
        if missing.any():
            raise self._not_set(arr[missing].min().astype(object))
        return idx

    def values_at(self, dates: npt.ArrayLike) -> np.ndarray:
        """The value on each date of a datetime64[D] array: int64 for amounts and counts, bool, datetime64[D]
        for dates, object (Fraction, Decimal, text, tuples) otherwise."""
        idx = self._index(dates)
        raw = [v.value for v in self.values]
        table: np.ndarray
        if any(isinstance(x, tuple) for x in raw):
            table = np.empty(len(raw), dtype=object)
            table[:] = raw
        elif self.unit in _COUNT_UNITS:
            table = np.array(raw, dtype=np.int64)
        elif self.unit == "bool":
            table = np.array(raw, dtype=bool)
        elif self.unit == "date":
            table = np.array(raw, dtype="datetime64[D]")
        else:
            table = np.empty(len(raw), dtype=object)
            table[:] = raw
        return table[idx]

    def ratio_arrays_at(self, dates: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Numerators and denominators of a ratio on each date, for ``money.mul_ratio_half_up``."""
        if self.unit != "ratio" or any(isinstance(v.value, tuple) for v in self.values):
            raise ParameterValueError(f"参数 {self.full_name} 不是单一比例（单位 {self.unit}）。")
        idx = self._index(dates)
        nums = np.array([v.value.numerator for v in self.values], dtype=np.int64)
        dens = np.array([v.value.denominator for v in self.values], dtype=np.int64)
        return nums[idx], dens[idx]


def _plain_date(day: Any) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, np.datetime64):
        return _plain_date(day.astype("datetime64[D]").item())
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


def _date_key(key: Any) -> dt.date:
    if isinstance(key, str):
        try:
            return dt.date.fromisoformat(key)
        except ValueError:
            raise ParameterValueError(f"“{key}”不是日期（应为 YYYY-MM-DD）。") from None
    return _plain_date(key)


def _cite(text: str | Citation, document: str | None) -> Citation:
    if isinstance(text, Citation):
        return text
    try:
        return Citation.parse(text)
    except ValueError:
        # The place alone ("第十一条第（一）项") is read against the file's document.
        if document and document not in text:
            return Citation.parse(f"{document} {text}")
        raise
