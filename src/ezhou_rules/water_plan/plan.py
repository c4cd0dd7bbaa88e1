"""The yearly plan (用水计划指标) of 附件1: the coefficient (增减系数), the statistic and the quota methods.

附件1 一（二）: 年度用水定额(计划)指标 = 被考核指标的数量 × 用水定额标准 × (1.0 ± 增减系数) ± 增减量
附件1 二（二）: 年度计划 = 前三年用水量加权平均 × (1.0 ± 增减系数) ± 增减量, the weights by years of normal use.

Volumes are int64 hundredths of m³, coefficients int hundredths; every result is rounded half up once, at
the end, to 0.01 m³.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite, in_force, parameters
from .errors import WaterPlanError
from .labels import with_label
from .volumes import format_volume, fraction_text

I64 = npt.NDArray[np.int64]
MAX_VOLUME = 10**13  # 1,000 亿 m³ in hundredths: far above any unit, keeps every product inside int64


# -- 增减系数 (附件1 三) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoefficientCase:
    kind: str
    parameter: str
    sign: int
    label: str
    place: str
    years: str  # how the years it counts for follow from the event date, see applicable_years

    @property
    def years_label(self) -> str:
        """The plan years it counts for, in the annex's words (W3)."""
        return YEARS_LABELS[self.years]

    def effect(self, params: ParameterTree | None = None, on: dt.date | None = None) -> int:
        """The signed change of the coefficient in hundredths (+10 = +0.1), in force on ``on``."""
        params = params or parameters()
        return self.sign * params.get(self.parameter, in_force(on or dt.date.min, params))


YEARS_LABELS = {
    "valid_period": "称号有效期内：1月1日在有效期内的各计划年度",
    "next_three": "自完成测试、整改次年起3年内，每年",
    "next_year": "次年（事件发生或认定年度的下一年度）",
    "same_year": "实施当年（下达后发生的，以计划变更调整当年计划）",
}


COEFFICIENT_CASES: dict[str, CoefficientCase] = {
    c.kind: c
    for c in (
        CoefficientCase(
            "water_saving_title",
            "coefficient.water_saving_title",
            +1,
            "获得省级以上节水型企业（单位）称号",
            "附件1 三（一）",
            "valid_period",
        ),
        CoefficientCase(
            "balance_test_rectified",
            "coefficient.balance_test_rectified",
            +1,
            "按规定完成水平衡测试并完成整改",
            "附件1 三（二）",
            "next_three",
        ),
        CoefficientCase(
            "balance_test_not_done",
            "coefficient.balance_test_not_done",
            -1,
            "未按规定开展水平衡测试",
            "附件1 三（二）",
            "next_year",
        ),
        CoefficientCase(
            "retrofit_filed",
            "coefficient.retrofit_filed",
            +1,
            "投用节水技改项目或实施合同节水管理并经备案",
            "附件1 三（三）",
            "next_year",
        ),
        CoefficientCase(
            "project_without_measures",
            "coefficient.project_without_measures",
            -1,
            "新改扩建项目未配套节水措施或未验收擅自投用",
            "附件1 三（三）",
            "next_year",
        ),
        CoefficientCase(
            "unconventional_used",
            "coefficient.unconventional_used",
            +1,
            "使用再生水、雨水等非常规水资源",
            "附件1 三（四）",
            "same_year",
        ),
        CoefficientCase(
            "unconventional_not_used",
            "coefficient.unconventional_not_used",
            -1,
            "具备利用非常规水源条件而不利用",
            "附件1 三（四）",
            "next_year",
        ),
        CoefficientCase(
            "advanced_efficiency",
            "coefficient.advanced_efficiency",
            +1,
            "单位产品用水量不超过国内同行业先进指标",
            "附件1 三（五）",
            "next_year",
        ),
        CoefficientCase(
            "obsolete_equipment",
            "coefficient.obsolete_equipment",
            -1,
            "使用国家、省明令淘汰的用水技术、工艺、产品或设备",
            "附件1 三（五）",
            "next_year",
        ),
        CoefficientCase(
            "metering_compliant",
            "coefficient.metering_compliant",
            +1,
            "水表计量体系健全，符合GB24789要求",
            "附件1 三（六）",
            "next_year",
        ),
        CoefficientCase(
            "metering_noncompliant",
            "coefficient.metering_noncompliant",
            -1,
            "不符合GB24789要求、没有健全水表计量体系",
            "附件1 三（六）",
            "next_year",
        ),
        CoefficientCase(
            "statistics_timely",
            "coefficient.statistics_timely",
            +1,
            "按期准确报送用水情况统计报表",
            "附件1 三（七）",
            "next_year",
        ),
        CoefficientCase(
            "statistics_late",
            "coefficient.statistics_late",
            -1,
            "未及时、准确报送用水情况统计报表",
            "附件1 三（七）",
            "next_year",
        ),
    )
}


@dataclass(frozen=True)
class CoefficientEvent:
    """One recorded case of 附件1 三: the date it happened (completion, filing, finding) and, for a title,
    the end of its validity."""

    kind: str
    on: dt.date
    until: dt.date | None = None
    evidence: str = ""


def applicable_years(event: CoefficientEvent, params: ParameterTree | None = None) -> tuple[int, int]:
    """First and last plan year the event counts for (inclusive); (1, 0) when it counts for none."""
    params = params or parameters()
    case = COEFFICIENT_CASES.get(event.kind)
    if case is None:
        raise WaterPlanError(
            "coefficient_kind", f"未知的增减系数情形“{event.kind}”（见附件1 三）。", field="events.kind"
        )
    y = event.on.year
    if case.years == "valid_period":
        if event.until is None or event.until < event.on:
            raise WaterPlanError(
                "title_period",
                "节水型企业（单位）称号须填写有效期截止日，且不早于取得日期（附件1 三（一））。",
                field="events.until",
            )
        # counts for each plan year whose 1 January lies in the title's validity
        first = y if (event.on.month, event.on.day) == (1, 1) else y + 1
        return first, event.until.year
    if case.years == "next_three":
        n = params.get("coefficient.balance_test_rectified_years", in_force(dt.date(y + 1, 1, 1), params))
        return y + 1, y + n
    if case.years == "same_year":
        return y, y
    return y + 1, y + 1


@dataclass(frozen=True)
class AppliedCase:
    """One case of 附件1 三 counted for a plan year."""

    kind: str
    label: str
    place: str
    on: dt.date
    counts_for: tuple[int, int]
    delta: int  # signed, hundredths


@dataclass(frozen=True)
class CoefficientBreakdown:
    """The coefficient of one plan year and how it was reached (附件1 三, W3)."""

    plan_year: int
    cases: tuple[AppliedCase, ...]
    increases: int  # sum of the increases before the cap, hundredths
    decreases: int  # sum of the decreases before the cap (positive), hundredths
    increase_cap: int
    decrease_cap: int

    @property
    def value(self) -> int:
        """Per side: the increases capped at +0.3, the decreases at −0.3, then added (W3)."""
        return min(self.increases, self.increase_cap) - min(self.decreases, self.decrease_cap)


@rule(
    cites=["鄂州政办发〔2022〕15号 附件1 三"],
    summary="增减系数：各情形按年份累计，增加不大于0.3、降低不低于-0.3",
)
def coefficient_breakdown(
    events: Sequence[CoefficientEvent],
    plan_year: int,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> CoefficientBreakdown:
    """The coefficient for one unit's plan year with each case counted. Each case counts once a year."""
    params = params or parameters()
    day = in_force(dt.date(plan_year, 1, 1), params)
    seen: set[str] = set()
    cases: list[AppliedCase] = []
    up = down = 0
    for ev in sorted(events, key=lambda e: (e.on, e.kind)):
        first, last = applicable_years(ev, params)
        case = COEFFICIENT_CASES[ev.kind]
        if not first <= plan_year <= last:
            continue
        if ev.kind in seen:
            trace.step(
                "coefficient_case_once",
                cite(case.place),
                {"kind": ev.kind, "on": ev.on},
                0,
                f"{cn_date(ev.on)}{case.label}：同一情形每年只计一次，{plan_year}年已计入，不重复计算。",
            )
            continue
        seen.add(ev.kind)
        delta = params.get(case.parameter, day)
        if case.sign > 0:
            up += delta
        else:
            down += delta
        cases.append(AppliedCase(ev.kind, case.label, case.place, ev.on, (first, last), case.sign * delta))
        trace.step(
            "coefficient_case",
            cite(case.place),
            {"kind": ev.kind, "on": ev.on, "counts_for": f"{first}–{last}", "evidence": ev.evidence},
            case.sign * delta,
            f"{cn_date(ev.on)}{case.label}，{plan_year}年增减系数{'+' if case.sign > 0 else '-'}{delta / 100:g}。",
        )
    result = CoefficientBreakdown(
        plan_year,
        tuple(cases),
        up,
        down,
        params.get("coefficient.increase_cap", day),
        params.get("coefficient.decrease_cap", day),
    )
    trace.step(
        "coefficient",
        cite("附件1 三"),
        {"increases": up, "decreases": down, "caps": [result.increase_cap, -result.decrease_cap]},
        result.value,
        f"增减系数初始值为0，增加合计+{up / 100:g}（上限+{result.increase_cap / 100:g}），降低合计-{down / 100:g}"
        f"（下限-{result.decrease_cap / 100:g}），两边分别封顶后相加，{plan_year}年增减系数为{result.value / 100:+g}。",
    )
    return result


def coefficient(
    events: Sequence[CoefficientEvent],
    plan_year: int,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    """The coefficient for one unit's plan year, in hundredths (10 = +0.1)."""
    return coefficient_breakdown(events, plan_year, params, trace).value


def coefficients_batch(
    unit_index: npt.ArrayLike,
    kinds: Sequence[str],
    first_years: npt.ArrayLike,
    last_years: npt.ArrayLike,
    plan_year: int,
    n_units: int,
    params: ParameterTree | None = None,
) -> I64:
    """The same rule over columns of events (already turned into year ranges): one coefficient per unit."""
    params = params or parameters()
    day = in_force(dt.date(plan_year, 1, 1), params)
    units = np.asarray(unit_index, dtype=np.int64)
    first = np.asarray(first_years, dtype=np.int64)
    last = np.asarray(last_years, dtype=np.int64)
    names = list(COEFFICIENT_CASES)
    code = np.array([names.index(k) for k in kinds], dtype=np.int64)
    delta_by_code = np.array(
        [c.sign * params.get(c.parameter, day) for c in COEFFICIENT_CASES.values()], dtype=np.int64
    )
    live = (first <= plan_year) & (plan_year <= last)
    # one count per (unit, case) and year
    keys = np.unique(units[live] * len(names) + code[live])
    u, c = np.divmod(keys, len(names))
    d = delta_by_code[c]
    up = np.bincount(u, weights=np.where(d > 0, d, 0), minlength=n_units).astype(np.int64)
    down = np.bincount(u, weights=np.where(d < 0, -d, 0), minlength=n_units).astype(np.int64)
    return np.minimum(up, params.get("coefficient.increase_cap", day)) - np.minimum(
        down, params.get("coefficient.decrease_cap", day)
    )


# -- 统计法 (附件1 二) ------------------------------------------------------------------------------------

_WEIGHT_RULES = (  # (minimum full years of normal use, parameter, citation place)
    (3, "statistic_weights.three_years", "附件1 二（二）1"),
    (2, "statistic_weights.two_years", "附件1 二（二）2"),
    (1, "statistic_weights.one_year", "附件1 二（二）3"),
)


def normal_use_years(started: dt.date, plan_year: int) -> int:
    """Full years of normal use before the plan year (1 January of the plan year counts as the end)."""
    end = dt.date(plan_year, 1, 1)
    if started >= end:
        return 0
    years = end.year - started.year - ((end.month, end.day) < (started.month, started.day))
    return max(years, 0)


def _check_volumes(arr: I64, field: str) -> None:
    if (arr < 0).any():
        raise WaterPlanError("volume_negative", with_label(field, "用水量不能为负数。"), field=field)
    if (arr > MAX_VOLUME).any():
        raise WaterPlanError(
            "volume_range", with_label(field, "用水量超出可处理范围（1000亿立方米）。"), field=field
        )


def weights_for(years: int, params: ParameterTree, day: dt.date) -> tuple[tuple[Fraction, ...], str]:
    """The weights of 附件1 二（二）1–3 for ``years`` full years of normal use (≥ 1) and the item's place."""
    for minimum, name, place in _WEIGHT_RULES:
        if years >= minimum:
            return tuple(params.get(name, day)), place
    raise WaterPlanError(
        "normal_use_under_one_year",
        "正常用水未满1年的单位不适用统计法公式，由经办人员参考设计用水量、用水定额、实际用水量等核定"
        "（附件1 二（二）4）。",
        field="years_of_normal_use",
    )


@rule(
    cites=[
        "鄂州政办发〔2022〕15号 附件1 二（二）1",
        "鄂州政办发〔2022〕15号 附件1 二（二）2",
        "鄂州政办发〔2022〕15号 附件1 二（二）3",
    ],
    summary="统计法：前三年用水量按正常用水年数加权 ×(1.0±增减系数)±增减量",
)
def statistic_plan(
    history_m3x100: npt.ArrayLike,
    years_of_normal_use: npt.ArrayLike,
    coefficient_pct: npt.ArrayLike,
    adjustment_m3x100: npt.ArrayLike,
    plan_year: int,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> I64:
    """history_m3x100: (n, 3) volumes of the years Y-3, Y-2, Y-1 (hundredths of m³). Units under one year of
    normal use are refused here: their plan is set by the clerk (附件1 二（二）4, see clerk_set_plan)."""
    params = params or parameters()
    day = in_force(dt.date(plan_year, 1, 1), params)
    hist = np.atleast_2d(np.asarray(history_m3x100, dtype=np.int64))
    years = np.atleast_1d(np.asarray(years_of_normal_use, dtype=np.int64))
    coef = np.broadcast_to(np.asarray(coefficient_pct, dtype=np.int64), years.shape)
    adj = np.broadcast_to(np.asarray(adjustment_m3x100, dtype=np.int64), years.shape)
    if hist.shape != (len(years), 3):
        raise WaterPlanError(
            "history_shape", "历史用水量应为每个单位前三年、前二年、前一年三个数。", field="history"
        )
    _check_volumes(hist, "history")
    if (np.abs(adj) > MAX_VOLUME).any():
        raise WaterPlanError("volume_range", "增减量超出可处理范围。", field="adjustment")
    if (years < 1).any():
        raise WaterPlanError(
            "normal_use_under_one_year",
            "正常用水未满1年的单位不适用统计法公式，由经办人员参考设计用水量、用水定额、实际用水量等核定"
            "（附件1 二（二）4）。",
            field="years_of_normal_use",
        )
    if (np.abs(coef) > 30).any():
        raise WaterPlanError(
            "coefficient_range", "增减系数应在-0.3至+0.3之间（附件1 三）。", field="coefficient"
        )
    weight_sets = [(m, params.get(p, day), place) for m, p, place in _WEIGHT_RULES]
    den = lcm(*(w.denominator for _, ws, _ in weight_sets for w in ws))
    wmat = np.zeros((len(years), 3), dtype=np.int64)
    chosen = np.full(len(years), -1)
    for i, (minimum, ws, _) in enumerate(weight_sets):
        rows = (years >= minimum) & (chosen < 0)
        chosen[rows] = i
        padded = [0] * (3 - len(ws)) + [int(w * den) for w in ws]
        wmat[rows] = padded
    weighted = (wmat * hist).sum(axis=1)  # weighted average × den, hundredths of m³
    numerator = weighted * (100 + coef)
    plan = (numerator * 2 + den * 100) // (den * 200) + adj  # round half up (numerator >= 0)
    if (plan < 0).any():
        raise WaterPlanError("plan_negative", "增减量使计划用水量小于零，请核对增减量。", field="adjustment")
    if trace and len(years) == 1:
        minimum, ws, place = weight_sets[int(chosen[0])]
        avg = Fraction(int(weighted[0]), den * 100)
        names = ["前三年", "前二年", "前一年"][3 - len(ws) :]
        vols = [format_volume(int(v)) for v in hist[0][3 - len(ws) :]]
        parts = "+".join(f"{n}{v}×{int(w * 100)}%" for n, v, w in zip(names, vols, ws, strict=True))
        trace.step(
            "statistic_weighted_average",
            cite(place),
            {"years_of_normal_use": int(years[0]), "history_m3": vols, "weights": list(ws)},
            fraction_text(avg),
            f"正常用水{int(years[0])}年，适用{place}：加权用水量={parts}={fraction_text(avg)}立方米。",
        )
        trace.step(
            "statistic_plan",
            cite(place),
            {
                "weighted_m3": fraction_text(avg),
                "coefficient": int(coef[0]) / 100,
                "adjustment_m3": format_volume(int(adj[0])),
            },
            format_volume(int(plan[0])),
            f"{plan_year}年计划用水量={fraction_text(avg)}×(1.0{int(coef[0]) / 100:+g})"
            f"{'+' if adj[0] >= 0 else '-'}{format_volume(abs(int(adj[0])))}"
            f"={format_volume(int(plan[0]))}立方米（保留两位小数，四舍五入）。",
        )
    return plan.astype(np.int64)


# -- 定额法 (附件1 一) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaEntry:
    """One row of the quota table an administrator loads (Hubei's values are not in the gazette)."""

    indicator: str  # 指标或产品，如“机关办公人员”
    unit: str  # 如 m³/(人·a)
    value: Fraction  # m³ per unit of the indicator
    valid_from: dt.date
    source: str


def find_quota(entries: Sequence[QuotaEntry], indicator: str, unit: str, on: dt.date) -> QuotaEntry:
    """The entry for the indicator and unit in force on `on`; refused, naming what is missing, if none."""
    found = [e for e in entries if e.indicator == indicator and e.unit == unit and e.valid_from <= on]
    if not found:
        raise WaterPlanError(
            "quota_missing",
            f"用水定额表中没有“{indicator}”（单位 {unit}）在{cn_date(on)}适用的定额，定额法无法计算；"
            "请管理员录入湖北省或本市发布的用水定额及其来源（附件1 一）。",
            field="quota",
        )
    return max(found, key=lambda e: e.valid_from)


def _to_units(values: Sequence[Fraction], scale: int, field: str) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        scaled = Fraction(v) * scale
        if scaled.denominator != 1:
            raise WaterPlanError("number_places", f"{field}：小数位数过多。", field=field)
        out[i] = int(scaled)
    return out


@rule(cites=["鄂州政办发〔2022〕15号 附件1 一（二）"], summary="定额法：数量×用水定额×(1.0±增减系数)±增减量")
def quota_plan(
    quantities: Sequence[Fraction],
    quotas: Sequence[Fraction],
    coefficient_pct: npt.ArrayLike,
    adjustment_m3x100: npt.ArrayLike,
    trace: Trace = NO_TRACE,
    *,
    indicator: str = "",
    unit: str = "",
) -> I64:
    """Quantities up to 2 decimals, quotas up to 4 decimals (exact Fractions); result in hundredths of m³.

    Computed in Python integers (object arrays), so no product can overflow, then rounded half up once."""
    n = len(quantities)
    if len(quotas) != n:
        raise WaterPlanError("quota_shape", "数量与定额的个数不一致。", field="quota")
    q = _to_units(quantities, 100, "quantity")
    k = _to_units(quotas, 10_000, "quota")
    coef = np.broadcast_to(np.asarray(coefficient_pct, dtype=np.int64), (n,))
    adj = np.broadcast_to(np.asarray(adjustment_m3x100, dtype=np.int64), (n,))
    if (np.abs(coef) > 30).any():
        raise WaterPlanError(
            "coefficient_range", "增减系数应在-0.3至+0.3之间（附件1 三）。", field="coefficient"
        )
    numer = q * k * (100 + coef.astype(object))  # plan in hundredths of m³ × 10^6
    plan = np.array([(int(x) * 2 + 10**6) // (2 * 10**6) for x in numer], dtype=object) + adj.astype(object)
    if any(p < 0 for p in plan) or any(p > MAX_VOLUME for p in plan):
        raise WaterPlanError(
            "plan_range", "计划用水量小于零或超出可处理范围，请核对增减量和数量。", field="adjustment"
        )
    result = plan.astype(np.int64)
    if trace and n == 1:
        base = Fraction(quantities[0]) * Fraction(quotas[0])
        trace.step(
            "quota_plan",
            cite("附件1 一（二）"),
            {
                "indicator": indicator,
                "unit": unit,
                "quantity": fraction_text(Fraction(quantities[0])),
                "quota": fraction_text(Fraction(quotas[0])),
                "coefficient": int(coef[0]) / 100,
                "adjustment_m3": format_volume(int(adj[0])),
            },
            format_volume(int(result[0])),
            f"定额法：{fraction_text(Fraction(quantities[0]))}×{fraction_text(Fraction(quotas[0]))}{unit}"
            f"={fraction_text(base)}立方米，×(1.0{int(coef[0]) / 100:+g})"
            f"{'+' if adj[0] >= 0 else '-'}{format_volume(abs(int(adj[0])))}"
            f"={format_volume(int(result[0]))}立方米。",
        )
    return result


CLERK_SET_BASES = {"design": "设计用水量", "quota": "用水定额", "actual": "实际用水量"}


@rule(
    cites=["鄂州政办发〔2022〕15号 附件1 二（二）4"],
    summary="新增及用水未满1年的单位：经办人员核定计划并记录理由",
)
def clerk_set_plan(volume_m3x100: int, basis: str, reason: str, trace: Trace = NO_TRACE) -> int:
    if basis not in CLERK_SET_BASES:
        raise WaterPlanError(
            "clerk_set_basis",
            "核定依据应为设计用水量、用水定额或实际用水量之一（附件1 二（二）4）。",
            field="basis",
        )
    if not reason.strip():
        raise WaterPlanError(
            "clerk_set_reason", "未满1年的单位由经办人员核定计划，须填写核定理由。", field="reason"
        )
    if volume_m3x100 < 0:
        raise WaterPlanError("volume_negative", "计划用水量不能为负数。", field="volume")
    trace.step(
        "clerk_set_plan",
        cite("附件1 二（二）4"),
        {"basis": basis, "reason": reason},
        format_volume(volume_m3x100),
        f"新增或用水未满1年，参考{CLERK_SET_BASES[basis]}核定计划用水量{format_volume(volume_m3x100)}立方米：{reason}。",
    )
    return volume_m3x100
