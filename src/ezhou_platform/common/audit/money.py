"""Money rows under a MAC (SECURITY.md C21): an amount edited in the database is found by `audit verify`.

A model that holds money inherits `MoneyMAC` and names its money fields (`money_fields`, plus the keys that
say whose money it is). `money_mac` = HMAC-SHA256(money key, canonical JSON of the model label, the id and
those fields). The money key is derived from the audit key, which lives outside the database:
HMAC(AUDIT_HMAC_KEY, "money-mac"), so a database writer without the key cannot make an edited amount match.

Set on every save (after the insert, since the id is part of the message) and by `seal_rows()` for rows
written with bulk_create, which skips save(). The id binds the MAC to its row, so a valid MAC cannot be
copied onto another row with the same amounts.

    结算 #12 的金额与其校验码不符

is what verify says for a row whose fields no longer match (hand-worked: +99,999 yuan = +9,999,900 fen in
`basic_aid` changes the message, hence the MAC).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, models

from . import chain

MONEY = "money"


def money_key() -> bytes:
    return hmac.new(chain.hmac_key(), b"money-mac", hashlib.sha256).digest()


def canonical(value: Any) -> Any:
    """Integers stay integers (fen, m³×100); everything else is compared as text (dates, codes, None → "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    return str(value)


def mac_for(label: str, pk: Any, values: dict[str, Any], key: bytes | None = None) -> str:
    payload = {"model": label, "id": int(pk), **{name: canonical(v) for name, v in values.items()}}
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hmac.new(key or money_key(), message, hashlib.sha256).hexdigest()


def macs_for(
    label: str, pks: Sequence[int], columns: Mapping[str, Sequence[Any]], key: bytes | None = None
) -> list[str]:
    """``mac_for`` of many rows of one model (a batch written without instances): ``columns`` maps each money
    field to its values, in the order of ``pks``. The key's HMAC state is set up once and copied per row; a
    row whose values are all integers (amounts, ids, years) has its message written from a template with the
    keys already sorted, the same bytes ``mac_for``'s ``json.dumps`` writes."""
    base = hmac.new(key or money_key(), digestmod=hashlib.sha256)
    names = list(columns)
    slots = {"model": json.dumps(label, ensure_ascii=False), "id": "{0}"}
    slots.update({n: f"{{{k + 1}}}" for k, n in enumerate(names)})
    template = (
        "{{" + ",".join(f"{json.dumps(n, ensure_ascii=False)}:{slots[n]}" for n in sorted(slots)) + "}}"
    )
    out = []
    for row in zip(pks, *(columns[n] for n in names), strict=True):
        if all(type(v) is int for v in row):
            message = template.format(*row)
        else:
            values = {n: canonical(v) for n, v in zip(names, row[1:], strict=True)}
            payload = {"model": label, "id": int(row[0]), **values}
            message = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        mac = base.copy()
        mac.update(message.encode("utf-8"))
        out.append(mac.hexdigest())
    return out


class MoneyMAC(models.Model):
    """Abstract base of a model whose amounts carry a MAC. Subclasses set money_fields and money_noun."""

    money_fields: ClassVar[tuple[str, ...]] = ()
    money_noun: ClassVar[str] = "记录"  # how verify names a row: "结算 #12"

    money_mac = models.CharField("金额校验码", max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        seal_rows([self], using=kwargs.get("using") or self._state.db or DEFAULT_DB_ALIAS)

    def money_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.money_fields}

    def compute_money_mac(self, key: bytes | None = None) -> str:
        return mac_for(self._meta.label_lower, self.pk, self.money_values(), key)


def seal_rows(rows: Iterable[MoneyMAC], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Set money_mac on rows already in the database (one UPDATE per row whose MAC changed); returns how many."""
    key = money_key()
    changed: dict[type[MoneyMAC], list[MoneyMAC]] = {}
    for row in rows:
        if row.pk is None:
            raise ValueError("a money row must be saved (have an id) before its MAC is set")
        mac = row.compute_money_mac(key)
        if row.money_mac != mac:
            row.money_mac = mac
            changed.setdefault(type(row), []).append(row)
    for model, items in changed.items():
        if len(items) == 1:  # one row (a settlement saved by a request): a plain UPDATE, not bulk's CASE WHEN
            model._base_manager.using(using).filter(pk=items[0].pk).update(money_mac=items[0].money_mac)
        else:
            model._base_manager.using(using).bulk_update(items, ["money_mac"], batch_size=500)
    return sum(len(items) for items in changed.values())


def money_models() -> list[type[MoneyMAC]]:
    return [m for m in apps.get_models() if issubclass(m, MoneyMAC)]


@dataclass(frozen=True)
class MoneyProblem:
    label: str
    pk: int
    message: str


def check(*, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 2000) -> tuple[int, list[MoneyProblem]]:
    """Recompute the MAC of every money row; returns (rows checked, rows whose MAC fails)."""
    key = money_key()
    checked = 0
    problems: list[MoneyProblem] = []
    for model in money_models():
        names = ("pk", "money_mac", *model.money_fields)
        qs = model._base_manager.using(using).order_by("pk").only(*names[1:]).iterator(chunk_size=chunk_size)
        for row in qs:
            checked += 1
            if not chain.matches(row.compute_money_mac(key), row.money_mac):
                problems.append(
                    MoneyProblem(
                        model._meta.label_lower, row.pk, f"{model.money_noun} #{row.pk} 的金额与其校验码不符"
                    )
                )
    return checked, problems
