from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.money import (
    MoneyError,
    fen_to_decimal,
    format_capital,
    format_yuan,
    format_yuan_symbol,
    mul_ratio_half_up,
    parse_yuan,
    round_half_up,
)

# -- parse_yuan --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.5", 123450),  # 1234 yuan 5 jiao
        ("1234.56", 123456),
        ("1234", 123400),
        ("0.01", 1),
        ("0.1", 10),
        ("  7.05 ", 705),
        ("1,234.56", 123456),
        ("1,234,567", 123456700),
        ("¥1,234.56", 123456),
        ("1,234.56元", 123456),
        ("-0.05", -5),
        ("+3", 300),
        ("0", 0),
    ],
)
def test_parse_yuan_text(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (Decimal("1234.5"), 123450),
        (Decimal("1.230"), 123),  # stored with three places but exactly 1.23 yuan
        (Decimal("-0.01"), -1),
        (Decimal("1E+2"), 10000),  # 100 yuan
        (12, 1200),  # int = whole yuan
    ],
)
def test_parse_yuan_decimal_and_int(value: Decimal | int, fen: int) -> None:
    assert parse_yuan(value) == fen


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.234", "too_many_decimals"),
        ("1.230", "too_many_decimals"),  # text: a third decimal is refused even if zero
        (Decimal("1.234"), "too_many_decimals"),
        (Decimal("NaN"), "not_finite"),
        (Decimal("Infinity"), "not_finite"),
        (1.5, "float_not_allowed"),
        (np.float64(1.5), "float_not_allowed"),
        ("abc", "invalid_format"),
        ("", "invalid_format"),
        ("1.", "invalid_format"),
        ("12,34", "invalid_format"),  # misplaced grouping comma
        ("1.2.3", "invalid_format"),
        ("1e3", "invalid_format"),
        ("一百", "invalid_format"),
        (True, "invalid_type"),
        ("99999999999999999999", "out_of_range"),  # 10^20 yuan = 10^22 fen > int64
    ],
)
def test_parse_yuan_refuses(value: object, code: str) -> None:
    with pytest.raises(MoneyError) as info:
        parse_yuan(value)  # type: ignore[arg-type]
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    # The message is for a person: Chinese text.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_parse_format_roundtrip() -> None:
    for fen in (0, 1, 99, 100, 123456, -123456, 100000000):
        assert parse_yuan(format_yuan(fen)) == fen
        assert parse_yuan(format_yuan_symbol(fen).replace("-¥", "-")) == fen


def test_fen_to_decimal() -> None:
    assert fen_to_decimal(123456) == Decimal("1234.56")
    assert str(fen_to_decimal(-5)) == "-0.05"


# -- round_half_up -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "den", "expected"),
    [
        (5, 10, 1),  # 0.5 → 1 (half-to-even would give 0)
        (15, 10, 2),  # 1.5 → 2
        (25, 10, 3),  # 2.5 → 3 (half-to-even would give 2)
        (24, 10, 2),  # 2.4 → 2
        (26, 10, 3),
        (-5, 10, -1),  # symmetric: -0.5 → -1
        (-25, 10, -3),
        (-24, 10, -2),
        (7, 1, 7),
        (5, -10, -1),  # a negative denominator moves the sign
        (123456, 100, 1235),  # 1234.56 yuan → 1235 yuan
        (123449, 100, 1234),
    ],
)
def test_round_half_up_int(value: int, den: int, expected: int) -> None:
    assert round_half_up(value, den) == expected


def test_round_half_up_decimal_and_fraction() -> None:
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("-2.5")) == -3
    assert round_half_up(Decimal("2.4999")) == 2
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(Fraction(1, 3)) == 0
    assert round_half_up(Fraction(2, 3)) == 1
    # Decimal with a denominator: 10.05 / 2 = 5.025 → 5
    assert round_half_up(Decimal("10.05"), 2) == 5


def test_round_half_up_refuses_float_and_zero() -> None:
    with pytest.raises(MoneyError) as info:
        round_half_up(2.5)  # type: ignore[call-overload]
    assert info.value.code == "float_not_allowed"
    with pytest.raises(MoneyError) as info:
        round_half_up(5, 0)
    assert info.value.code == "zero_division"
    with pytest.raises(MoneyError) as info:
        round_half_up(np.array([1.5, 2.5]))  # type: ignore[call-overload]
    assert info.value.code == "float_not_allowed"


def test_round_half_up_array() -> None:
    values = np.array([5, 15, 25, -5, -25, 24, 0], dtype=np.int64)
    # /10: 0.5→1, 1.5→2, 2.5→3, -0.5→-1, -2.5→-3, 2.4→2, 0→0
    assert round_half_up(values, 10).tolist() == [1, 2, 3, -1, -3, 2, 0]
    assert round_half_up(values, 10).dtype == np.int64
    # per-row denominators: 7/2=3.5→4, 7/3=2.33→2, 7/4=1.75→2
    assert round_half_up(np.array([7, 7, 7]), np.array([2, 3, 4])).tolist() == [4, 2, 2]


def test_round_half_up_array_near_int64_limit() -> None:
    # 2 × numerator would overflow; the remainder-based rounding must not.
    big = np.iinfo(np.int64).max  # 9223372036854775807
    # big / 2 = 4611686018427387903.5 → ...904
    assert round_half_up(np.array([big]), 2).tolist() == [4611686018427387904]


# -- mul_ratio_half_up -------------------------------------------------------------------------------------


def test_mul_ratio_scalar() -> None:
    # 65% of 12345 fen = 8024.25 → 8024
    assert mul_ratio_half_up(12345, 65, 100) == 8024
    # 65% of 12347 fen = 8025.55 → 8026
    assert mul_ratio_half_up(12347, 65, 100) == 8026
    # 65% of 10 fen = 6.5 → 7 (half up), 65% of -10 = -6.5 → -7 (symmetric)
    assert mul_ratio_half_up(10, 65, 100) == 7
    assert mul_ratio_half_up(-10, 65, 100) == -7
    # a Fraction ratio: 13/20 is 65%
    assert mul_ratio_half_up(10, Fraction(13, 20)) == 7
    # Fraction and den multiply: (13/20)/2 = 32.5% of 100 fen = 32.5 → 33
    assert mul_ratio_half_up(100, Fraction(13, 20), 2) == 33


def test_mul_ratio_array() -> None:
    fen = np.array([12345, 12347, 10, -10, 0, 1, 3], dtype=np.int64)
    # ×0.65: 8024.25→8024, 8025.55→8026, 6.5→7, -6.5→-7, 0, 0.65→1, 1.95→2
    out = mul_ratio_half_up(fen, 65, 100)
    assert out.tolist() == [8024, 8026, 7, -7, 0, 1, 2]
    assert out.dtype == np.int64
    # Per-row ratio: 100 fen × 1/3 = 33.33→33; × 2/3 = 66.67→67; × 1/2 = 50
    nums, dens = np.array([1, 2, 1]), np.array([3, 3, 2])
    assert mul_ratio_half_up(np.array([100, 100, 100]), nums, dens).tolist() == [33, 67, 50]


def test_mul_ratio_agrees_with_exact_fractions() -> None:
    rng = np.random.default_rng(7)
    fen = rng.integers(-(10**9), 10**9, size=2000)
    num, den = 37, 120
    out = mul_ratio_half_up(fen, num, den)
    expected = [round_half_up(Fraction(int(f) * num, den)) for f in fen]
    assert out.tolist() == expected


def test_mul_ratio_overflow_and_float_refused() -> None:
    with pytest.raises(MoneyError) as info:
        mul_ratio_half_up(np.array([10**15]), 10**5, 100)  # 10^20 > int64 max ≈ 9.22 × 10^18
    assert info.value.code == "overflow"
    with pytest.raises(MoneyError) as info:
        mul_ratio_half_up(np.array([1.0]), 65, 100)
    assert info.value.code == "float_not_allowed"


# -- formatting --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "plain", "symbol"),
    [
        (123456, "1,234.56元", "¥1,234.56"),
        (0, "0.00元", "¥0.00"),
        (5, "0.05元", "¥0.05"),
        (100, "1.00元", "¥1.00"),
        (123456789, "1,234,567.89元", "¥1,234,567.89"),
        (-123456, "-1,234.56元", "-¥1,234.56"),
    ],
)
def test_format_yuan(fen: int, plain: str, symbol: str) -> None:
    assert format_yuan(fen) == plain
    assert format_yuan_symbol(fen) == symbol


def test_format_yuan_numpy_scalar() -> None:
    assert format_yuan(np.int64(123456)) == "1,234.56元"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "capital"),
    [
        (123456, "人民币壹仟贰佰叁拾肆元伍角陆分"),
        (100000, "人民币壹仟元整"),  # whole yuan: 整
        (100005, "人民币壹仟元零伍分"),  # 角 is zero, 分 is not: 零
        (0, "人民币零元整"),
        (5, "人民币伍分"),
        (50, "人民币伍角"),  # nothing after 角
        (100, "人民币壹元整"),
        (1000, "人民币壹拾元整"),  # 10 is 壹拾 on a voucher, not 拾
        (1500, "人民币壹拾伍元整"),
        (140950, "人民币壹仟肆佰零玖元伍角"),  # the regulation's own example ¥1409.50
        (600714, "人民币陆仟零柒元壹角肆分"),  # ¥6007.14
        (168032, "人民币壹仟陆佰捌拾元叁角贰分"),  # ¥1680.32 (零 before 叁角 is optional; omitted)
        (10700053, "人民币壹拾万柒仟元伍角叁分"),  # ¥107000.53
        (1000100, "人民币壹万零壹元整"),  # 10001 yuan
        (100010000, "人民币壹佰万零壹佰元整"),  # 1000100 yuan
        (10000000000, "人民币壹亿元整"),
        (10001000000, "人民币壹亿零壹万元整"),
        (4000009, "人民币肆万元零玖分"),
        (3002005, "人民币叁万零贰拾元零伍分"),
        (30000000, "人民币叁拾万元整"),
    ],
)
def test_format_capital(fen: int, capital: str) -> None:
    assert format_capital(fen) == capital


def _cn2an_capital(fen: int) -> str:
    import cn2an

    yuan, cents = divmod(fen, 100)
    return "人民币" + cn2an.an2cn(f"{yuan}.{cents:02d}", "rmb")


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.integers(0, 10**10 - 1),  # the words written without cn2an: below 1亿元
        st.integers(0, 9999).map(lambda g: g * 100),  # one group of yuan
        st.tuples(st.integers(1, 9999), st.sampled_from([0, 1, 10, 99, 100, 999, 1000, 1001, 9999])).map(
            lambda hl: (hl[0] * 10000 + hl[1]) * 100  # 万 and a low group with leading zeros
        ),
        st.integers(10**10, 10**18 - 1),  # cn2an's own words from 1亿元 on
    ),
    st.sampled_from([0, 1, 9, 10, 11, 50, 99]),
)
def test_format_capital_says_what_cn2an_says(fen: int, cents: int) -> None:
    # format_capital writes amounts below 1亿元 itself (a notice batch writes tens of thousands); cn2an's
    # words are the reference, with each 角/分 combination (整, 零X分, X角, X角Y分)
    amount = fen - fen % 100 + cents
    assert format_capital(amount) == _cn2an_capital(amount)


def test_format_capital_refuses_negative_and_huge() -> None:
    with pytest.raises(MoneyError) as info:
        format_capital(-1)
    assert info.value.code == "negative_amount"
    with pytest.raises(MoneyError) as info:
        format_capital(10**18)
    assert info.value.code == "out_of_range"


def test_mul_ratio_fast_path_for_payments_agrees_with_exact_fractions() -> None:
    # Non-negative amounts with one positive denominator take the lean path; it must round the same.
    rng = np.random.default_rng(11)
    fen = rng.integers(0, 10**12, size=5000)
    for num, den in ((13, 20), (1, 2), (7, 3), (55, 100), (1, 1)):
        out = mul_ratio_half_up(fen, num, den)
        assert out.dtype == np.int64
        assert out.tolist() == [round_half_up(Fraction(int(f) * num, den)) for f in fen]
    # exactly half rounds up: 65% of 10 fen = 6.5 → 7; of 30 fen = 19.5 → 20
    assert mul_ratio_half_up(np.array([10, 30]), 65, 100).tolist() == [7, 20]


# -- array fast paths (issue 15): constant or positive divisor columns, negative numerators ------------------

_I64_MAX = int(np.iinfo(np.int64).max)


def _exact(num: int, den: int) -> int:
    return round_half_up(Fraction(num, den))


@settings(max_examples=200, deadline=None)
@given(
    nums=st.lists(st.integers(-(10**15), 10**15) | st.integers(-20, 20), min_size=1, max_size=40),
    dens=st.lists(st.integers(-300, 300).filter(bool), min_size=1, max_size=1) | st.just([]),
    constant=st.booleans(),
    data=st.data(),
)
def test_round_half_up_array_agrees_with_fractions(
    nums: list[int], dens: list[int], constant: bool, data: st.DataObject
) -> None:
    # constant divisor columns, varying positive ones, and mixed signs all against exact Fractions
    n = len(nums)
    if constant or not dens:
        den_col = [dens[0] if dens else 7] * n
    else:
        den_col = data.draw(st.lists(st.integers(-300, 300).filter(bool), min_size=n, max_size=n))
    out = round_half_up(np.array(nums, dtype=np.int64), np.array(den_col, dtype=np.int64))
    assert out.dtype == np.int64
    assert out.tolist() == [_exact(a, b) for a, b in zip(nums, den_col, strict=True)]


@settings(max_examples=200, deadline=None)
@given(
    fen=st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=40),
    ratios=st.lists(
        st.tuples(st.integers(0, 200), st.sampled_from([1, 2, 3, 20, 100, 200, 7 * 11 * 13])),
        min_size=1,
        max_size=40,
    ),
    constant=st.booleans(),
)
def test_mul_ratio_array_ratios_agree_with_fractions(
    fen: list[int], ratios: list[tuple[int, int]], constant: bool
) -> None:
    n = min(len(fen), len(ratios))
    fen, ratios = fen[:n], (ratios[:1] * n if constant else ratios[:n])
    nums = np.array([r[0] for r in ratios], dtype=np.int64)
    dens = np.array([r[1] for r in ratios], dtype=np.int64)
    out = mul_ratio_half_up(np.array(fen, dtype=np.int64), nums, dens)
    assert out.tolist() == [_exact(f * a, b) for f, (a, b) in zip(fen, ratios, strict=True)]


def test_round_half_up_array_fast_path_edges() -> None:
    # 2·|num| + den just fits, and just does not (the remainder path takes over): both exact
    for big in (((_I64_MAX - 3) // 2), _I64_MAX // 2 + 1, _I64_MAX):
        for den in (np.array([3, 3]), np.array([3, 5])):
            nums = np.array([big, -big], dtype=np.int64)
            assert round_half_up(nums, den).tolist() == [
                _exact(int(a), int(b)) for a, b in zip(nums, den, strict=True)
            ]
    # a scalar numerator over a constant divisor column keeps the column's shape
    assert round_half_up(np.array(5), np.array([2, 2, 2])).tolist() == [3, 3, 3]
    assert round_half_up(np.array(-5), np.array([2, 4, 2])).tolist() == [-3, -1, -3]
    with pytest.raises(MoneyError) as info:
        round_half_up(np.array([1, 2]), np.array([3, 0]))
    assert info.value.code == "zero_division"
    assert round_half_up(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []
