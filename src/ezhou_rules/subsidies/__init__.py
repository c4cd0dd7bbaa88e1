"""Rules of 鄂州政办发〔2022〕32号 (进一步激发市场活力稳住全市经济增长若干措施): the 18 measures as dated, cited
parameters; the amount engine (integer fen, one half-up rounding) vectorised over columns; the keys and the
batch check of the ledger against double subsidy; what-if; row validation of imported tables; the public
self-check. Framework-free: the platform layer builds its models, API and imports on these functions.

The gazette copy is ``gazette/economic_measures.md`` (slug ``economic_measures``); the module slug is
``subsidies``. A measure is cited by its section: ``鄂州政办发〔2022〕32号 五`` (anchor ``sec5``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ezhou_rules.core.citations import chinese_number
from ezhou_rules.core.params import ParameterTree, load_parameters

DOCUMENT = "鄂州政办发〔2022〕32号"
PARAMETER_FILE = Path(__file__).resolve().parent / "parameters" / "subsidies.yaml"
MEASURES = tuple(range(1, 19))


@cache
def parameters() -> ParameterTree:
    """The tree as written in the YAML file; the platform merges administrator-entered values with
    ``tree.with_values([...])`` (贴息天数上限, 预算, 增列的行业或工具)."""
    return load_parameters(PARAMETER_FILE, name="subsidies")


def cite(measure: int) -> str:
    """``cite(5) == "鄂州政办发〔2022〕32号 五"``: the section of the measure."""
    return f"{DOCUMENT} {chinese_number(measure)}"


def measure_key(measure: int) -> str:
    """The parameter group of a measure: ``m05``."""
    return f"m{measure:02d}"


def measure_name(measure: int) -> str:
    """``measure_name(6) == "第六条"``: how a clerk names a measure (the text numbers them 一、二 …)."""
    return f"第{chinese_number(measure)}条"
