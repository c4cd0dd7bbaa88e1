"""Rules of 鄂州政办发〔2022〕15号 (计划用水管理): framework-free formulas over columns and their dated parameters.

Volumes are integer hundredths of a cubic metre (``*_m3x100``: 12345 = 123.45 m³), so sums and comparisons
are exact; coefficients (增减系数) are integer hundredths (10 = +0.1); money is integer fen.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterTree, load_parameters

DOCUMENT = "鄂州政办发〔2022〕15号"
PARAMETER_FILE = Path(__file__).parent / "parameters" / "water_plan.yaml"


@cache
def parameters() -> ParameterTree:
    """The YAML tree (configurable surcharge values not merged; the platform merges them with configured())."""
    return load_parameters(PARAMETER_FILE, name="water_plan")


def cite(place: str) -> str:
    return f"{DOCUMENT} {place}"


def in_force(day: dt.date, params: ParameterTree | None = None) -> dt.date:
    """The day a dated value is looked up at for a rule that applies on ``day``.

    ``day`` itself — or, when ``day`` is before the document took effect (2022-07-11), the document's first
    day: a plan year or a counting year that began before the document is governed by it only from then on.
    So the first, partial year works (a 2022 plan, a water-balance test completed in 2021 that counts for
    2022–2024), and nothing is looked up at 1 January 2022, before any value exists.
    """
    first = (params or parameters()).document_date
    return max(day, first) if first is not None else day
