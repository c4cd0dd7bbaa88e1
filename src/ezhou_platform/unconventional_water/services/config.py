"""What the document leaves to configuration, entered by an administrator with its source (common
ConfiguredValue rows, never edited: a correction is a newer row for the same date):

- the laws each act of 第二十四条 is handled under (第二十五条; `violations.handled_under.<act>`, U12);
- the default testing interval of 第二十三条 "定期" (`testing.interval_months`, U10);
- the industries of 第十三条 "电镀、化工、印染等" (`sources.prohibited_industries`, U3): the article's three
  stay on the list; an administrator adds to "等".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.common.parameters import enter_value
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.unconventional_water import parameters
from ezhou_rules.unconventional_water.violations import ACTS

from .common import check_day, refuse, require_text, rules_parameters

ARTICLE_INDUSTRIES = ("电镀", "化工", "印染")


def _lines(values: Sequence[str], *, field: str, label: str) -> list[str]:
    out = [v.strip() for v in values if v and v.strip()]
    if not out:
        raise refuse(f"{field}_required", field, label, "至少填写一项。")
    return out


def enter_handling_laws(
    act: str, valid_from: Any, laws: Sequence[str], source: str, *, actor: Any
) -> ConfiguredValue:
    if act not in ACTS:
        raise refuse("act_unknown", "act", "违法行为", "不是第二十四条所列行为。")
    day = check_day(valid_from, field="valid_from", label="起始日期", not_after=dt.date.max)
    source = require_text(source, field="source", label="来源", rule="第二十五条", max_length=300)
    return enter_value(
        parameters(),
        ACTS[act].parameter,
        day,
        _lines(laws, field="laws", label="处理依据"),
        source=source,
        actor=actor,
    )


def enter_testing_interval(valid_from: Any, months: Any, source: str, *, actor: Any) -> ConfiguredValue:
    day = check_day(valid_from, field="valid_from", label="起始日期", not_after=dt.date.max)
    source = require_text(source, field="source", label="来源", rule="第二十三条", max_length=300)
    try:
        n = int(months)
    except (TypeError, ValueError):
        raise refuse("interval_format", "months", "检测周期（月）", "应为整月数。") from None
    if not 1 <= n <= 60:
        raise refuse("interval_range", "months", "检测周期（月）", "应为1至60个月。")
    return enter_value(parameters(), "testing.interval_months", day, n, source=source, actor=actor)


def enter_prohibited_industries(
    valid_from: Any, industries: Sequence[str], source: str, *, actor: Any
) -> ConfiguredValue:
    day = check_day(valid_from, field="valid_from", label="起始日期", not_after=dt.date.max)
    source = require_text(source, field="source", label="来源", rule="第十三条第二款", max_length=300)
    listed = _lines(industries, field="industries", label="行业")
    missing = [i for i in ARTICLE_INDUSTRIES if i not in listed]
    if missing:
        raise refuse(
            "article_industry_removed",
            "industries",
            "行业",
            f"第十三条第二款列明的{'、'.join(missing)}不能从名单中删除（管理员只补充“等”）。",
        )
    return enter_value(
        parameters(),
        "sources.prohibited_industries",
        day,
        list(dict.fromkeys(listed)),
        source=source,
        actor=actor,
    )


def current(name: str, on: dt.date) -> Any:
    """The value in force on ``on``, or None while nobody has entered it."""
    try:
        return rules_parameters().get(name, on)
    except ParameterNotSet:
        return None


def overview(on: dt.date) -> dict[str, Any]:
    """For the configuration page: each configurable value in force on ``on`` (None: not entered)."""
    return {
        "interval": current("testing.interval_months", on),
        "industries": current("sources.prohibited_industries", on),
        "acts": [(code, a, current(a.parameter, on)) for code, a in ACTS.items()],
    }
