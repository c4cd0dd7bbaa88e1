"""Field encryption keys and primitives (SECURITY.md C20): AES-256-GCM per value with a key version, and an
HMAC-SHA256 blind index for exact lookup.

The keys never live in the database they protect, nor in its backups (`ezhou backup create` copies the
database only). They come from, in this order:

1. ``settings.FIELD_KEYS`` — the environment variable EZHOU_FIELD_KEYS (production: from a secrets manager);
2. the key file ``settings.FIELD_KEYS_FILE`` (var/secrets/field_keys, mode 0600), created with a first data
   key and an index key on first use — except in production (EZHOU_PRODUCTION=1), which refuses to invent
   keys: data encrypted under a key nobody backed up is lost with the machine.

Both hold entries ``NAME=base64url(32 bytes)``, separated by newlines, commas or spaces: ``index=…`` the
blind-index key, ``v1=…``, ``v2=…`` the data keys by version. New values are encrypted with the highest
version; older versions stay to read old values until ``ezhou crypto rotate`` has re-encrypted every row.

Stored value: ``v<version>:`` + base64(nonce ‖ ciphertext ‖ tag), the 12-byte nonce random per value, the
associated data the column's label ``app.Model.field`` — a ciphertext copied into another column (or another
table) fails authentication instead of being read as that column's value.

SM4-ready: the version prefix names the key, and the key names its algorithm only through this module, so a
national-algorithm key version can be added beside AES without touching stored rows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

KEY_BYTES = 32  # AES-256; HMAC-SHA256 key of the same length
NONCE_BYTES = 12  # GCM's standard nonce; random per value (2⁻³² collision bound far beyond our row counts)
INDEX_HEX = 32  # blind index: HMAC-SHA256 truncated to 128 bits — no collision among 10⁹ values (≈10⁻²¹)
_PREFIX = re.compile(r"^v(\d{1,4}):")
_ENTRY = re.compile(r"^(index|v\d{1,4})=([A-Za-z0-9_\-]+=*)$")


class FieldKeyError(ImproperlyConfigured):
    """The field keys are missing, malformed, or may not be created here."""


class DecryptionError(ValueError):
    """A stored value that does not authenticate: changed in the database, moved from another column, or
    encrypted under a key version this installation does not hold."""


@dataclass(frozen=True)
class KeyRing:
    data: dict[int, bytes]  # version → AES-256 key
    index: bytes  # HMAC-SHA256 key of the blind indexes
    source: str  # "EZHOU_FIELD_KEYS" or the key file's path (for messages; never the keys)

    @property
    def current(self) -> int:
        return max(self.data)


def parse_keys(text: str, source: str) -> KeyRing:
    data: dict[int, bytes] = {}
    index = b""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    for raw in re.split(r"[\s,]+", "\n".join(lines).strip()):
        if not raw:
            continue
        m = _ENTRY.match(raw)
        if not m:
            raise FieldKeyError(f"字段加密密钥（{source}）格式错误：应为 index=… 或 v1=… 的条目。")
        try:
            key = base64.urlsafe_b64decode(m.group(2))
        except (binascii.Error, ValueError):
            raise FieldKeyError(f"字段加密密钥（{source}）的 {m.group(1)} 不是有效的 base64。") from None
        if len(key) != KEY_BYTES:
            raise FieldKeyError(f"字段加密密钥（{source}）的 {m.group(1)} 应为 {KEY_BYTES} 字节。")
        if m.group(1) == "index":
            index = key
        else:
            data[int(m.group(1)[1:])] = key
    if not data or not index:
        raise FieldKeyError(f"字段加密密钥（{source}）须同时含有 index= 和至少一个 v<版本>= 条目。")
    return KeyRing(data=data, index=index, source=source)


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600 from the first byte), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def key_file() -> Path:
    return Path(settings.FIELD_KEYS_FILE)


def keys_from_environment() -> bool:
    return bool(getattr(settings, "FIELD_KEYS", ""))


@cache
def keyring() -> KeyRing:
    text = getattr(settings, "FIELD_KEYS", "")
    if text:
        return parse_keys(text, "EZHOU_FIELD_KEYS")
    path = key_file()
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise FieldKeyError(
                "生产环境不自动生成字段加密密钥：请通过 EZHOU_FIELD_KEYS 提供密钥，或放置已备份的密钥文件 "
                f"{path}（docs/guide/administrators.md）。"
            )
        _write_private(
            path,
            "# 鄂州市政策平台字段加密密钥（SECURITY.md C20）。与数据库备份分开保存；丢失则加密字段无法读取。\n"
            f"index={new_key()}\nv1={new_key()}\n",
        )
    return parse_keys(path.read_text(encoding="utf-8"), str(path))


def add_key_version() -> int:
    """Append the next data key version to the key file; the new version encrypts from now on. With keys
    from EZHOU_FIELD_KEYS the operator adds the entry there instead (FieldKeyError says so)."""
    if keys_from_environment():
        raise FieldKeyError(
            "密钥由 EZHOU_FIELD_KEYS 提供：请在密钥管理系统中增加新版本条目（v<N>=…）后重启。"
        )
    ring = keyring()
    version = ring.current + 1
    path = key_file()
    _write_private(path, path.read_text(encoding="utf-8").rstrip("\n") + f"\nv{version}={new_key()}\n")
    reset()
    return version


def reset() -> None:
    keyring.cache_clear()
    _aead.cache_clear()


def _on_setting_changed(setting: str, **kwargs: object) -> None:
    if setting in ("FIELD_KEYS", "FIELD_KEYS_FILE", "PRODUCTION"):
        reset()


setting_changed.connect(_on_setting_changed)


@cache
def _aead(version: int) -> AESGCM:
    return AESGCM(keyring().data[version])


def version_of(stored: str) -> int | None:
    m = _PREFIX.match(stored)
    return int(m.group(1)) if m else None


def encrypt(plain: str, aad: str, version: int | None = None) -> str:
    v = keyring().current if version is None else version
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = _aead(v).encrypt(nonce, plain.encode("utf-8"), aad.encode("utf-8"))
    return f"v{v}:" + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str, aad: str) -> str:
    v = version_of(stored)
    if v is None:
        raise DecryptionError("不是加密值（缺少密钥版本前缀）")
    if v not in keyring().data:
        raise DecryptionError(f"本机没有密钥版本 v{v}")
    try:
        blob = base64.b64decode(stored[_PREFIX.match(stored).end() :], validate=True)  # type: ignore[union-attr]
        plain = _aead(v).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode("utf-8"))
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(f"认证失败（密钥版本 v{v}）：密文被改动或不属于此字段") from None
    return plain.decode("utf-8")


def normalise(value: str) -> str:
    """The form the blind index is taken of: surrounding blanks off, letters upper-case (the X check
    character of a resident ID; bank accounts are digits), so 42070…x and ' 42070…X ' find the same row."""
    return value.strip().upper()


def blind_index(value: str, label: str) -> str:
    """HMAC-SHA256 of the normalised value under the index key, the column's label mixed in, so the same ID
    has unrelated indexes in different columns (no joining tables on the index without the key)."""
    if value == "":
        return ""  # blank stays blank: filter(field="") still finds the rows without a value
    mac = hmac.new(keyring().index, f"{label}\x00{normalise(value)}".encode(), hashlib.sha256)
    return mac.hexdigest()[:INDEX_HEX]


def production_problems() -> list[str]:
    """For security.checks: production reads the field keys from EZHOU_FIELD_KEYS or a key file placed by
    the operator, never from one this process would invent."""
    if keys_from_environment():
        try:
            keyring()
        except FieldKeyError as exc:
            return [str(exc)]
        return []
    if not key_file().exists():
        return [f"未提供字段加密密钥（EZHOU_FIELD_KEYS 或密钥文件 {key_file()}）：生产环境不自动生成。"]
    return []
