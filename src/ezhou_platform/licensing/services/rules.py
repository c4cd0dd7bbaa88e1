"""The rules layer's tables, built from the configuration rows (never from defaults).

Each function reads its rows at the time it is called; corrections are new rows, and for one key and date
the newest row wins. ``catalogue()`` is the reform list read from the policy library with the configured
decisions on inconsistent items and the withdrawals applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ezhou_rules.licensing.catalogue import (
    Catalogue,
    InconsistencyDecision,
    decisions_from_data,
    default_decisions,
    load_catalogue,
)
from ezhou_rules.licensing.coverage import PartialScope
from ezhou_rules.licensing.credit import CreditPolicy, policy_from_dict
from ezhou_rules.licensing.departments import Body, BodyKind, IssuingBodyRule, IssuingBodyTable, Level
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.periods import PeriodRule, PeriodTable, period_rule_from_dict
from ezhou_rules.licensing.scheme import Scheme as RulesScheme
from ezhou_rules.licensing.scheme import SchemeBook, scheme_from_dict

from ..models import (
    CreditPolicySetting,
    InconsistencyDecisionSetting,
    IssuingBodySetting,
    ItemRiskSetting,
    ItemWithdrawal,
    PartialScopeSetting,
    PeriodSetting,
    Scheme,
)


def newest(rows: Iterable[Any], key: Any) -> list[Any]:
    """Of rows with the same key (including valid_from), the one entered last: a correction replaces."""
    out: dict[Any, Any] = {}
    for r in sorted(rows, key=lambda r: (r.entered_at, r.pk)):
        out[key(r)] = r
    return list(out.values())


# -- catalogue ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _base_catalogue(decisions: tuple[InconsistencyDecision, ...]) -> Catalogue:
    return load_catalogue(decisions=decisions)


def decisions() -> tuple[InconsistencyDecision, ...]:
    """The shipped decisions (data/decisions.yaml) and those entered since, by date."""
    rows = newest(InconsistencyDecisionSetting.objects.all(), lambda r: (r.item_code, r.kind, r.valid_from))
    entered = decisions_from_data(
        {
            "decisions": [
                {
                    "item": r.item_code,
                    "kind": r.kind,
                    "decision": r.decision,
                    "valid_from": r.valid_from,
                    "source": r.source,
                    "note": r.note,
                }
                for r in rows
            ]
        }
    )
    shipped = [
        d
        for d in default_decisions()
        if (d.item, d.kind, d.valid_from) not in {(e.item, e.kind, e.valid_from) for e in entered}
    ]
    return tuple(sorted((*shipped, *entered), key=lambda d: (d.item, d.valid_from)))


def catalogue() -> Catalogue:
    cat = _base_catalogue(decisions())
    for w in ItemWithdrawal.objects.order_by("withdrawn_on", "id"):
        try:
            cat = cat.withdraw(w.code, w.withdrawn_on)
        except LicensingError:
            continue  # a withdrawal before the item's start was refused when entered
    return cat


# -- periods, schemes, bodies, policies -------------------------------------------------------------------


def scheme_rows(item: str | None = None) -> list[Scheme]:
    qs = Scheme.objects.all()
    if item:
        qs = qs.filter(item_code=item)
    return list(qs.order_by("valid_from", "id"))


def rules_scheme(row: Scheme) -> RulesScheme:
    return scheme_from_dict(row.data)


def scheme_book() -> SchemeBook:
    return SchemeBook([rules_scheme(r) for r in scheme_rows()])


def period_rules(extra: Sequence[PeriodRule] = ()) -> list[PeriodRule]:
    rows = newest(PeriodSetting.objects.all(), lambda r: (r.item_code, r.kind, r.material, r.valid_from))
    rules = [
        period_rule_from_dict(
            {
                "item": r.item_code,
                "kind": r.kind,
                "material": r.material or None,
                "length": r.length,
                "unit": r.unit,
                "counts_from": r.counts_from,
                "valid_from": r.valid_from,
                "source": r.source,
            }
        )
        for r in rows
    ]
    return [*rules, *extra]


def period_table(extra: Sequence[PeriodRule] = ()) -> PeriodTable:
    return PeriodTable(period_rules(extra))


def _body(dept: Any, kind: BodyKind) -> Body:
    return Body(dept.code, "鄂州市" + dept.name, kind)


def _kind(dept: Any, level: str) -> BodyKind:
    if dept.code == "administrative_approval":
        return BodyKind.APPROVAL_BUREAU
    return BodyKind.CITY_BUREAU if level == Level.CITY else BodyKind.DISTRICT_OFFICE


def issuing_table() -> IssuingBodyTable:
    rows = newest(
        IssuingBodySetting.objects.select_related(
            "issuing_department", "competent_department", "jurisdiction"
        ),
        lambda r: (r.department_type, r.level, r.jurisdiction_id, r.item_code, r.valid_from),
    )
    return IssuingBodyTable(
        IssuingBodyRule(
            department_type=r.department_type,
            level=Level(r.level),
            issuing_body=_body(r.issuing_department, _kind(r.issuing_department, r.level)),
            competent_department=_body(r.competent_department, _kind(r.competent_department, r.level)),
            valid_from=r.valid_from,
            source=r.source,
            jurisdiction=r.jurisdiction.code if r.jurisdiction else None,
            item=r.item_code or None,
        )
        for r in rows
    )


def credit_policies() -> list[CreditPolicy]:
    rows = newest(CreditPolicySetting.objects.all(), lambda r: r.valid_from)
    return [
        policy_from_dict(
            {
                "valid_from": r.valid_from,
                "serious_categories": r.serious_categories,
                "other_barring_kinds": r.other_barring_kinds,
                "source": r.source,
            }
        )
        for r in rows
    ]


def partial_scopes() -> list[PartialScope]:
    rows = newest(PartialScopeSetting.objects.all(), lambda r: (r.item_code, r.value, r.valid_from))
    return [PartialScope(r.item_code, r.value, frozenset(r.names), r.valid_from, r.source) for r in rows]


def item_risk(item: str, on: dt.date) -> ItemRiskSetting | None:
    rows = newest(ItemRiskSetting.objects.filter(item_code=item, valid_from__lte=on), lambda r: r.valid_from)
    return max(rows, key=lambda r: r.valid_from) if rows else None


def item_risks(on: dt.date) -> dict[str, ItemRiskSetting]:
    rows = newest(ItemRiskSetting.objects.filter(valid_from__lte=on), lambda r: (r.item_code, r.valid_from))
    out: dict[str, ItemRiskSetting] = {}
    for r in sorted(rows, key=lambda r: r.valid_from):
        out[r.item_code] = r
    return out
