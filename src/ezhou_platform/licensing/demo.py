"""Demo data of the licensing system (`ezhou demo`): the catalogue, example configuration and cases dated from
the clock's today, enough for each role's main journey. Idempotent: a second run changes nothing.

Everything here that the gazette does not fix is marked 示例数据: the schemes, periods, the issuing bodies,
the credit policy, risk levels and classes, inspectors. They show the system working; they are not Ezhou's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.models import User

from .models import (
    CreditPolicySetting,
    Inspector,
    IssuingBodySetting,
    ItemRiskSetting,
    RiskClassification,
    Scheme,
)
from .services import catalogue, config

DATA = Path(__file__).parent / "demo_data"
EXAMPLE = "示例数据（演示用，非官方配置）"
SINCE = dt.date(2025, 1, 1)

# (department type, level, item or "", issuing department, competent department)
ISSUING = (
    ("market_regulation", "city", "", "market_regulation", "market_regulation"),
    ("market_regulation", "city", "b1-20", "administrative_approval", "market_regulation"),
    ("market_regulation", "district", "", "market_regulation", "market_regulation"),
    ("ecology_environment", "city", "", "ecology_environment", "ecology_environment"),
    ("housing", "city", "", "housing", "housing"),
    ("water", "city", "", "water", "water"),
)
RISKS = (("b1-20", "high"), ("b1-22", "medium"), ("b1-21", "high"))
INSPECTORS = {
    "administrative_approval": [
        ("420700SP001", "王立"),
        ("420700SP002", "李娜"),
        ("420700SP003", "周洋"),
        ("420700SP004", "吴静"),
    ],
    "market_regulation": [
        ("420700SJ001", "郑伟"),
        ("420700SJ002", "陈芳"),
        ("420700SJ003", "刘强"),
        ("420700SJ004", "杨敏"),
        ("420700SJ005", "黄鹏"),
    ],
}


def scheme_data(code: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / f"scheme_{code}.yaml").read_text(encoding="utf-8"))
    return data


def _admin() -> Any:
    return User.objects.filter(username="admin").first()


@transaction.atomic
def configure(actor: Any = None) -> None:
    """The catalogue and the example configuration (idempotent)."""
    actor = actor or _admin()
    catalogue.load(actor=actor)
    for code in ("b1-20", "b1-22"):
        data = scheme_data(code)
        if not Scheme.objects.filter(item_code=code, version=data["version"]).exists():
            config.add_scheme(data, actor=actor, example=True)
    for dtype, level, item, issuing, competent in ISSUING:
        if not IssuingBodySetting.objects.filter(department_type=dtype, level=level, item_code=item).exists():
            config.add_issuing_body(
                department_type=dtype,
                level=level,
                issuing=issuing,
                competent=competent,
                valid_from=SINCE,
                source=EXAMPLE,
                actor=actor,
                item=item,
            )
    if not CreditPolicySetting.objects.exists():
        config.add_credit_policy(
            serious_categories=["严重失信主体名单", "重大税收违法失信主体"],
            other_barring_kinds=["commitment_broken"],
            valid_from=SINCE,
            source=EXAMPLE,
            actor=actor,
        )
    for item, level in RISKS:
        if not ItemRiskSetting.objects.filter(item_code=item).exists():
            config.add_item_risk(item=item, level=level, valid_from=SINCE, source=EXAMPLE, actor=actor)
    for dept, people in INSPECTORS.items():
        for code, name in people:
            if not Inspector.objects.filter(code=code).exists():
                config.add_inspector(department=dept, code=code, name=name, actor=actor)


def load_demo() -> None:
    configure()
    from .demo_cases import load_cases

    load_cases(clock.today())


def risk_class(uscc: str, name: str, klass: str, actor: Any) -> None:
    if not RiskClassification.objects.filter(uscc=uscc).exists():
        config.add_risk_class(
            uscc=uscc, name=name, risk_class=klass, valid_from=SINCE, source=EXAMPLE, actor=actor
        )
