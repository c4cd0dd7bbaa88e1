"""Measure 16 (延缓职工医保单位缴费): 免申即享 — the units that may defer are selected from the insurance data,
with no application; the employer contributions of August to October 2022 are flagged deferred, with no late
fee during the deferral and the insured persons' benefits unaffected. Nothing is paid: the payer is none.

Eligible units: small, medium and micro enterprises, individual businesses insured as a unit, and (参照执行)
social groups, foundations, social-service agencies, law firms and accounting firms — each only if it meets
the deferral conditions, which the text leaves to the 医保/税务 rules: the data carry that determination
(``meets_deferral_conditions``) and the rules never guess it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import NO_PAYER, Check, Decision, days, finish, not_in
from .fields import BOOL, CHOICE, DATE, MONEY, USCC, Field, format_date

UNIT_KINDS = {
    "micro": "微型企业",
    "small": "小型企业",
    "medium": "中型企业",
    "individual_business": "个体工商户",
    "social_group": "社会团体",
    "foundation": "基金会",
    "social_service_agency": "社会服务机构",
    "law_firm": "律师事务所",
    "accounting_firm": "会计师事务所",
    "large": "大型企业",
    "other": "其他单位",
}
DEFERRAL_FIELDS = [
    Field("unit_id", "参保单位统一社会信用代码", USCC),
    Field("unit_kind", "单位类型", CHOICE, choices=UNIT_KINDS),
    Field("insured_as_unit", "以单位方式参保", BOOL),
    Field("meets_deferral_conditions", "符合缓缴条件", BOOL),
    Field("month", "费款所属月份", DATE),
    Field("employer_contribution", "单位应缴职工医保费（元）", MONEY, min_value=0),
]


@rule(
    cites=cite(16), summary="符合条件的单位缓缴2022年8月至10月职工医保单位保费，免申即享，缓缴期间免收滞纳金"
)
def deferral_run(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    """One row per unit and month of contribution. Eligible rows are the deferred months: ``amount`` is the
    employer contribution deferred (not a payment) and the late fee on it is zero."""
    first, last = params.get("m16.months", on)
    kinds = params.get("m16.unit_kinds", on)
    month = days(c["month"]).astype("datetime64[M]")
    in_months = (month >= np.datetime64(first, "M")) & (month <= np.datetime64(last, "M"))
    checks = [
        Check(
            "unit_kind_not_covered",
            not_in(c["unit_kind"], kinds),
            cite(16),
            "单位类型“{unit_kind}”不在缓缴范围（中小微企业、以单位方式参保的个体工商户及参照执行的社会组织）。",
            "单位类型“{unit_kind}”在缓缴范围内。",
        ),
        Check(
            "not_insured_as_unit", ~c["insured_as_unit"], cite(16), "未以单位方式参保。", "以单位方式参保。"
        ),
        Check(
            "conditions_not_met",
            ~c["meets_deferral_conditions"],
            cite(16),
            "医保部门数据显示不符合缓缴条件。",
            "医保部门数据显示符合缓缴条件。",
        ),
        Check(
            "month_not_deferred",
            ~in_months,
            cite(16),
            f"费款所属月份不在{format_date(first)}至{format_date(last)}期间。",
            f"费款所属月份在{format_date(first)}至{format_date(last)}期间，实行“免申即享”缓缴。",
        ),
    ]
    amount = np.asarray(c["employer_contribution"], dtype=np.int64)

    def steps(i: int) -> list[tuple[str, str, dict[str, object], object, str]]:
        a = int(amount[i])
        return [
            (
                "deferred",
                cite(16),
                {"contribution_fen": a, "late_fee_fen": 0},
                a,
                f"单位保费{format_yuan(a)}缓缴，无需申请；缓缴期间免收滞纳金，参保人待遇不受影响。",
            )
        ]

    n = len(amount)
    return finish(
        "m16",
        16,
        c,
        DEFERRAL_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, NO_PAYER, dtype=object),
        subject=c["unit_id"],
        object_=np.array([str(m) for m in month], dtype=object),
        year=month.astype("datetime64[Y]").astype(np.int64) + 1970,
        steps=steps,
    )


def late_fee(deferred: np.ndarray, computed_fee_fen: np.ndarray) -> np.ndarray:
    """The late fee after 第十六条: zero for a deferred month (缓缴期间免收滞纳金), else the fee computed under
    the ordinary rules (which the platform supplies; this document does not set it)."""
    return np.where(np.asarray(deferred, dtype=bool), 0, np.asarray(computed_fee_fen, dtype=np.int64))
