"""鄂州政发〔2022〕15号 (推动现代职业教育高质量发展的实施方案): the rules beside its tasks.

The tasks (附件2), the joint meeting (附件1) and the yearly items are data in ``plan.yaml``, read by the
generic engine (``ezhou_rules.supervision.tasks.load_tasks("vocational_education")``). This package adds
what is particular to the plan: the progression targets (``progression``), the per-student funding floors
(``funding``) and the 十四五 count targets (``count_targets``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from ezhou_rules.core.citations import REGISTRY, cite
from ezhou_rules.core.params import ParameterTree, load_parameters
from ezhou_rules.library import Library

from ..plans import load_periods, plan_spec
from ..targets import CountTarget, Evidence, TargetStatus, count_targets, load_count_targets

DOCUMENT = "鄂州政发〔2022〕15号"
SLUG = "vocational_education"
PARAMETER_FILE = Path(__file__).parent / "parameters" / "vocational_education.yaml"

__all__ = ["DOCUMENT", "SLUG", "parameters", "target_status", "targets"]

# 一、指导思想 states the plan's direction and sets no task, unit, date or figure: declaratory. The policy
# library's coverage page lists it with this reason instead of leaving it "未实现".
REGISTRY.register(
    cite(f"{DOCUMENT} 一"),
    f"{__name__}.DECLARATORY.guiding_thought",
    "declaratory",
    "说明性内容：指导思想不设任务、单位、时限或数值；目标（二）和任务（三、四及附件2）逐项督办",
)


@cache
def parameters() -> ParameterTree:
    return load_parameters(PARAMETER_FILE, name=SLUG)


def targets(
    *, params: ParameterTree | None = None, library: Library | None = None
) -> tuple[CountTarget, ...]:
    """The 十四五 count targets of 二 and 三（三）9, each checked against its printed words."""
    return load_count_targets(
        plan_spec(SLUG).targets, params or parameters(), load_periods(), DOCUMENT, library=library
    )


def target_status(
    evidence: Iterable[Evidence],
    on: dt.date,
    *,
    params: ParameterTree | None = None,
    library: Library | None = None,
) -> list[TargetStatus]:
    """Every count target on a date against the recognitions reported."""
    return count_targets(targets(params=params, library=library), evidence, on)
