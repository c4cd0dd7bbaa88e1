"""The organisation register: one record per unit, found by any of its names.

    org = resolve_organisation("市交通局", on=dt.date(2022, 9, 1))   # → 鄂州市交通运输局, through its alias
    load_organisations([OrganisationEntry("市教育局", Organisation.Kind.DEPARTMENT)], source="鄂州政发〔2022〕15号 附件2")

Names are compared by `organisation_key` (NFKC, no spaces, 鄂州市… read as 市…), so 鄂州市教育局 and 市教育局 are
one name. An alias is another name with the text that shows it is the same unit; this module never guesses
one: a name it cannot place is reported with the nearest candidates for a person to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Organisation, OrganisationAlias, organisation_key
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc

SOURCED_ALIASES_FILE = Path(__file__).with_name("aliases.yaml")


class RegisterError(ValueError):
    """A name or code that the registers cannot place; `code` is the machine code, `candidates` the nearest
    records a person may choose from."""

    code = "register_error"

    def __init__(self, message: str, *, candidates: Iterable[Any] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates)


class OrganisationNotFound(RegisterError):
    code = "organisation_unknown"


class OrganisationAmbiguous(RegisterError):
    code = "organisation_ambiguous"


def _alias_valid_on(day: dt.date) -> Q:
    return (Q(aliases__valid_from__isnull=True) | Q(aliases__valid_from__lte=day)) & (
        Q(aliases__valid_to__isnull=True) | Q(aliases__valid_to__gte=day)
    )


def organisation_candidates(name: str, on: dt.date | None = None) -> list[Organisation]:
    """Every organisation in force on `on` whose name, alias (in force too) or USCC is `name`."""
    day = on or clock.today()
    key = organisation_key(name)
    if not key:
        return []
    valid = Organisation.objects.valid_on(day)
    by_name = Q(name_key=key)
    by_alias = Q(aliases__alias_key=key) & _alias_valid_on(day)
    query = by_name | by_alias
    if len(key) == 18:
        try:
            query |= Q(uscc=validate_uscc(key))
        except InvalidIdentifier:
            pass
    return list(valid.filter(query).distinct().order_by("name", "id"))


def _near(key: str, day: dt.date, limit: int = 5) -> list[Organisation]:
    """Organisations whose name or alias contains the name or is contained in it (for the error message)."""
    if len(key) < 2:
        return []
    core = key[1:] if key.startswith("市") and len(key) > 2 else key
    valid = Organisation.objects.valid_on(day)
    return list(
        valid.filter(Q(name_key__contains=core) | Q(aliases__alias_key__contains=core))
        .distinct()
        .order_by("name")[:limit]
    )


def _names(orgs: Iterable[Organisation]) -> str:
    return "、".join(f"{o.name}{f'（{o.uscc}）' if o.uscc else ''}" for o in orgs)


def resolve_organisation(name: str, on: dt.date | None = None) -> Organisation:
    """The one organisation called `name` (by its name, an alias or its USCC) on `on` (default: today).

    Raises OrganisationNotFound (listing the nearest names, if any) or OrganisationAmbiguous (listing all
    that match); both are RegisterError with a Chinese message and an English `code`.
    """
    day = on or clock.today()
    found = organisation_candidates(name, day)
    if len(found) == 1:
        return found[0]
    shown = (name or "").strip()
    if not found:
        near = _near(organisation_key(name), day)
        hint = f"相近的单位：{_names(near)}。" if near else ""
        raise OrganisationNotFound(
            f"单位名录中没有{cn_date(day)}有效的“{shown}”。{hint}"
            "请先登记该单位，或为已有单位登记别名（须注明依据）。",
            candidates=near,
        )
    raise OrganisationAmbiguous(
        f"“{shown}”对应{len(found)}个{cn_date(day)}有效的单位：{_names(found)}。请使用全称或统一社会信用代码。",
        candidates=found,
    )


@transaction.atomic
def add_alias(
    organisation: Organisation,
    alias: str,
    *,
    source: str,
    actor: Any = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    audit: bool = True,
) -> OrganisationAlias:
    """Record `alias` as another name of `organisation`, with the text that shows it (required).

    audit=False only for the reference data every installation loads (as departments and districts are)."""
    alias = (alias or "").strip()
    source = (source or "").strip()
    if not alias:
        raise RegisterError("“别名”不能为空。")
    if not source:
        raise RegisterError(f"登记别名“{alias}”须注明“依据”（哪份文件、哪一处把两个名称用于同一单位）。")
    key = organisation_key(alias)
    existing = OrganisationAlias.objects.filter(organisation=organisation, alias_key=key).first()
    if existing is not None:
        return existing
    clash = [
        o for o in organisation_candidates(alias, valid_from or clock.today()) if o.pk != organisation.pk
    ]
    if clash:
        raise OrganisationAmbiguous(
            f"别名“{alias}”已是其他单位的名称或别名：{_names(clash)}，不能再指向“{organisation.name}”。",
            candidates=clash,
        )
    row = OrganisationAlias.objects.create(
        organisation=organisation, alias=alias, source=source, valid_from=valid_from, valid_to=valid_to
    )
    if not audit:
        return row
    record(
        "registers.organisation.alias",
        actor=actor,
        obj=organisation,
        after={"alias": alias, "source": source},
        label=f"登记单位别名：{alias} = {organisation.name}",
    )
    return row


@dataclass(frozen=True)
class OrganisationEntry:
    name: str
    kind: str
    uscc: str = ""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    aliases_added: list[str] = field(default_factory=list)
    pending_aliases: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"新增单位{len(self.created)}个，已有{len(self.matched)}个，新增别名{len(self.aliases_added)}个。"
        ]
        out += [f"待登记：{p}" for p in self.pending_aliases]
        out += [f"问题：{p}" for p in self.problems]
        return out


@transaction.atomic
def load_organisations(
    entries: Iterable[OrganisationEntry], *, source: str, actor: Any = None, on: dt.date | None = None
) -> LoadReport:
    """Load unit names (e.g. the 牵头单位/责任单位 of a task list) into the register, idempotently.

    A name that resolves (by name, alias or USCC) is left as it is; an unknown one is created with `kind`
    and `source`; an ambiguous one is reported, not created. The gazette-sourced aliases are applied after,
    so e.g. 市交通局 finds 市交通运输局 once the latter is loaded.
    """
    if not (source or "").strip():
        raise RegisterError("载入单位名录须注明“来源”（例如文件文号和附件）。")
    day = on or clock.today()
    report = LoadReport()
    for entry in entries:
        name = entry.name.strip()
        if not name:
            continue
        if entry.kind not in Organisation.Kind.values:
            report.problems.append(f"“{name}”的类型“{entry.kind}”不是单位类型之一。")
            continue
        uscc = ""
        if entry.uscc:
            try:
                uscc = validate_uscc(entry.uscc)
            except InvalidIdentifier as exc:
                report.problems.append(f"“{name}”的统一社会信用代码：{exc}")
                continue
        try:
            resolve_organisation(name, day)
            report.matched.append(name)
            continue
        except OrganisationAmbiguous as exc:
            report.problems.append(exc.message)
            continue
        except OrganisationNotFound:
            pass
        if uscc and Organisation.objects.filter(uscc=uscc).exists():
            report.problems.append(f"“{name}”的统一社会信用代码{uscc}已登记为其他名称的单位。")
            continue
        Organisation.objects.create(kind=entry.kind, name=name, uscc=uscc, source=source.strip()[:300])
        report.created.append(name)
    if report.created:
        record(
            "registers.organisation.load",
            actor=actor,
            object_type="common.organisation",
            object_repr=f"{len(report.created)}个单位",
            after={"created": report.created, "source": source},
            label="载入单位名录",
        )
    sourced = load_sourced_aliases(actor=actor, audit=True)
    report.aliases_added += sourced.aliases_added
    report.pending_aliases += sourced.pending_aliases
    report.problems += sourced.problems
    return report


def sourced_aliases() -> list[dict[str, str]]:
    return list(yaml.safe_load(SOURCED_ALIASES_FILE.read_text(encoding="utf-8")) or [])


@transaction.atomic
def load_sourced_aliases(actor: Any = None, *, audit: bool = False) -> LoadReport:
    """Apply aliases.yaml: each alias whose unit is in the register is added (once); the others wait.

    Part of the reference data (load_reference_data), so not audited unless a user's load triggers it."""
    report = LoadReport()
    for row in sourced_aliases():
        try:
            org = resolve_organisation(row["name"])
        except OrganisationNotFound:
            report.pending_aliases.append(f"{row['alias']} = {row['name']}（单位尚未登记）")
            continue
        except OrganisationAmbiguous as exc:
            report.problems.append(exc.message)
            continue
        if org.aliases.filter(alias_key=organisation_key(row["alias"])).exists():
            continue
        try:
            add_alias(org, row["alias"], source=row["source"], actor=actor, audit=audit)
        except RegisterError as exc:
            report.problems.append(exc.message)
            continue
        report.aliases_added.append(f"{row['alias']} = {org.name}")
    return report
