"""The computed parts of the measures (components), each with its input fields, its rule, and how the ledger
keeps it from being paid twice: exclusive keys (a key with a limit, 1 unless a parameter says otherwise),
a cap counted per subject and year, and "highest wins" (就高不就低) for measure 8.

Key templates use ``{subject}`` (USCC or resident ID), ``{object}`` (loan contract, VIN, store, year …) and
``{year}``. The platform stores one row per key slot of each standing award under a unique constraint
(``key_slots``), which makes the rule hold under concurrent applications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ezhou_rules.core.params import ParameterTree

from . import cars, deferral, finance, freight, interest, stores, trade, vouchers
from .decision import Decision
from .errors import SubsidyError
from .fields import Field

Compute = Callable[[dict[str, np.ndarray], ParameterTree, dt.date, Mapping[str, Any]], Decision]


@dataclass(frozen=True)
class KeySpec:
    template: str
    label: str  # what the key stands for, in a refusal: 同一笔贷款, 同一申请人 …
    limit_param: str | None = None  # a count parameter; None means at most one award holds the key

    def limit(self, params: ParameterTree, on: dt.date) -> int:
        return 1 if self.limit_param is None else int(params.get(self.limit_param, on))


@dataclass(frozen=True)
class Component:
    code: str
    measure: int
    title: str
    fields: tuple[Field, ...]
    compute: Compute
    keys: tuple[KeySpec, ...]
    cap_param: str | None = None  # the cap of the awards of one subject in one year, across applications
    cap_group: str | None = None  # components sharing the cap count together (default: this component)
    highest_wins: bool = False  # 就高不就低: a higher award replaces a lower one under the same key
    subject_kind: str = "uscc"  # "uscc" or "resident_id"

    def key_values(self, subject: str, object_: str, year: int) -> list[str]:
        return [k.template.format(subject=subject, object=object_, year=year) for k in self.keys]

    def cap_key(self, subject: str, year: int) -> str | None:
        if self.cap_param is None:
            return None
        return f"{self.cap_group or self.code}|{subject}|{year}"


def _plain(fn: Callable[[dict[str, np.ndarray], ParameterTree, dt.date], Decision]) -> Compute:
    def compute(
        c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, context: Mapping[str, Any]
    ) -> Decision:
        return fn(c, params, on)

    return compute


def _interest(measure: int) -> Compute:
    return _plain(partial(interest.interest_subsidy, measure))


def _cars(
    c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, context: Mapping[str, Any]
) -> Decision:
    if "dealers" not in context:
        raise SubsidyError(
            "dealer_list_required", "计算第十二条补贴须提供我市授权经销商名单（dealers）。", field="dealers"
        )
    return cars.trade_in_subsidy(c, params, on, context["dealers"])


def _vouchers(
    c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, context: Mapping[str, Any]
) -> Decision:
    return vouchers.voucher_drawdown(c, params, on, int(context.get("drawn_before", 0)))[0]


INTEREST_KEY = KeySpec(
    "interest|{object}", "同一笔贷款"
)  # one fiscal interest subsidy per loan across measures 1–3
M08_KEY = KeySpec("m08|{subject}", "同一公路货运企业")

_LIST = [
    Component("m01", 1, "“首贷户”贷款贴息", tuple(interest.LOAN_FIELDS), _interest(1), (INTEREST_KEY,)),
    Component("m02", 2, "纾困基金贷款贴息", tuple(interest.LOAN_FIELDS), _interest(2), (INTEREST_KEY,)),
    Component(
        "m03", 3, "货币政策工具带动贷款贴息", tuple(interest.LOAN_FIELDS), _interest(3), (INTEREST_KEY,)
    ),
    Component(
        "m04.interface",
        4,
        "应收账款融资服务平台接口开发费用补贴",
        tuple(finance.INTERFACE_FIELDS),
        _plain(finance.interface_subsidy),
        (KeySpec("m04.interface|{subject}", "同一企业的接口开发费用"),),
    ),
    Component(
        "m04.facilitation",
        4,
        "核心实体企业促成贷款追加奖励",
        tuple(finance.FACILITATION_FIELDS),
        _plain(finance.facilitation_award),
        (KeySpec("m04.facilitation|{subject}|{year}", "同一企业同一年度的促成贷款奖励"),),
        cap_param="m04.facilitation_cap",
    ),
    Component(
        "m04.bills",
        4,
        "供应链票据签发追加奖励",
        tuple(finance.BILLS_FIELDS),
        _plain(finance.bills_award),
        (KeySpec("m04.bills|{subject}|{object}", "同一企业同一批次的票据奖励"),),
        cap_param="m04.bills_cap",
    ),
    Component(
        "m05.store",
        5,
        "商业载体引入首店、旗舰店奖励",
        tuple(stores.STORE_FIELDS),
        _plain(stores.store_award),
        (KeySpec("m05.store|{object}", "同一门店"),),
        cap_param="m05.carrier_annual_cap",
    ),
    Component(
        "m05.operator",
        5,
        "首店、旗舰店运营企业奖励",
        tuple(stores.OPERATOR_FIELDS),
        _plain(stores.operator_award),
        (KeySpec("m05.operator|{subject}|{object}|{year}", "同一运营企业同一门店同一年度"),),
    ),
    Component(
        "m07.promotion",
        7,
        "旅行社参加推介会交通、食宿费用",
        tuple(finance.PROMOTION_FIELDS),
        _plain(finance.promotion_costs),
        (KeySpec("m07.promotion|{subject}|{object}", "同一旅行社同一次参会"),),
    ),
    Component(
        "m08.new",
        8,
        "新增规上公路货运企业一次性奖励",
        tuple(freight.NEW_FIELDS),
        _plain(freight.new_freight_award),
        (M08_KEY,),
        highest_wins=True,
    ),
    Component(
        "m08.ranked",
        8,
        "规上公路货运企业排名一次性补助",
        tuple(freight.RANKED_FIELDS),
        _plain(freight.ranked_freight_award),
        (M08_KEY,),
        highest_wins=True,
    ),
    Component(
        "m09.legal_person",
        9,
        "新增限上批零住餐法人企业奖励",
        tuple(trade.NEW_UNIT_FIELDS),
        _plain(trade.legal_person_award),
        (KeySpec("m09.legal_person|{subject}", "同一法人企业的新增入库奖励"),),
    ),
    Component(
        "m09.individual_first",
        9,
        "新增限上批零住餐个体单位奖励",
        tuple(trade.NEW_UNIT_FIELDS),
        _plain(trade.individual_first_award),
        (KeySpec("m09.individual_first|{subject}", "同一个体单位的新增入库奖励"),),
    ),
    Component(
        "m09.individual_second",
        9,
        "个体单位在库稳定运行2年追加奖励",
        tuple(trade.SECOND_FIELDS),
        _plain(trade.individual_second_award),
        (KeySpec("m09.individual_second|{subject}", "同一个体单位的追加奖励"),),
    ),
    Component(
        "m09.retail_growth",
        9,
        "限上企业零售额增长奖励",
        tuple(trade.GROWTH_FIELDS),
        _plain(trade.retail_growth_award),
        (KeySpec("m09.retail_growth|{subject}|{year}", "同一企业同一年度的零售额增长奖励"),),
        cap_param="m09.growth_cap",
    ),
    Component(
        "m09.case_by_case",
        9,
        "年销售额超过5亿元企业“一事一议”支持",
        tuple(trade.CASE_FIELDS),
        _plain(trade.case_by_case_award),
        (KeySpec("m09.case_by_case|{subject}|{year}", "同一企业同一年度的“一事一议”支持"),),
    ),
    Component(
        "m12",
        12,
        "汽车以旧换新补贴",
        tuple(cars.CAR_FIELDS),
        _cars,
        (
            KeySpec("m12.person|{subject}", "同一申请人", "m12.cars_per_person"),
            KeySpec("m12.vin|{object}", "同一车辆（车辆识别代号）"),
        ),
        subject_kind="resident_id",
    ),
    Component(
        "m15",
        15,
        "通用消费券消费补贴",
        tuple(vouchers.VOUCHER_FIELDS),
        _vouchers,
        (KeySpec("m15.voucher|{object}", "同一张消费券"),),
        subject_kind="resident_id",
    ),
    Component(
        "m16",
        16,
        "职工医保单位缴费缓缴（免申即享）",
        tuple(deferral.DEFERRAL_FIELDS),
        _plain(deferral.deferral_run),
        (KeySpec("m16|{subject}|{object}", "同一单位同一月份"),),
    ),
]
COMPONENTS: dict[str, Component] = {c.code: c for c in _LIST}


def component(code: str) -> Component:
    try:
        return COMPONENTS[code]
    except KeyError:
        known = "、".join(COMPONENTS)
        raise SubsidyError(
            "unknown_component", f"没有可计算的事项“{code}”；可计算的事项：{known}。", field="component"
        ) from None


def key_slots(key: str, limit: int) -> list[str]:
    """The unique-constraint rows of a key with a limit: ``key`` itself when one award may hold it, else
    ``key#1`` … ``key#limit``; an award takes the first free slot, so at most ``limit`` awards hold the key."""
    return [key] if limit == 1 else [f"{key}#{i}" for i in range(1, limit + 1)]
