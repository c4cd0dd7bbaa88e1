"""The HMAC chain: canonical bytes of a record and the MACs over them.

hash(record) = HMAC-SHA256(key, canonical JSON of the hashed fields, prev_hash included). The key is
settings.AUDIT_HMAC_KEY, which lives outside the database (environment or var/secrets/), so someone who
can write the database cannot recompute a valid hash.

Canonical form: a JSON object with sorted keys, no whitespace, UTF-8, `created_at` as UTC with
microseconds (`2022-10-18T06:03:00.123456Z`). SQLite and PostgreSQL both keep microseconds and Django
hands back aware UTC datetimes from both, so the same record hashes identically on either database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_role",
    "actor_department_code",
    "actor_department",
    "remote_addr",
    "user_agent",
    "path",
    "request_id",
    "action",
    "label",
    "object_type",
    "object_id",
    "object_repr",
    "before_json",
    "after_json",
    "result",
    "citation",
    "prev_hash",
)


# What a pending record's content MAC covers: everything hashed except the two chain columns the sealer fills.
CONTENT_FIELDS: tuple[str, ...] = tuple(f for f in HASHED_FIELDS if f not in ("seq", "prev_hash"))


def hmac_key() -> bytes:
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if len(key) < 16:
        # Fail closed: without a real key the chain proves nothing, so nothing may be written.
        raise ImproperlyConfigured("AUDIT_HMAC_KEY 未配置或过短（至少16字节），审计日志无法写入。")
    return key


def canonical_datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(fields: Mapping[str, Any], names: tuple[str, ...] = HASHED_FIELDS) -> bytes:
    payload: dict[str, Any] = {}
    for name in names:
        value = fields[name]
        if name == "created_at":
            value = canonical_datetime(value)
        elif name in ("seq", "actor_id"):
            value = None if value is None else int(value)
        else:
            value = "" if value is None else str(value)
        payload[name] = value
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def record_hash(fields: Mapping[str, Any], key: bytes | None = None) -> str:
    return hmac.new(key or hmac_key(), canonical_bytes(fields), hashlib.sha256).hexdigest()


def content_mac(record_id: int, fields: Mapping[str, Any], key: bytes | None = None) -> str:
    """HMAC over a record's id and content, written on append (ADR 0005). The id is bound so that a copy of
    a genuine pending record under another id (a replayed event the sealer would chain) does not verify."""
    message = f"audit-content|{int(record_id)}|".encode() + canonical_bytes(fields, CONTENT_FIELDS)
    return hmac.new(key or hmac_key(), message, hashlib.sha256).hexdigest()


def fields_of(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in HASHED_FIELDS}


def head_mac(seq: int, last_hash: str, key: bytes | None = None) -> str:
    message = f"audit-chain-head|{int(seq)}|{last_hash}".encode()
    return hmac.new(key or hmac_key(), message, hashlib.sha256).hexdigest()


def matches(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii", "replace"), (actual or "").encode("ascii", "replace"))
