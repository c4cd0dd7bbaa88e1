"""The data holders' tables into the platform: bank loan reports, the 统计局 限上 list, the 交通运输部 规上 list with
the provincial rankings, Hubei's trade-in dealer list.

Every row is checked by the rules (``ezhou_rules.subsidies.imports.validate_import``: types, identifiers, windows,
duplicated ranks and keys) plus, for bank reports, the payee columns the platform needs. A file with any bad
row is not imported at all (its errors file names each row, column and rule); a clean file is upserted by its
natural key in one transaction, so importing it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ezhou_platform.common.audit.services import record
from ezhou_rules.subsidies.errors import RowError
from ezhou_rules.subsidies.fields import BOOL, DATE, INT, MONEY, Field, parse_rows
from ezhou_rules.subsidies.imports import SPECS, validate_import

from ..models import ReferenceRow
from . import params
from .files import read_table

# What the platform needs from a bank report besides the rules' loan fields: whom to pay, and where.
BANK_EXTRA = (Field("borrower_name", "借款人名称"), Field("payee_account", "收款账号"))
EXTRA = {"bank_loans": BANK_EXTRA}
_ACCOUNT = re.compile(r"^\d{6,34}$")
SUBJECT_FIELDS = ("borrower_id", "unit_id", "enterprise_id", "dealer_id")
NAME_FIELDS = ("borrower_name", "name")


def fields_of(kind: str) -> list[Field]:
    return [*SPECS[kind].fields, *EXTRA.get(kind, ())]


def raw_value(f: Field, value: Any) -> Any:
    """A typed value back in the form a file or a form holds it (so the rules can parse it again)."""
    if f.kind == DATE:
        return "" if np.isnat(value) else str(np.datetime64(value, "D"))
    if f.kind == MONEY:
        fen = int(value)
        sign = "-" if fen < 0 else ""
        return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
    if f.kind == BOOL:
        return "是" if bool(value) else "否"
    if f.kind == INT:
        return int(value)
    return str(value)


@dataclass
class Checked:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # clean rows, raw form, with their key
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def check_file(kind: str, path: Path, *, on: dt.date) -> Checked:
    """Read and check a file; no database writes. ``errors`` name the file's rows."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind {kind}")
    fields = fields_of(kind)
    table = read_table(path, fields)
    result = validate_import(kind, table.rows, on=on, params=params.tree())
    errors = list(result.errors)
    valid = result.valid.copy()
    extra = EXTRA.get(kind, ())
    if extra:
        parsed = parse_rows(extra, table.rows)
        errors += parsed.errors
        valid &= parsed.valid
        for i, account in enumerate(parsed.columns.get("payee_account", [])):
            if parsed.valid[i] and not _ACCOUNT.fullmatch(str(account)):
                valid[i] = False
                errors.append(
                    RowError(
                        i + 2,
                        "payee_account",
                        "收款账号",
                        "account_invalid",
                        "“收款账号”应为6至34位数字。",
                        str(account),
                    )
                )
        columns = {**result.columns, **parsed.columns}
    else:
        columns = result.columns
    out = Checked(
        kind, errors=sorted(table.renumber(errors), key=lambda e: (e.row, e.field)), total=len(table)
    )
    if out.errors:
        return out
    for i in np.flatnonzero(valid).tolist():
        data = {f.name: raw_value(f, columns[f.name][i]) for f in fields}
        out.rows.append({"key": "|".join(result.keys[i]), "data": data})
    return out


def apply(checked: Checked, *, run: Any, actor: Any) -> dict[str, int]:
    """Upsert the clean rows (inside the caller's transaction); counts 新增 / 更新 / 未变."""
    kind = checked.kind
    existing = {
        r.key: r for r in ReferenceRow.objects.filter(kind=kind, key__in=[r["key"] for r in checked.rows])
    }
    counts = {"新增": 0, "更新": 0, "未变": 0}
    new = []
    for row in checked.rows:
        data = row["data"]
        current = existing.get(row["key"])
        if current is not None and current.data == data:
            counts["未变"] += 1
            continue
        subject = next((str(data[f]) for f in SUBJECT_FIELDS if data.get(f)), "")
        name = next((str(data[f]) for f in NAME_FIELDS if data.get(f)), "")[:200]
        year = data.get("year") if isinstance(data.get("year"), int) else None
        if current is None:
            new.append(
                ReferenceRow(
                    kind=kind, key=row["key"], subject=subject, name=name, year=year, data=data, run=run
                )
            )
            counts["新增"] += 1
        else:
            current.data, current.subject, current.name, current.year, current.run = (
                data,
                subject,
                name,
                year,
                run,
            )
            # the subject's blind index is saved with it (C20; the field refuses a save without it)
            changed: list[str] = ["data", "subject", "subject_bidx", "name", "year", "run"]
            current.save(update_fields=changed)
            counts["更新"] += 1
    ReferenceRow.objects.bulk_create(new, batch_size=1000)
    record(
        "subsidies.reference.import",
        actor=actor,
        object_type="subsidies.referencerow",
        object_id=kind,
        object_repr=SPECS[kind].title,
        after={"kind": kind, "rows": len(checked.rows), **counts},
        label=f"导入{SPECS[kind].title}",
        citation="鄂州政办发〔2022〕32号",
    )
    return counts
