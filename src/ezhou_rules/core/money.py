"""Money: amounts are integer fen (分); rounding is half up (away from zero), never half-to-even.

Floats never touch an amount: a binary float cannot hold 0.1 yuan exactly, and numpy's and Python's
``round`` round half to even, while Chinese payment practice (and every "四舍五入" in the gazette) rounds
half up. So yuan are parsed from text or Decimal, and a share of an amount (65% of an expense) is computed
with integers only: ``round_half_up(fen * numerator, denominator)``.

Negative amounts (refunds, corrections) round symmetrically: -0.5 fen becomes -1 fen, so that
``round(-x) == -round(x)`` and a reversal exactly cancels the original entry.
"""

from __future__ import annotations

import functools
import operator
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import overload

import numpy as np
import numpy.typing as npt

INT64_MAX = int(np.iinfo(np.int64).max)

IntArray = npt.NDArray[np.int64]


class MoneyError(ValueError):
    """An amount that cannot be taken exactly. ``code`` is a stable machine code for APIs and logs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# -- parsing -----------------------------------------------------------------------------------------------

# Grouping commas must be well placed ("1,234.5" yes, "12,34" no): a misplaced comma usually means the
# clerk typed a decimal comma, and reading it as a thousands separator would multiply the amount by 100.
_YUAN_RE = re.compile(
    r"(?P<sign>[+-]?)[¥￥]?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d*))?元?",
)


def parse_yuan(value: str | Decimal | int) -> int:
    """Exact yuan → fen: ``parse_yuan("1234.5") == 123450``.

    Text may carry grouping commas, a leading ¥ and a trailing 元 (so ``format_yuan`` output parses back).
    Text with more than two decimal places is refused even when the extra digits are zeros ("1.230" is
    more likely a mistyped "1,230" than 1.23 yuan). A Decimal is accepted when its value is a whole number
    of fen, whatever its stored exponent (a database column with three decimal places gives 1.230).
    An int is whole yuan. A float is always refused: it is not exact.
    """
    if isinstance(value, bool):
        raise MoneyError("金额不能是布尔值。", "invalid_type")
    if isinstance(value, float | np.floating):
        raise MoneyError(
            f'金额 {value!r} 是浮点数，无法精确表示到分；请以文本（如 "1234.50"）或 Decimal 给出。',
            "float_not_allowed",
        )
    if isinstance(value, int | np.integer):
        return _check_range(int(value) * 100, str(value))
    if isinstance(value, Decimal):
        return _parse_decimal(value)
    if isinstance(value, str):
        return _parse_text(value)
    raise MoneyError(f"无法识别的金额类型 {type(value).__name__}。", "invalid_type")


def _parse_text(text: str) -> int:
    m = _YUAN_RE.fullmatch(text.strip())
    if not m:
        raise MoneyError(f"“{text}”不是有效的金额；应为如 1234.56 的数字（单位：元）。", "invalid_format")
    frac = m["frac"]
    if frac is not None and len(frac) > 2:
        raise MoneyError(f"金额“{text}”的小数超过两位；金额只能精确到分。", "too_many_decimals")
    if frac == "":
        raise MoneyError(f"“{text}”不是有效的金额：小数点后没有数字。", "invalid_format")
    fen = int(m["int"].replace(",", "")) * 100 + int((frac or "").ljust(2, "0"))
    return _check_range(-fen if m["sign"] == "-" else fen, text)


def _parse_decimal(value: Decimal) -> int:
    if not value.is_finite():
        raise MoneyError(f"金额 {value} 不是有限数。", "not_finite")
    try:
        scaled = value.scaleb(2)
        fen = int(scaled)
    except (InvalidOperation, OverflowError) as exc:
        raise MoneyError(f"金额 {value} 无法换算为分。", "invalid_format") from exc
    if fen != scaled:
        raise MoneyError(f"金额 {value} 的小数超过两位；金额只能精确到分。", "too_many_decimals")
    return _check_range(fen, str(value))


def _check_range(fen: int, shown: str) -> int:
    # Amounts travel in int64 columns; refusing here is better than a silent wrap-around later.
    if abs(fen) > INT64_MAX:
        raise MoneyError(f"金额 {shown} 超出可处理的范围。", "out_of_range")
    return fen


def fen_to_decimal(fen: int) -> Decimal:
    """Fen → yuan as an exact Decimal with two places (for exports and APIs that want yuan)."""
    return Decimal(operator.index(fen)).scaleb(-2)


# -- rounding ----------------------------------------------------------------------------------------------


@overload
def round_half_up(value: int | Decimal | Fraction, den: int = 1) -> int: ...
@overload
def round_half_up(value: IntArray, den: int | IntArray = 1) -> IntArray: ...


def round_half_up(value: int | Decimal | Fraction | IntArray, den: int | IntArray = 1) -> int | IntArray:
    """value / den rounded to the nearest integer, ties away from zero (四舍五入).

    Scalars may be int, Decimal or Fraction; arrays must be integer arrays (a float array is refused, it
    has already lost exactness). ``den`` lets a caller divide exactly first: ``round_half_up(fen, 100)``
    is the amount rounded to whole yuan, in yuan.
    """
    if isinstance(value, np.ndarray) or isinstance(den, np.ndarray):
        return _round_div_array(np.asarray(value), np.asarray(den))
    if isinstance(value, bool) or isinstance(value, float | np.floating):
        raise MoneyError(
            "round_half_up 不接受浮点数或布尔值；请使用整数、Decimal 或 Fraction。", "float_not_allowed"
        )
    den_i = operator.index(den)
    if den_i == 0:
        raise MoneyError("除数不能为零。", "zero_division")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(f"{value} 不是有限数。", "not_finite")
        exact = Fraction(value) / den_i
    elif isinstance(value, Fraction):
        exact = value / den_i
    else:
        exact = Fraction(operator.index(value), den_i)
    q, r = divmod(abs(exact.numerator), exact.denominator)
    q += 2 * r >= exact.denominator
    return -q if exact < 0 else q


def _round_div_array(num: np.ndarray, den: np.ndarray) -> IntArray:
    for arr, label in ((num, "被除数"), (den, "除数")):
        if arr.dtype.kind not in "iu":
            raise MoneyError(
                f"{label}必须是整数数组（当前为 {arr.dtype}）；浮点数无法保证精确。", "float_not_allowed"
            )
    num = num.astype(np.int64, copy=False)
    den = den.astype(np.int64, copy=False)
    if num.size == 0 or den.size == 0:
        if np.any(den == 0):
            raise MoneyError("除数不能为零。", "zero_division")
        return np.broadcast_arrays(num, den)[0].astype(np.int64)
    num_min, num_max = int(num.min()), int(num.max())
    den_min, den_max = int(den.min()), int(den.max())
    if den_min <= 0 <= den_max and np.any(den == 0):
        raise MoneyError("除数不能为零。", "zero_division")
    if num_min == -INT64_MAX - 1:
        raise MoneyError("金额超出可处理的范围。", "out_of_range")
    if den.ndim and den_min == den_max:
        # a constant divisor column (one ratio for every row) divides like a scalar
        den = np.broadcast_to(np.int64(den_min), np.broadcast_shapes(num.shape, den.shape))
        if num.shape != den.shape:
            num = np.broadcast_to(num, den.shape)
        den_arg: np.ndarray | int = den_min
    else:
        den_arg = den
    biggest = max(-num_min, num_max)
    if den_min > 0 and 2 * biggest + den_max <= INT64_MAX:
        # Positive divisors (every ratio): half up is ⌊(2·|num| + den) / (2·den)⌋, one division and no
        # remainder; numpy divides by a scalar without a hardware division per row.
        out = (num if num_min >= 0 else np.abs(num)) * 2 + den_arg
        out //= den_arg * 2
        if num_min < 0:
            out = np.where(num < 0, -out, out)
        return out.astype(np.int64, copy=False)
    sign = np.sign(num) * np.sign(den)
    a_num, a_den = np.abs(num), np.abs(den)
    # divmod on magnitudes then "remainder at least half" — doubling the remainder (< den) cannot
    # overflow where doubling the numerator could.
    q, r = np.divmod(a_num, a_den)
    q = q + (2 * r >= a_den)
    return (sign * q).astype(np.int64)


@overload
def mul_ratio_half_up(fen: int, num: int | Fraction, den: int = 1) -> int: ...
@overload
def mul_ratio_half_up(fen: IntArray, num: int | Fraction | IntArray, den: int | IntArray = 1) -> IntArray: ...
@overload
def mul_ratio_half_up(fen: int | IntArray, num: IntArray, den: int | IntArray = 1) -> IntArray: ...


def mul_ratio_half_up(
    fen: int | IntArray, num: int | Fraction | IntArray, den: int | IntArray = 1
) -> int | IntArray:
    """round_half_up(fen × num / den) in integers only: 65% of 12345 fen is ``mul_ratio_half_up(12345, 65, 100)``.

    ``num`` may be a Fraction (a ratio parameter), then ``den`` multiplies its denominator. Arrays
    broadcast (a per-row ratio is two int arrays). The product fen × num must fit in int64; the check is
    done up front because numpy integer overflow wraps around silently.
    """
    if isinstance(num, Fraction):
        den = num.denominator * den
        num = num.numerator
    if isinstance(fen, np.ndarray) or isinstance(num, np.ndarray) or isinstance(den, np.ndarray):
        fen_a, num_a = np.asarray(fen), np.asarray(num)
        for arr, label in ((fen_a, "金额"), (num_a, "比例分子")):
            if arr.dtype.kind not in "iu":
                raise MoneyError(
                    f"{label}必须是整数数组（当前为 {arr.dtype}）；浮点数无法保证精确。", "float_not_allowed"
                )
        if fen_a.size and num_a.size:
            biggest = _max_abs(fen_a) * _max_abs(num_a)
            if biggest > INT64_MAX:
                raise MoneyError("金额与比例的乘积超出可处理的范围。", "overflow")
        product = fen_a.astype(np.int64, copy=False) * num_a.astype(np.int64, copy=False)
        return _round_div_array(product, np.asarray(den))
    return round_half_up(operator.index(fen) * operator.index(num), operator.index(den))


def _max_abs(arr: np.ndarray) -> int:
    return max(abs(int(arr.min())), abs(int(arr.max())))


# -- formatting --------------------------------------------------------------------------------------------


def _grouped(fen: int) -> str:
    fen = operator.index(fen)
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{cents:02d}"


def format_yuan(fen: int) -> str:
    """123456 → "1,234.56元"; -5 → "-0.05元"."""
    return f"{_grouped(fen)}元"


def format_yuan_symbol(fen: int) -> str:
    """123456 → "¥1,234.56"; the minus goes before the symbol: "-¥0.05"."""
    text = _grouped(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


_CAPITAL_LIMIT_FEN = 10**18  # cn2an reads at most 16 integer digits


def format_capital(fen: int) -> str:
    """Amount in 中文大写 as on a payment voucher: 123456 → "人民币壹仟贰佰叁拾肆元伍角陆分".

    Follows 《正确填写票据和结算凭证的基本规定》: "整" after 元 when there are no 角 and 分
    (100000 → 人民币壹仟元整), none after 角 or 分, and "零" when 角 is zero but 分 is not
    (100005 → 人民币壹仟元零伍分). Where those rules allow writing 零 or not (壹仟陆佰捌拾元[零]叁角贰分),
    this writes it not, as cn2an does. A negative amount has no 大写 form on a voucher and is refused.
    """
    fen = operator.index(fen)
    if fen < 0:
        raise MoneyError("负数金额没有大写形式；请写明“退还”或“冲减”并使用正数金额。", "negative_amount")
    if fen >= _CAPITAL_LIMIT_FEN:
        raise MoneyError("金额过大，无法写成大写。", "out_of_range")
    yuan, cents = divmod(fen, 100)
    if yuan < 10**8:
        return "人民币" + _capital_below_yi(yuan, cents)
    import cn2an  # imported late: only document output needs it, and it takes ~0.1 s to import

    return "人民币" + cn2an.an2cn(f"{yuan}.{cents:02d}", "rmb")


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")


@functools.cache  # at most 9,999 groups
def _group(n: int) -> str:
    """1–9999 in 大写 as cn2an writes a group: 壹仟零壹拾 (one 零 for a run of zeros before a digit, none at the
    end; 10 is 壹拾)."""
    out: list[str] = []
    zero = False
    for place, d in zip(_PLACES, f"{n:04d}", strict=True):
        if d == "0":
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[int(d)] + place)
    return "".join(out)


def _capital_below_yi(yuan: int, cents: int) -> str:
    """``format_capital`` below 1亿元 (every amount a notice charges) without cn2an, which costs ~10 µs an
    amount when a batch writes tens of thousands; the same words (``test_money`` compares the two)."""
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    words = ""
    if yuan:
        high, low = divmod(yuan, 10000)
        if high:
            words = _group(high) + "万" + (("零" if low < 1000 else "") + _group(low) if low else "")
        else:
            words = _group(low)
        words += "元"
    if cents == 0:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    return words + (_DIGITS[fen] + "分" if fen else "")
