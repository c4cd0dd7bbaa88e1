"""Units (单位) as printed and as keys: the alias table, unit lists and the (牵头单位：…；责任单位：…) clause.

The gazette prints the same unit in several ways (市交通局 / 市交通运输局, 市人社局 / 市人力资源和社会保障局) and
sometimes prints a suffix once for two units ("葛店经开区、临空经济区管委会"). Every printed name is kept as
printed (``UnitRef.printed``) beside the key it resolves to. Resolution is a plain function
``(printed name) -> key | None`` so the platform's organisation register can replace the shipped table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import SupervisionError

__all__ = [
    "UNITS_FILE",
    "AliasTable",
    "UnitEntry",
    "UnitRef",
    "UnitResolver",
    "UnitsClause",
    "default_alias_table",
    "normalise_unit_name",
    "parse_units_clause",
    "read_unit_list",
]

UNITS_FILE = Path(__file__).parent / "data" / "units.yaml"

UnitResolver = Callable[[str], str | None]
"""A printed unit name → the unit's key, or None when the name is not known."""

KINDS = ("department", "government", "school", "enterprise", "body", "collective")


def normalise_unit_name(name: str) -> str:
    """The form names are compared in: no spaces, no trailing punctuation, 鄂州市X read as 市X."""
    text = re.sub(r"\s+", "", name).strip("。；;，,、.")
    if text.startswith("鄂州市"):
        text = text[2:]
    return text


@dataclass(frozen=True)
class UnitEntry:
    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # for a collective name: the units it stands for (keys)
    source: str = ""


@dataclass(frozen=True)
class UnitRef:
    """One unit as the gazette prints it, and the key it resolves to (None: not in the table)."""

    printed: str
    key: str | None
    expanded: str = ""  # the name tried with a shared suffix ("葛店经开区" → "葛店经开区管委会")

    def to_dict(self) -> dict[str, Any]:
        return {"printed": self.printed, "key": self.key, "expanded": self.expanded or None}


@dataclass
class AliasTable:
    """The shipped alias table; ``resolve`` is the default UnitResolver."""

    entries: dict[str, UnitEntry]
    shared_suffixes: tuple[str, ...] = ()
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for entry in self.entries.values():
            for spelling in (entry.name, *entry.aliases):
                norm = normalise_unit_name(spelling)
                other = index.get(norm)
                if other is not None and other != entry.key:
                    raise SupervisionError(
                        "unit_alias_conflict",
                        f"单位别名表：名称“{spelling}”同时指向 {other} 和 {entry.key}。",
                        field="单位名称",
                    )
                index[norm] = entry.key
        for entry in self.entries.values():
            if entry.kind not in KINDS:
                raise SupervisionError(
                    "unit_kind_unknown",
                    f"单位别名表：{entry.key} 的类别“{entry.kind}”未知（可选：{'、'.join(KINDS)}）。",
                    field="单位类别",
                )
        self._index = index
        # collective members are written as names; store them as keys
        for key, entry in list(self.entries.items()):
            if entry.members:
                keys = []
                for member in entry.members:
                    k = self.resolve(member)
                    if k is None:
                        raise SupervisionError(
                            "unit_member_unknown",
                            f"单位别名表：{entry.name} 的组成单位“{member}”不在表中。",
                            field="组成单位",
                        )
                    keys.append(k)
                self.entries[key] = UnitEntry(
                    entry.key, entry.name, entry.kind, entry.aliases, tuple(keys), entry.source
                )

    @classmethod
    def from_data(cls, data: Mapping[str, Any], where: str = "单位别名表") -> AliasTable:
        units = data.get("units")
        if not isinstance(units, Mapping) or not units:
            raise SupervisionError("unit_table_invalid", f"{where}：缺少 units。", field="units")
        entries = {}
        for key, raw in units.items():
            if not isinstance(raw, Mapping) or not raw.get("name"):
                raise SupervisionError(
                    "unit_table_invalid", f"{where}：{key} 缺少名称（name）。", field="name"
                )
            entries[str(key)] = UnitEntry(
                key=str(key),
                name=str(raw["name"]),
                kind=str(raw.get("kind", "department")),
                aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                members=tuple(str(m) for m in raw.get("members") or ()),
                source=str(raw.get("source") or ""),
            )
        suffixes = tuple(str(s) for s in data.get("shared_suffixes") or ())
        return cls(entries, suffixes)

    @classmethod
    def load(cls, path: str | Path = UNITS_FILE) -> AliasTable:
        path = Path(path)
        return cls.from_data(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, where=str(path.name))

    def resolve(self, name: str) -> str | None:
        norm = normalise_unit_name(name)
        key = self._index.get(norm)
        if key is None and not norm.startswith("市"):
            key = self._index.get("市" + norm)
        return key

    def name_of(self, key: str) -> str:
        entry = self.entries.get(key)
        return entry.name if entry else key

    def names(self) -> dict[str, str]:
        return {k: e.name for k, e in self.entries.items()}

    def find_mentions(self, text: str) -> list[tuple[int, str, str]]:
        """Every known unit name in a running text: (position, name as printed, key), longest match first."""
        spellings = sorted(
            {(s, e.key) for e in self.entries.values() for s in (e.name, *e.aliases)},
            key=lambda pair: -len(pair[0]),
        )
        taken = [False] * len(text)
        found = []
        for spelling, key in spellings:
            for m in re.finditer(re.escape(spelling), text):
                if any(taken[m.start() : m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                found.append((m.start(), spelling, key))
        return sorted(found)


@cache
def default_alias_table() -> AliasTable:
    return AliasTable.load()


_SEPARATORS = re.compile(r"[、，,；;]")


def read_unit_list(
    text: str, resolve: UnitResolver, shared_suffixes: Iterable[str] = ("管委会", "人民政府")
) -> list[UnitRef]:
    """A printed list "市教育局、市人社局，鄂州职业大学。" → one UnitRef per unit, in printed order.

    A name that does not resolve is retried with the shared suffix of the next name
    ("葛店经开区、临空经济区管委会" → 葛店经开区管委会, 临空经济区管委会).
    """
    tokens = [t.strip() for t in _SEPARATORS.split(text.strip().rstrip("。.")) if t.strip()]
    out: list[UnitRef] = []
    suffixes = tuple(shared_suffixes)
    for i, token in enumerate(tokens):
        key = resolve(token)
        expanded = ""
        if key is None and i + 1 < len(tokens):
            for suffix in suffixes:
                if tokens[i + 1].endswith(suffix) and not token.endswith(suffix):
                    key = resolve(token + suffix)
                    if key is not None:
                        expanded = token + suffix
                        break
        out.append(UnitRef(printed=token, key=key, expanded=expanded))
    return out


@dataclass(frozen=True)
class UnitsClause:
    """The clause closing a main-text task: (牵头单位：…；责任单位：…), as printed and read."""

    printed: str
    lead: tuple[UnitRef, ...]
    responsible: tuple[UnitRef, ...]


_CLAUSE_RE = re.compile(
    r"[（(]\s*(?:牵头单位\s*[:：](?P<lead>[^；;）)]*)\s*[；;]?\s*)?"
    r"(?:责任单位\s*[:：](?P<resp>[^）)]*))?[）)]\s*$"
)


def parse_units_clause(
    text: str, resolve: UnitResolver, shared_suffixes: Iterable[str] = ("管委会", "人民政府")
) -> tuple[str, UnitsClause | None]:
    """Split a task's text into its body and its closing units clause (None when it has none)."""
    stripped = text.rstrip()
    m = _CLAUSE_RE.search(stripped)
    if not m or (m.group("lead") is None and m.group("resp") is None):
        return stripped, None
    lead = read_unit_list(m.group("lead") or "", resolve, shared_suffixes)
    resp = read_unit_list(m.group("resp") or "", resolve, shared_suffixes)
    return stripped[: m.start()].rstrip(), UnitsClause(m.group(0).strip(), tuple(lead), tuple(resp))
