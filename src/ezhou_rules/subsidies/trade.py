"""Measure 9 (支持批零住餐行业发展), paid by the enterprise's territory (根据属地原则).

- legal_person: a wholesale, retail, accommodation or catering legal person newly above the limit since 2022
  (首次入库) — 50,000 yuan once;
- individual_first / individual_second: such an individual unit (个体单位) — 10,000 yuan once, and another
  10,000 after two years of stable operation in the database (interpretation S9: the two years run from the
  day after entry, 民法典 第二百零一条, so the second award is due from the day after the second anniversary);
- retail_growth: an enterprise in the database whose retail sales grew by 20% or more (达到20%以上 includes
  20%) — 50,000 yuan for each whole 10,000,000 yuan of new retail sales (interpretation S8: whole steps, not
  pro rata), at most 1,000,000 yuan per enterprise and year; central state-owned enterprises excluded;
- case_by_case: an enterprise registered or relocated to Ezhou with annual sales above 500,000,000 yuan
  (超过 excludes the figure) — 一事一议: the amount is a recorded decision with its reason and reference.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import (
    UNDECIDED,
    Check,
    Decision,
    add_years,
    days,
    finish,
    not_in,
    payer_column,
    percent_text,
    territory_check,
    years_of,
)
from .errors import SubsidyError
from .fields import BOOL, DATE, INT, MONEY, USCC, Field, format_date

Steps = list[tuple[str, str, dict[str, object], object, str]]
_UNIT = Field("unit_id", "统一社会信用代码", USCC)
_ENTRY = [
    _UNIT,
    Field("trade", "行业（批发/零售/住宿/餐饮）"),
    Field("first_entry", "首次入库", BOOL),
    Field("entered_on", "入库日期", DATE),
    Field("territory", "所属区域"),
]
NEW_UNIT_FIELDS = _ENTRY
SECOND_FIELDS = [*_ENTRY, Field("continuously_in_database", "入库后持续在库（未退库）", BOOL)]
GROWTH_FIELDS = [
    _UNIT,
    Field("in_database", "在库限额以上企业", BOOL),
    Field("central_soe", "央企", BOOL),
    Field("year", "年度", INT),
    Field("retail_sales", "本年零售额（元）", MONEY, min_value=0),
    Field("retail_sales_last_year", "上年零售额（元）", MONEY, min_value=0),
    Field("territory", "所属区域"),
]
CASE_FIELDS = [
    _UNIT,
    Field("registered_in_ezhou", "在鄂州注册登记或落户注册", BOOL),
    Field("year", "年度", INT),
    Field("annual_sales", "年销售额（零售额）（元）", MONEY, min_value=0),
    Field("territory", "所属区域"),
    Field("decided_amount", "一事一议决定金额（元）", MONEY, required=False, default=UNDECIDED, min_value=0),
    Field("decision_reason", "决定理由", required=False, default=""),
    Field("decision_ref", "决定文号或会议纪要", required=False, default=""),
]


def _entry_checks(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, who: str) -> list[Check]:
    trades = params.get("m09.trades", on)
    since = params.get("m09.new_since", on)
    d = days(c["entered_on"])
    return [
        Check(
            "trade_not_covered",
            not_in(c["trade"], trades),
            cite(9),
            f"行业“{{trade}}”不是{'、'.join(trades)}。",
            "行业为{trade}。",
        ),
        Check(
            "not_first_entry", ~c["first_entry"], cite(9), f"该{who}不是首次入库。", f"该{who}为首次入库。"
        ),
        Check(
            "entered_before_2022",
            np.isnat(d) | (d < np.datetime64(since, "D")),
            cite(9),
            f"入库日期{{entered_on}}早于{format_date(since)}，不是2022年以来新增。",
            f"于{{entered_on}}入库，属于{since.year}年以来新增限额以上{who}。",
        ),
        territory_check(params, 9, on, c["territory"]),
    ]


def _fixed(
    component: str,
    c: dict[str, np.ndarray],
    checks: list[Check],
    value: int,
    params: ParameterTree,
    on: dt.date,
    text: str,
    fields: list[Field],
    object_: str,
) -> Decision:
    n = len(c["unit_id"])
    amount = np.full(n, value, dtype=np.int64)

    def steps(i: int) -> Steps:
        return [("amount", cite(9), {}, value, f"{text}{format_yuan(value)}。")]

    return finish(
        component,
        9,
        c,
        fields,
        checks,
        amount,
        amount,
        payer=payer_column(params, 9, on, c["territory"]),
        subject=c["unit_id"],
        object_=np.full(n, object_, dtype=object),
        year=years_of(c["entered_on"]),
        steps=steps,
    )


@rule(cites=cite(9), summary="2022年以来新增限额以上批零住餐法人企业（首次入库），一次性奖励5万元")
def legal_person_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    value = params.get("m09.legal_person_amount", on)
    return _fixed(
        "m09.legal_person",
        c,
        _entry_checks(c, params, on, "法人企业"),
        value,
        params,
        on,
        "新增限额以上法人企业一次性奖励",
        NEW_UNIT_FIELDS,
        "first_entry",
    )


@rule(cites=cite(9), summary="2022年以来新增限额以上批零住餐个体单位（首次入库），一次性奖励1万元")
def individual_first_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    value = params.get("m09.individual_amount", on)
    return _fixed(
        "m09.individual_first",
        c,
        _entry_checks(c, params, on, "个体单位"),
        value,
        params,
        on,
        "新增限额以上个体单位一次性奖励",
        NEW_UNIT_FIELDS,
        "first_entry",
    )


@rule(cites=cite(9), summary="个体单位在库稳定运行2年后追加奖励1万元")
def individual_second_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    """Due from the day after the second anniversary of entry (interpretation S9); ``on`` is the day the
    facts are assessed."""
    value = params.get("m09.individual_second_amount", on)
    years = params.get("m09.individual_second_years", on)
    due = add_years(c["entered_on"], years) + 1
    checks = [
        *_entry_checks(c, params, on, "个体单位"),
        Check(
            "not_continuously_in_database",
            ~c["continuously_in_database"],
            cite(9),
            "入库后曾退库，未在库稳定运行。",
            "入库后持续在库。",
        ),
        Check(
            "two_years_not_reached",
            due > np.datetime64(on, "D"),
            cite(9),
            f"至{format_date(on)}在库未满{years}年（自{{entered_on}}入库，满{years}年后方可追加）。",
            f"自{{entered_on}}入库，至{format_date(on)}在库已满{years}年。",
        ),
    ]
    return _fixed(
        "m09.individual_second",
        c,
        checks,
        value,
        params,
        on,
        f"在库稳定运行{years}年后追加奖励",
        SECOND_FIELDS,
        "second",
    )


@rule(
    cites=cite(9),
    summary="在库限上企业年零售额增速20%以上，每新增1000万元奖励5万元，单个企业最高100万元，央企除外",
)
def retail_growth_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    growth_min = params.get("m09.growth_min", on)
    step = params.get("m09.growth_step", on)
    step_amount = params.get("m09.growth_step_amount", on)
    cap = params.get("m09.growth_cap", on)
    years = tuple(params.get("m09.growth_years", on))
    this, last = c["retail_sales"], c["retail_sales_last_year"]
    increase = this - last
    # growth ≥ 20%: (this − last) / last ≥ num/den, exactly in integers; no last-year sales means no growth rate
    grew = (last > 0) & (increase * growth_min.denominator >= last * growth_min.numerator)
    checks = [
        Check(
            "not_in_database", ~c["in_database"], cite(9), "不是在库限额以上企业。", "为在库限额以上企业。"
        ),
        Check("central_soe", c["central_soe"], cite(9), "央企不在奖励范围之内。", "不是央企。"),
        Check(
            "year_not_covered",
            ~np.isin(c["year"], years),
            cite(9),
            f"年度{{year}}不在零售额增速奖励年度（{'、'.join(str(y) for y in years)}）之内。",
            "按{year}年度零售额计算。",
        ),
        Check(
            "growth_too_low",
            ~grew,
            cite(9),
            f"年零售额由{{retail_sales_last_year}}到{{retail_sales}}，增速未达到{percent_text(growth_min)}。",
            f"年零售额由{{retail_sales_last_year}}到{{retail_sales}}，增速达到{percent_text(growth_min)}以上。",
        ),
        territory_check(params, 9, on, c["territory"]),
    ]
    steps_count = np.maximum(increase, 0) // step  # whole steps of 1000万 (interpretation S8)
    raw = steps_count * step_amount
    amount = np.minimum(raw, cap)

    def steps(i: int) -> Steps:
        inc, k, r, a = int(increase[i]), int(steps_count[i]), int(raw[i]), int(amount[i])
        out: Steps = [
            (
                "steps",
                cite(9),
                {"increase_fen": inc, "step_fen": step},
                k,
                f"新增零售额{format_yuan(inc)}，满{format_yuan(step)}的整档{k}档。",
            ),
            (
                "amount",
                cite(9),
                {"steps": k, "per_step_fen": step_amount},
                r,
                f"奖励＝{k}档×{format_yuan(step_amount)}＝{format_yuan(r)}。",
            ),
        ]
        if a < r:
            out.append(
                (
                    "cap",
                    cite(9),
                    {"cap_fen": cap},
                    a,
                    f"单个企业奖励最高不超过{format_yuan(cap)}，奖励{format_yuan(a)}。",
                )
            )
        return out

    return finish(
        "m09.retail_growth",
        9,
        c,
        GROWTH_FIELDS,
        checks,
        amount,
        amount,
        payer=payer_column(params, 9, on, c["territory"]),
        subject=c["unit_id"],
        object_=np.array([str(y) for y in c["year"]], dtype=object),
        year=c["year"],
        steps=steps,
    )


@rule(cites=cite(9), summary="在鄂州注册登记、年销售额（零售额）超过5亿元的企业，“一事一议”给予支持")
def case_by_case_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    above = params.get("m09.case_by_case_sales_above", on)
    checks = [
        Check(
            "not_registered_in_ezhou",
            ~c["registered_in_ezhou"],
            cite(9),
            "企业未在鄂州注册登记或落户注册。",
            "企业在鄂州注册登记或落户注册。",
        ),
        Check(
            "sales_not_above",
            c["annual_sales"] <= above,
            cite(9),  # 超过 excludes the figure
            f"年销售额（零售额）{{annual_sales}}未超过{format_yuan(above)}（须超过，不含本数）。",
            f"年销售额（零售额）{{annual_sales}}超过{format_yuan(above)}。",
        ),
        territory_check(params, 9, on, c["territory"]),
    ]
    decided = np.asarray(c["decided_amount"], dtype=np.int64)
    has = decided != UNDECIDED
    ok = np.logical_and.reduce([~ch.failed for ch in checks])
    missing = (
        ok
        & has
        & np.array(
            [
                not (str(r).strip() and str(f).strip())
                for r, f in zip(c["decision_reason"], c["decision_ref"], strict=True)
            ],
            dtype=bool,
        )
    )
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise SubsidyError(
            "decision_reason_required",
            f"第{i + 1}行：“一事一议”的支持金额须记录决定理由和决定文号（或会议纪要）（第九条）。",
            field="decision_ref",
            label="决定文号或会议纪要",
        )
    amount = np.where(has, decided, 0)

    def steps(i: int) -> Steps:
        if not has[i]:
            return [("awaiting_decision", cite(9), {}, None, "采取“一事一议”方式，支持金额待决定。")]
        return [
            (
                "decided",
                cite(9),
                {"decided_fen": int(amount[i]), "ref": str(c["decision_ref"][i])},
                int(amount[i]),
                f"“一事一议”决定支持{format_yuan(int(amount[i]))}（{c['decision_ref'][i]}），理由：{c['decision_reason'][i]}。",
            )
        ]

    # 一事一议 has no ceiling in the text: the ceiling shown is the decided amount itself
    return finish(
        "m09.case_by_case",
        9,
        c,
        CASE_FIELDS,
        checks,
        amount,
        amount,
        pending=~has,
        payer=payer_column(params, 9, on, c["territory"]),
        subject=c["unit_id"],
        object_=np.array([str(y) for y in c["year"]], dtype=object),
        year=np.asarray(c["year"], dtype=np.int64),
        steps=steps,
    )
