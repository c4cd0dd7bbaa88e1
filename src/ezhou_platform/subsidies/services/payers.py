"""Who pays (兑现单位): 市级财政, or the district or zone where the measure pays 根据属地原则 (五, 九).

The platform's 财政局 users pay: a user without a jurisdiction (or with the city's) pays for the city, one with a
district's or zone's jurisdiction pays for that territory (its finance office).
"""

from __future__ import annotations

from typing import Any

from ezhou_rules.subsidies.decision import CITY

FINANCE = "finance"


def payer_of_user(user: Any) -> str | None:
    """The payer a 财政局 user pays for, or None for anyone else."""
    dept = getattr(user, "department", None)
    if dept is None or dept.code != FINANCE:
        return None
    j = getattr(user, "jurisdiction", None)
    if j is None or j.level == "city":
        return CITY
    return str(j.name)
