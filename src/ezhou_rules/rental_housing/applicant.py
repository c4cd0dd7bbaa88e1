"""The applicant's identifiers, checked when an application is submitted (第十二条第（一）项, 第十三条第（二）项):
the resident ID (GB 11643-1999, the birth date not after the application date, 18 full years on it) and a
mainland China phone number (a mobile number or a landline with its area code; libphonenumber's metadata
through phonenumberslite, not a hand-written pattern).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers

from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import RIC_MESSAGES, InvalidIdentifier, age_on, birth_date, validate_resident_id
from ezhou_rules.core.params import ParameterTree

from . import parameters
from .common import DOC, fail, in_force

_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass(frozen=True)
class ApplicantIds:
    id_number: str  # normalised (upper-case X, no spaces)
    birth_date: dt.date
    age: int  # full years on the application date
    phone: str  # digits as dialled in mainland China: 13807111234, 07113200000


def check_phone(phone: str) -> str:
    """A mainland China mobile or landline number (the landline with its area code, 0711-3200000); returns
    it as dialled inside China without separators. Raises RentalHousingInputError naming 联系电话."""
    text = (phone or "").strip()
    if not text:
        raise fail("phone", "请填写联系电话。", code="invalid_phone")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise fail("phone", f"“{text}”不是电话号码。", code="invalid_phone") from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _PHONE_TYPES
    ):
        raise fail(
            "phone",
            f"“{text}”不是有效的中国大陆手机号码或固定电话号码（固定电话请带区号，如 0711-3200000）。",
            code="invalid_phone",
        )
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def check_applicant_ids(
    id_number: str, phone: str, application_date: dt.date, *, params: ParameterTree | None = None
) -> ApplicantIds:
    """The resident ID and phone of an applicant on `application_date`: the ID valid, its birth date not
    after that day, the applicant 18 full years old on it (第十二条第（一）项: under 18 cannot apply at
    all, so the submission is refused rather than left to the review); the phone a real number."""
    tree = params or parameters()
    min_age = in_force(tree, "eligibility.min_age", application_date, field="application_date")
    try:
        number = validate_resident_id(id_number, on=application_date)
    except InvalidIdentifier as exc:
        text = (
            f"身份证号码中的出生日期晚于申请日期（{cn_date(application_date)}）"
            if exc.code == "birth_date_future"
            else RIC_MESSAGES.get(exc.code, str(exc).rstrip("。"))
        )
        raise fail("id_number", text + "。", code="invalid_id_number") from None
    age = age_on(number, application_date)
    if age < min_age:
        raise fail(
            "id_number",
            f"按身份证号码，申请人出生于{cn_date(birth_date(number))}，申请日{cn_date(application_date)}"
            f"未满{min_age}周岁，不能申请（{DOC} 第十二条第（一）项）。",
            code="under_age",
        )
    return ApplicantIds(number, birth_date(number), age, check_phone(phone))
