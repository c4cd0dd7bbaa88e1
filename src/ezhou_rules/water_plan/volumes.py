"""Volumes (水量) as integer hundredths of a cubic metre: the law measures in m³ (吨) to two decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import WaterPlanError
from .labels import label as field_label

SCALE = 100  # hundredths of a m³
_VOLUME_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")


def _name(field: str, label: str | None, default: str) -> str:
    return label or field_label(field) or default


def parse_volume(
    raw: object, *, field: str = "volume", allow_negative: bool = False, label: str | None = None
) -> int:
    """'123.45' → 12345 (hundredths of m³). Floats are refused (they are not exact); at most two decimals.

    Errors name the field by its Chinese label (``label``, else the one ``labels`` knows for ``field``)."""
    name = _name(field, label, "水量")
    if isinstance(raw, bool) or isinstance(raw, float):
        raise WaterPlanError(
            "volume_not_exact", f'{name}：水量请写成字符串或整数（如 "123.45"），不接受浮点数。', field=field
        )
    if isinstance(raw, int):
        value = raw * SCALE
    else:
        text = str(raw).strip().replace(",", "")
        if not _VOLUME_RE.fullmatch(text):
            what = f"“{raw}”不是水量" if text else "请填写水量"
            raise WaterPlanError("volume_format", f"{name}：{what}（立方米，最多两位小数）。", field=field)
        value = int(Decimal(text) * SCALE)
    if value < 0 and not allow_negative:
        raise WaterPlanError("volume_negative", f"{name}：水量不能为负数（收到 {raw}）。", field=field)
    return value


def format_volume(m3x100: int) -> str:
    """12345 → '123.45'."""
    sign = "-" if m3x100 < 0 else ""
    whole, frac = divmod(abs(int(m3x100)), SCALE)
    return f"{sign}{whole}.{frac:02d}"


def parse_decimal(
    raw: object, *, field: str, max_places: int = 4, positive: bool = True, label: str | None = None
) -> Fraction:
    """An exact non-negative quantity (quota value, quantity, pressure, growth rate) as a Fraction."""
    name = _name(field, label, "数值")
    if isinstance(raw, bool) or isinstance(raw, float):
        raise WaterPlanError("number_not_exact", f"{name}：请写成字符串或整数，不接受浮点数。", field=field)
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise WaterPlanError("number_format", f"{name}：“{raw}”不是数值。", field=field) from None
    if not number.is_finite():
        raise WaterPlanError("number_format", f"{name}：“{raw}”不是数值。", field=field)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_places:
        raise WaterPlanError(
            "number_places", f"{name}：最多 {max_places} 位小数（收到 {raw}）。", field=field
        )
    if number < 0 or (positive and number == 0):
        raise WaterPlanError(
            "number_range", f"{name}：应为{'正数' if positive else '非负数'}（收到 {raw}）。", field=field
        )
    return Fraction(number)


def fraction_text(value: Fraction, places: int = 4) -> str:
    """An exact value for a trace: '123.4567' (rounded half up for display only)."""
    exact = value if isinstance(value, Fraction | int) else Fraction(value)
    return ratio_text(exact.numerator, exact.denominator, places)


def ratio_text(num: int, den: int, places: int = 4) -> str:
    """``fraction_text`` of num/den (den > 0) without making a Fraction: a notice batch formats hundreds of
    thousands of band volumes."""
    # In integers: (2·|p|·10^k + q) // 2q is the same whether or not p·10^k/q is reduced first.
    n = (abs(num) * 10**places * 2 + den) // (2 * den)
    sign = "-" if num < 0 else ""
    whole, frac = divmod(n, 10**places)
    digits = f"{frac:0{places}d}"
    while len(digits) > 2 and digits.endswith("0"):
        digits = digits[:-1]
    return f"{sign}{whole}.{digits}"
