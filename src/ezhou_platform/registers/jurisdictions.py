"""Dated look-ups in the jurisdiction register (鄂州市 → districts/zones → townships/streets → villages).

    jurisdictions_on(dt.date(2023, 1, 1), level=Jurisdiction.Level.TOWNSHIP)   # in force that day
    jurisdiction_path("420704001000", on=dt.date(2023, 1, 1))                   # [鄂州市, 鄂城区, 古楼街道]

A row is in force from valid_from (empty: since before the register) to valid_to inclusive (empty: still).
A rename or merger closes the old row and opens a new one linked to it; a child keeps pointing at the row it
was loaded under, and a path on a later date follows the links to what that parent is called on the date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ezhou_platform.common.models import Jurisdiction, JurisdictionQuerySet, JurisdictionSuccession
from ezhou_rules.core.dates import cn_date

from .organisations import RegisterError

LEVEL_ORDER = {
    Jurisdiction.Level.CITY: 0,
    Jurisdiction.Level.DISTRICT: 1,
    Jurisdiction.Level.TOWNSHIP: 2,
    Jurisdiction.Level.VILLAGE: 3,
}


class JurisdictionNotFound(RegisterError):
    code = "jurisdiction_unknown"


def jurisdictions_on(
    day: dt.date, level: str | None = None, parent: Jurisdiction | None = None
) -> JurisdictionQuerySet:
    """The jurisdictions in force on `day`, optionally of one level and/or directly under `parent`."""
    qs = Jurisdiction.objects.valid_on(day)
    if level is not None:
        if level not in Jurisdiction.Level.values:
            raise JurisdictionNotFound(f"“层级”应为{'、'.join(Jurisdiction.Level.labels)}之一。")
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent__in=_versions(parent))
    return qs.order_by("stat_code", "id")


def _versions(j: Jurisdiction) -> list[Jurisdiction]:
    """`j` and every row linked to it by renames/mergers, both ways (children may hang on any of them)."""
    seen = {j.pk: j}
    todo = [j]
    while todo:
        cur = todo.pop()
        links = JurisdictionSuccession.objects.filter(predecessor=cur).select_related("successor")
        back = JurisdictionSuccession.objects.filter(successor=cur).select_related("predecessor")
        for other in [s.successor for s in links] + [s.predecessor for s in back]:
            if other.pk not in seen and other.level == j.level:
                seen[other.pk] = other
                todo.append(other)
    return list(seen.values())


def as_of(j: Jurisdiction, day: dt.date) -> Jurisdiction:
    """The row that stands for `j` on `day`: itself if in force, else its successor (or predecessor) then."""
    if j.is_valid_on(day):
        return j
    forward = j.valid_to is not None and day > j.valid_to
    frontier = [j]
    seen = {j.pk}
    while frontier:
        nxt: list[Jurisdiction] = []
        for cur in frontier:
            if forward:
                others = [
                    s.successor
                    for s in JurisdictionSuccession.objects.filter(predecessor=cur).select_related(
                        "successor"
                    )
                ]
            else:
                others = [
                    s.predecessor
                    for s in JurisdictionSuccession.objects.filter(successor=cur).select_related(
                        "predecessor"
                    )
                ]
            for o in others:
                if o.pk in seen:
                    continue
                if o.is_valid_on(day):
                    return o
                seen.add(o.pk)
                nxt.append(o)
        frontier = nxt
    raise JurisdictionNotFound(f"“{j.name}”在{cn_date(day)}不在辖区名录的有效期内，也没有登记承继它的辖区。")


def find_jurisdiction(code: str, on: dt.date) -> Jurisdiction:
    """A jurisdiction by its platform code (echeng), 12-digit 统计用区划代码 or 6-digit 行政区划代码, on `on`."""
    text = (code or "").strip()
    if not text:
        raise JurisdictionNotFound("“辖区代码”不能为空。")
    row = Jurisdiction.objects.filter(code=text).first()
    if row is None and text.isdigit() and len(text) in (6, 12):
        field = "stat_code" if len(text) == 12 else "division_code"
        rows = list(Jurisdiction.objects.filter(**{field: text}).order_by("valid_from", "id"))
        valid = [r for r in rows if r.is_valid_on(on)]
        row = valid[0] if valid else (rows[-1] if rows else None)
    if row is None:
        raise JurisdictionNotFound(f"辖区名录中没有代码为“{text}”的辖区。")
    return as_of(row, on)


def jurisdiction_path(code: str, on: dt.date) -> list[Jurisdiction]:
    """From 鄂州市 down to the jurisdiction with `code`, each level as it was on `on`."""
    node = find_jurisdiction(code, on)
    path = [node]
    while node.parent_id is not None:
        node = as_of(Jurisdiction.objects.get(pk=node.parent_id), on)
        path.append(node)
        if len(path) > len(LEVEL_ORDER):
            raise JurisdictionNotFound("辖区上下级关系出现循环，请检查导入的数据。")
    return list(reversed(path))


@dataclass
class TreeNode:
    jurisdiction: Jurisdiction
    children: list[TreeNode] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum((1 if c.jurisdiction.level == level else 0) + c.count(level) for c in self.children)


def jurisdiction_tree(on: dt.date) -> list[TreeNode]:
    """Every jurisdiction in force on `on`, nested under the row its parent is on that day."""
    # Coded rows in code order, then those without a code (the two zones) in the order they were entered.
    rows = sorted(Jurisdiction.objects.valid_on(on), key=lambda r: (r.stat_code == "", r.stat_code, r.pk))
    by_pk = {r.pk: TreeNode(r) for r in rows}
    links: dict[int, list[int]] = defaultdict(list)
    for s in JurisdictionSuccession.objects.all():
        links[s.predecessor_id].append(s.successor_id)
    all_rows = {r.pk: r for r in Jurisdiction.objects.all()}

    def parent_on(pk: int | None) -> int | None:
        seen: set[int] = set()
        frontier = [pk] if pk is not None else []
        while frontier:
            nxt: list[int] = []
            for p in frontier:
                if p in by_pk:
                    return p
                if p in seen:
                    continue
                seen.add(p)
                nxt += links.get(p, [])
            frontier = nxt
        return None

    roots: list[TreeNode] = []
    for node in by_pk.values():
        parent_pk = parent_on(all_rows[node.jurisdiction.pk].parent_id)
        if parent_pk is None:
            roots.append(node)
        else:
            by_pk[parent_pk].children.append(node)
    return roots
