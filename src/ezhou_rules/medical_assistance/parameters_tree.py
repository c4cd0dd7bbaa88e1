"""The parameter tree of 鄂州政办发〔2022〕34号 and the lookups that need more than a dated value."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterNotSet, ParameterTree, load_parameters

DOCUMENT = "鄂州政办发〔2022〕34号"
PARAMETER_FILE = Path(__file__).resolve().parent / "parameters" / "medical_assistance.yaml"
CLASSES = (1, 2, 3, 4)
CLASS_LABELS = {1: "一类", 2: "二类", 3: "三类", 4: "四类"}
# Keyed by statistical year (valid_from = 1 January of that year) and read for exactly that year.
STATISTICAL_YEAR_PARAMETERS = frozenset(
    {"income.per_capita_disposable", "income.rural_per_capita_disposable"}
)


@cache
def parameters() -> ParameterTree:
    """The tree as written in the YAML file (the platform merges administrator-entered values into it)."""
    return load_parameters(PARAMETER_FILE, name="medical_assistance")


def statistical_year_value(tree: ParameterTree, name: str, year: int) -> int:
    """The value of a yearly statistic (an income) for exactly ``year``.

    Incomes are keyed by their statistical year (valid_from = 1 January of that year). A dated tree would
    carry the 2022 figure forward into 2023 if nobody entered 2023's; "上年度" means that year's figure, so a
    missing year stops the calculation with ParameterNotSet instead of borrowing another year's figure.
    """
    param = tree.parameter(name)
    day = dt.date(year, 12, 31)
    try:
        entry = tree.entry(name, day)
    except ParameterNotSet:
        raise ParameterNotSet(
            param.full_name, dt.date(year, 1, 1), param.description, None, param.configurable
        ) from None
    if entry.valid_from.year != year:
        raise ParameterNotSet(
            param.full_name, dt.date(year, 1, 1), param.description, None, param.configurable
        )
    return int(entry.value)
