"""The rules' parameters with what administrators entered (贴息天数上限, 公示期, 直达快享期限 …), and the context
the rules need from the database (the dealers of 第十二条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_platform.common.parameters import configured
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.subsidies import parameters
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import ReferenceRow


def tree() -> ParameterTree:
    return configured(parameters())


def ezhou_dealers() -> set[str]:
    """第十二条: the dealer codes on Hubei's 2022 list located in Ezhou (在我市列入…名单内的合规经销店)."""
    out = set()
    for key, data in ReferenceRow.objects.filter(kind=ReferenceRow.Kind.DEALERS).values_list("key", "data"):
        if data.get("listed") == "是" and str(data.get("city", "")).startswith("鄂州"):
            out.add(key)
    return out


def context_for(component: str, *, required: bool = True) -> dict[str, Any]:
    """What a component's rules need besides the facts: the dealer list for 第十二条 (refused, naming the list,
    while it has not been imported)."""
    if component != "m12":
        return {}
    dealers = ezhou_dealers()
    if not dealers and required:
        raise SubsidyError(
            "dealer_list_missing",
            "湖北省2022年汽车以旧换新专项行动授权经销商名单尚未导入，暂不能办理第十二条汽车以旧换新补贴。",
            field="dealer_code",
            label="经销店编码",
        )
    return {"dealers": dealers}


def configured_value(name: str, on: dt.date) -> Any:
    return tree().get(name, on)
