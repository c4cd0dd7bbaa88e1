"""The result of a measure's rules over a batch of cases: eligibility checks, the amount, the ceiling, the
payer and the ledger identity (subject, object, year) per row, with Chinese reasons and a trace that any row
can be asked for afterwards (computed lazily, so a batch of a million rows builds no text).

Comparisons follow the text exactly: 以上 / 以内 / 最高 / 不超过 / 不高于 include the figure (``>=``, ``<=``);
超过 excludes it (``>``). Each check carries the section it applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import Trace

from . import cite, measure_key, measure_name
from .errors import SubsidyError
from .fields import Field, format_date, format_value

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
CITY = "市级财政"
NO_PAYER = "不涉及资金"
UNDECIDED = -1  # a decided amount not yet recorded (最高 / 一事一议 awards)

StepFn = Callable[[int], list[tuple[str, str, dict[str, Any], Any, str]]]


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "citation": self.citation}


@dataclass(frozen=True)
class Check:
    """One eligibility condition: the rows that fail it, and the sentences for a failing and a passing row.

    The texts may name input fields in braces (``{disbursed_on}``); they are filled with the row's value as a
    clerk reads it (2022年8月1日, 1,234.56元)."""

    code: str
    failed: Bools
    citation: str
    fail_text: str
    pass_text: str = ""
    applies: Bools | None = None  # rows the condition concerns (a batch mixing measures); None: every row


@dataclass
class Decision:
    component: str
    measure: int
    columns: dict[str, np.ndarray]
    fields: Mapping[str, Field]
    checks: list[Check]
    amount: Ints  # what the rules award (0 where not eligible or awaiting a decision)
    ceiling: Ints  # the most that may be awarded (= amount where the text fixes the amount)
    pending: Bools  # eligible, but the award within the ceiling is a recorded decision not yet made
    payer: np.ndarray
    subject: np.ndarray
    object_column: np.ndarray | Callable[[], np.ndarray]  # built on first use (string keys cost time)
    year: Ints
    steps: StepFn = field(repr=False, default=lambda i: [])

    @property
    def object(self) -> np.ndarray:
        if callable(self.object_column):
            self.object_column = np.asarray(self.object_column(), dtype=object)
        return self.object_column

    def __len__(self) -> int:
        return len(self.amount)

    @property
    def eligible(self) -> Bools:
        ok = np.ones(len(self.amount), dtype=bool)
        for c in self.checks:
            ok &= ~c.failed
        return ok

    def _values(self, i: int) -> dict[str, str]:
        out = {}
        for name, col in self.columns.items():
            f = self.fields.get(name)
            out[name] = format_value(f, col[i]) if f is not None else str(col[i])
        return out

    def reasons(self, i: int) -> list[Reason]:
        """Why row ``i`` is not eligible (empty when it is)."""
        values = self._values(i)
        return [Reason(c.code, c.fail_text.format(**values), c.citation) for c in self.checks if c.failed[i]]

    def _concerns(self, c: Check, i: int) -> bool:
        return c.applies is None or bool(c.applies[i])

    def trace(self, i: int) -> Trace:
        """Every condition checked for row ``i`` (met or not) and, when eligible, how the amount follows."""
        values = self._values(i)
        t = Trace()
        for c in self.checks:
            if not self._concerns(c, i):
                continue
            met = not bool(c.failed[i])
            text = c.pass_text if met else c.fail_text
            t.step(f"{self.component}.{c.code}", c.citation, {"met": met}, met, text.format(**values))
        if bool(self.eligible[i]):
            for rule, citation, inputs, result, text in self.steps(i):
                t.step(f"{self.component}.{rule}", citation, inputs, result, text)
        return t

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as plain data (for an API answer)."""
        return {
            "component": self.component,
            "measure": self.measure,
            "eligible": bool(self.eligible[i]),
            "pending_decision": bool(self.pending[i]),
            "amount_fen": int(self.amount[i]),
            "ceiling_fen": int(self.ceiling[i]),
            "payer": str(self.payer[i]),
            "subject": str(self.subject[i]),
            "object": str(self.object[i]),
            "year": int(self.year[i]),
            "reasons": [r.to_dict() for r in self.reasons(i)],
            "trace": self.trace(i).to_list(),
        }


# -- building blocks ---------------------------------------------------------------------------------------


def days(values: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    return np.asarray(values).astype("datetime64[D]")


def years_of(values: npt.ArrayLike) -> Ints:
    return days(values).astype("datetime64[Y]").astype(np.int64) + 1970


def add_years(values: npt.ArrayLike, n: int) -> npt.NDArray[np.datetime64]:
    """The anniversary ``n`` years later for each date; 2月29日 falls on 2月28日 in a common year."""
    d = days(values)
    month = d.astype("datetime64[M]")
    day_in_month = d - month.astype("datetime64[D]")
    target = month + 12 * n
    last = (target + 1).astype("datetime64[D]") - 1
    return np.minimum(target.astype("datetime64[D]") + day_in_month, last)


def window(params: ParameterTree, measure: int, on: dt.date, name: str = "window") -> tuple[dt.date, dt.date]:
    start, end = params.get(f"{measure_key(measure)}.{name}", on)
    return start, end


def percent_text(ratio: Fraction) -> str:
    """Fraction(1, 200) → "0.5%"; a ratio without a finite decimal form is shown as a fraction (1/3)."""
    scaled = ratio * 100
    exact = Decimal(scaled.numerator) / Decimal(scaled.denominator)
    if Fraction(exact) != scaled:
        return f"{ratio.numerator}/{ratio.denominator}"
    return f"{exact.normalize():f}%"


def window_text(start: dt.date, end: dt.date) -> str:
    return f"{format_date(start)}至{format_date(end)}"


def outside(values: npt.ArrayLike, start: dt.date, end: dt.date) -> Bools:
    """Rows whose date is not within [start, end] (both days included); a missing date is outside."""
    d = days(values)
    return np.isnat(d) | (d < np.datetime64(start, "D")) | (d > np.datetime64(end, "D"))


def not_in(values: np.ndarray, allowed: tuple[str, ...] | list[str]) -> Bools:
    return ~np.isin(np.asarray(values, dtype=object), np.asarray(list(allowed), dtype=object))


def constant(value: str, n: int) -> np.ndarray:
    """A column of one text (faster than np.full for object arrays)."""
    return np.repeat(np.array([value], dtype=object), n)


def payer_column(
    params: ParameterTree, measure: int, on: dt.date, territory: np.ndarray | None
) -> np.ndarray:
    """市级财政, or the store's or enterprise's territory where the measure pays 根据属地原则."""
    kind = params.get(f"{measure_key(measure)}.payer", on)
    n = 0 if territory is None else len(territory)
    if kind == "city":
        return constant(CITY, n)
    if kind == "none":
        return constant(NO_PAYER, n)
    if territory is None:
        raise SubsidyError(
            "territory_required",
            f"{measure_name(measure)}奖补资金按属地兑现，须给出所属区域。",
            field="territory",
        )
    return np.asarray(territory, dtype=object)


def territory_check(params: ParameterTree, measure: int, on: dt.date, territory: np.ndarray) -> Check:
    allowed = tuple(params.get("territories", on))
    return Check(
        "territory_unknown",
        not_in(territory, allowed),
        cite(measure),
        f"所属区域“{{territory}}”不是{'、'.join(allowed)}之一，无法按属地原则确定兑现单位。",
        "按属地原则由{territory}负责兑现。",
    )


def finish(
    component: str,
    measure: int,
    columns: dict[str, np.ndarray],
    fields: list[Field],
    checks: list[Check],
    amount: Ints,
    ceiling: Ints,
    *,
    payer: np.ndarray,
    subject: np.ndarray,
    object_: np.ndarray | Callable[[], np.ndarray],
    year: Ints,
    pending: Bools | None = None,
    steps: StepFn | None = None,
) -> Decision:
    """Zero the amounts of ineligible rows and assemble the Decision."""
    n = len(amount)
    ok = np.ones(n, dtype=bool)
    for c in checks:
        ok &= ~c.failed
    pend = np.zeros(n, dtype=bool) if pending is None else pending & ok
    return Decision(
        component=component,
        measure=measure,
        columns=columns,
        fields={f.name: f for f in fields},
        checks=checks,
        amount=np.where(ok & ~pend, amount, 0).astype(np.int64),
        ceiling=np.where(ok, ceiling, 0).astype(np.int64),
        pending=pend,
        payer=payer,
        subject=np.asarray(subject, dtype=object),
        object_column=object_ if callable(object_) else np.asarray(object_, dtype=object),
        year=np.asarray(year, dtype=np.int64),
        steps=steps or (lambda i: []),
    )


def decided_within_ceiling(
    component: str, measure: int, decided: Ints, ceiling: Ints, eligible: Bools, reason: np.ndarray
) -> tuple[Ints, Bools]:
    """The recorded decision within a 最高 ceiling: (amount, pending). A decision above the ceiling, or one
    without its reason, is refused for the whole batch (nothing half-done), naming the first such row."""
    decided = np.asarray(decided, dtype=np.int64)
    has = decided != UNDECIDED
    above = eligible & has & (decided > ceiling)
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise SubsidyError(
            "decision_above_ceiling",
            f"第{i + 1}行：决定的奖励金额{format_yuan(int(decided[i]))}超过{measure_name(measure)}规定的最高"
            f"{format_yuan(int(ceiling[i]))}（“最高”含本数，不得超过）。",
            field="decided_amount",
            label="决定奖励金额",
        )
    negative = has & (decided < 0)
    unexplained = eligible & has & np.array([not str(r).strip() for r in reason], dtype=bool)
    if negative.any() or unexplained.any():
        i = int(np.flatnonzero(negative | unexplained)[0])
        raise SubsidyError(
            "decision_reason_required" if unexplained[i] else "negative_amount",
            f"第{i + 1}行：在最高额以内决定奖励金额须记录决定理由，金额不能为负数（{measure_name(measure)}）。",
            field="decision_reason",
            label="决定理由",
        )
    return np.where(has, decided, 0), eligible & ~has
