"""Claim-by-claim settlement of medical assistance (鄂州政办发〔2022〕34号 第十一条、第十二条、第十三条).

Two implementations of the same rules:

- ``settle_reference``: the law read literally, one claim after another, with scalar parameter lookups and
  an optional trace citing each article. It is the single-case path (API, pages) and the yardstick.
- ``settle``: the same over columns with numpy, for a year of claims of a whole city (the kernel is in
  ``vectorised``). The deductible is
  not path-dependent (what a claim consumes follows from the running total of self-pay before it), and the
  annual caps act on running totals of payables: with a cap constant within a person's year, the amount
  paid so far after claim i is min(Σ payable, cap), so every quantity is a segment cumulative sum followed
  by clipping. Person-years whose caps change within the year (a class change, a 第二十六条 adjustment)
  are few and go through ``settle_reference``. A property test checks the two agree to the fen.

Rules, per person per calendar year, claims in (settle_date, claim_id) order:

1. Basic aid (第十一条): one annual deductible shared by inpatient and chronic/special outpatient claims.
   A claim's eligible part is its policy-range self-pay above what remains of the deductible; payable =
   eligible × ratio, rounded half up to the fen per claim; the annual cap applies to the running total.
   The class in force on the settlement date decides deductible, ratio and cap.
2. Temporary out-of-city treatment without referral (第十三条第二款): that claim's ratio is halved; its
   self-pay still consumes the deductible at face value.
3. Tilted aid (第十二条): for persons approved after application and review, in-province claims only.
   Base = running total of in-province policy-range self-pay left after basic aid. When the base is above
   25% of the previous year's per-capita disposable income (strictly), tilted aid = (base − tilted
   deductible) × tilted ratio, claim by claim, with the tilted cap on the running total (classes 1 and 2
   have none). The 50% rule for temporary out-of-city treatment applies to the tilted ratio too.
4. Hospital-borne excess (第十三条第三款): for inpatient claims at in-city designated hospitals, the
   out-of-policy cost above 3% (level 1) or 8% (levels 2, 3) of the total cost is borne by the hospital.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from .parameters_tree import CLASS_LABELS, DOCUMENT, statistical_year_value

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]
# "No annual cap" (第十二条 classes 1 and 2) as a number larger than any running total can reach.
UNLIMITED = np.int64(2**62)

C_BASIC = f"{DOCUMENT} 第十一条"
C_DEDUCTIBLE = f"{DOCUMENT} 第十一条第（一）项"
C_SHARED_DEDUCTIBLE = f"{DOCUMENT} 第十一条第（二）项"
C_CAP = f"{DOCUMENT} 第十一条第（三）项"
C_OUT_OF_CITY = f"{DOCUMENT} 第十三条第二款"
C_HOSPITAL = f"{DOCUMENT} 第十三条第三款"
C_TILTED = f"{DOCUMENT} 第十二条第一款"
C_TILTED_CLASS = {k: f"{DOCUMENT} 第十二条第{'二三四五'[k - 1]}款" for k in (1, 2, 3, 4)}


@dataclass
class Claims:
    """Columns of claims, sorted by (person, settle_date, claim_id). Amounts are int64 fen."""

    person: np.ndarray  # any comparable dtype; equal values = one person
    settle_date: npt.NDArray[np.datetime64]  # datetime64[D]
    person_class: npt.NDArray[np.int8]  # 1..4, the class in force on the settlement date
    inpatient: BOOL  # True: 住院; False: 门诊慢特病
    hospital_level: npt.NDArray[np.int8]  # 1..3
    in_city: BOOL
    in_province: BOOL
    temporary_out_of_city: BOOL  # 临时外出（未经转诊）到市外定点医疗机构
    tilted_approved: BOOL  # 已经申请审核纳入倾斜救助
    total_cost: I64
    out_of_policy_cost: I64
    policy_self_pay: I64

    def __len__(self) -> int:
        return len(self.policy_self_pay)

    def take(self, index: npt.NDArray[np.integer[Any]] | BOOL) -> Claims:
        return Claims(**{f.name: np.asarray(getattr(self, f.name))[index] for f in fields(self)})

    @classmethod
    def from_records(cls, rows: list[dict[str, Any]]) -> Claims:
        """Columns from a list of dicts (keys as the fields; dates as datetime.date or ISO text)."""

        def col(name: str, dtype: Any) -> np.ndarray:
            return np.array([r[name] for r in rows], dtype=dtype)

        return cls(
            person=np.array([r["person"] for r in rows], dtype=object),
            settle_date=np.array([np.datetime64(r["settle_date"], "D") for r in rows], dtype="datetime64[D]"),
            person_class=col("person_class", np.int8),
            inpatient=col("inpatient", bool),
            hospital_level=col("hospital_level", np.int8),
            in_city=col("in_city", bool),
            in_province=col("in_province", bool),
            temporary_out_of_city=col("temporary_out_of_city", bool),
            tilted_approved=col("tilted_approved", bool),
            total_cost=col("total_cost", np.int64),
            out_of_policy_cost=col("out_of_policy_cost", np.int64),
            policy_self_pay=col("policy_self_pay", np.int64),
        )


@dataclass
class Settled:
    """Per claim: the aid, the hospital-borne amount and the year's running position after the claim."""

    basic_aid: I64
    tilted_aid: I64
    hospital_borne: I64
    remaining_deductible: I64  # 剩余起付标准（年度）
    remaining_cap: I64  # 剩余基本救助年度限额
    tilted_base: I64  # 倾斜救助基数：省内政策范围内自付经基本救助后的年度累计

    def __len__(self) -> int:
        return len(self.basic_aid)

    def row(self, i: int) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)[i]) for f in fields(self)}

    @classmethod
    def empty(cls, n: int) -> Settled:
        return cls(*(np.zeros(n, dtype=np.int64) for _ in fields(cls)))

    def put(self, index: npt.ArrayLike, other: Settled) -> None:
        for f in fields(self):
            getattr(self, f.name)[index] = getattr(other, f.name)


class ClaimOrderError(ValueError):
    code = "claims_not_sorted"


# -- reference: the law claim by claim ---------------------------------------------------------------------


@dataclass
class YearState:
    """A person's running position in a calendar year (the annual accumulator of the platform)."""

    self_pay: int = 0  # policy-range self-pay so far (consumes the deductible at face value)
    basic_paid: int = 0
    tilted_base: int = 0  # in-province self-pay left after basic aid
    tilted_counted: int = 0  # tilted-eligible amount already settled
    tilted_paid: int = 0


def _class_params(tree: ParameterTree, cls: int, day: dt.date) -> dict[str, Any]:
    unlimited = tree.get(f"tilted.unlimited.class_{cls}", day)
    return {
        "deductible": tree.get(f"basic.deductible.class_{cls}", day),
        "ratio": tree.get(f"basic.ratio.class_{cls}", day),
        "cap": tree.get(f"basic.cap.class_{cls}", day),
        "tilted_deductible": tree.get(f"tilted.deductible.class_{cls}", day),
        "tilted_ratio": tree.get(f"tilted.ratio.class_{cls}", day),
        "tilted_cap": None if unlimited else tree.get(f"tilted.cap.class_{cls}", day),
    }


def tilted_threshold(tree: ParameterTree, day: dt.date) -> Fraction:
    """25% of the previous year's per-capita disposable income of residents (第十二条), in fen (exact), for a
    claim settled on ``day``. The share is looked up on that day, not on 1 January: in 2022 the document took
    effect on 18 October, and a 第二十六条 adjustment may take effect within a year (interpretation M6)."""
    income = statistical_year_value(tree, "income.per_capita_disposable", day.year - 1)
    share = tree.get("tilted.threshold_share", day)
    return income * share


def _hospital_borne(
    tree: ParameterTree, day: dt.date, level: int, total: int, oop: int
) -> tuple[int, Fraction]:
    share: Fraction = tree.get(f"hospital_borne.max_share.level_{level}", day)
    return max(round_half_up(Fraction(oop) - total * share), 0), share


@rule(
    cites=[
        C_BASIC,
        C_DEDUCTIBLE,
        C_SHARED_DEDUCTIBLE,
        C_CAP,
        C_OUT_OF_CITY,
        C_HOSPITAL,
        C_TILTED,
        *list(C_TILTED_CLASS.values()),
    ],
    summary="逐笔结算医疗救助：共用年度起付标准、按比例救助、年度限额，市外临时就医减半，倾斜救助，医疗机构承担超比例费用",
)
def settle_reference(
    claims: Claims,
    tree: ParameterTree,
    *,
    trace: Trace = NO_TRACE,
    claim_labels: list[str] | None = None,
    start_state: YearState | None = None,
) -> Settled:
    """Claim by claim, as the law reads. ``claims`` sorted by (person, settle_date, claim_id).

    ``start_state`` is the position of the first person-year before its first claim here (the platform
    settles one claim against the stored accumulator); it is updated in place while that person-year
    lasts, so the caller reads the position after the claims from it.
    """
    _check_order(claims)
    n = len(claims)
    out = Settled.empty(n)
    state = start_state if start_state is not None else YearState()
    thresholds: dict[dt.date, Fraction] = {}
    for i in range(n):
        day: dt.date = claims.settle_date[i].astype(object)
        if i > 0 and (
            claims.person[i] != claims.person[i - 1]
            or day.year != claims.settle_date[i - 1].astype(object).year
        ):
            state = YearState()
        label = claim_labels[i] if claim_labels else f"第{i + 1}笔"
        cls = int(claims.person_class[i])
        if cls not in CLASS_LABELS:
            raise ValueError(f"救助对象类别应为 1—4，收到 {cls}。")
        p = _class_params(tree, cls, day)
        x = int(claims.policy_self_pay[i])
        out_of_city = bool(claims.temporary_out_of_city[i])
        factor: Fraction = tree.get("temporary_out_of_city_factor", day) if out_of_city else Fraction(1)

        # 第十一条：起付标准（住院与门诊慢特病合并计算）
        remaining_before = max(p["deductible"] - state.self_pay, 0)
        eligible = max(x - remaining_before, 0)
        state.self_pay += x
        trace.step(
            "medical_assistance.basic.deductible",
            C_SHARED_DEDUCTIBLE if p["deductible"] else C_DEDUCTIBLE,
            {
                "claim": label,
                "class": cls,
                "policy_self_pay": x,
                "deductible": p["deductible"],
                "remaining_deductible_before": remaining_before,
            },
            eligible,
            f"{label}：{CLASS_LABELS[cls]}救助对象年起付标准{format_yuan(p['deductible'])}，"
            f"本笔前尚余{format_yuan(remaining_before)}；本笔政策范围内自付{format_yuan(x)}，"
            f"超过起付标准的{format_yuan(eligible)}纳入救助。",
        )
        ratio = p["ratio"] * factor
        raw = round_half_up(eligible * ratio)
        if out_of_city:
            trace.step(
                "medical_assistance.out_of_city",
                C_OUT_OF_CITY,
                {"claim": label, "ratio": p["ratio"], "factor": factor},
                ratio,
                f"{label}：临时外出到市外定点医疗机构治疗，按规定比例{_pct(p['ratio'])}的50%即{_pct(ratio)}救助；"
                "其自付费用仍全额计入起付标准。",
            )
        remaining_cap = max(p["cap"] - state.basic_paid, 0)
        basic = min(raw, remaining_cap)
        state.basic_paid += basic
        trace.step(
            "medical_assistance.basic.aid",
            C_CAP if basic < raw else C_DEDUCTIBLE,
            {
                "claim": label,
                "eligible": eligible,
                "ratio": ratio,
                "payable": raw,
                "cap": p["cap"],
                "remaining_cap_before": remaining_cap,
            },
            basic,
            f"{label}：{format_yuan(eligible)}×{_pct(ratio)}＝{format_yuan(raw)}（四舍五入到分）"
            + (
                f"，年度限额{format_yuan(p['cap'])}仅余{format_yuan(remaining_cap)}，基本救助{format_yuan(basic)}。"
                if basic < raw
                else f"，未超过年度限额{format_yuan(p['cap'])}的剩余额度，基本救助{format_yuan(basic)}。"
            ),
        )

        # 第十二条：倾斜救助
        tilted = 0
        if claims.in_province[i]:
            state.tilted_base += x - basic
        if claims.tilted_approved[i] and claims.in_province[i]:
            if day not in thresholds:
                thresholds[day] = tilted_threshold(tree, day)
            threshold = thresholds[day]
            if state.tilted_base > threshold:
                total_eligible = max(state.tilted_base - p["tilted_deductible"], 0)
                eligible_t = max(total_eligible - state.tilted_counted, 0)
                state.tilted_counted = max(state.tilted_counted, total_eligible)
                ratio_t = p["tilted_ratio"] * factor
                raw_t = round_half_up(eligible_t * ratio_t)
                cap_t = p["tilted_cap"]
                tilted = raw_t if cap_t is None else min(raw_t, max(cap_t - state.tilted_paid, 0))
                state.tilted_paid += tilted
                trace.step(
                    "medical_assistance.tilted.aid",
                    C_TILTED_CLASS[cls],
                    {
                        "claim": label,
                        "tilted_base": state.tilted_base,
                        "threshold": threshold,
                        "tilted_deductible": p["tilted_deductible"],
                        "eligible": eligible_t,
                        "ratio": ratio_t,
                        "cap": cap_t,
                    },
                    tilted,
                    f"{label}：省内政策范围内自付经基本救助后年度累计{format_yuan(state.tilted_base)}，"
                    f"超过上年度居民人均可支配收入的25%（{_fen_text(threshold)}），"
                    f"扣除倾斜救助起付标准{format_yuan(p['tilted_deductible'])}后本笔新增{format_yuan(eligible_t)}，"
                    f"按{_pct(ratio_t)}倾斜救助{format_yuan(tilted)}"
                    + ("（无年支付限额）。" if cap_t is None else f"（年支付限额{format_yuan(cap_t)}）。"),
                )
            else:
                trace.step(
                    "medical_assistance.tilted.threshold",
                    C_TILTED,
                    {"claim": label, "tilted_base": state.tilted_base, "threshold": threshold},
                    0,
                    f"{label}：省内政策范围内自付经基本救助后年度累计{format_yuan(state.tilted_base)}，"
                    f"未超过上年度居民人均可支配收入的25%（{_fen_text(threshold)}），暂不给予倾斜救助。",
                )

        # 第十三条第三款：医疗机构承担超比例的政策范围外费用
        borne = 0
        if claims.in_city[i] and claims.inpatient[i]:
            level = int(claims.hospital_level[i])
            borne, share = _hospital_borne(
                tree, day, level, int(claims.total_cost[i]), int(claims.out_of_policy_cost[i])
            )
            if borne:
                trace.step(
                    "medical_assistance.hospital_borne",
                    C_HOSPITAL,
                    {
                        "claim": label,
                        "hospital_level": level,
                        "total_cost": int(claims.total_cost[i]),
                        "out_of_policy_cost": int(claims.out_of_policy_cost[i]),
                        "max_share": share,
                    },
                    borne,
                    f"{label}：市域内定点{'一二三'[level - 1]}级医疗机构住院，政策范围外费用"
                    f"{format_yuan(int(claims.out_of_policy_cost[i]))}超过总费用的{_pct(share)}，"
                    f"超过部分{format_yuan(borne)}由医疗机构承担。",
                )

        out.basic_aid[i] = basic
        out.tilted_aid[i] = tilted
        out.hospital_borne[i] = borne
        out.remaining_deductible[i] = max(p["deductible"] - state.self_pay, 0)
        out.remaining_cap[i] = max(p["cap"] - state.basic_paid, 0)
        out.tilted_base[i] = state.tilted_base
    return out


def _pct(r: Fraction) -> str:
    value = r * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):g}%"


def _fen_text(amount: Fraction) -> str:
    return (
        format_yuan(round_half_up(amount)) if Fraction(amount).denominator != 1 else format_yuan(int(amount))
    )


def _check_order(claims: Claims) -> None:
    n = len(claims)
    if n < 2:
        return
    same = claims.person[1:] == claims.person[:-1]
    if np.any(same & (claims.settle_date[1:] < claims.settle_date[:-1])):
        raise ClaimOrderError("结算记录应按人员、结算日期、结算单号排序。")


# -- vectorised -------------------------------------------------------------------------------------------


def settle(claims: Claims, tree: ParameterTree) -> Settled:
    """The vectorised kernel (``vectorised.settle_columns``); the same results as ``settle_reference`` to the
    fen, which a property test checks."""
    from .vectorised import settle_columns  # the kernel imports this module's types and reference

    return settle_columns(claims, tree)
