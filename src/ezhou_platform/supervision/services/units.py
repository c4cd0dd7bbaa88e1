"""Units (牵头单位、责任单位) through the organisation register.

The rules ship a table of the units the plans name and their other spellings
(``ezhou_rules/supervision/data/units.yaml``). On the platform the register is the source of truth: loading a
plan first puts that table into the register — each unit found by any of its spellings or created, each
other spelling recorded as an alias with the table's source — and then every printed name is resolved by
``registers.organisations.resolve_organisation`` on the plan's issue date. An alias an administrator adds
later (admin → 单位 → 别名) is used by the next load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ezhou_platform.common.models import Department, Organisation, organisation_key
from ezhou_platform.registers.organisations import RegisterError, add_alias, organisation_candidates
from ezhou_rules.supervision.units import (
    UNITS_FILE,
    AliasTable,
    UnitEntry,
    UnitResolver,
    default_alias_table,
    normalise_unit_name,
)

# The rules' unit kinds → the register's
KINDS = {
    "department": Organisation.Kind.DEPARTMENT,
    "government": Organisation.Kind.OTHER,
    "school": Organisation.Kind.SCHOOL,
    "enterprise": Organisation.Kind.COMPANY,
    "body": Organisation.Kind.OTHER,
    "collective": Organisation.Kind.OTHER,
}
RULES_TABLE = f"督办规则单位表（src/ezhou_rules/supervision/data/{UNITS_FILE.name}）"


def _source(entry: UnitEntry) -> str:
    """Where the table says the spellings come from; the table itself when it gives no reason."""
    why = entry.source or "方案原文所用名称"
    return f"{RULES_TABLE}：{why}"[:300]


@dataclass
class UnitsLoad:
    created: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"单位名录：新增单位{len(self.created)}个，已有{len(self.matched)}个，新增别名{len(self.aliases)}个。"
        ]
        out += [f"新增单位：{name}" for name in self.created]
        out += [f"新增别名：{a}" for a in self.aliases]
        out += [f"问题：{p}" for p in self.problems]
        return out


def load_rules_units(*, on: dt.date, actor: Any = None, table: AliasTable | None = None) -> UnitsLoad:
    """Put the rules' unit table into the register (idempotent): find or create each unit, record its other
    spellings as aliases with their source. A unit whose spellings point at two records is reported, not
    merged."""
    table = table or default_alias_table()
    report = UnitsLoad()
    for entry in table.entries.values():
        spellings = list(dict.fromkeys([entry.name, *entry.aliases]))
        found: dict[int, Organisation] = {}
        for name in spellings:
            for org in organisation_candidates(name, on):
                found[org.pk] = org
        if len(found) > 1:
            names = "、".join(o.name for o in found.values())
            report.problems.append(f"“{entry.name}”的各个名称指向不同单位（{names}），请在单位名录中核对。")
            continue
        if found:
            org = next(iter(found.values()))
            report.matched.append(org.name)
        else:
            org = Organisation.objects.create(kind=KINDS[entry.kind], name=entry.name, source=_source(entry))
            report.created.append(org.name)
        for name in spellings:
            key = organisation_key(name)
            if key == org.name_key or org.aliases.filter(alias_key=key).exists():
                continue
            try:
                add_alias(org, name, source=_source(entry), actor=actor)
            except RegisterError as exc:
                report.problems.append(exc.message)
                continue
            report.aliases.append(f"{name} = {org.name}")
    return report


def register_resolver(on: dt.date) -> UnitResolver:
    """Printed name → the register's organisation (its id as text), or None when not found or ambiguous."""
    cache: dict[str, str | None] = {}

    def resolve(name: str) -> str | None:
        key = organisation_key(name)
        if key not in cache:
            # resolve_organisation's rule (exactly one record in force by name, alias or USCC), without the
            # nearest-names search its error message needs: the rules try many prefixes of a member's title.
            found = organisation_candidates(name, on)
            cache[key] = str(found[0].pk) if len(found) == 1 else None
        return cache[key]

    return resolve


def register_alias_table(on: dt.date) -> AliasTable:
    """The register's organisations in force on ``on`` (with their aliases, and 市… for 鄂州市…) as the
    rules' alias table, for finding unit names in running text (the consistency report's mentions)."""
    entries = {}
    taken: dict[str, str] = {}
    for org in Organisation.objects.valid_on(on).prefetch_related("aliases").order_by("id"):
        key = str(org.pk)
        names = [org.name, *(a.alias for a in org.aliases.all())]
        if org.name.startswith("鄂州市"):
            names.append("市" + org.name[3:])
        if taken.get(normalise_unit_name(org.name), key) != key:
            continue  # two records by one name (e.g. versions of a renamed unit): the first stands
        kept = []
        for name in dict.fromkeys(names):
            norm = normalise_unit_name(name)
            if taken.setdefault(norm, key) == key:
                kept.append(name)
        entries[key] = UnitEntry(key, org.name, "body", tuple(kept[1:]))
    return AliasTable(entries)


def organisation_names(keys: set[str]) -> dict[str, str]:
    ids = [int(k) for k in keys if k and k.isdigit()]
    return {str(pk): name for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")}


def department_of(org: Organisation | int | None) -> Department | None:
    """The platform department that works for an organisation (its accounts), if any."""
    if org is None:
        return None
    pk = org if isinstance(org, int) else org.pk
    return Department.objects.filter(organisation_id=pk).order_by("id").first()


def user_organisation(user: Any) -> Organisation | None:
    """The organisation a staff member works for: their department's."""
    dept = getattr(user, "department", None)
    return dept.organisation if dept is not None and dept.organisation_id else None
