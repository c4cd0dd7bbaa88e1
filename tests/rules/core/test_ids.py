from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from ezhou_rules.core import ids
from ezhou_rules.core.ids import InvalidIdentifier, Sex

D = dt.date

# Check characters worked out by hand. Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check = "10X98765432"[Σ mod 11].
#
# 鄂城区 420704, born 1990-03-07, sequence 123:
#   4·7 + 2·9 + 0·10 + 7·5 + 0·8 + 4·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 3·9 + 0·10 + 7·5 + 1·8 + 2·4 + 3·2
#   = 28+18+0+35+0+16+2+9+54+0+0+27+0+35+8+8+6 = 246; 246 mod 11 = 4 → "8"
EZHOU_MAN = "420704199003071238"
# The GB 11643 example 11010519491231002?:
#   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → "X"
BEIJING_WOMAN = "11010519491231002X"
# 420721 (a county code python-stdnum's table lacks under 鄂州 4207), born 2000-02-29, sequence 014:
#   28+18+0+35+16+4+4+0+0+0+0+18+20+45+0+4+8 = 200; 200 mod 11 = 2 → "X"
UNKNOWN_COUNTY = "42072120000229014X"
# Born 1990-02-30 (no such day), sequence 123, with its right check character:
#   28+18+0+35+0+16+2+9+54+0+0+18+30+0+8+8+6 = 232; 232 mod 11 = 1 → "0"
FEB_30 = "420704199002301230"


def test_check_char_by_hand_and_against_stdnum() -> None:
    for number in (EZHOU_MAN, BEIJING_WOMAN, UNKNOWN_COUNTY, FEB_30):
        assert ids.resident_id_check_char(number[:17]) == number[17]
        assert stdnum_ric.calc_check_digit(number) == number[17]


def test_valid_ids() -> None:
    assert ids.validate_resident_id(EZHOU_MAN) == EZHOU_MAN
    assert ids.validate_resident_id(" 11010519491231002x ") == BEIJING_WOMAN  # normalised
    assert ids.validate_resident_id("420704 19900307 1238") == EZHOU_MAN
    assert ids.is_valid_resident_id(BEIJING_WOMAN)


def test_unknown_county_accepted() -> None:
    # python-stdnum's is_valid raises KeyError here; the check digit and birth date decide instead.
    assert ids.is_valid_resident_id(UNKNOWN_COUNTY)
    assert ids.birth_date(UNKNOWN_COUNTY) == D(2000, 2, 29)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("42070419900307123", "length"),
        ("4207041990030712388", "length"),
        ("420704900307123", "length"),  # a 15-digit old number
        ("", "length"),
        ("42070419900307123Y", "format"),
        ("4207041990O3071238", "format"),  # letter O for zero
        ("420704199003071239", "check_digit"),  # last character changed
        ("420704199003071328", "check_digit"),  # two digits swapped
        (FEB_30, "birth_date"),
    ],
)
def test_invalid_ids(number: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        ids.validate_resident_id(number)
    assert info.value.code == code
    assert "公民身份号码" in str(info.value)
    assert not ids.is_valid_resident_id(number)


def test_birth_date_after_reference_date() -> None:
    assert ids.is_valid_resident_id(EZHOU_MAN, on=D(1990, 3, 7))
    with pytest.raises(InvalidIdentifier) as info:
        ids.validate_resident_id(EZHOU_MAN, on=D(1990, 3, 6))
    assert info.value.code == "birth_date_future"


def test_birth_date_age_sex() -> None:
    assert ids.birth_date(EZHOU_MAN) == D(1990, 3, 7)
    assert ids.age_on(EZHOU_MAN, D(2024, 3, 6)) == 33  # the day before the 34th birthday
    assert ids.age_on(EZHOU_MAN, D(2024, 3, 7)) == 34  # the birthday itself
    assert ids.age_on(EZHOU_MAN, D(1990, 3, 7)) == 0
    # born 2000-02-29: in 2023 (common year) the year is gained on 03-01
    assert ids.age_on(UNKNOWN_COUNTY, D(2023, 2, 28)) == 22
    assert ids.age_on(UNKNOWN_COUNTY, D(2023, 3, 1)) == 23
    assert ids.age_on(UNKNOWN_COUNTY, D(2024, 2, 29)) == 24
    assert ids.sex(EZHOU_MAN) is Sex.MALE and ids.sex(EZHOU_MAN).label == "男"  # 17th digit 3, odd
    assert ids.sex(BEIJING_WOMAN) is Sex.FEMALE and ids.sex(BEIJING_WOMAN).label == "女"  # 2, even
    with pytest.raises(InvalidIdentifier):
        ids.age_on(EZHOU_MAN, D(1990, 1, 1))
    with pytest.raises(InvalidIdentifier):
        ids.sex(FEB_30)


def test_vectorised() -> None:
    column = np.array([EZHOU_MAN, "bad", FEB_30, BEIJING_WOMAN.lower(), UNKNOWN_COUNTY, "420704199003071239"])
    assert ids.check_resident_ids(column).tolist() == ["", "length", "birth_date", "", "", "check_digit"]
    assert ids.valid_resident_ids(column).tolist() == [True, False, False, True, True, False]
    births = ids.birth_dates(column)
    assert births[0] == np.datetime64("1990-03-07") and np.isnat(births[1]) and np.isnat(births[2])
    assert births[3] == np.datetime64("1949-12-31")
    # ages on 2024-03-06: 33 (birthday tomorrow), -1, -1, 74 (born 1949-12-31), 24 (born 2000-02-29), -1
    assert ids.ages_on(column, D(2024, 3, 6)).tolist() == [33, -1, -1, 74, 24, -1]
    # a batch of one agrees with the scalar functions
    assert ids.check_resident_ids([EZHOU_MAN]).tolist() == [""]
    assert ids.check_resident_ids(np.array([], dtype=str)).tolist() == []


def test_vectorised_agrees_with_stdnum_check_digit() -> None:
    rng = np.random.default_rng(11)
    numbers = []
    for _ in range(500):
        body = "420704" + f"{rng.integers(1950, 2020)}0615" + "".join(str(d) for d in rng.integers(0, 10, 3))
        numbers.append(body + str(rng.choice(list("0123456789X"))))
    ours = ids.valid_resident_ids(numbers).tolist()
    theirs = [stdnum_ric.calc_check_digit(n) == n[17] for n in numbers]
    assert ours == theirs
    assert 0 < sum(ours) < len(ours)  # both outcomes were exercised


# -- unified social credit code ----------------------------------------------------------------------------
# Alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY (A=10 … M=21, N=22, F=15); weights 3^(i−1) mod 31:
# 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; check = alphabet[(31 − Σ mod 31) mod 31].
#
# 91420700MA4F12345?: 9+3+36+54+0+182+0+0+420+290+100+195+8+48+30+120+140 = 1635;
#   1635 mod 31 = 23; 31 − 23 = 8 → "8"
COMPANY = "91420700MA4F123458"
# N2420704MF1234567? (registered by an agriculture department):
#   22+6+36+54+0+182+0+68+420+435+25+26+24+96+50+180+196 = 1820; 1820 mod 31 = 22; 31 − 22 = 9 → "9"
RURAL_COLLECTIVE = "N2420704MF12345679"


def test_uscc_valid() -> None:
    assert ids.uscc_check_char(COMPANY[:17]) == "8" == stdnum_uscc.calc_check_digit(COMPANY)
    assert ids.validate_uscc(COMPANY.lower()) == COMPANY
    assert ids.is_valid_uscc("91110000600037341L")  # python-stdnum's documented example
    # GB 32100 allows a letter in position 1; python-stdnum refuses it, this does not.
    assert ids.uscc_check_char(RURAL_COLLECTIVE[:17]) == "9"
    assert ids.is_valid_uscc(RURAL_COLLECTIVE)
    assert not stdnum_uscc.is_valid(RURAL_COLLECTIVE)


@pytest.mark.parametrize(
    ("code", "failed"),
    [
        ("91420700MA4F12345", "length"),
        ("91420700MA4F1234I8", "format"),  # I is not in the alphabet
        ("9142A700MA4F123458", "format"),  # position 3–8 must be digits
        ("91420700MA4F123459", "check_digit"),
        ("91420700MA4F123548", "check_digit"),  # 45 swapped
    ],
)
def test_uscc_invalid(code: str, failed: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        ids.validate_uscc(code)
    assert info.value.code == failed
    assert "统一社会信用代码" in str(info.value)
    assert ids.check_usccs([COMPANY, code]).tolist() == ["", failed]


# -- masking -----------------------------------------------------------------------------------------------


def test_masks() -> None:
    assert ids.mask_resident_id("42070419900307123X") == "420***********123X"  # 3 + 11 stars + 4
    assert ids.mask_resident_id(EZHOU_MAN) == "420***********1238"
    assert ids.mask_phone("13812341234") == "138****1234"
    assert ids.mask_phone("138 1234 1234") == "138****1234"
    assert ids.mask_phone("12345") == "***45"  # too short for 3 + 4: only the last two shown
    assert ids.mask_uscc(COMPANY) == "914207********3458"  # 6 + 8 stars + 4
    assert ids.mask_name("张三") == "张*"
    assert ids.mask_name("张三丰") == "张**"
    assert ids.mask_name("欧阳娜娜") == "欧阳**"
    assert ids.mask_name("欧阳") == "欧*"  # two characters: 欧 is the surname
    assert ids.mask_name("张") == "*"
    assert ids.mask_name("买买提·艾力") == "买**·**"
    assert ids.mask_name("") == ""
    # a bank account: the last four digits only, separators dropped (19 digits → 15 stars + 4)
    assert ids.mask_bank_account("6222024200001234567") == "*" * 15 + "4567"
    assert ids.mask_bank_account("6222 0242 0000 1234") == "*" * 12 + "1234"
    assert ids.mask_bank_account("1234") == "****"  # no longer than what would be kept: all hidden
