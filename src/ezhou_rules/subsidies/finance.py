"""Measure 4 (加大企业融资增信支持力度) and the cost-bearing part of measure 7, vectorised.

四 has three computed parts, all paid by the city (市级财政) on top of the province:
- interface: the development cost of a core entity enterprise that connected to the 应收账款融资服务平台,
  subsidised in full (全额补贴);
- facilitation: a core entity enterprise whose loans facilitated for small and micro enterprises through the
  platform total 10,000,000 yuan or more in a year (以上 includes the figure) gets 0.5% of the facilitated
  amount, at most 2,000,000 yuan (interpretation S4: the cap is the city's award per enterprise per year);
- bills: 0.2% of the supply-chain bills a core unit issues, at most 2,000,000 yuan per enterprise per year
  (单户企业年度奖励), the cap counted across all of that enterprise's applications of the year (the ledger).

七: the city bears the transport and lodging costs of travel agencies it organises to attend the promotion
fairs (由市级财政承担交通、食宿费用) — the costs in full. The aviation reward is "抓紧制定" and has no figures:
it is tracked in the catalogue, never computed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import CITY, Check, Decision, Ints, finish, percent_text, years_of
from .fields import BOOL, DATE, INT, MONEY, USCC, Field

ENTERPRISE = Field("enterprise_id", "企业统一社会信用代码", USCC)
INTERFACE_FIELDS = [
    ENTERPRISE,
    Field("core_enterprise", "核心实体企业", BOOL),
    Field("connected", "已成功接入应收账款融资服务平台", BOOL),
    Field("connected_on", "接入日期", DATE),
    Field("development_cost", "接口开发费用（元）", MONEY, min_value=0),
]
FACILITATION_FIELDS = [
    ENTERPRISE,
    Field("core_enterprise", "核心实体企业", BOOL),
    Field("year", "年度", INT),
    Field("facilitated_loans", "通过平台年促成中小微企业贷款总额（元）", MONEY, min_value=0),
]
BILLS_FIELDS = [
    ENTERPRISE,
    Field("core_unit", "供应链核心企事业单位", BOOL),
    Field("connected", "已接入供应链票据平台", BOOL),
    Field("year", "年度", INT),
    Field("batch", "签发批次（期间）"),
    Field("issued", "供应链票据签发量（元）", MONEY, min_value=0),
]
PROMOTION_FIELDS = [
    Field("agency_id", "旅行社统一社会信用代码", USCC),
    Field("event", "推介会或博览会名称"),
    Field("event_on", "参会日期", DATE),
    Field("organised_by_city", "由市级组织参会", BOOL),
    Field("transport_cost", "交通费用（元）", MONEY, min_value=0),
    Field("lodging_cost", "食宿费用（元）", MONEY, min_value=0),
]

Steps = list[tuple[str, str, dict[str, object], object, str]]


def _year_check(params: ParameterTree, on: dt.date, year: Ints, what: str) -> Check:
    years = tuple(params.get("m04.award_years", on))
    shown = "、".join(f"{y}年" for y in years)
    return Check(
        "year_not_covered",
        ~np.isin(year, years),
        cite(4),
        f"{what}所属年度不在第四条奖补年度（{shown}）之内。",
        f"{what}所属年度在第四条奖补年度（{shown}）之内。",
    )


@rule(cites=cite(4), summary="接入应收账款融资服务平台的核心实体企业接口开发费用全额补贴")
def interface_subsidy(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    ratio = params.get("m04.interface_ratio", on)
    year = years_of(c["connected_on"])
    checks = [
        Check(
            "not_core_enterprise",
            ~c["core_enterprise"],
            cite(4),
            "申请人不是核心实体企业。",
            "申请人为核心实体企业。",
        ),
        Check(
            "not_connected",
            ~c["connected"],
            cite(4),
            "未成功接入中国人民银行征信中心应收账款融资服务平台。",
            "已于{connected_on}成功接入应收账款融资服务平台。",
        ),
        _year_check(params, on, year, "接入"),
    ]
    amount = mul_ratio_half_up(c["development_cost"], ratio)

    def steps(i: int) -> Steps:
        return [
            (
                "interface",
                cite(4),
                {"cost_fen": int(c["development_cost"][i]), "ratio": ratio},
                int(amount[i]),
                f"接口开发费用{format_yuan(int(c['development_cost'][i]))}×{percent_text(ratio)}"
                f"＝{format_yuan(int(amount[i]))}（全额补贴）。",
            )
        ]

    n = len(amount)
    return finish(
        "m04.interface",
        4,
        c,
        INTERFACE_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["enterprise_id"],
        object_=np.full(n, "interface", dtype=object),
        year=year,
        steps=steps,
    )


@rule(cites=cite(4), summary="年促成贷款总额1000万元以上的，按实际促成贷款金额0.5%追加奖励，单户最高200万元")
def facilitation_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    threshold = params.get("m04.facilitation_threshold", on)
    ratio = params.get("m04.facilitation_ratio", on)
    cap = params.get("m04.facilitation_cap", on)
    loans = c["facilitated_loans"]
    checks = [
        Check(
            "not_core_enterprise",
            ~c["core_enterprise"],
            cite(4),
            "申请人不是核心实体企业。",
            "申请人为核心实体企业。",
        ),
        _year_check(params, on, c["year"], "促成贷款"),
        Check(
            "below_threshold",
            loans < threshold,
            cite(4),  # 以上 includes the figure
            f"年促成贷款总额{{facilitated_loans}}未达到{format_yuan(threshold)}（含本数）。",
            f"年促成贷款总额{{facilitated_loans}}达到{format_yuan(threshold)}以上。",
        ),
    ]
    raw = mul_ratio_half_up(loans, ratio)
    amount = np.minimum(raw, cap)

    def steps(i: int) -> Steps:
        r, a = int(raw[i]), int(amount[i])
        out: Steps = [
            (
                "facilitation",
                cite(4),
                {"loans_fen": int(loans[i]), "ratio": ratio},
                r,
                f"市级追加奖励＝实际促成贷款{format_yuan(int(loans[i]))}×{percent_text(ratio)}＝{format_yuan(r)}。",
            )
        ]
        if a < r:
            out.append(
                (
                    "facilitation_cap",
                    cite(4),
                    {"cap_fen": cap},
                    a,
                    f"单户企业奖励最高不超过{format_yuan(cap)}，奖励{format_yuan(a)}。",
                )
            )
        return out

    n = len(amount)
    return finish(
        "m04.facilitation",
        4,
        c,
        FACILITATION_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["enterprise_id"],
        object_=np.array([str(y) for y in c["year"]], dtype=object),
        year=c["year"],
        steps=steps,
    )


@rule(cites=cite(4), summary="供应链票据按签发量0.2%追加奖励，单户企业年度奖励不超过200万元")
def bills_award(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    """One application's award; the yearly cap across the enterprise's applications is the ledger's
    (``ledger.check_batch`` with the cap group ``m04.bills``). One application alone is capped here too."""
    ratio = params.get("m04.bills_ratio", on)
    cap = params.get("m04.bills_cap", on)
    checks = [
        Check(
            "not_core_unit",
            ~c["core_unit"],
            cite(4),
            "申请人不是供应链核心企事业单位。",
            "申请人为供应链核心企事业单位。",
        ),
        Check("not_connected", ~c["connected"], cite(4), "未接入供应链票据平台。", "已接入供应链票据平台。"),
        _year_check(params, on, c["year"], "票据签发"),
    ]
    raw = mul_ratio_half_up(c["issued"], ratio)
    amount = np.minimum(raw, cap)

    def steps(i: int) -> Steps:
        r, a = int(raw[i]), int(amount[i])
        out: Steps = [
            (
                "bills",
                cite(4),
                {"issued_fen": int(c["issued"][i]), "ratio": ratio},
                r,
                f"市级追加奖励＝签发量{format_yuan(int(c['issued'][i]))}×{percent_text(ratio)}＝{format_yuan(r)}。",
            )
        ]
        if a < r:
            out.append(
                (
                    "bills_cap",
                    cite(4),
                    {"cap_fen": cap},
                    a,
                    f"单户企业年度奖励不超过{format_yuan(cap)}，本次奖励{format_yuan(a)}。",
                )
            )
        return out

    n = len(amount)
    return finish(
        "m04.bills",
        4,
        c,
        BILLS_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["enterprise_id"],
        object_=c["batch"],
        year=c["year"],
        steps=steps,
    )


@rule(cites=cite(7), summary="组织旅行社参加推介会、文化旅游博览会，由市级财政承担交通、食宿费用")
def promotion_costs(c: dict[str, np.ndarray], params: ParameterTree, on: dt.date) -> Decision:
    ratio = params.get("m07.promotion_cost_ratio", on)
    checks = [
        Check(
            "not_organised_by_city",
            ~c["organised_by_city"],
            cite(7),
            "该次参会不是由市级组织的推介会或博览会，交通、食宿费用不由市级财政承担。",
            "由市级组织参加“{event}”。",
        ),
    ]
    costs = c["transport_cost"] + c["lodging_cost"]
    amount = mul_ratio_half_up(costs, ratio)

    def steps(i: int) -> Steps:
        return [
            (
                "promotion_costs",
                cite(7),
                {"transport_fen": int(c["transport_cost"][i]), "lodging_fen": int(c["lodging_cost"][i])},
                int(amount[i]),
                f"市级财政承担交通费{format_yuan(int(c['transport_cost'][i]))}＋食宿费"
                f"{format_yuan(int(c['lodging_cost'][i]))}＝{format_yuan(int(amount[i]))}。",
            )
        ]

    n = len(amount)
    return finish(
        "m07.promotion",
        7,
        c,
        PROMOTION_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["agency_id"],
        object_=c["event"],
        year=years_of(c["event_on"]),
        steps=steps,
    )
