"""Trace: a computation explaining itself, step by step, with the article each step applies.

Tracing is off by default. A formula calls ``trace.step(...)`` unconditionally; on the shared
``NO_TRACE`` object that is a method that returns at once, so a batch of a million rows pays one
attribute lookup per formula call (not per row), and nothing is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from .citations import Citation, cite


def _plain(value: Any) -> Any:
    """JSON-friendly copy of a trace value (numpy scalars and arrays become Python numbers and lists)."""
    # Recurse on what numpy hands back: a datetime64 becomes a datetime.date, which still needs isoformat.
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, Fraction | Decimal):
        # Ratios are exact Fractions and amounts may be Decimals; JSON has no exact type for them, and a
        # float would misstate them, so they travel as text ("13/20", "1234.56").
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Citation):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Step:
    rule: str  # the formula's name in code
    citation: Citation | None
    inputs: dict[str, Any]
    result: Any
    explanation: str  # one plain Chinese sentence a citizen understands

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "citation": str(self.citation) if self.citation else None,
            "anchor": self.citation.anchor() if self.citation else None,
            "document": self.citation.document if self.citation else None,
            "inputs": _plain(self.inputs),
            "result": _plain(self.result),
            "explanation": self.explanation,
        }


@dataclass
class Trace:
    steps: list[Step] = field(default_factory=list)
    enabled: bool = True

    def step(
        self,
        rule: str,
        citation: str | Citation | None,
        inputs: dict[str, Any],
        result: Any,
        explanation: str,
    ) -> None:
        if not self.enabled:
            return
        self.steps.append(Step(rule, cite(citation) if citation else None, dict(inputs), result, explanation))

    def __bool__(self) -> bool:
        return self.enabled

    def __len__(self) -> int:
        return len(self.steps)

    def to_list(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.steps]

    def to_json(self) -> str:
        return json.dumps(self.to_list(), ensure_ascii=False)

    def explain(self) -> str:
        """The whole explanation as Chinese text, one line a step with its citation."""
        return "\n".join(
            f"{i}. {s.explanation}（依据：{s.citation}）" if s.citation else f"{i}. {s.explanation}"
            for i, s in enumerate(self.steps, 1)
        )


class _NoTrace(Trace):
    def step(self, *args: Any, **kwargs: Any) -> None:
        return None


NO_TRACE: Trace = _NoTrace(enabled=False)
