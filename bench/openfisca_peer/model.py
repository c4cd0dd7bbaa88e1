"""The OpenFisca model: one entity (the person), yearly variables, amounts in yuan as OpenFisca floats
(float32), as an OpenFisca country package writes them. One claim per person-year, so the annual running
totals of 第十一条 and 第十二条 are the claim's own amounts.

Rounding to the fen is half up (四舍五入), as in the gazette, done in float: ⌊v × 100 + 0.5⌋ / 100.
OpenFisca reads a variable's attributes from its own class only, so each class names its entity and period.
Class- and level-dependent parameters are read through a small table indexed by the class — the fastest
access OpenFisca's vectorial parameters allow (indexing a node with an array of keys is slower), so the
peer is not handicapped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Person = build_entity(key="person", plural="persons", label="医疗救助对象", is_person=True)
YEAR = DateUnit.YEAR
CLASSES = ("class_1", "class_2", "class_3", "class_4")
LEVELS = ("level_1", "level_2", "level_3")


def half_up_fen(yuan: Any) -> Any:
    return np.floor(yuan * 100 + 0.5) / 100


def by_key(node: Any, keys: tuple[str, ...], index: Any, missing: float = 0.0) -> Any:
    """The value of ``node.<keys[index - 1]>`` per row (index 1-based)."""
    table = np.array([getattr(node, k) if k in node else missing for k in keys], dtype=np.float32)
    return table[index - 1]


class person_class(Variable):
    entity = Person
    definition_period = YEAR
    value_type = int
    label = "救助对象类别（1—4）"


class inpatient(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "住院（否：门诊慢特病）"


class hospital_level(Variable):
    entity = Person
    definition_period = YEAR
    value_type = int
    label = "医疗机构级别（1—3）"


class in_city(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "市域内定点医疗机构"


class in_province(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "省域内就医"


class temporary_out_of_city(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "临时外出到市外定点医疗机构"


class tilted_approved(Variable):
    entity = Person
    definition_period = YEAR
    value_type = bool
    label = "已纳入倾斜救助"


class total_cost(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "医疗费用总额（元）"


class out_of_policy_cost(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "政策范围外费用（元）"


class policy_self_pay(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "政策范围内个人自付（元）"


class out_of_city_factor(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "第十三条第二款：临时外出就医的比例系数"
    reference = "鄂州政办发〔2022〕34号 第十三条第二款"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        factor = parameters(period).temporary_out_of_city_factor
        return np.where(person("temporary_out_of_city", period), factor, 1.0)


class basic_aid(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "基本医疗救助（元）"
    reference = "鄂州政办发〔2022〕34号 第十一条"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).basic
        cls = person("person_class", period)
        self_pay = person("policy_self_pay", period)
        eligible = np.maximum(self_pay - by_key(p.deductible, CLASSES, cls), 0)
        ratio = by_key(p.ratio, CLASSES, cls) * person("out_of_city_factor", period)
        return np.minimum(half_up_fen(eligible * ratio), by_key(p.cap, CLASSES, cls))


class remaining_deductible(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "剩余起付标准（元）"
    reference = "鄂州政办发〔2022〕34号 第十一条第（一）项"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        deductible = by_key(parameters(period).basic.deductible, CLASSES, person("person_class", period))
        return np.maximum(deductible - person("policy_self_pay", period), 0)


class remaining_cap(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "剩余基本救助年度限额（元）"
    reference = "鄂州政办发〔2022〕34号 第十一条第（三）项"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = by_key(parameters(period).basic.cap, CLASSES, person("person_class", period))
        return np.maximum(cap - person("basic_aid", period), 0)


class tilted_base(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "倾斜救助基数：省内政策范围内自付经基本救助后的年度累计（元）"
    reference = "鄂州政办发〔2022〕34号 第十二条第一款"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        left = person("policy_self_pay", period) - person("basic_aid", period)
        return np.where(person("in_province", period), left, 0)


class tilted_aid(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "倾斜救助（元）"
    reference = "鄂州政办发〔2022〕34号 第十二条"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        p = parameters(period).tilted
        income = parameters(period.last_year).income.per_capita_disposable
        base = person("tilted_base", period)
        crossed = (
            person("tilted_approved", period)
            & person("in_province", period)
            & (base > income * p.threshold_share)
        )
        cls = person("person_class", period)
        eligible = np.maximum(base - by_key(p.deductible, CLASSES, cls), 0)
        ratio = by_key(p.ratio, CLASSES, cls) * person("out_of_city_factor", period)
        cap = np.where(by_key(p.unlimited, CLASSES, cls) > 0, np.inf, by_key(p.cap, CLASSES, cls))
        return np.where(crossed, np.minimum(half_up_fen(eligible * ratio), cap), 0)


class hospital_borne(Variable):
    entity = Person
    definition_period = YEAR
    value_type = float
    label = "医疗机构承担的超比例政策范围外费用（元）"
    reference = "鄂州政办发〔2022〕34号 第十三条第三款"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        share = by_key(parameters(period).hospital_borne.max_share, LEVELS, person("hospital_level", period))
        excess = person("out_of_policy_cost", period) - person("total_cost", period) * share
        where = person("in_city", period) & person("inpatient", period)
        return np.where(where, np.maximum(half_up_fen(excess), 0), 0)


VARIABLES = (
    person_class,
    inpatient,
    hospital_level,
    in_city,
    in_province,
    temporary_out_of_city,
    tilted_approved,
    total_cost,
    out_of_policy_cost,
    policy_self_pay,
    out_of_city_factor,
    basic_aid,
    remaining_deductible,
    remaining_cap,
    tilted_base,
    tilted_aid,
    hospital_borne,
)
# The six columns ``settle()`` returns, so both sides compute the same outputs.
OUTPUTS = (
    "basic_aid",
    "tilted_aid",
    "hospital_borne",
    "remaining_deductible",
    "remaining_cap",
    "tilted_base",
)


class EzhouMedicalAssistance(TaxBenefitSystem):
    def __init__(self, parameters: dict[str, Any]) -> None:
        super().__init__([Person])
        for variable in VARIABLES:
            self.add_variable(variable)
        self.parameters = ParameterNode("", data=parameters)


def build_system(parameters: dict[str, Any]) -> EzhouMedicalAssistance:
    """``parameters``: the nested OpenFisca parameter dict exported from the project's parameter tree."""
    return EzhouMedicalAssistance(parameters)
