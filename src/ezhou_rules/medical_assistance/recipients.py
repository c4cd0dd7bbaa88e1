"""Who is a recipient, of which class, and what follows from the class (鄂州政办发〔2022〕34号 第四条—第七条,
第十四条, 第十五条, 第二十条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import EnumType, StrEnum
from fractions import Fraction
from typing import cast

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, mul_ratio_half_up, round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from .parameters_tree import CLASS_LABELS, DOCUMENT, statistical_year_value


class IdentityKind(StrEnum):
    """Identities the civil-affairs and rural-revitalisation departments recognise (第四条, 第二十二条)."""

    EXTREME_POVERTY = "extreme_poverty", "城乡特困人员"
    ORPHAN = "orphan", "孤儿"
    MINIMUM_LIVING = "minimum_living", "城乡最低生活保障对象"
    RETURNED_TO_POVERTY = "returned_to_poverty", "返贫致贫人口"
    LOW_INCOME_MARGINAL = "low_income_marginal", "城乡低保边缘家庭成员"
    UNSTABLE_LIFTED = "unstable_lifted", "脱贫不稳定人口（纳入监测）"
    MARGINAL_AT_RISK = "marginal_at_risk", "边缘易致贫人口（纳入监测）"
    SUDDEN_HARDSHIP = "sudden_hardship", "突发严重困难人口（纳入监测）"
    ILLNESS_POVERTY = "illness_poverty", "因病致贫重病患者"
    OTHER_SPECIAL = "other_special", "市、区人民政府规定的其他特殊困难人员"
    STABLE_LIFTED = "stable_lifted", "稳定脱贫人口"  # not a class; watched by 第十四条

    def __new__(cls, value: str, label: str) -> IdentityKind:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label  # type: ignore[attr-defined]
        return obj

    @classmethod
    def of(cls, value: IdentityKind | str) -> IdentityKind:
        """The member whose value is ``value`` (ValueError if none), i.e. the enum lookup ``IdentityKind(value)``.

        Spelled out because type checkers read ``IdentityKind(value)`` against the two-argument ``__new__``
        that builds the members, not against the one-argument lookup the enum class performs."""
        return cast(IdentityKind, EnumType.__call__(cls, value))


CLASS_OF_KIND: dict[IdentityKind, int] = {
    IdentityKind.EXTREME_POVERTY: 1,
    IdentityKind.ORPHAN: 1,
    IdentityKind.MINIMUM_LIVING: 2,
    IdentityKind.RETURNED_TO_POVERTY: 2,
    IdentityKind.LOW_INCOME_MARGINAL: 3,
    IdentityKind.UNSTABLE_LIFTED: 3,
    IdentityKind.MARGINAL_AT_RISK: 3,
    IdentityKind.SUDDEN_HARDSHIP: 3,
    IdentityKind.ILLNESS_POVERTY: 4,
    IdentityKind.OTHER_SPECIAL: 4,
}
MONITORED_RURAL = frozenset(
    {IdentityKind.UNSTABLE_LIFTED, IdentityKind.MARGINAL_AT_RISK, IdentityKind.SUDDEN_HARDSHIP}
)
C_CLASSES = f"{DOCUMENT} 第四条"


@dataclass(frozen=True)
class Recogniser:
    """The department 第二十二条 names for recognising an identity: its code on the platform, its name, the
    paragraph."""

    department: str
    label: str
    cite: str


CIVIL_AFFAIRS = Recogniser("civil_affairs", "民政部门", f"{DOCUMENT} 第二十二条第三款")
RURAL_REVITALIZATION = Recogniser("rural_revitalization", "乡村振兴部门", f"{DOCUMENT} 第二十二条第八款")
# 第四条第八款 leaves recognition to "民政、乡村振兴部门根据职能分工"; 第二十二条 divides it (interpretation M22).
RECOGNISED_BY: dict[IdentityKind, Recogniser] = {
    IdentityKind.EXTREME_POVERTY: CIVIL_AFFAIRS,
    IdentityKind.ORPHAN: CIVIL_AFFAIRS,
    IdentityKind.MINIMUM_LIVING: CIVIL_AFFAIRS,
    IdentityKind.LOW_INCOME_MARGINAL: CIVIL_AFFAIRS,
    IdentityKind.ILLNESS_POVERTY: CIVIL_AFFAIRS,
    # "市、区人民政府规定的其他特殊困难人员": not named; 第二十二条第三款 ends its list with "等医疗救助对象认定"
    IdentityKind.OTHER_SPECIAL: CIVIL_AFFAIRS,
    # "农村易返贫致贫人口认定、监测": the monitored persons, those who returned to or fell into poverty, and
    # the lifted-out population the monitoring follows (稳定脱贫, watched by 第十四条)
    IdentityKind.RETURNED_TO_POVERTY: RURAL_REVITALIZATION,
    IdentityKind.UNSTABLE_LIFTED: RURAL_REVITALIZATION,
    IdentityKind.MARGINAL_AT_RISK: RURAL_REVITALIZATION,
    IdentityKind.SUDDEN_HARDSHIP: RURAL_REVITALIZATION,
    IdentityKind.STABLE_LIFTED: RURAL_REVITALIZATION,
}


@rule(
    cites=[f"{DOCUMENT} 第四条第八款", CIVIL_AFFAIRS.cite, RURAL_REVITALIZATION.cite],
    summary="各类身份由第二十二条规定的部门认定：特困、孤儿、低保、低保边缘、因病致贫重病患者由民政部门；农村易返贫致贫人口由乡村振兴部门",
)
def recognised_by(kind: IdentityKind | str) -> Recogniser:
    """The one department that recognises ``kind`` (第二十二条), not either of the two."""
    return RECOGNISED_BY[IdentityKind.of(kind)]


C_HIGHEST = f"{DOCUMENT} 第六条"


@rule(cites=[C_CLASSES, C_HIGHEST], summary="按身份确定救助类别，多重身份就高不重复")
def recipient_class(kinds: Iterable[IdentityKind | str], *, trace: Trace = NO_TRACE) -> int | None:
    """The class (1 highest … 4) of a person holding these identities, or None if none is a class.

    第六条: several identities → the highest class only (就高不重复).
    """
    found = [(CLASS_OF_KIND[k], k) for k in map(IdentityKind.of, kinds) if k in CLASS_OF_KIND]
    if not found:
        trace.step(
            "medical_assistance.class",
            C_CLASSES,
            {"identities": []},
            None,
            "不属于第四条所列的医疗救助对象。",
        )
        return None
    cls, _kind = min(found)
    trace.step(
        "medical_assistance.class",
        C_HIGHEST if len(found) > 1 else C_CLASSES,
        {"identities": [k.value for _, k in found]},
        cls,
        f"身份为{'、'.join(k.label for _, k in found)}，"  # type: ignore[attr-defined]
        + (
            f"按就高不重复原则认定为{CLASS_LABELS[cls]}医疗救助对象。"
            if len(found) > 1
            else f"属于{CLASS_LABELS[cls]}医疗救助对象。"
        ),
    )
    return cls


@rule(cites=f"{DOCUMENT} 第十五条第一款", summary="一类、二类直接救助，三类、四类依申请救助")
def needs_application(cls: int) -> bool:
    """第十五条: classes 1 and 2 are aided directly; classes 3 and 4 on their own application."""
    return cls in (3, 4)


@rule(
    cites=f"{DOCUMENT} 第二十条",
    summary="先诊疗后付费的对象：一类、二类医疗救助对象和纳入监测范围的农村易返贫致贫人口",
)
def pay_after_treatment_person(kinds: Iterable[IdentityKind | str]) -> bool:
    """第二十条: the persons who may be treated first and pay later (when referred from primary care and
    admitted to an in-city designated hospital): classes 1 and 2 and monitored rural persons."""
    identities = [IdentityKind.of(k) for k in kinds]
    return any(CLASS_OF_KIND.get(k) in (1, 2) for k in identities) or any(
        k in MONITORED_RURAL for k in identities
    )


@rule(cites=f"{DOCUMENT} 第二十条", summary="先诊疗后付费：入院只缴基本医保住院起付标准费用")
def pay_after_treatment(
    kinds: Iterable[IdentityKind | str], *, referred_from_primary_care: bool, in_city_inpatient: bool
) -> bool:
    """第二十条: classes 1 and 2 and monitored rural persons referred from primary care, admitted to an in-city
    designated hospital with a valid document, pay only the basic-insurance inpatient deductible at admission."""
    return pay_after_treatment_person(kinds) and referred_from_primary_care and in_city_inpatient


# -- 第七条 参保资助 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PremiumSubsidy:
    premium: int  # 个人应缴费标准（分）
    ratio: Fraction
    subsidy: int  # 资助金额（分）
    basis: str  # 资助依据的身份


@rule(
    cites=f"{DOCUMENT} 第七条", summary="城乡居民基本医保个人缴费资助：一类全额、二类90%、监测对象过渡期内50%"
)
def premium_subsidy(
    tree: ParameterTree, kinds: Iterable[IdentityKind | str], coverage_year: int, *, trace: Trace = NO_TRACE
) -> PremiumSubsidy:
    """The subsidy of the individual premium for ``coverage_year`` (医保年度); the highest applicable one
    (第六条). The premium is dated configuration; missing, the calculation stops with ParameterNotSet."""
    day = dt.date(coverage_year, 1, 1)
    identities = [IdentityKind.of(k) for k in kinds]
    options: list[tuple[Fraction, str]] = [(Fraction(0), "无资助身份")]
    cls = min((CLASS_OF_KIND[k] for k in identities if k in CLASS_OF_KIND), default=None)
    if cls == 1:
        options.append((tree.get("premium_subsidy.ratio.class_1", day), "一类医疗救助对象"))
    if cls == 2:
        options.append((tree.get("premium_subsidy.ratio.class_2", day), "二类医疗救助对象"))
    monitored = [k for k in identities if k in MONITORED_RURAL]
    if monitored and cls == 3:
        end = tree.get("premium_subsidy.transition_period_end", day)
        if day <= end:
            options.append(
                (
                    tree.get("premium_subsidy.ratio.class_3_monitored_rural", day),
                    "纳入监测范围的农村易返贫致贫人口（过渡期内）",
                )
            )
    ratio, basis = max(options, key=lambda o: o[0])
    if ratio == 0:
        trace.step(
            "medical_assistance.premium_subsidy",
            f"{DOCUMENT} 第七条",
            {"identities": identities},
            0,
            "不属于第七条规定的参保资助对象（或已过过渡期），不予资助。",
        )
        return PremiumSubsidy(0, ratio, 0, basis)
    premium = tree.get("premium_subsidy.individual_premium", day)
    subsidy = round_half_up(premium * ratio)
    trace.step(
        "medical_assistance.premium_subsidy",
        f"{DOCUMENT} 第七条",
        {"coverage_year": coverage_year, "premium": premium, "ratio": ratio},
        subsidy,
        f"{coverage_year}年度个人应缴费{format_yuan(premium)}，{basis}按{ratio * 100}%资助{format_yuan(subsidy)}。",
    )
    return PremiumSubsidy(premium, ratio, subsidy, basis)


# -- 第四条 因病致贫重病患者认定 -------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later (earlier if negative); a month without it gives its last day
    (民法典 第二百零二条): 2024-02-29 + 12 months = 2025-02-28. dateutil's relativedelta, not month arithmetic
    by hand."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Class4Assessment:
    eligible: bool
    self_pay_12m: int
    threshold: int  # 上年度居民人均可支配收入 × 100%（分）
    reasons: tuple[str, ...]


@rule(
    cites=[f"{DOCUMENT} 第四条第六款", f"{DOCUMENT} 第四条第七款"],
    summary="因病致贫重病患者认定：申请前12个月自负费用超过上年度居民人均可支配收入，家庭财产符合规定",
)
def assess_class_4(
    tree: ParameterTree,
    *,
    application_date: dt.date,
    self_pay_12m: int,
    property_check_passed: bool,
    existing_class: int | None,
    trace: Trace = NO_TRACE,
) -> Class4Assessment:
    """第四条第六款: self-pay in the 12 months before the application above 100% of the previous year's
    per-capita disposable income of residents (strictly), property within the city's standard (a recorded
    decision of the reviewing department), and not already in classes 1–3."""
    income = statistical_year_value(tree, "income.per_capita_disposable", application_date.year - 1)
    share = tree.get("class_4_recognition.self_pay_share", application_date)
    threshold = round_half_up(income * share)
    reasons = []
    if existing_class is not None and existing_class <= 3:
        reasons.append(f"已是{CLASS_LABELS[existing_class]}医疗救助对象，不再认定为因病致贫重病患者。")
    if not self_pay_12m * share.denominator > income * share.numerator:
        reasons.append(
            f"申请前12个月累计自负医疗费用{format_yuan(self_pay_12m)}未超过上年度居民人均可支配收入的"
            f"{share * 100}%（{format_yuan(threshold)}）。"
        )
    if not property_check_passed:
        reasons.append("家庭财产不符合我市规定。")
    eligible = not reasons
    trace.step(
        "medical_assistance.class_4",
        f"{DOCUMENT} 第四条第六款",
        {
            "self_pay_12m": self_pay_12m,
            "threshold": threshold,
            "property_check_passed": property_check_passed,
        },
        eligible,
        "符合因病致贫重病患者认定条件。" if eligible else "".join(reasons),
    )
    return Class4Assessment(eligible, self_pay_12m, threshold, tuple(reasons))


@rule(cites=f"{DOCUMENT} 第四条第七款", summary="因病致贫重病患者救助身份自认定之日起12个月有效")
def class_4_valid_until(tree: ParameterTree, recognised_on: dt.date) -> dt.date:
    """Last day of validity (interpretation M9): "自认定之日起12个月" is a period counted in months, so the
    recognition day itself is not counted (民法典 第二百零一条) and the period ends on the corresponding day of
    the twelfth month, or that month's last day when it has none (第二百零二条): 2024-03-15 → 2025-03-15,
    2024-02-29 → 2025-02-28. A validity end is not a time limit for an act, so it is not moved off a rest day
    (第二百零三条 does not apply)."""
    months = tree.get("class_4_recognition.validity_months", recognised_on)
    return add_months(recognised_on, months)


@rule(cites=f"{DOCUMENT} 第十五条第二款", summary="身份确定前12个月内发生的医疗费用依申请按相应类别救助")
def retroactive_window(tree: ParameterTree, recognised_on: dt.date) -> tuple[dt.date, dt.date]:
    """Claims settled on or after the first day and before the recognition day may be settled again
    under the new class (第十五条第二款)."""
    months = tree.get("retroactive_months", recognised_on)
    return add_months(recognised_on, -months), recognised_on - dt.timedelta(days=1)


# -- 第十四条 双预警 -----------------------------------------------------------------------------------------

WARN_NONE, WARN_RETURN, WARN_INTO = 0, 1, 2
WARNING_LABELS = {WARN_RETURN: "因病返贫预警", WARN_INTO: "因病致贫预警"}
RETURN_WATCHED = frozenset({IdentityKind.LOW_INCOME_MARGINAL, IdentityKind.STABLE_LIFTED} | MONITORED_RURAL)


def warning_group(kinds: Iterable[IdentityKind | str]) -> int:
    """Which 第十四条 list a person is watched for (interpretation M13).

    - Classes 1, 2 and 4 (the highest class of the person's identities, 第六条) are recipients already: on
      neither list, whatever second identity they also hold (a 低保 person who is also 稳定脱贫 is class 2).
    - 因病返贫: 城乡低保边缘家庭成员, monitored rural persons (both class 3) and 稳定脱贫人口 who hold no class.
    - 因病致贫: ordinary resident enrollees, i.e. no identity of 第四条 and not 稳定脱贫."""
    held = {IdentityKind.of(k) for k in kinds}
    cls = min((CLASS_OF_KIND[k] for k in held if k in CLASS_OF_KIND), default=None)
    if cls in (1, 2, 4):
        return WARN_NONE
    if held & RETURN_WATCHED:
        return WARN_RETURN
    if cls is None:
        return WARN_INTO
    return WARN_NONE


@rule(
    cites=f"{DOCUMENT} 第十四条",
    summary="因病致贫、因病返贫双预警：当年累计自负费用超过上年度农村居民人均可支配收入的50%或100%",
)
def warnings(
    tree: ParameterTree,
    through: dt.date,
    group: npt.NDArray[np.int8],
    self_pay_this_year: npt.NDArray[np.int64],
) -> npt.NDArray[np.int8]:
    """Per person, the list (WARN_RETURN / WARN_INTO) they belong on for the year of ``through`` (the last day
    counted), else WARN_NONE. Strictly above. The shares are looked up on ``through``: in 2022 the document
    took effect on 18 October, so 1 January of that year has no value (interpretation M6)."""
    income = statistical_year_value(tree, "income.rural_per_capita_disposable", through.year - 1)
    r_ret = tree.get("warning.return_to_poverty_share", through)
    r_into = tree.get("warning.into_poverty_share", through)
    x = np.asarray(self_pay_this_year, dtype=np.int64)
    g = np.asarray(group)
    over_ret = x * r_ret.denominator > income * r_ret.numerator
    over_into = x * r_into.denominator > income * r_into.numerator
    out = np.where((g == WARN_RETURN) & over_ret, WARN_RETURN, WARN_NONE)
    out = np.where((g == WARN_INTO) & over_into, WARN_INTO, out)
    return out.astype(np.int8)


def warning_thresholds(tree: ParameterTree, through: dt.date) -> dict[int, int]:
    """The two lines in fen (rounded half up for display; the test itself is exact) for the year of ``through``."""
    income = statistical_year_value(tree, "income.rural_per_capita_disposable", through.year - 1)
    return {
        WARN_RETURN: int(mul_ratio_half_up(income, tree.get("warning.return_to_poverty_share", through))),
        WARN_INTO: int(mul_ratio_half_up(income, tree.get("warning.into_poverty_share", through))),
    }


# -- 第五条 大病保险倾斜 ---------------------------------------------------------------------------------------


@rule(
    cites=f"{DOCUMENT} 第五条",
    summary="大病保险对一类、二类救助对象：起付标准降低50%、报销比例提高5个百分点、取消最高支付限额",
)
def critical_illness_tilt(
    tree: ParameterTree, cls: int | None, day: dt.date, *, deductible: int, ratio: Fraction, cap: int | None
) -> tuple[int, Fraction, int | None]:
    """The critical-illness parameters (configuration, not in the gazette) as they apply to this person."""
    if cls not in (1, 2):
        return deductible, ratio, cap
    cut = tree.get("critical_illness_tilt.deductible_reduction", day)
    plus = tree.get("critical_illness_tilt.ratio_increase", day)
    return round_half_up(deductible * (1 - cut)), min(ratio + plus, Fraction(1)), None
