"""Identifiers: resident ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015), masking.

Validation is written here rather than delegated to python-stdnum (whose check-digit results the tests
compare against) for three reasons: stdnum's ``cn.ric.is_valid`` raises ``KeyError`` for a county code its
birthplace table lacks (420721 under 鄂州's 4207); its birthplace table is incomplete, so a real citizen's
number would be refused; and the platform validates whole columns at once.

Interpretation choices:

- A resident ID is valid when it has 18 characters, 17 digits and a digit-or-X check character, a real
  birth date (year 1800 or later, and not after the reference date when one is given) and the right check
  character. The address code (first six digits) is *not* checked against a division table: counties are
  created, renamed and merged, and a number stays the person's for life.
- A unified social credit code follows GB 32100-2015: position 1 (登记管理部门) and 2 (机构类别) from the
  31-symbol alphabet, positions 3–8 digits (division code), 9–17 from the alphabet, 18 the check character.
  stdnum wants digits in positions 1–8, which would refuse codes issued by the agriculture departments
  (N…, e.g. rural collective economic organisations); this does not.
- Age is in full years (周岁) and goes up on the birthday itself; someone born on 29 February gains a year
  on 1 March in common years.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import numpy as np
import numpy.typing as npt

RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
RIC_CHECK = "10X98765432"  # indexed by (Σ aᵢwᵢ) mod 11
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)

_MIN_BIRTH_YEAR = 1800


class InvalidIdentifier(ValueError):
    """An identifier failing a check; ``code`` says which (length, format, birth_date, …)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


# What each failure code means to the person who typed the number.
RIC_MESSAGES: dict[str, str] = {
    "length": "公民身份号码应为18位（15位旧号码请换用18位号码）",
    "format": "公民身份号码前17位应为数字，最后一位应为数字或X",
    "check_digit": "公民身份号码校验码不符，请核对是否输错",
    "birth_date": "公民身份号码中的出生日期不是有效日期",
    "birth_date_future": "公民身份号码中的出生日期晚于当前日期",
}
USCC_MESSAGES: dict[str, str] = {
    "length": "统一社会信用代码应为18位",
    "format": "统一社会信用代码含有不允许的字符（第3至8位应为数字，其余不含I、O、Z、S、V）",
    "check_digit": "统一社会信用代码校验码不符，请核对是否输错",
}


def _normalise(values: npt.ArrayLike) -> npt.NDArray[np.str_]:
    arr = np.asarray(values, dtype=str)
    if arr.size == 0:  # numpy's string functions fail on an empty array
        return arr
    return np.char.replace(np.char.upper(np.char.strip(arr)), " ", "")


def _codepoints(arr: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
    """(n, 18) code points; shorter strings are padded with 0, which no check accepts."""
    fixed = np.ascontiguousarray(arr.astype("<U18"))
    return fixed.view(np.uint32).reshape(-1, 18).astype(np.int64)


# -- resident ID -------------------------------------------------------------------------------------------


def check_resident_ids(values: npt.ArrayLike, on: dt.date | None = None) -> npt.NDArray[np.str_]:
    """For each number, "" if valid, else the code of the first failed check (see ``RIC_MESSAGES``).

    Checks run in the order length, format, check digit, birth date: a mistyped digit is reported as
    the check-digit failure it most likely is. ``on`` (optional) refuses birth dates after it.
    """
    arr = _normalise(values).reshape(-1)
    out = np.full(arr.shape, "", dtype="<U17")
    if arr.size == 0:
        return out
    cps = _codepoints(arr)
    digits = cps - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    body_ok = is_digit[:, :17].all(axis=1) & (is_digit[:, 17] | (cps[:, 17] == ord("X")))
    total = (np.where(is_digit[:, :17], digits[:, :17], 0) * RIC_WEIGHTS).sum(axis=1) % 11
    expected = np.array([ord(c) for c in RIC_CHECK], dtype=np.int64)[total]
    check_ok = cps[:, 17] == expected

    d = np.where(is_digit, digits, 0)
    year = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    month = d[:, 10] * 10 + d[:, 11]
    day = d[:, 12] * 10 + d[:, 13]
    date_ok = _real_dates(year, month, day) & (year >= _MIN_BIRTH_YEAR)

    length_ok = np.char.str_len(arr) == 18
    out[~length_ok] = "length"
    out[length_ok & ~body_ok] = "format"
    good_so_far = length_ok & body_ok
    out[good_so_far & ~check_ok] = "check_digit"
    good_so_far &= check_ok
    out[good_so_far & ~date_ok] = "birth_date"
    if on is not None:
        good_so_far &= date_ok
        future = good_so_far & (year * 10000 + month * 100 + day > on.year * 10000 + on.month * 100 + on.day)
        out[future] = "birth_date_future"
    return out


def _real_dates(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    dim = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last = dim[np.where(month_ok, month, 0)] + (leap & (month == 2))
    return month_ok & (day >= 1) & (day <= last)


def valid_resident_ids(values: npt.ArrayLike, on: dt.date | None = None) -> npt.NDArray[np.bool_]:
    return check_resident_ids(values, on) == ""


def validate_resident_id(number: str, on: dt.date | None = None) -> str:
    """The normalised number (spaces removed, x → X), or InvalidIdentifier naming the failed check."""
    code = str(check_resident_ids([number], on)[0])
    if code:
        raise InvalidIdentifier(f"{RIC_MESSAGES[code]}。", code)
    return str(_normalise([number])[0])


def is_valid_resident_id(number: str, on: dt.date | None = None) -> bool:
    return not str(check_resident_ids([number], on)[0])


def resident_id_check_char(first17: str) -> str:
    """The check character for 17 digits (for test data and for telling a clerk what was expected)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdentifier("计算校验码需要17位数字。", "format")
    return RIC_CHECK[sum(int(c) * int(w) for c, w in zip(first17, RIC_WEIGHTS, strict=True)) % 11]


def birth_date(number: str) -> dt.date:
    """Birth date from a resident ID (validated first)."""
    n = validate_resident_id(number)
    return dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))


def age_on(number: str, on: dt.date) -> int:
    """Age in full years (周岁) on ``on``; the year is gained on the birthday itself."""
    born = birth_date(number)
    if born > on:
        raise InvalidIdentifier(f"{RIC_MESSAGES['birth_date_future']}。", "birth_date_future")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def sex(number: str) -> Sex:
    """The 17th digit (顺序码的末位) is odd for men, even for women."""
    return Sex.MALE if int(validate_resident_id(number)[16]) % 2 else Sex.FEMALE


def birth_dates(values: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Birth dates of a column of IDs as datetime64[D]; NaT where the number is not valid."""
    arr = _normalise(values).reshape(-1)
    ok = check_resident_ids(arr) == ""
    out = np.full(arr.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        good = arr[ok]
        iso = np.char.add(
            np.char.add(np.char.add(np.char.add(_slice(good, 6, 10), "-"), _slice(good, 10, 12)), "-"),
            _slice(good, 12, 14),
        )
        out[ok] = iso.astype("datetime64[D]")
    return out


def _slice(arr: npt.NDArray[np.str_], start: int, stop: int) -> npt.NDArray[np.str_]:
    cps = _codepoints(arr)[:, start:stop].astype(np.uint32)
    return np.ascontiguousarray(cps).view(f"<U{stop - start}").reshape(-1)


def ages_on(values: npt.ArrayLike, on: dt.date) -> npt.NDArray[np.int64]:
    """Ages in full years on ``on`` for a column of IDs; -1 where the number is not valid or born later."""
    born = birth_dates(values)
    valid = ~np.isnat(born)
    y = born.astype("datetime64[Y]").astype(np.int64) + 1970
    m = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (born - born.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    age = on.year - y - ((on.month * 100 + on.day) < (m * 100 + d))
    return np.where(valid & (age >= 0), age, -1).astype(np.int64)


# -- unified social credit code ----------------------------------------------------------------------------

_USCC_VALUE = np.full(128, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i


def check_usccs(values: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """For each code, "" if valid, else "length", "format" or "check_digit"."""
    arr = _normalise(values).reshape(-1)
    out = np.full(arr.shape, "", dtype="<U11")
    if arr.size == 0:
        return out
    cps = _codepoints(arr)
    vals = np.where(cps < 128, _USCC_VALUE[np.minimum(cps, 127)], -1)
    in_alphabet = (vals >= 0).all(axis=1)
    division_digits = (vals[:, 2:8] <= 9).all(axis=1)
    total = (np.where(vals[:, :17] >= 0, vals[:, :17], 0) * USCC_WEIGHTS).sum(axis=1)
    check_ok = vals[:, 17] == (31 - total % 31) % 31

    length_ok = np.char.str_len(arr) == 18
    out[~length_ok] = "length"
    format_ok = length_ok & in_alphabet & division_digits
    out[length_ok & ~format_ok] = "format"
    out[format_ok & ~check_ok] = "check_digit"
    return out


def validate_uscc(code: str) -> str:
    failed = str(check_usccs([code])[0])
    if failed:
        raise InvalidIdentifier(f"{USCC_MESSAGES[failed]}。", failed)
    return str(_normalise([code])[0])


def is_valid_uscc(code: str) -> bool:
    return not str(check_usccs([code])[0])


def uscc_check_char(first17: str) -> str:
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise InvalidIdentifier("计算校验码需要17位代码字符。", "format")
    total = sum(USCC_ALPHABET.index(c) * int(w) for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


# -- masking for display -----------------------------------------------------------------------------------
# Masking does not validate: a wrong number already stored must still be hidden when shown.


def _keep_ends(text: str, head: int, tail: int) -> str:
    text = text.strip()
    if len(text) <= head + tail:
        # Too short to keep both ends and still hide something: show only the last two characters.
        return "*" * max(len(text) - 2, 0) + text[-2:] if len(text) > 2 else "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_resident_id(number: str) -> str:
    """ "420***********123X": the first 3 (province and prefecture digit) and the last 4 are kept."""
    return _keep_ends(number.upper(), 3, 4)


def mask_phone(phone: str) -> str:
    """ "13812341234" → "138****1234"."""
    return _keep_ends(phone.replace(" ", "").replace("-", ""), 3, 4)


def mask_uscc(code: str) -> str:
    """ "91420700…" → "914207********123X": authority, category and prefecture stay readable for staff."""
    return _keep_ends(code.upper(), 6, 4)


def mask_bank_account(number: str) -> str:
    """ "6222021234567890123" → "***************0123": the last 4 digits only, as a bank's own statements show
    them (enough to tell two accounts of one holder apart; nothing to pay into)."""
    digits = number.replace(" ", "").replace("-", "")
    return _keep_ends(digits, 0, 4) if len(digits) > 4 else "*" * len(digits)


# Common two-character surnames (复姓); a three-character or longer name starting with one keeps both.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 端木 万俟 澹台 "
    "公冶 宗政 濮阳 淳于 单于 太叔 申屠 赫连 呼延 南宫 独孤 西门 百里 东郭 拓跋 第五 司空 左丘 "
    "亓官 仲孙 鲜于 梁丘 谷梁 公羊 巫马 颛孙 壤驷 乐正 漆雕 子车 司寇 羊舌 微生 段干 拓拔".split()
)


def mask_name(name: str) -> str:
    """ "张三" → "张*", "欧阳娜娜" → "欧阳**"; a name of one character becomes "*"; "·" stays visible."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "".join(ch if ch in "·•" else "*" for ch in name[keep:])
