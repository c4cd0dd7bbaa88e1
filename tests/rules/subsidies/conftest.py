"""Shared fixtures of the subsidy rule tests: the parameter tree with the configuration the text leaves open
entered as test values, a fixed calculation date (tests never read today's date) and valid identifiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from ezhou_rules.core import ids
from ezhou_rules.core.params import AdminValue, ParameterTree
from ezhou_rules.subsidies import parameters
from ezhou_rules.subsidies.fields import Field, parse_facts
from ezhou_rules.subsidies.vin import vin_check_digit

ON = dt.date(2022, 12, 20)  # the day the facts are assessed
SUBSIDISED_DAYS = 365  # a test value: the text sets no subsidised period (interpretation S1)


def usccs(n: int, prefix: str = "91420700MA") -> list[str]:
    out = []
    for i in range(n):
        first17 = f"{prefix}{i:07d}"[:17]
        out.append(first17 + ids.uscc_check_char(first17))
    return out


def resident_id(serial: int, birth: str = "19900307") -> str:
    first17 = f"420704{birth}{serial % 1000:03d}"
    return first17 + ids.resident_id_check_char(first17)


def vin(seed: int) -> str:
    body = f"LSVAU2180N{seed:07d}"[:17]
    return body[:8] + vin_check_digit(body) + body[9:]


def entered(tree: ParameterTree) -> ParameterTree:
    return tree.with_values(
        [
            AdminValue(f"m0{m}.max_subsidised_days", dt.date(2022, 10, 13), SUBSIDISED_DAYS, source="测试值")
            for m in (1, 2, 3)
        ]
    )


@pytest.fixture(scope="session")
def tree() -> ParameterTree:
    return entered(parameters())


def columns(fields: list[Field], *rows: dict[str, Any]) -> dict[str, np.ndarray]:
    """Typed columns of several cases, through the same parser as the API (InvalidRows if any is bad)."""
    parsed = [parse_facts(fields, r, on=ON) for r in rows]
    return {k: np.concatenate([p[k] for p in parsed]) for k in parsed[0]}
