"""Rows written in bulk without model instances, for imports of many thousands (the subsidies' batch intake, the
procedure layer's ``open_cases``): the values prepared as columns, one ``executemany`` per table, inside the
caller's transaction.

Every concrete column of the model is written: the ones given per row, the ones given once for all rows, and
every other one with the model field's default (as ``Model.objects.create`` would), each prepared once the way
the field prepares it for this database (dates, timestamps with their zone, JSON).

Row ids are taken before the insert, so rows that refer to them (ledger keys, cases) are written right after:
on PostgreSQL from the table's own sequence; on SQLite the transaction already holds the write lock
(``transaction_mode`` IMMEDIATE, settings), so the ids after the highest one ever given (AUTOINCREMENT's
``sqlite_sequence``, so an application number is never reused) are free until the commit.

Encrypted fields (``common.fields``, C20) take their *plain* values in ``insert``: it encrypts them and fills
their blind-index companions, so no caller can write an ID in clear by forgetting to prepare it;
``db_value(s)`` and ``insert_rows`` refuse them for the same reason.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .fields import EncryptedCharField, encrypted_fields


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch builds its rows: tens of thousands of tuples and strings
    (no reference cycles — reference counting frees them) each trigger a generation-0 pass every 700
    allocations, and the passes over the whole heap that follow cost a tenth of a year's settlement. Turned
    back on (if it was on) when the batch ends, whatever happens."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def page_cache(mib: int) -> Iterator[None]:
    """On SQLite, a page cache of ``mib`` MiB for this connection while a batch writes (then the previous size
    again): a chunk's rows and their indexes (~10 MB for a settlement chunk) outgrow the default 2 MB, and
    SQLite then writes dirty pages to the WAL before the commit and writes them again when they change. A
    memory setting only — what is written and when it is durable do not change. Elsewhere, nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _plain_field(model: Any, name: str) -> Any:
    field = model._meta.get_field(name)
    if isinstance(field, EncryptedCharField):
        raise ValueError(
            f"{field.label}: encrypted — give insert() the plain values, it encrypts and indexes"
        )
    return field


def db_value(model: Any, name: str, value: Any) -> Any:
    """``value`` as the database takes it for ``model``'s field ``name``."""
    return _plain_field(model, name).get_db_prep_save(value, connection)


def db_values(model: Any, name: str, values: Sequence[Any]) -> list[Any]:
    field = _plain_field(model, name)
    return [field.get_db_prep_save(v, connection) for v in values]


def _encrypted_columns(model: Any, columns: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """``columns`` with every encrypted field's plain values encrypted and its companion index added."""
    out = dict(columns)
    for field in encrypted_fields(model):
        if field.attname not in columns:
            continue
        plain = columns[field.attname]
        out[field.attname] = [field.get_db_prep_save(v, connection) for v in plain]
        if field.companion_attname is not None:
            out[field.companion_attname] = [field.index_of(v) for v in plain]
    return out


def reserve_ids(model: Any, n: int) -> list[int]:
    """``n`` new ids of ``model``'s table, unused and not given to anyone else before the commit."""
    if n <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
            )
            return sorted(int(r[0]) for r in cursor.fetchall())
        if connection.vendor == "sqlite":
            if not connection.in_atomic_block:
                raise RuntimeError("reserve_ids must run inside the transaction that inserts the rows")
            quote = connection.ops.quote_name
            # only the model's own table and column names, quoted by the backend, go into the text
            highest = f"SELECT MAX({quote(pk)}) FROM {quote(table)}"  # noqa: S608  # nosec B608
            sql = f"{highest} UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s"  # noqa: S608  # nosec B608
            cursor.execute(sql, [table])
            last = max((int(r[0]) for r in cursor.fetchall() if r[0] is not None), default=0)
            return list(range(last + 1, last + 1 + n))
    # The platform runs on SQLite and PostgreSQL only (settings, the audit triggers): refuse anything else.
    raise ImproperlyConfigured(f"批量写入只支持 SQLite 和 PostgreSQL，当前数据库为 {connection.vendor}。")


def insert(
    model: Any,
    n: int,
    columns: Mapping[str, Sequence[Any]],
    same: Mapping[str, Any] | None = None,
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert ``n`` rows of ``model``. ``columns``: field attname → ``n`` values already as the database takes
    them (``db_values``); ``same``: field attname → one Python value for every row; every other concrete
    field takes its default. A field without a default that may not be null fails the insert (no silent
    blanks). ``ignore_conflicts``: a row that would break a unique constraint is skipped (``ON CONFLICT DO
    NOTHING``, SQLite and PostgreSQL), as ``bulk_create(ignore_conflicts=True)``."""
    if n <= 0:
        return
    same = same or {}
    if any(f.attname in same for f in encrypted_fields(model)):
        raise ValueError("encrypted fields go in columns (one plain value per row), not in same")
    columns = _encrypted_columns(model, columns)
    names: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.attname in columns:
            column = columns[field.attname]
            if len(column) != n:
                raise ValueError(f"{field.attname}: {len(column)} values for {n} rows")
            values.append(column)
        elif field.primary_key:
            continue  # the database numbers the rows
        else:
            value = same[field.attname] if field.attname in same else field.get_default()
            values.append(repeat(field.get_db_prep_save(value, connection), n))
        names.append(field.attname)
    _insert_rows(model, names, zip(*values, strict=True), ignore_conflicts=ignore_conflicts)


def insert_objects(model: Any, objs: Sequence[Any]) -> None:
    """Insert instances of ``model`` built in memory and not saved (what ``bulk_create`` takes), with one
    ``executemany``: their ids are reserved first and set on them, each field's value is prepared as a save
    prepares it (``pre_save``, ``get_db_prep_save``). Like ``bulk_create``: no ``save()``, no signals. Models
    with encrypted fields go through ``insert``; models with parent tables are refused."""
    if not objs:
        return
    if encrypted_fields(model) or model._meta.parents:
        raise ValueError(
            f"{model._meta.label}: encrypted fields or parent tables — use insert() or bulk_create()"
        )
    ids = reserve_ids(model, len(objs))
    pk = model._meta.pk
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, new_id)
    fields = list(model._meta.concrete_fields)
    # Dates, timestamps and nulls repeat across a batch (the day of issue, the dates not yet known) and are
    # costly to prepare: each distinct one is prepared once per field.
    memo: dict[tuple[int, type, Any], Any] = {}

    def prepared(i: int, f: Any, value: Any) -> Any:
        if value is not None and not isinstance(value, dt.date):
            return f.get_db_prep_save(value, connection)
        key = (i, type(value), value)
        if key not in memo:
            memo[key] = f.get_db_prep_save(value, connection)
        return memo[key]

    rows = [[prepared(i, f, f.pre_save(obj, True)) for i, f in enumerate(fields)] for obj in objs]
    _insert_rows(model, [f.attname for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(model: Any, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """One INSERT of ``model``'s fields ``names`` (attnames) executed for every row, the values already as the
    database takes them (no encrypted fields: ``insert`` prepares those)."""
    secret = {f.attname for f in encrypted_fields(model)} & set(names)
    if secret:
        raise ValueError(f"{sorted(secret)}: encrypted fields are written by insert(), which encrypts them")
    _insert_rows(model, names, rows)


def _insert_rows(
    model: Any, names: Sequence[str], rows: Iterable[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(n).column) for n in names)
    # Only the model's own table and column names, quoted by the backend, go into the text; values are bound.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608  # nosec B608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))
