"""Rules of 鄂州政办发〔2022〕15号 (计划用水管理): framework-free formulas over columns and their dated parameters.

Volumes are integer hundredths of a cubic metre (``*_m3x100``: 12345 = 123.45 m³), so sums and comparisons
are exact; coefficients (增减系数) are integer hundredths (10 = +0.1); money is integer fen.
"""

from __future__ import annotations

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
