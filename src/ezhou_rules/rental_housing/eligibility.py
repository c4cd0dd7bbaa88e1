"""第十二条 申请保障性租赁住房，应同时符合下列条件 — over columns, and for one applicant with a trace.

（一）申请人年满18周岁，具有完全民事行为能力；
（二）申请人及其配偶、未成年子女在申请辖区无房或家庭人均居住建筑面积低于35平方米。已签订商品房预售合同但
      房屋尚未交付的，在交付前视同无房；
（三）申请人及其配偶、未成年子女在本市未享受其他形式的保障性住房。
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import parameters, validity_warning
from .common import DOC, as_days, centi_m2, fail, format_m2, in_force, param_centi_m2

CITE_AGE = f"{DOC} 第十二条第（一）项"
CITE_HOUSING = f"{DOC} 第十二条第（二）项"
CITE_OTHER = f"{DOC} 第十二条第（三）项"

REASONS = {
    "under_age": ("申请人未满18周岁。", CITE_AGE),
    "no_full_capacity": ("申请人不具有完全民事行为能力。", CITE_AGE),
    "housing": (
        "申请人及其配偶、未成年子女在申请辖区有房，且家庭人均居住建筑面积不低于35平方米。",
        CITE_HOUSING,
    ),
    "other_subsidised": ("申请人及其配偶、未成年子女在本市已享受其他形式的保障性住房。", CITE_OTHER),
}


def _ages(birth: npt.NDArray[np.datetime64], on: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Full years (周岁) on each date; the year is gained on the birthday itself (2月29日 → 3月1日 in a
    common year, since (2, 28) < (2, 29))."""

    def ymd(a: npt.NDArray[np.datetime64]) -> tuple[Any, Any, Any]:
        y = a.astype("datetime64[Y]").astype(np.int64) + 1970
        m = a.astype("datetime64[M]").astype(np.int64) % 12 + 1
        d = (a - a.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
        return y, m, d

    by, bm, bd = ymd(birth)
    oy, om, od = ymd(on)
    return (oy - by - ((om * 100 + od) < (bm * 100 + bd))).astype(np.int64)


@rule(
    cites=[CITE_AGE, CITE_HOUSING, CITE_OTHER],
    summary="保障性租赁住房申请条件：年满18周岁且具有完全民事行为能力；辖区无房或人均居住建筑面积低于35平方米；未享受其他保障性住房",
)
def eligibility(
    application_date: npt.ArrayLike,
    birth_date: npt.ArrayLike,
    full_civil_capacity: npt.ArrayLike,
    household_size: npt.ArrayLike,
    home_area_centi_m2: npt.ArrayLike,
    home_count: npt.ArrayLike,
    other_subsidised_housing: npt.ArrayLike,
    *,
    params: ParameterTree | None = None,
) -> dict[str, np.ndarray]:
    """All three conditions of 第十二条 for a batch of applicants (one row each).

    `household_size` counts the applicant, the spouse and the minor children (the persons 第十二条（二）
    names); `home_area_centi_m2` and `home_count` cover only the homes they own in the district that have
    been delivered (an off-plan home not yet delivered counts as none). The per-capita test is strict:
    area < 35 m² × persons, compared in integers of 0.01 m².
    """
    tree = params or parameters()
    days = as_days(application_date, field="application_date")
    born = as_days(birth_date, field="birth_date")
    if days.size:
        in_force(tree, "eligibility.min_age", days.min().astype(object), field="application_date")
    if (born > days).any():
        raise fail("birth_date", "出生日期晚于申请日期。")
    persons = np.asarray(household_size, dtype=np.int64)
    if (persons < 1).any():
        raise fail("household_size", "家庭人数至少为1（申请人本人）。")
    area = np.asarray(home_area_centi_m2, dtype=np.int64)
    count = np.asarray(home_count, dtype=np.int64)
    if (area < 0).any() or (count < 0).any():
        raise fail("homes", "住房面积和套数不能为负数。")

    min_age = tree.get_array("eligibility.min_age", days)
    threshold = param_centi_m2(tree, "eligibility.per_capita_floor_area_below", days)

    age = _ages(born, days)
    age_ok = age >= min_age
    capacity_ok = np.asarray(full_civil_capacity, dtype=bool)
    no_home = count == 0
    # area / persons < threshold  ⇔  area < threshold × persons (exact, no division)
    area_ok = area < threshold * persons
    housing_ok = no_home | area_ok
    subsidy_ok = ~np.asarray(other_subsidised_housing, dtype=bool)
    eligible = age_ok & capacity_ok & housing_ok & subsidy_ok
    # per-capita area for display, 0.01 m² rounded half up
    per_capita = (2 * area + persons) // (2 * persons)
    return {
        "age": age,
        "age_ok": age_ok,
        "capacity_ok": capacity_ok,
        "no_home": no_home,
        "per_capita_centi_m2": per_capita,
        "housing_ok": housing_ok,
        "subsidy_ok": subsidy_ok,
        "eligible": eligible,
    }


@dataclass(frozen=True)
class Home:
    """A home owned by the applicant, the spouse or a minor child."""

    area_centi_m2: int  # 建筑面积, 0.01 m²
    in_district: bool = True  # 在申请辖区内
    delivered: bool = True  # False: 已签订商品房预售合同但尚未交付


@dataclass
class EligibilityResult:
    eligible: bool
    age: int
    household_size: int
    counted_homes: int
    counted_area_centi_m2: int
    per_capita_centi_m2: int
    reasons: list[dict[str, str]] = field(default_factory=list)
    # 鄂州政发〔2022〕19号 applied after its validity ended (第三十一条); "" while in force
    warning: str = ""


def parse_homes(rows: list[dict[str, Any]]) -> list[Home]:
    homes = []
    for i, row in enumerate(rows):
        homes.append(
            Home(
                area_centi_m2=centi_m2(row.get("area_m2"), field=f"homes.{i}.area_m2"),
                in_district=bool(row.get("in_district", True)),
                delivered=bool(row.get("delivered", True)),
            )
        )
    return homes


def check_applicant(
    *,
    application_date: dt.date,
    birth_date: dt.date,
    full_civil_capacity: bool,
    has_spouse: bool,
    minor_children: int,
    homes: list[Home],
    other_subsidised_housing: bool,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> EligibilityResult:
    """One applicant through `eligibility`, with a trace step for each condition."""
    tree = params or parameters()
    if minor_children < 0:
        raise fail("minor_children", "未成年子女人数不能为负数。")
    persons = 1 + int(has_spouse) + minor_children
    counted = [h for h in homes if h.in_district and h.delivered]
    area = sum(h.area_centi_m2 for h in counted)
    out = eligibility(
        np.array([application_date], dtype="datetime64[D]"),
        np.array([birth_date], dtype="datetime64[D]"),
        [full_civil_capacity],
        [persons],
        [area],
        [len(counted)],
        [other_subsidised_housing],
        params=tree,
    )
    age = int(out["age"][0])
    min_age = tree.get("eligibility.min_age", application_date)
    threshold = tree.get("eligibility.per_capita_floor_area_below", application_date)
    reasons: list[dict[str, str]] = []

    def refuse(code: str) -> None:
        message, citation = REASONS[code]
        reasons.append({"code": code, "message": message, "citation": citation})

    trace.step(
        "eligibility.age",
        CITE_AGE,
        {"birth_date": birth_date, "application_date": application_date, "min_age": min_age},
        bool(out["age_ok"][0]),
        f"申请日{cn_date(application_date)}申请人{age}周岁，"
        + ("已年满" if out["age_ok"][0] else "未满")
        + f"{min_age}周岁。",
    )
    if not out["age_ok"][0]:
        refuse("under_age")
    trace.step(
        "eligibility.capacity",
        CITE_AGE,
        {"full_civil_capacity": full_civil_capacity},
        bool(full_civil_capacity),
        "申请人声明具有完全民事行为能力。" if full_civil_capacity else "申请人不具有完全民事行为能力。",
    )
    if not full_civil_capacity:
        refuse("no_full_capacity")
    ignored = len(homes) - len(counted)
    per_capita = int(out["per_capita_centi_m2"][0])
    if not counted:
        text = "申请人及其配偶、未成年子女在申请辖区无房"
        if any(h.in_district and not h.delivered for h in homes):
            text += "（已签订预售合同尚未交付的商品房，交付前视同无房）"
        text += "，符合住房条件。"
    else:
        text = (
            f"家庭{persons}人在申请辖区有房{len(counted)}套、建筑面积合计{format_m2(area)}平方米，"
            f"人均{format_m2(per_capita)}平方米，"
            + (
                f"低于{threshold}平方米，符合住房条件。"
                if out["housing_ok"][0]
                else f"不低于{threshold}平方米，不符合住房条件。"
            )
        )
    if ignored:
        text += f"（另有{ignored}套为辖区外住房或未交付的预售商品房，不计入。）"
    trace.step(
        "eligibility.housing",
        CITE_HOUSING,
        {
            "household_size": persons,
            "homes_counted": len(counted),
            "area_m2": format_m2(area),
            "threshold_m2_per_person": threshold,
        },
        bool(out["housing_ok"][0]),
        text,
    )
    if not out["housing_ok"][0]:
        refuse("housing")
    trace.step(
        "eligibility.other_subsidised",
        CITE_OTHER,
        {"other_subsidised_housing": other_subsidised_housing},
        not other_subsidised_housing,
        "申请人及其配偶、未成年子女在本市已享受其他形式的保障性住房，不符合条件。"
        if other_subsidised_housing
        else "申请人及其配偶、未成年子女在本市未享受其他形式的保障性住房。",
    )
    if other_subsidised_housing:
        refuse("other_subsidised")
    return EligibilityResult(
        eligible=bool(out["eligible"][0]),
        age=age,
        household_size=persons,
        counted_homes=len(counted),
        counted_area_centi_m2=area,
        per_capita_centi_m2=per_capita,
        reasons=reasons,
        warning=validity_warning(application_date),
    )
