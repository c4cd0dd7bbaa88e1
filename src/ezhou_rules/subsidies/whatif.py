"""A year's awards recomputed: the same applications through the rules and the ledger, once with the
parameters in force and once with some changed (a rate, a cap, a ceiling), with totals by measure and payer,
before anything is paid.

A recorded decision within a 最高 ceiling (measures 5 and 8) keeps its amount; if a scenario lowers the ceiling
below it, the scenario pays the new ceiling and counts the row as ``clipped`` (the decision would have to be
taken again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ezhou_rules.core.params import ParameterTree

from .components import component
from .decision import NO_PAYER, UNDECIDED, Decision
from .ledger import Awards, Candidates, LedgerDecision, check_batch


@dataclass
class Batch:
    """One component's applications of the year: parsed columns, ids and submission order."""

    component: str
    columns: dict[str, np.ndarray]
    application_id: np.ndarray
    order: np.ndarray


@dataclass
class YearRun:
    decisions: dict[str, Decision]
    candidates: Candidates
    ledger: LedgerDecision
    measure: np.ndarray
    payer: np.ndarray
    clipped: dict[str, int] = field(default_factory=dict)

    def totals(self) -> dict[tuple[int, str], tuple[int, int]]:
        """(measure, payer) → (number of awards, amount fen), payments only (measure 16 defers, pays nothing)."""
        out: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        paid = self.ledger.accepted & (self.payer != NO_PAYER)
        for m, p, a in zip(
            self.measure[paid].tolist(),
            self.payer[paid].tolist(),
            self.ledger.amount[paid].tolist(),
            strict=True,
        ):
            out[(m, p)][0] += 1
            out[(m, p)][1] += a
        return {k: (v[0], v[1]) for k, v in out.items()}


def _compute(
    batch: Batch, params: ParameterTree, on: dt.date, context: Mapping[str, Any], clip: bool
) -> tuple[Decision, int]:
    comp = component(batch.component)
    columns = batch.columns
    if not clip or "decided_amount" not in columns:
        return comp.compute(columns, params, on, context), 0
    decided = np.asarray(columns["decided_amount"], dtype=np.int64)
    probe = comp.compute(
        {**columns, "decided_amount": np.full(len(decided), UNDECIDED, dtype=np.int64)}, params, on, context
    )
    over = (decided != UNDECIDED) & probe.eligible & (decided > probe.ceiling)
    clipped = np.where(over, probe.ceiling, decided)
    return comp.compute({**columns, "decided_amount": clipped}, params, on, context), int(over.sum())


def run_year(
    batches: Sequence[Batch],
    params: ParameterTree,
    on: dt.date,
    *,
    prior: Awards | None = None,
    context: Mapping[str, Any] | None = None,
    clip_decisions: bool = False,
) -> YearRun:
    """Every batch through its rules, then all of them through the ledger together (caps and keys across
    components), in submission order."""
    decisions: dict[str, Decision] = {}
    parts: list[tuple[Batch, Decision]] = []
    clipped: dict[str, int] = {}
    for batch in batches:
        decision, n_clipped = _compute(batch, params, on, context or {}, clip_decisions)
        decisions[batch.component] = decision
        clipped[batch.component] = n_clipped
        parts.append((batch, decision))

    def cat(values: list[np.ndarray], dtype: Any) -> np.ndarray:
        return np.concatenate(values).astype(dtype) if values else np.array([], dtype=dtype)

    candidates = Candidates(
        cat([b.application_id for b, _ in parts], object),
        cat([np.full(len(d), b.component, dtype=object) for b, d in parts], object),
        cat([d.subject for _, d in parts], object),
        cat([d.object for _, d in parts], object),
        cat([d.year for _, d in parts], np.int64),
        cat([d.amount for _, d in parts], np.int64),
        cat([d.eligible for _, d in parts], bool),
        cat([np.asarray(b.order) for b, _ in parts], np.int64),
    )
    verdict = check_batch(prior or Awards.empty(), candidates, params, on)
    return YearRun(
        decisions,
        candidates,
        verdict,
        cat([np.full(len(d), d.measure, dtype=np.int64) for _, d in parts], np.int64),
        cat([d.payer for _, d in parts], object),
        clipped,
    )


@dataclass
class WhatIf:
    baseline: YearRun
    scenario: YearRun
    rows: list[dict[str, Any]]  # measure, payer, counts, amounts and the difference, sorted
    total_baseline_fen: int
    total_scenario_fen: int

    @property
    def difference_fen(self) -> int:
        return self.total_scenario_fen - self.total_baseline_fen


def what_if(
    batches: Sequence[Batch],
    params: ParameterTree,
    overrides: Mapping[str, Any],
    on: dt.date,
    *,
    prior: Awards | None = None,
    context: Mapping[str, Any] | None = None,
) -> WhatIf:
    """The year under ``params`` and under ``params.with_overrides(overrides)`` (e.g. ``{"m01.rate": "1.5%"}``,
    ``{"m09.growth_cap": 50000000}``), with totals by measure and payer."""
    base = run_year(batches, params, on, prior=prior, context=context)
    scenario = run_year(
        batches, params.with_overrides(overrides), on, prior=prior, context=context, clip_decisions=True
    )
    a, b = base.totals(), scenario.totals()
    rows = []
    for measure, payer in sorted(set(a) | set(b)):
        n0, f0 = a.get((measure, payer), (0, 0))
        n1, f1 = b.get((measure, payer), (0, 0))
        rows.append(
            {
                "measure": measure,
                "payer": payer,
                "baseline_count": n0,
                "baseline_fen": f0,
                "scenario_count": n1,
                "scenario_fen": f1,
                "difference_fen": f1 - f0,
            }
        )
    return WhatIf(base, scenario, rows, sum(v[1] for v in a.values()), sum(v[1] for v in b.values()))
