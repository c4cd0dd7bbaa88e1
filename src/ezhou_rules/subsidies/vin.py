"""Vehicle identification numbers (车辆识别代号): GB 16735-2019 / ISO 3779, with the check digit at position 9.

GB 16735 requires the check digit (第9位检验位) on every vehicle made or sold in China, computed as in
ISO 3779 annex / 49 CFR 565: letters are transliterated to digits (A=1 … H=8, J=1 … N=5, P=7, R=9, S=2 … Z=9),
each position is weighted (8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2), the sum modulo 11 is the check digit and a
remainder of 10 is written X. The letters I, O and Q are never used.

vininfo (BSD-3-Clause) implements the same arithmetic but skips it for manufacturers that do not use the
check digit outside China and works one VIN object at a time, so the column check is written here with numpy;
the tests compare it with vininfo.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q
VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VALUE = np.full(128, -1, dtype=np.int64)
for _char, _v in _TRANSLITERATION.items():
    _VALUE[ord(_char)] = _v
_CHECK_CHARS = np.array([ord(c) for c in "0123456789X"], dtype=np.int64)

VIN_MESSAGES: dict[str, str] = {
    "length": "车辆识别代号（VIN）应为17位",
    "format": "车辆识别代号（VIN）只能由数字和除I、O、Q以外的大写字母组成",
    "check_digit": "车辆识别代号（VIN）第9位校验位不符（GB 16735），请核对是否输错",
}


class InvalidVin(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def normalise_vins(values: npt.ArrayLike) -> npt.NDArray[np.str_]:
    arr = np.asarray(values, dtype=str).reshape(-1)
    if arr.size == 0:
        return arr
    return np.char.replace(np.char.upper(np.char.strip(arr)), " ", "")


def check_vins(values: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """For each VIN, "" if valid, else "length", "format" or "check_digit" (see ``VIN_MESSAGES``)."""
    arr = normalise_vins(values)
    out = np.full(arr.shape, "", dtype="<U11")
    if arr.size == 0:
        return out
    length_ok = np.char.str_len(arr) == 17
    fixed = np.ascontiguousarray(arr.astype("<U17"))
    cps = fixed.view(np.uint32).reshape(-1, 17).astype(np.int64)
    vals = np.where(cps < 128, _VALUE[np.minimum(cps, 127)], -1)
    # position 9 may also be X (remainder 10), which the transliteration table gives the value 7
    in_alphabet = (vals >= 0).all(axis=1)
    total = (np.where(vals >= 0, vals, 0) * VIN_WEIGHTS).sum(axis=1) % 11
    check_ok = cps[:, 8] == _CHECK_CHARS[total]
    out[~length_ok] = "length"
    format_ok = length_ok & in_alphabet
    out[length_ok & ~format_ok] = "format"
    out[format_ok & ~check_ok] = "check_digit"
    return out


def validate_vin(vin: str) -> str:
    """The normalised VIN (upper case, spaces removed) or InvalidVin naming the failed check."""
    code = str(check_vins([vin])[0])
    if code:
        raise InvalidVin(f"{VIN_MESSAGES[code]}。", code)
    return str(normalise_vins([vin])[0])


def vin_check_digit(vin17_or_first_8_and_rest: str) -> str:
    """The check digit a 17-character VIN should carry at position 9 (the character there is ignored)."""
    vin = vin17_or_first_8_and_rest.strip().upper()
    if len(vin) != 17 or any(c not in _TRANSLITERATION for c in vin[:8] + vin[9:]):
        raise InvalidVin("计算校验位需要17位且不含I、O、Q的车辆识别代号。", "format")
    total = sum(
        _TRANSLITERATION[c] * int(w) for i, (c, w) in enumerate(zip(vin, VIN_WEIGHTS, strict=True)) if i != 8
    )
    return "0123456789X"[total % 11]
