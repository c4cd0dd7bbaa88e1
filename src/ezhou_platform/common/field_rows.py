"""Encrypted columns row by row (C20): encrypt existing plain values in place (data migrations), re-encrypt
under the newest key version (``ezhou crypto rotate``) and count rows per key version (``ezhou crypto check``) —
for ``EncryptedCharField`` columns and for the secret keys of ``EncryptedKeysJSONField`` objects alike.

All three read and write the raw column with the model's own table and column names, in primary-key order
and in chunks, so a table of millions is never held in memory and a run that stops half way is finished by
running it again (each row is judged by its own version prefix: idempotent).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction

from . import crypto
from .fields import EncryptedCharField, EncryptedKeysJSONField, encrypted_fields, label_of, sealed_json_fields

CHUNK = 1000


def _chunks(connection: Any, model: Any, column: str, chunk: int) -> Iterator[list[tuple[Any, Any]]]:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # only the model's own table and column names, quoted by the backend, go into the text
    sql = f"SELECT {pk}, {quote(column)} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608
    last: Any = 0 if model._meta.pk.get_internal_type().endswith("AutoField") else ""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last, chunk])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _update(connection: Any, model: Any, field: EncryptedCharField, rows: list[tuple[Any, ...]]) -> None:
    """rows: (stored value, index or None, pk)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sets = [f"{quote(field.column)} = %s"]
    if field.companion_attname is not None:
        sets.append(f"{quote(field.companion().column)} = %s")
    else:
        rows = [(value, pk) for value, _index, pk in rows]
    sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _rewrite(
    connection: Any,
    model: Any,
    name: str,
    change: Callable[[EncryptedCharField, str], tuple[str, str] | None],
) -> int:
    field = model._meta.get_field(name)
    changed = 0
    for rows in _chunks(connection, model, field.column, CHUNK):
        out = []
        for pk, stored in rows:
            if stored is None or stored == "":
                continue
            new = change(field, stored)
            if new is not None:
                out.append((new[0], new[1], pk))
        with transaction.atomic(using=connection.alias):
            _update(connection, model, field, out)
        changed += len(out)
    return changed


def _encrypt_plain(field: EncryptedCharField, stored: str) -> tuple[str, str] | None:
    if crypto.version_of(stored) is not None:
        # already encrypted (a re-run): make sure the index is the plain value's
        return stored, field.index_of(crypto.decrypt(stored, field.label))
    return crypto.encrypt(stored, field.label), field.index_of(stored)


def _decrypt_to_plain(field: EncryptedCharField, stored: str) -> tuple[str, str] | None:
    if crypto.version_of(stored) is None:
        return None
    return crypto.decrypt(stored, field.label), ""


def _json_of(stored: Any) -> Any:
    # SQLite returns the JSON text; a PostgreSQL driver may already have decoded it
    return json.loads(stored) if isinstance(stored, str | bytes) else stored


def _rewrite_json(
    connection: Any, model: Any, name: str, change: Callable[[EncryptedKeysJSONField, dict[str, Any]], Any]
) -> int:
    """Rewrite the JSON objects of ``name`` whose ``change`` is not None (the new object), chunk by chunk."""
    field = model._meta.get_field(name)
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608  # nosec B608
    changed = 0
    for rows in _chunks(connection, model, field.column, CHUNK):
        out = []
        for pk, stored in rows:
            value = _json_of(stored) if stored is not None else None
            new = change(field, value) if isinstance(value, dict) else None
            if new is not None:
                out.append((connection.ops.adapt_json_value(new, field.encoder), pk))
        if out:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(sql, out)
        changed += len(out)
    return changed


def _secret_items(
    field: EncryptedKeysJSONField, value: dict[str, Any], keys: tuple[str, ...] | None = None
) -> list[tuple[str, str]]:
    secret = field.secret_keys if keys is None else keys
    return [(k, v) for k, v in value.items() if k in secret and isinstance(v, str) and v]


def _seal(field: EncryptedKeysJSONField, value: dict[str, Any], keys: tuple[str, ...] | None = None) -> Any:
    plain = [k for k, v in _secret_items(field, value, keys) if crypto.version_of(v) is None]
    return field.seal(value, keys=keys) if plain else None


def _unseal(field: EncryptedKeysJSONField, value: dict[str, Any], keys: tuple[str, ...] | None = None) -> Any:
    sealed = [k for k, v in _secret_items(field, value, keys) if crypto.version_of(v) is not None]
    return field.open(value, keys=keys) if sealed else None


def _in_place(
    app_label: str, model_name: str, names: tuple[str, ...], rewrite: Any, there: Any, back: Any
) -> Any:
    """A reversible RunPython rewriting the columns ``names`` row by row: ``there`` forward, ``back`` reversed."""
    from django.db import migrations

    def run(change: Any) -> Any:
        def operation(apps: Any, schema_editor: Any) -> None:
            model = apps.get_model(app_label, model_name)
            for name in names:
                rewrite(schema_editor.connection, model, name, change)

        return operation

    return migrations.RunPython(run(there), run(back), elidable=False)


def seal_json_in_place(
    app_label: str, model_name: str, *names: str, keys: Iterable[str] | None = None
) -> Any:
    """A RunPython operation encrypting the plain values under the secret keys of the JSON fields ``names``
    (already altered to EncryptedKeysJSONField); its reverse writes them back in clear.

    ``keys``: only these secret keys, both ways — the migration that adds a key to ``secret_keys`` seals the
    new key's values, and its reverse opens that key alone (the keys an earlier migration sealed stay sealed:
    reversing that one opens them). Each must be a secret key of every field named (checked when run)."""
    if keys is None:
        return _in_place(app_label, model_name, names, _rewrite_json, _seal, _unseal)
    only = tuple(sorted(set(keys)))

    def rewrite(connection: Any, model: Any, name: str, change: Callable[..., Any]) -> int:
        field = model._meta.get_field(name)
        missing = [k for k in only if k not in field.secret_keys]
        if missing:  # a misspelt key would seal nothing and say nothing
            raise ValueError(f"{label_of(field)}: {', '.join(missing)} not among its secret_keys")
        return _rewrite_json(connection, model, name, functools.partial(change, keys=only))

    return _in_place(app_label, model_name, names, rewrite, _seal, _unseal)


def encrypt_in_place(app_label: str, model_name: str, *names: str) -> Any:
    """A RunPython operation encrypting the plain values of ``names`` (already altered to
    EncryptedCharField) and filling their indexes; its reverse decrypts them back."""
    return _in_place(app_label, model_name, names, _rewrite, _encrypt_plain, _decrypt_to_plain)


def rotate(model: Any, using: str = "default") -> dict[str, int]:
    """Re-encrypt every value of ``model``'s encrypted fields not under the newest key version; returns
    rows rewritten per field. Indexes do not change (the index key is not rotated with the data keys)."""
    current = crypto.keyring().current

    def reencrypt(field: EncryptedCharField, stored: str) -> tuple[str, str] | None:
        if crypto.version_of(stored) == current:
            return None
        plain = crypto.decrypt(stored, field.label)
        return crypto.encrypt(plain, field.label, current), field.index_of(plain)

    def reseal(field: EncryptedKeysJSONField, value: dict[str, Any]) -> Any:
        stale = [k for k, v in _secret_items(field, value) if crypto.version_of(v) not in (None, current)]
        return field.seal(field.open(value), current) if stale else None

    connection = connections[using]
    done = {f.name: _rewrite(connection, model, f.name, reencrypt) for f in encrypted_fields(model)}
    done.update({f.name: _rewrite_json(connection, model, f.name, reseal) for f in sealed_json_fields(model)})
    return done


@dataclass
class Census:
    label: str
    versions: Counter[str] = field(default_factory=Counter)  # "v1", "v2", "空值", "明文"
    broken: list[Any] = field(default_factory=list)  # primary keys whose value does not decrypt
    stale_index: list[Any] = field(default_factory=list)  # primary keys whose index is not the value's


def _census_json(connection: Any, model: Any, f: EncryptedKeysJSONField) -> list[Census]:
    """Per secret key of a JSON field (label ``app.Model.field.key``): values per key version, plain ones
    (明文: not yet sealed — a finding), values that do not decrypt."""
    per_key = {k: Census(f.key_label(k)) for k in f.secret_keys}
    for rows in _chunks(connection, model, str(f.column), CHUNK):
        for pk, stored in rows:
            value = _json_of(stored) if stored is not None else None
            if not isinstance(value, dict):
                continue
            for k, c in per_key.items():
                v = value.get(k)
                if not isinstance(v, str) or not v:
                    continue  # absent from this row's facts (another component): not counted
                version = crypto.version_of(v)
                if version is None:
                    c.versions["明文"] += 1
                    c.broken.append(pk)
                    continue
                c.versions[f"v{version}"] += 1
                try:
                    crypto.decrypt(v, f.key_label(k))
                except crypto.DecryptionError:
                    c.broken.append(pk)
    return list(per_key.values())


def census(model: Any, using: str = "default") -> list[Census]:
    """Per encrypted field (and secret key of an encrypted-keys JSON field): rows per key version,
    undecryptable rows, rows whose index is stale."""
    connection = connections[using]
    out = []
    for f in encrypted_fields(model):
        c = Census(f.label)
        quote = connection.ops.quote_name
        index_col = quote(str(f.companion().column)) if f.companion_attname else "''"
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        sql = f"SELECT {pk}, {quote(str(f.column))}, {index_col} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608
        last: Any = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(sql, [last, CHUNK])
                rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            for key, stored, index in rows:
                if stored is None or stored == "":
                    c.versions["空值"] += 1
                    continue
                v = crypto.version_of(stored)
                if v is None:
                    c.versions["明文"] += 1
                    c.broken.append(key)
                    continue
                c.versions[f"v{v}"] += 1
                try:
                    plain = crypto.decrypt(stored, f.label)
                except crypto.DecryptionError:
                    c.broken.append(key)
                    continue
                if f.companion_attname and index != f.index_of(plain):
                    c.stale_index.append(key)
        out.append(c)
    for j in sealed_json_fields(model):
        out.extend(_census_json(connection, model, j))
    return out
