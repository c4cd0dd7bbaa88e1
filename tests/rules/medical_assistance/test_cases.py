"""The worked examples of cases.yaml, through both the claim-by-claim reference and the vectorised kernel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from ezhou_rules.core.money import parse_yuan
from ezhou_rules.core.params import AdminValue
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.settlement import Claims, settle, settle_reference

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))
FIELDS = {
    "basic": "basic_aid",
    "tilted": "tilted_aid",
    "borne": "hospital_borne",
    "remaining_deductible": "remaining_deductible",
    "remaining_cap": "remaining_cap",
}


def build(case: dict[str, Any]) -> tuple[Claims, Any]:
    tree = parameters()
    if "income" in case:
        tree = tree.with_values(
            AdminValue(
                "income.per_capita_disposable", dt.date(int(y), 1, 1), parse_yuan(v), source="测试数据"
            )
            for y, v in case["income"].items()
        )
    rows = []
    for i, c in enumerate(case["claims"]):
        rows.append(
            {
                "person": "p1",
                "settle_date": c.get("date", dt.date(2024, 3, 1) + dt.timedelta(days=i)),
                "person_class": c.get("class", case.get("class")),
                "inpatient": c.get("kind", "inpatient") == "inpatient",
                "hospital_level": c.get("level", 2),
                "in_city": c.get("in_city", not c.get("out_of_city", False)),
                "in_province": c.get("in_province", True),
                "temporary_out_of_city": c.get("out_of_city", False),
                "tilted_approved": c.get("approved", False),
                "total_cost": parse_yuan(c.get("total", c["self_pay"])),
                "out_of_policy_cost": parse_yuan(c.get("out_of_policy", "0")),
                "policy_self_pay": parse_yuan(c["self_pay"]),
            }
        )
    return Claims.from_records(rows), tree


@pytest.mark.parametrize("engine", [settle_reference, settle], ids=["reference", "vectorised"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_example(case: dict[str, Any], engine: Any) -> None:
    claims, tree = build(case)
    result = engine(claims, tree)
    for i, c in enumerate(case["claims"]):
        for key, expected in c["expect"].items():
            got = int(getattr(result, FIELDS[key])[i])
            assert got == parse_yuan(expected), f"claim {i + 1} {key}: {got} fen, expected {expected} yuan"
