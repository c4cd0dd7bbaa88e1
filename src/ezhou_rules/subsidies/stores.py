"""Measure 5 (支持首店首发经济): awards to commercial carriers that bring in first stores and flagships, and to
the stores' operating companies. Paid by the store's territory (根据属地原则由各区、葛店经开区、临空经济区负责兑现).

"最高给予" is a ceiling, not an amount: the award within it is a decision the department records with its
reason (``decided_amount``, ``decision_reason``). Until it is recorded the row is eligible and pending, with
the ceiling shown; a decision above the ceiling is refused. The carrier's yearly cap (单个商业载体每年奖励不超过
200万元) counts across all its stores' applications of the year and is applied by the ledger (cap group
``m05.store``, interpretation S5).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import (
    UNDECIDED,
    Check,
    Decision,
    decided_within_ceiling,
    finish,
    outside,
    payer_column,
    percent_text,
    territory_check,
    window,
    window_text,
    years_of,
)
from .fields import BOOL, CHOICE, DATE, INT, MONEY, USCC, Field

STORE_CLASSES = {
    "global_first": "全球首店",
    "asia_first": "亚洲首店",
    "china_first": "中国（内地）首店",
    "hubei_first": "湖北首店",
    "flagship": "旗舰店",
}
DECISION_FIELDS = [
    Field("decided_amount", "决定奖励金额（元）", MONEY, required=False, default=UNDECIDED, min_value=0),
    Field("decision_reason", "决定理由", required=False, default=""),
]
STORE_FIELDS = [
    Field("carrier_id", "商业载体统一社会信用代码", USCC),
    Field("store_id", "门店编号"),
    Field("brand", "品牌名称"),
    Field("store_class", "门店类别", CHOICE, choices=STORE_CLASSES),
    Field("catering", "餐饮品牌", BOOL),
    Field("opened_on", "开业日期", DATE),
    Field("agreement_months", "入驻协议期限（月）", INT, min_value=0),
    Field("tax_in_ezhou", "在鄂州依法纳税", BOOL),
    Field("main_revenue", "统计期内主营业务收入（元）", MONEY, min_value=0),
    Field("revenue_months", "主营业务收入统计月数", INT, min_value=1),
    Field("territory", "所属区域"),
    *DECISION_FIELDS,
]
OPERATOR_FIELDS = [
    Field("operator_id", "运营企业统一社会信用代码", USCC),
    Field("store_id", "门店编号"),
    Field("first_store", "品牌首店或旗舰店", BOOL),
    Field("independent_legal_person", "在鄂州具有独立法人资格", BOOL),
    Field("in_statistics", "纳入统计", BOOL),
    Field("year", "年度", INT),
    Field("brand_revenue", "品牌年度主营业务收入（元）", MONEY, min_value=0),
    Field("territory", "所属区域"),
    *DECISION_FIELDS,
]

Steps = list[tuple[str, str, dict[str, object], object, str]]


def store_ceilings(
    params: ParameterTree, on: dt.date, store_class: np.ndarray, catering: np.ndarray
) -> np.ndarray:
    """The ceiling of each store by class, × 50% for a catering brand (按照以上奖励标准的50%执行)."""
    table = {k: params.get(f"m05.store_ceiling.{k}", on) for k in STORE_CLASSES}
    base = np.array([table.get(str(k), 0) for k in store_class], dtype=np.int64)
    ratio = params.get("m05.catering_ratio", on)
    return np.where(catering.astype(bool), mul_ratio_half_up(base, ratio), base)


@rule(
    cites=cite(5),
    summary="商业载体引入品牌首店、旗舰店：按类别最高100万/50万/10万元，餐饮品牌按50%，门店条件",
)
def store_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    start, end = window(params, 5, on)
    min_months = params.get("m05.agreement_min_months", on)
    monthly_min = params.get("m05.monthly_revenue_min", on)
    ratio = params.get("m05.catering_ratio", on)
    months = np.maximum(c["revenue_months"], 1)
    checks = [
        Check(
            "store_outside_window",
            outside(c["opened_on"], start, end),
            cite(5),
            f"门店开业日期{{opened_on}}不在{window_text(start, end)}期间内。",
            f"门店于{{opened_on}}开业，在{window_text(start, end)}期间内。",
        ),
        Check(
            "agreement_too_short",
            c["agreement_months"] < min_months,
            cite(5),
            f"入驻协议期限{{agreement_months}}个月，不足{min_months // 12}年（须{min_months // 12}年及以上）。",
            f"入驻协议期限{{agreement_months}}个月，达到{min_months // 12}年及以上。",
        ),
        Check(
            "no_tax_in_ezhou", ~c["tax_in_ezhou"], cite(5), "门店未在鄂州依法纳税。", "门店在鄂州依法纳税。"
        ),
        # 平均月主营业务收入20万元以上: total ≥ 20万 × months, compared in integers
        Check(
            "revenue_too_low",
            c["main_revenue"] < monthly_min * months,
            cite(5),
            f"平均月主营业务收入（{{main_revenue}}÷{{revenue_months}}个月）低于{format_yuan(monthly_min)}。",
            f"平均月主营业务收入（{{main_revenue}}÷{{revenue_months}}个月）达到{format_yuan(monthly_min)}以上。",
        ),
        territory_check(params, 5, on, c["territory"]),
    ]
    ceiling = store_ceilings(params, on, c["store_class"], c["catering"])
    ok = np.logical_and.reduce([~ch.failed for ch in checks])
    amount, pending = decided_within_ceiling(
        "m05.store", 5, c["decided_amount"], ceiling, ok, c["decision_reason"]
    )

    def steps(i: int) -> Steps:
        label = STORE_CLASSES[str(c["store_class"][i])]
        ceil = int(ceiling[i])
        text = f"引入{label}最高奖励{format_yuan(ceil)}"
        if bool(c["catering"][i]):
            text = f"引入餐饮品牌{label}，按奖励标准的{percent_text(ratio)}执行，最高{format_yuan(ceil)}"
        out: Steps = [
            (
                "ceiling",
                cite(5),
                {"store_class": label, "catering": bool(c["catering"][i])},
                ceil,
                text + "。",
            )
        ]
        if pending[i]:
            out.append(
                (
                    "awaiting_decision",
                    cite(5),
                    {},
                    None,
                    f"在最高{format_yuan(ceil)}以内的奖励金额待主管部门决定并记录理由。",
                )
            )
        else:
            out.append(
                (
                    "decided",
                    cite(5),
                    {"decided_fen": int(amount[i])},
                    int(amount[i]),
                    f"决定奖励{format_yuan(int(amount[i]))}（不超过最高额），理由：{c['decision_reason'][i]}。",
                )
            )
        return out

    return finish(
        "m05.store",
        5,
        c,
        STORE_FIELDS,
        checks,
        amount,
        ceiling,
        pending=pending,
        payer=payer_column(params, 5, on, c["territory"]),
        subject=c["carrier_id"],
        object_=c["store_id"],
        year=years_of(c["opened_on"]),
        steps=steps,
    )


@rule(cites=cite(5), summary="品牌首店、旗舰店运营企业：品牌年度主营业务收入超过1000万元的，最高给予20万元")
def operator_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    above = params.get("m05.operator_revenue_above", on)
    ceiling_value = params.get("m05.operator_ceiling", on)
    years = tuple(params.get("m05.operator_years", on))
    checks = [
        Check(
            "not_first_store",
            ~c["first_store"],
            cite(5),
            "该门店不是品牌首店或旗舰店。",
            "该门店为品牌首店或旗舰店。",
        ),
        Check(
            "not_independent_legal_person",
            ~c["independent_legal_person"],
            cite(5),
            "运营企业在鄂州不具有独立法人资格。",
            "运营企业在鄂州具有独立法人资格。",
        ),
        Check(
            "not_in_statistics", ~c["in_statistics"], cite(5), "运营企业未纳入统计。", "运营企业已纳入统计。"
        ),
        Check(
            "year_not_covered",
            ~np.isin(c["year"], years),
            cite(5),
            f"年度{{year}}不在第五条运营企业奖励年度（{'、'.join(str(y) for y in years)}）之内。",
            "按{year}年度主营业务收入计算。",
        ),
        # 超过 excludes the figure: exactly 1000万 is not enough
        Check(
            "revenue_not_above",
            c["brand_revenue"] <= above,
            cite(5),
            f"品牌年度主营业务收入{{brand_revenue}}未超过{format_yuan(above)}（须超过，不含本数）。",
            f"品牌年度主营业务收入{{brand_revenue}}超过{format_yuan(above)}。",
        ),
        territory_check(params, 5, on, c["territory"]),
    ]
    ceiling = np.full(len(c["year"]), ceiling_value, dtype=np.int64)
    ok = np.logical_and.reduce([~ch.failed for ch in checks])
    amount, pending = decided_within_ceiling(
        "m05.operator", 5, c["decided_amount"], ceiling, ok, c["decision_reason"]
    )

    def steps(i: int) -> Steps:
        if pending[i]:
            return [
                (
                    "awaiting_decision",
                    cite(5),
                    {"ceiling_fen": ceiling_value},
                    None,
                    f"最高给予{format_yuan(ceiling_value)}，奖励金额待主管部门决定并记录理由。",
                )
            ]
        return [
            (
                "decided",
                cite(5),
                {"decided_fen": int(amount[i]), "ceiling_fen": ceiling_value},
                int(amount[i]),
                f"决定奖励{format_yuan(int(amount[i]))}（最高{format_yuan(ceiling_value)}），理由：{c['decision_reason'][i]}。",
            )
        ]

    return finish(
        "m05.operator",
        5,
        c,
        OPERATOR_FIELDS,
        checks,
        amount,
        ceiling,
        pending=pending,
        payer=payer_column(params, 5, on, c["territory"]),
        subject=c["operator_id"],
        object_=c["store_id"],
        year=c["year"],
        steps=steps,
    )
