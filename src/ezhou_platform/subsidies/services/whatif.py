"""What-if (测算): the year's applications — every one still in procedure or standing — recomputed by the rules
and the ledger under the parameters in force and under changed ones (a rate, an amount, a cap), with totals
by measure and payer, before anything is paid (``ezhou_rules.subsidies.whatif``). Recorded decisions within a
最高 ceiling keep their amount, cut to a lowered ceiling (counted as ``clipped``); applications whose amount is
still to be decided count for nothing in either column.

Amounts are entered in 元 for parameters in 分 (the page and the CLI say ``m12.amount.scrap_nev=9000``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from ezhou_rules.core.money import MoneyError, parse_yuan
from ezhou_rules.core.params import ParameterValueError, UnknownParameter, convert_value
from ezhou_rules.subsidies.components import component
from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.fields import parse_rows
from ezhou_rules.subsidies.whatif import Batch, WhatIf, what_if

from ..models import Application
from . import params
from .decisions import yuan_text

IN_PLAY = (
    Application.Status.SUBMITTED,
    Application.Status.REVIEWED,
    Application.Status.NOTICED,
    Application.Status.DECIDED,
    Application.Status.PAID,
)


def clean_overrides(raw: Mapping[str, Any]) -> dict[str, Any]:
    """{parameter: value as entered} → values in the parameter's unit; SubsidyError naming a bad one."""
    tree = params.tree()
    out: dict[str, Any] = {}
    if not raw:
        raise SubsidyError(
            "no_overrides", "请至少调整一个参数（如 m12.amount.scrap_nev=9000）。", field="overrides"
        )
    for name, value in raw.items():
        try:
            param = tree.parameter(name)
        except UnknownParameter:
            raise SubsidyError(
                "unknown_parameter", f"没有参数“{name}”。", field="overrides", label="调整的参数"
            ) from None
        text = str(value).strip()
        try:
            if param.unit == "fen":
                out[name] = parse_yuan(text)
            elif param.unit in ("count", "days", "workdays", "months", "years"):
                out[name] = convert_value(param.unit, int(text))
            else:
                out[name] = text
            convert_value(param.unit, out[name])
        except (MoneyError, ValueError, ParameterValueError) as exc:
            raise SubsidyError(
                "bad_override",
                f"参数“{param.description or name}”的调整值“{text}”无效：{exc}",
                field="overrides",
            ) from None
    return out


def batches(year: int) -> tuple[list[Batch], int]:
    """The year's applications grouped by component, their facts (with recorded decisions) as columns."""
    grouped: dict[str, list[Application]] = defaultdict(list)
    for app in Application.objects.filter(year=year, status__in=IN_PLAY).order_by("id"):
        grouped[app.component].append(app)
    out = []
    for code, apps in sorted(grouped.items()):
        comp = component(code)
        names = {f.name for f in comp.fields}
        rows = []
        for a in apps:
            facts = dict(a.facts)
            if a.decided_amount_fen is not None and "decided_amount" in names:
                facts["decided_amount"] = yuan_text(a.decided_amount_fen)
                facts["decision_reason"] = a.decision_reason or "已决定"
                if "decision_ref" in names:
                    facts["decision_ref"] = a.decision_reason or "已决定"
            rows.append(facts)
        parsed = parse_rows(comp.fields, rows)
        if parsed.errors:
            e = parsed.errors[0]
            raise SubsidyError(e.code, f"{apps[e.row - 2].number}：{e.message}", field="facts")
        out.append(
            Batch(
                code,
                parsed.columns,
                np.array([a.number for a in apps], dtype=object),
                np.array([a.pk for a in apps], dtype=np.int64),
            )
        )
    return out, sum(len(b.order) for b in out)


def run(year: int, overrides: Mapping[str, Any], *, on: dt.date) -> tuple[WhatIf, int]:
    groups, n = batches(year)
    if not n:
        raise SubsidyError("no_applications", f"{year}年度没有可测算的奖补申请。", field="year", label="年度")
    context = params.context_for("m12", required=False)
    result = what_if(groups, params.tree(), overrides, on, context=context)
    return result, n
