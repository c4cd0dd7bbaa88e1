"""Measure 8 (支持公路货物运输业发展), paid by the city.

- new: an enterprise newly included in the 交通运输部 规模以上公路货运 list in 2022-08…12 gets a one-time award
  of at most 100,000 yuan (不高于 includes the figure): a recorded decision within the ceiling;
- ranked: an enterprise established in Ezhou and in the list gets 200,000 yuan once if it ranks in the top 50
  of the province by 2022 freight turnover, or in the top 100 by growth against the 2021 provincial average
  (前50位 / 前100位 include the 50th and the 100th).

The same enterprise gets only one of the two, the higher (就高不就低): both parts share the ledger key
``m08|<enterprise>`` with the rule "highest wins" (``ledger``): a higher award later replaces a lower one,
paying the difference; a lower or equal one is refused naming the award it would duplicate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import (
    CITY,
    Check,
    Decision,
    decided_within_ceiling,
    finish,
    outside,
    window,
    window_text,
    years_of,
)
from .fields import BOOL, DATE, INT, USCC, Field
from .stores import DECISION_FIELDS

ENTERPRISE = Field("enterprise_id", "企业统一社会信用代码", USCC)
NEW_FIELDS = [
    ENTERPRISE,
    Field("included_on", "纳入规模以上公路货运企业日期", DATE),
    Field("meets_conditions", "符合条件（交通运输部门认定）", BOOL),
    *DECISION_FIELDS,
]
RANKED_FIELDS = [
    ENTERPRISE,
    Field("established_in_ezhou", "在我市依法设立", BOOL),
    Field("in_designated_list", "纳入交通运输部规上公路货运", BOOL),
    Field("turnover_rank", "2022年公路货物周转量全省排名", INT, required=False, default=0, min_value=0),
    Field("growth_rank", "周转量增长量全省排名", INT, required=False, default=0, min_value=0),
]

Steps = list[tuple[str, str, dict[str, object], object, str]]


@rule(cites=cite(8), summary="新增纳入交通运输部规上公路货运企业，一次性奖励不高于10万元")
def new_freight_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    start, end = window(params, 8, on)
    ceiling_value = params.get("m08.new_ceiling", on)
    checks = [
        Check(
            "inclusion_outside_window",
            outside(c["included_on"], start, end),
            cite(8),
            f"纳入规上日期{{included_on}}不在{window_text(start, end)}期间内。",
            f"于{{included_on}}新增纳入规上公路货运企业，在{window_text(start, end)}期间内。",
        ),
        Check(
            "conditions_not_met",
            ~c["meets_conditions"],
            cite(8),
            "交通运输部门未认定其符合条件。",
            "交通运输部门认定其符合条件。",
        ),
    ]
    n = len(c["included_on"])
    ceiling = np.full(n, ceiling_value, dtype=np.int64)
    ok = np.logical_and.reduce([~ch.failed for ch in checks])
    amount, pending = decided_within_ceiling(
        "m08.new", 8, c["decided_amount"], ceiling, ok, c["decision_reason"]
    )

    def steps(i: int) -> Steps:
        if pending[i]:
            return [
                (
                    "awaiting_decision",
                    cite(8),
                    {"ceiling_fen": ceiling_value},
                    None,
                    f"一次性奖励不高于{format_yuan(ceiling_value)}，金额待决定并记录理由。",
                )
            ]
        return [
            (
                "decided",
                cite(8),
                {"decided_fen": int(amount[i])},
                int(amount[i]),
                f"决定一次性奖励{format_yuan(int(amount[i]))}（不高于{format_yuan(ceiling_value)}），"
                f"理由：{c['decision_reason'][i]}。",
            )
        ]

    return finish(
        "m08.new",
        8,
        c,
        NEW_FIELDS,
        checks,
        amount,
        ceiling,
        pending=pending,
        payer=np.full(n, CITY, dtype=object),
        subject=c["enterprise_id"],
        object_=np.full(n, "m08", dtype=object),
        year=years_of(c["included_on"]),
        steps=steps,
    )


@rule(cites=cite(8), summary="已纳入规上的公路货运企业，周转量全省前50位或增长量前100位，一次性补助20万元")
def ranked_freight_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    amount_value = params.get("m08.ranked_amount", on)
    top_turnover = params.get("m08.turnover_rank_max", on)
    top_growth = params.get("m08.growth_rank_max", on)
    year = params.get("m08.ranking_year", on)
    t, g = c["turnover_rank"], c["growth_rank"]
    ranked = ((t >= 1) & (t <= top_turnover)) | ((g >= 1) & (g <= top_growth))
    checks = [
        Check(
            "not_established_in_ezhou",
            ~c["established_in_ezhou"],
            cite(8),
            "企业不是在我市依法设立的企业。",
            "企业在我市依法设立。",
        ),
        Check(
            "not_in_designated_list",
            ~c["in_designated_list"],
            cite(8),
            "企业未纳入交通运输部规上公路货运。",
            "企业已纳入交通运输部规上公路货运。",
        ),
        Check(
            "rank_too_low",
            ~ranked,
            cite(8),
            f"{year}年公路货物周转量全省排名（{{turnover_rank}}）不在前{top_turnover}位，"
            f"增长量排名（{{growth_rank}}）也不在前{top_growth}位（0表示未上榜）。",
            f"周转量排名{{turnover_rank}}、增长量排名{{growth_rank}}，至少一项在前{top_turnover}位或前{top_growth}位以内。",
        ),
    ]
    n = len(t)
    amount = np.full(n, amount_value, dtype=np.int64)

    def steps(i: int) -> Steps:
        return [
            (
                "ranked",
                cite(8),
                {"turnover_rank": int(t[i]), "growth_rank": int(g[i])},
                amount_value,
                f"按排名位序给予一次性补助{format_yuan(amount_value)}。",
            )
        ]

    return finish(
        "m08.ranked",
        8,
        c,
        RANKED_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["enterprise_id"],
        object_=np.full(n, "m08", dtype=object),
        year=np.full(n, year, dtype=np.int64),
        steps=steps,
    )
