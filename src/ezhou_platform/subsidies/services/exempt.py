"""第十六条 免申即享: the 医保局's data on the insured units and their contribution months goes through the rules
(``deferral.deferral_run``) with no application; each unit's August–October 2022 employer contribution is
flagged deferred, with no late fee (缓缴期间免收滞纳金), and the months or units that do not qualify are kept
with the reason. One row per unit and month: running the same data again changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.deferral import DEFERRAL_FIELDS, UNIT_KINDS, deferral_run
from ezhou_rules.subsidies.errors import RowError
from ezhou_rules.subsidies.fields import Field, parse_rows

from ..models import Deferral
from . import params
from .files import read_table

FIELDS = (*DEFERRAL_FIELDS, Field("unit_name", "单位名称", required=False, default=""))


@dataclass
class DeferralRun:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def check_file(path: Path, *, on: dt.date) -> DeferralRun:
    """Read the data and run the rules; no database writes."""
    table = read_table(path, FIELDS)
    parsed = parse_rows(FIELDS, table.rows, on=on)
    out = DeferralRun(errors=table.renumber(parsed.errors), total=len(table))
    if out.errors:
        return out
    c = parsed.columns
    decision = deferral_run({f.name: c[f.name] for f in DEFERRAL_FIELDS}, params.tree(), on)
    months = c["month"].astype("datetime64[M]").astype("datetime64[D]")
    seen: dict[tuple[str, str], int] = {}
    for i in range(len(table)):
        key = (str(c["unit_id"][i]), str(months[i]))
        if key in seen:
            out.errors.append(
                RowError(
                    table.numbers[i],
                    "month",
                    "费款所属月份",
                    "duplicate_row",
                    f"同一单位同一月份已在第{table.numbers[seen[key]]}行给出。",
                    key[1],
                )
            )
            continue
        seen[key] = i
        deferred = bool(decision.eligible[i])
        out.rows.append(
            {
                "unit_id": key[0],
                "unit_name": str(c["unit_name"][i])[:200],
                "month": dt.date.fromisoformat(key[1]),
                "unit_kind": str(c["unit_kind"][i]),
                "contribution_fen": int(c["employer_contribution"][i]),
                "deferred": deferred,
                "reasons": [r.text for r in decision.reasons(i)],
            }
        )
    if out.errors:
        out.rows = []
    return out


def apply(run_data: DeferralRun, *, run: Any, actor: Any) -> dict[str, int]:
    """Upsert the rows by unit and month (inside the caller's transaction)."""
    existing = {
        (d.unit_id, d.month): d
        for d in Deferral.objects.filter(unit_id__in={r["unit_id"] for r in run_data.rows})
    }
    counts = {"缓缴（单位月）": 0, "不符合缓缴条件（单位月）": 0, "新增": 0, "更新": 0, "未变": 0}
    new = []
    fields = ("unit_name", "unit_kind", "contribution_fen", "deferred", "reasons")
    for r in run_data.rows:
        counts["缓缴（单位月）" if r["deferred"] else "不符合缓缴条件（单位月）"] += 1
        current = existing.get((r["unit_id"], r["month"]))
        if current is None:
            new.append(Deferral(**r, late_fee_fen=0, run=run))
            counts["新增"] += 1
        elif all(getattr(current, f) == r[f] for f in fields):
            counts["未变"] += 1
        else:
            for f in fields:
                setattr(current, f, r[f])
            current.run, current.updated_at = run, clock.now()
            current.save(update_fields=[*fields, "run", "updated_at"])
            counts["更新"] += 1
    Deferral.objects.bulk_create(new, batch_size=1000)
    record(
        "subsidies.deferral.run",
        actor=actor,
        object_type="subsidies.deferral",
        object_id="m16",
        object_repr="职工医保单位缴费缓缴（免申即享）",
        after=counts,
        label="第十六条免申即享缓缴",
        citation=cite(16),
    )
    return counts


def kind_label(code: str) -> str:
    return UNIT_KINDS.get(code, code)


def totals() -> dict[str, int]:
    qs = Deferral.objects.filter(deferred=True)
    amounts = np.array(list(qs.values_list("contribution_fen", flat=True)), dtype=np.int64)
    return {
        "units": qs.values("unit_id").distinct().count(),
        "months": len(amounts),
        "amount_fen": int(amounts.sum()) if len(amounts) else 0,
    }
