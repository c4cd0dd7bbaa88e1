"""Parameter trees with the values administrators entered (the numbers the gazette leaves to others).

`configured(tree)` returns the rules' tree (from YAML) with every ConfiguredValue merged in, newest row per
date winning. A domain's services call it for each calculation, so a value entered in the admin takes effect
at once; until one is entered, the calculation stops with ParameterNotSet naming the parameter.
"""

from __future__ import annotations

from django.db import transaction

from ezhou_rules.core.params import AdminValue, ParameterTree

from .models import ConfiguredValue


def configured(tree: ParameterTree) -> ParameterTree:
    rows = ConfiguredValue.objects.filter(tree=tree.name).order_by("name", "valid_from", "id")
    latest: dict[tuple[str, object], ConfiguredValue] = {}
    for row in rows:
        latest[(row.name, row.valid_from)] = row
    if not latest:
        return tree
    return tree.with_values(
        AdminValue(name=r.name, valid_from=r.valid_from, value=r.value, source=r.source, note=r.note)
        for r in latest.values()
    )


def enter_value(
    tree: ParameterTree, name: str, valid_from, value, *, source: str, actor, note: str = ""
) -> ConfiguredValue:  # type: ignore[no-untyped-def]
    """Record a configured value after checking it against the parameter's unit; audited."""
    from ezhou_platform.common.audit.services import record

    # Validate by merging into the tree: wrong unit, unknown or fixed parameter → a clear error, nothing saved.
    tree.with_values([AdminValue(name=name, valid_from=valid_from, value=value, source=source, note=note)])
    with transaction.atomic():
        row = ConfiguredValue.objects.create(
            tree=tree.name,
            name=name,
            valid_from=valid_from,
            value=value,
            source=source,
            note=note,
            department=getattr(actor, "department", None),
            entered_by=actor if getattr(actor, "pk", None) else None,
        )
        record(
            "platform.parameter.enter",
            actor=actor,
            obj=row,
            after={
                "tree": tree.name,
                "name": name,
                "valid_from": valid_from.isoformat(),
                "value": value,
                "source": source,
            },
            label="录入政策参数",
        )
    return row
