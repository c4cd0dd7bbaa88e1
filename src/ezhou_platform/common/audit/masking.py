"""Masking personal data before it enters the audit trail.

The trail must show *what* changed without becoming a second copy of the personal data it protects
(SECURITY.md C11, C22). `mask_personal_data()` walks before/after snapshots and masks the values of keys that
hold ID numbers, phone numbers and names, using the masking functions of `ezhou_rules.core.ids` (the one
place that knows the formats). `scrub_text()` is the safety net for free text (display strings, attempted
user names): anything shaped like a resident ID number or a mobile number is masked wherever it appears.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

ID_KEYS = frozenset(
    {
        "id_number",
        "resident_id",
        "id_card",
        "id_card_number",
        "idcard",
        "identity_number",
        "citizen_id",
        "sfzh",
    }
)
PHONE_KEYS = frozenset({"phone", "mobile", "telephone", "tel", "phone_number", "mobile_number", "cellphone"})
NAME_KEYS = frozenset(
    {
        "name",
        "full_name",
        "real_name",
        "display_name",
        "person_name",
        "applicant_name",
        "patient_name",
        "insured_name",
        "beneficiary_name",
        "contact_name",
        "resident_name",
        "holder_name",
        "spouse_name",
        "guardian_name",
        "tenant_name",
        "payee_name",
        "legal_representative",
    }
)
BANK_KEYS = frozenset({"bank_account", "bank_account_number", "account_number", "bank_card"})

# An 18-character resident ID (GB 11643) or an old 15-digit one; a mainland mobile number.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _ids() -> Any:
    from ezhou_rules.core import ids  # written by the rules kernel; imported late so it is looked up at use

    return ids


def _mask_id(value: str) -> str:
    return _ids().mask_resident_id(value)


def _mask_phone(value: str) -> str:
    return _ids().mask_phone(value)


def _mask_name(value: str) -> str:
    return _ids().mask_name(value)


def _mask_bank(value: str) -> str:
    fn = getattr(_ids(), "mask_bank_account", None)
    if fn is not None:
        return fn(value)
    digits = value.strip()
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def _kind(key: str, extra: Mapping[str, str]) -> str | None:
    k = key.lower()
    if k in extra:
        return extra[k]
    if k in ID_KEYS or k.endswith(("_id_number", "_resident_id", "_id_card")):
        return "id"
    if k in PHONE_KEYS or k.endswith(("_phone", "_mobile", "_telephone")):
        return "phone"
    if k in NAME_KEYS:
        return "name"
    if k in BANK_KEYS or k.endswith("_bank_account"):
        return "bank"
    return None


_MASKERS: dict[str, Callable[[str], str]] = {
    "id": _mask_id,
    "phone": _mask_phone,
    "name": _mask_name,
    "bank": _mask_bank,
}


def _safe_mask(kind: str, value: str) -> str:
    """Mask with the kernel's function; a value it cannot parse is still never written in clear."""
    if value == "":
        return ""
    try:
        return _MASKERS[kind](value)
    except (ValueError, TypeError):
        if kind == "name":
            return value[:1] + "*" * (len(value) - 1)
        return "*" * len(value)


def scrub_text(text: str) -> str:
    """Mask anything in free text that looks like a resident ID number or a mobile phone number."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: _safe_mask("id", m.group(0)), text)
    return _PHONE_RE.sub(lambda m: _safe_mask("phone", m.group(0)), text)


def to_jsonable(value: Any) -> Any:
    """Plain JSON values for a snapshot: Decimal and UUID as strings, dates ISO, sets sorted lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "pk"):  # a model instance: its key, not its contents
        return value.pk
    return str(value)


def mask_personal_data(data: Any, *, extra_keys: Mapping[str, str] | None = None) -> Any:
    """A copy of `data` (JSON-like) with personal values masked.

    Keys are matched case-insensitively: id_number/resident_id/… → mask_resident_id, phone/mobile/… →
    mask_phone, name/applicant_name/… → mask_name, bank_account → last 4 digits. `extra_keys` maps more
    keys to one of "id", "phone", "name", "bank" for a domain's own field names. Every other string is
    passed through `scrub_text()`, so an ID number inside a comment is masked too.
    """
    extra = {k.lower(): v for k, v in (extra_keys or {}).items()}
    for kind in extra.values():
        if kind not in _MASKERS:
            raise ValueError(f"unknown masking kind {kind!r}; use one of {sorted(_MASKERS)}")
    return _mask(to_jsonable(data), None, extra)


def _mask(value: Any, kind: str | None, extra: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _mask(v, _kind(k, extra) or kind, extra) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, kind, extra) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if kind is not None:
        return _safe_mask(kind, str(value))
    if isinstance(value, str):
        return scrub_text(value)
    return value


def snapshot(
    obj: Any, fields: Iterable[str], *, extra_keys: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The masked values of `fields` of a model instance (or any object), for before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        value: Any = getattr(obj, name, None)
        data[name] = value.pk if hasattr(value, "pk") else value
    return mask_personal_data(data, extra_keys=extra_keys)
