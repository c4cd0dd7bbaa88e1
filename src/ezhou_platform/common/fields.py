"""Encrypted model fields with a keyed blind index (SECURITY.md C20; keys and primitives in common.crypto).

    resident_id = EncryptedCharField("公民身份号码", max_length=18, unique=True)
    resident_id_bidx = BlindIndexField(of="resident_id", unique=True)

The column holds ``v<version>:base64(nonce‖ciphertext‖tag)``; the model attribute holds the plain value
(decrypted in ``from_db_value``, encrypted in ``get_db_prep_value``). The companion column ``<name>_bidx``
holds HMAC(index key, normalised value) and is kept current on every assignment and save; ``exact``,
``iexact``, ``in`` (and the admin's ``=field`` search) compare it instead of the ciphertext, so
``filter(resident_id=x)``, ``filter(person__resident_id=x)`` and ``get(resident_id=x)`` keep working.
Every other lookup — contains, startswith, comparisons — raises FieldError naming the field: they would
compare ciphertexts and silently find nothing.

The companion is declared in the model rather than added by ``contribute_to_class``: an implicit column is
invisible to the migration state, and SQLite's table rebuild would copy a column the old table lacks.
``unique=True`` stays on the encrypted field so Django's unique validation (forms, full_clean) runs its
exact lookup through the index and says "already exists" by the field's label; the database guarantee is the
companion's unique index (a ciphertext column is unique anyway: every value has its own random nonce).

``save(update_fields=[field])`` without the companion is refused (the index would go stale). Not covered:
``QuerySet.update(field=…)`` and ``bulk_update`` write the value without its index, and ``order_by(field)``
orders by ciphertext (``Meta.ordering`` on it is a system-check error) — the platform does none of these on
encrypted fields; bulk inserts go through ``common.bulk.insert``, which encrypts and indexes.

``EncryptedKeysJSONField`` keeps a JSON object (a form's facts) as JSON but seals the values under named keys
(the ID numbers among them), each its own ciphertext; see its docstring.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core import checks, validators
from django.core.exceptions import EmptyResultSet, FieldError
from django.db import models
from django.db.models import signals
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull, Lookup
from django.db.models.query_utils import DeferredAttribute

from . import crypto

INDEX_SUFFIX = "_bidx"


def label_of(field: models.Field[Any, Any]) -> str:
    """``app.Model.field``: the associated data of the field's ciphertexts and the blind index's domain."""
    meta = field.model._meta
    return f"{meta.app_label}.{meta.object_name}.{field.name}"


class _EncryptedAttribute(DeferredAttribute):
    """The plain value on the instance; assigning it also sets the companion's index, so validation
    (unique constraints, full_clean) sees the index of the value being saved, not the one loaded."""

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value
        companion = self.field.companion_attname  # type: ignore[attr-defined]
        if companion is not None:
            instance.__dict__[companion] = self.field.index_of(value)  # type: ignore[attr-defined]


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A short secret (ID number, bank account) stored encrypted; see the module docstring."""

    descriptor_class = _EncryptedAttribute
    encrypted = True

    def __init__(self, *args: Any, blind_index: bool = True, **kwargs: Any) -> None:
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        if self.blind_index and not cls._meta.abstract:
            signals.pre_save.connect(self._index_saved_with_value, sender=cls)

    def _index_saved_with_value(self, sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
        if update_fields and self.name in update_fields and self.name + INDEX_SUFFIX not in update_fields:
            raise ValueError(
                f"{self.label}: save(update_fields=…) must name {self.name}{INDEX_SUFFIX} too (its blind index)"
            )

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        if not self.blind_index:
            kwargs["blind_index"] = False
        return name, "ezhou_platform.common.fields.EncryptedCharField", args, kwargs

    @property
    def label(self) -> str:
        return label_of(self)

    @property
    def companion_attname(self) -> str | None:
        return self.attname + INDEX_SUFFIX if self.blind_index else None

    def companion(self) -> models.Field[Any, Any]:
        return self.model._meta.get_field(self.name + INDEX_SUFFIX)  # type: ignore[return-value]

    def index_of(self, value: Any) -> str:
        if value is None:
            return ""
        return crypto.blind_index(str(value), self.label)

    # --- values --------------------------------------------------------------------------------------
    def to_python(self, value: Any) -> Any:
        return value if value is None or isinstance(value, str) else str(value)

    def get_prep_value(self, value: Any) -> Any:
        # Lookups call this on their right-hand side: keep it the plain value (they index it themselves).
        return self.to_python(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or value == "":
            return value  # nothing secret in a blank; keeps filter(field="") and blank=True simple
        return crypto.encrypt(value, self.label)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value, self.label)
        except crypto.DecryptionError as exc:
            raise crypto.DecryptionError(
                f"字段“{self.verbose_name}”（{self.label}）无法解密：{exc}。"
            ) from None

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input with the plain value's length, as the CharField it replaces (not a textarea).
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, **kwargs}
        return models.Field.formfield(self, **defaults)

    # --- lookups -------------------------------------------------------------------------------------
    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if self.blind_index and lookup_name in _INDEXED_LOOKUPS:
            return _INDEXED_LOOKUPS[lookup_name]
        how = "只能按完整值精确查询（exact、in）" if self.blind_index else "不能用于查询"
        raise FieldError(f"“{self.verbose_name}”加密存储，{how}，不支持 {lookup_name}。")

    def get_transform(self, lookup_name: str) -> Any:
        return None  # upper(), length() … of a ciphertext mean nothing

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        meta = self.model._meta
        if self.blind_index:
            try:
                companion = self.companion()
            except Exception:
                companion = None
            if not isinstance(companion, BlindIndexField) or companion.of != self.name:
                errors.append(
                    checks.Error(
                        f"{self.label}: 缺少 {self.name}{INDEX_SUFFIX} = BlindIndexField(of={self.name!r})",
                        obj=self,
                        id="ezhou.fields.E001",
                    )
                )
        if any(o.lstrip("-") == self.name for o in (meta.ordering or []) if isinstance(o, str)):
            errors.append(
                checks.Error(
                    f"{self.label}: 加密字段不能用于排序（Meta.ordering）", obj=self, id="ezhou.fields.E002"
                )
            )
        return errors


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The companion of an EncryptedCharField: HMAC of its normalised value, filled on every save."""

    def __init__(self, *args: Any, of: str, **kwargs: Any) -> None:
        self.of = of
        kwargs.setdefault("max_length", crypto.INDEX_HEX)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        if not kwargs.get("unique"):
            kwargs.setdefault("db_index", True)
        kwargs.setdefault("verbose_name", "检索索引")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        return name, "ezhou_platform.common.fields.BlindIndexField", args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        source = model_instance._meta.get_field(self.of)
        value = source.index_of(getattr(model_instance, source.attname))
        model_instance.__dict__[self.attname] = value
        return value


def _indexed(lookup: Lookup) -> tuple[Col, EncryptedCharField]:
    lhs = lookup.lhs
    field = lhs.output_field
    if not isinstance(lhs, Col) or not isinstance(field, EncryptedCharField):
        raise FieldError(f"“{field.verbose_name}”加密存储：只能直接按该字段精确查询。")
    if hasattr(lookup.rhs, "resolve_expression"):
        raise FieldError(f"“{field.verbose_name}”加密存储：不能与其他字段或子查询比较，请给出具体值。")
    return Col(lhs.alias, field.companion()), field


class IndexedExact(Lookup):
    """``field = x`` (and the admin's ``=field`` search, an ``iexact``): the companion equals HMAC(x)."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        col, field = _indexed(self)
        return compiler.compile(Exact(col, field.index_of(self.rhs)))


class IndexedIExact(IndexedExact):
    lookup_name = "iexact"  # the index is taken of the upper-cased value: exact is already case-blind


class IndexedIn(Lookup):
    lookup_name = "in"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        col, field = _indexed(self)
        wanted = sorted({field.index_of(v) for v in self.rhs if v is not None})
        if not wanted:
            raise EmptyResultSet
        return compiler.compile(In(col, wanted))


_INDEXED_LOOKUPS: dict[str, type[Lookup]] = {"exact": IndexedExact, "iexact": IndexedIExact, "in": IndexedIn}


def encrypted_fields(model: Any) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


class EncryptedKeysJSONField(models.JSONField):  # type: ignore[type-arg]
    """A JSON object kept as JSON, except the values under ``secret_keys`` (ID numbers among a form's facts),
    each stored as its own ciphertext ``v<version>:…`` with the associated data ``app.Model.field.key``.

    The model attribute is the plain object: values are sealed when saved (``get_db_prep_save``, which
    ``save``, ``QuerySet.update`` and ``common.bulk`` all call) and opened when loaded. Lookups compare the
    stored JSON, so a key transform on a secret key (``facts__applicant_id=…``) is refused: it would compare
    a ciphertext. A plain value under a secret key (a row written before the migration that seals them) is
    read as it is; ``ezhou crypto check`` counts it as 明文 and ``field_rows.seal_json_in_place`` seals it.
    """

    encrypted = True
    # which keys are sealed is the values' business, not the column's: a migration changing only them alters
    # nothing in the schema (no SQLite table rebuild); ``field_rows.seal_json_in_place`` rewrites the values
    non_db_attrs = (*models.JSONField.non_db_attrs, "secret_keys")

    def __init__(self, *args: Any, secret_keys: Iterable[str] = (), **kwargs: Any) -> None:
        self.secret_keys = tuple(sorted(set(secret_keys)))
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs["secret_keys"] = list(self.secret_keys)
        return name, "ezhou_platform.common.fields.EncryptedKeysJSONField", args, kwargs

    @property
    def label(self) -> str:
        return label_of(self)

    def key_label(self, key: str) -> str:
        return f"{self.label}.{key}"

    def seal(self, value: Any, version: int | None = None, *, keys: Iterable[str] | None = None) -> Any:
        """``value`` with its secret keys' plain values encrypted (values already encrypted kept); ``keys``:
        only these secret keys (a data migration sealing a key added later)."""
        if not isinstance(value, dict):
            return value
        secret = self.secret_keys if keys is None else set(keys) & set(self.secret_keys)
        return {
            k: crypto.encrypt(v, self.key_label(k), version)
            if k in secret and isinstance(v, str) and v and crypto.version_of(v) is None
            else v
            for k, v in value.items()
        }

    def open(self, value: Any, *, keys: Iterable[str] | None = None) -> Any:
        """``value`` with its secret keys' sealed values decrypted; ``keys``: only these secret keys."""
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for k in self.secret_keys if keys is None else sorted(set(keys) & set(self.secret_keys)):
            v = out.get(k)
            if isinstance(v, str) and crypto.version_of(v) is not None:
                try:
                    out[k] = crypto.decrypt(v, self.key_label(k))
                except crypto.DecryptionError as exc:
                    raise crypto.DecryptionError(
                        f"字段“{self.verbose_name}”的“{k}”（{self.label}）无法解密：{exc}。"
                    ) from None
        return out

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return super().get_db_prep_save(self.seal(value), connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.open(super().from_db_value(value, expression, connection))

    def get_transform(self, name: str) -> Any:
        if name in self.secret_keys:
            raise FieldError(f"“{self.verbose_name}”的“{name}”加密存储，不能用于查询。")
        return super().get_transform(name)


def sealed_json_fields(model: Any) -> list[EncryptedKeysJSONField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedKeysJSONField)]
