"""第七条 参保资助 of a registered person: the identities valid on 1 January of the coverage year decide (M18)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_rules.core.trace import NO_TRACE, Trace
from ezhou_rules.medical_assistance.recipients import premium_subsidy

from ..models import Person
from .common import tree
from .identities import identities_on


def premium_subsidy_for(person: Person, coverage_year: int, trace: Trace | None = None) -> Any:
    """第七条 for a registered person: the identities valid on 1 January of the coverage year decide."""
    kinds = [i.kind for i in identities_on(person, dt.date(coverage_year, 1, 1))]
    return premium_subsidy(tree(), kinds, coverage_year, trace=trace if trace is not None else NO_TRACE)
