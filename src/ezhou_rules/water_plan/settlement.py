"""Annual assessment and the progressive surcharge (第七条, 第十一条, 第十四条).

actual = supplier volume − construction-meter volume (附件2 （三）)
plan   = issued ± adjustments + supplements − cuts
excess = max(actual − plan, 0), charged band by band: band i covers the excess between b(i−1)×plan and
b(i)×plan (the last band unbounded) at multiplier m(i) × base price. Each band's amount is rounded half up to
the fen and the total is the sum of the bands, so the notice adds up line by line.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import cite as cite_of
from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import cite
from .errors import WaterPlanError
from .volumes import format_volume, fraction_text, ratio_text

I64 = npt.NDArray[np.int64]


@rule(
    cites=["鄂州政办发〔2022〕15号 第十一条"],
    summary="水资源紧缺时按比例下调计划：计划×比例×期间天数÷全年天数",
)
def proportional_cut(
    plan_m3x100: npt.ArrayLike, percent: Fraction, start: dt.date, end: dt.date, trace: Trace = NO_TRACE
) -> I64:
    if not Fraction(0) < percent <= Fraction(1):
        raise WaterPlanError("cut_percent", "下调比例应大于0且不超过100%（第十一条）。", field="percent")
    if end < start or start.year != end.year:
        raise WaterPlanError(
            "cut_period", "下调期间应在同一年度内，且结束日不早于开始日（第十一条）。", field="end"
        )
    plan = np.atleast_1d(np.asarray(plan_m3x100, dtype=np.int64))
    days = (end - start).days + 1
    year_days = (dt.date(start.year, 12, 31) - dt.date(start.year, 1, 1)).days + 1
    ratio = percent * Fraction(days, year_days)
    cut = mul_ratio_half_up(plan, ratio)
    if len(plan) == 1:
        trace.step(
            "proportional_cut",
            cite("第十一条"),
            {
                "plan_m3": format_volume(int(plan[0])),
                "percent": percent,
                "days": days,
                "year_days": year_days,
            },
            format_volume(int(cut[0])),
            f"水资源紧缺时期按比例下调：{format_volume(int(plan[0]))}×{fraction_text(percent * 100)}%"
            f"×{days}÷{year_days}天={format_volume(int(cut[0]))}立方米。",
        )
    return cut


@rule(
    cites=["鄂州政办发〔2022〕15号 第十四条", "鄂州政办发〔2022〕15号 第七条第一款"],
    summary="年度考核：实际用水量=供水企业水量-基建水表水量；计划=下达±调整+增补-下调",
)
def assessment(
    supplier_m3x100: npt.ArrayLike,
    construction_m3x100: npt.ArrayLike,
    issued_m3x100: npt.ArrayLike,
    adjustments_m3x100: npt.ArrayLike,
    supplements_m3x100: npt.ArrayLike,
    cuts_m3x100: npt.ArrayLike,
    trace: Trace = NO_TRACE,
) -> tuple[I64, I64, I64]:
    """(actual, plan, excess) per unit, hundredths of m³."""
    sup = np.atleast_1d(np.asarray(supplier_m3x100, dtype=np.int64))
    con = np.broadcast_to(np.asarray(construction_m3x100, dtype=np.int64), sup.shape)
    if (con > sup).any() or (con < 0).any() or (sup < 0).any():
        raise WaterPlanError(
            "construction_exceeds",
            "基建水表水量不能为负，也不能大于供水企业提供的实际用水量。",
            field="construction",
        )
    actual = sup - con
    plan = (
        np.broadcast_to(np.asarray(issued_m3x100, dtype=np.int64), sup.shape)
        + np.asarray(adjustments_m3x100, dtype=np.int64)
        + np.asarray(supplements_m3x100, dtype=np.int64)
        - np.asarray(cuts_m3x100, dtype=np.int64)
    )
    plan = np.maximum(plan, 0)
    excess = np.maximum(actual - plan, 0)
    if len(sup) == 1 and trace:
        trace.step(
            "actual_use",
            cite("第十四条"),
            {"supplier_m3": format_volume(int(sup[0])), "construction_m3": format_volume(int(con[0]))},
            format_volume(int(actual[0])),
            actual_text(int(sup[0]), int(con[0]), int(actual[0])),
        )
        trace.step(
            "assessed_plan",
            cite("第七条第一款"),
            {
                "issued_m3": format_volume(int(np.asarray(issued_m3x100).ravel()[0])),
                "adjustments_m3": format_volume(int(np.asarray(adjustments_m3x100).ravel()[0])),
                "supplements_m3": format_volume(int(np.asarray(supplements_m3x100).ravel()[0])),
                "cuts_m3": format_volume(int(np.asarray(cuts_m3x100).ravel()[0])),
            },
            format_volume(int(plan[0])),
            assessed_plan_text(int(plan[0]), int(excess[0])),
        )
    return actual, plan, excess


# The sentences of the assessment's and the surcharge's steps, shared by the traced computation of one unit and
# the batch that writes a year's notices (notice_steps), so both say exactly the same thing.


def actual_text(supplier: int, construction: int, actual: int) -> str:
    return _actual_words(format_volume(supplier), format_volume(construction), format_volume(actual))


def assessed_plan_text(plan: int, excess: int) -> str:
    return _plan_words(format_volume(plan), format_volume(excess))


# The sentences from figures already written out (the batch writes each figure once for the notice's table and
# its sentences).


def _actual_words(supplier: str, construction: str, actual: str) -> str:
    return f"结算水量采用供水企业数据：{supplier}-基建水表{construction}={actual}立方米。"


def _plan_words(plan: str, excess: str) -> str:
    return f"年度考核计划=下达±调整+增补-下调={plan}立方米；超计划水量{excess}立方米。"


def _total_words(excess: str, total: str) -> str:
    return f"超计划用水{excess}立方米，累进加价水费合计{total}。"


def band_spans(bounds: tuple[Fraction, ...], bands: int) -> list[str]:
    """The span of each band in the trace's words: 超计划0%至10%, …, 超计划30%以上."""
    spans, prev = [], Fraction(0)
    for i in range(bands):
        b = bounds[i] if i < len(bounds) else None
        spans.append(
            f"超计划{fraction_text(prev * 100)}%至{fraction_text(b * 100)}%"
            if b
            else f"超计划{fraction_text(prev * 100)}%以上"
        )
        prev = b or prev
    return spans


def band_text(i: int, span: str, volume: Fraction, multiplier: Fraction, price: int, amount: int) -> str:
    return (
        f"第{i + 1}档（{span}的部分）{fraction_text(volume)}立方米×{fraction_text(multiplier)}倍×"
        f"{format_yuan(price)}/立方米={format_yuan(amount)}。"
    )


def total_text(excess: int, total: int) -> str:
    return _total_words(format_volume(excess), format_yuan(total))


def surcharge_tiers(
    params: ParameterTree, on: dt.date
) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], int]:
    """(band upper bounds, multipliers, base price fen/m³) in force on `on`; ParameterNotSet until entered."""
    bounds = params.get("surcharge.band_upper_bounds", on)
    multipliers = params.get("surcharge.multipliers", on)
    price = params.get("surcharge.base_price", on)
    check_tiers(bounds, multipliers, price)
    return tuple(bounds), tuple(multipliers), price


def check_tiers(bounds: tuple[Fraction, ...], multipliers: tuple[Fraction, ...], price: int) -> None:
    if len(multipliers) != len(bounds) + 1:
        raise WaterPlanError(
            "tiers_shape", "加价倍数应比分档上限多一项（最后一档无上限）。", field="multipliers"
        )
    if any(b <= 0 for b in bounds) or any(b2 <= b1 for b1, b2 in itertools.pairwise(bounds)):
        raise WaterPlanError("tiers_order", "分档上限应为正数并按升序排列。", field="band_upper_bounds")
    if any(m <= 0 for m in multipliers):
        raise WaterPlanError("tiers_multiplier", "加价倍数应为正数。", field="multipliers")
    if price <= 0:
        raise WaterPlanError("tiers_price", "加价基价应为正数（分/立方米）。", field="base_price")


@rule(
    cites=["鄂州政办发〔2022〕15号 第十四条"],
    summary="超计划用水累进加价：超计划水量按占计划比例分档×倍数×基价",
)
def surcharge(
    plan_m3x100: npt.ArrayLike,
    excess_m3x100: npt.ArrayLike,
    bounds: tuple[Fraction, ...],
    multipliers: tuple[Fraction, ...],
    price_fen_per_m3: int,
    trace: Trace = NO_TRACE,
) -> tuple[I64, I64]:
    """(band amounts (n, bands) in fen, total fen per unit)."""
    check_tiers(bounds, multipliers, price_fen_per_m3)
    plan = np.atleast_1d(np.asarray(plan_m3x100, dtype=np.int64))
    excess = np.broadcast_to(np.asarray(excess_m3x100, dtype=np.int64), plan.shape)
    if (excess < 0).any() or (plan < 0).any():
        raise WaterPlanError("volume_negative", "计划水量和超计划水量不能为负数。", field="excess")
    den, band_volumes, amounts = _bands(plan, excess, bounds, multipliers, price_fen_per_m3)
    total = amounts.sum(axis=1)
    if len(plan) == 1 and trace:
        spans = band_spans(bounds, len(multipliers))
        for i, mult in enumerate(multipliers):
            span = spans[i]
            vol = Fraction(int(band_volumes[i][0]), den * 100)
            trace.step(
                "surcharge_band",
                cite("第十四条"),
                {
                    "band": i + 1,
                    "volume_m3": fraction_text(vol),
                    "multiplier": mult,
                    "base_price_fen_per_m3": price_fen_per_m3,
                },
                int(amounts[0, i]),
                band_text(i, span, vol, mult, price_fen_per_m3, int(amounts[0, i])),
            )
        trace.step(
            "surcharge_total",
            cite("第十四条"),
            {"excess_m3": format_volume(int(excess[0]))},
            int(total[0]),
            total_text(int(excess[0]), int(total[0])),
        )
    return amounts, total


def _bands(
    plan: I64, excess: I64, bounds: tuple[Fraction, ...], multipliers: tuple[Fraction, ...], price: int
) -> tuple[int, list[I64], I64]:
    """(den, each band's volume in hundredths of m³ × den, each band's amount in fen (n, bands))."""
    den = lcm(*(b.denominator for b in bounds)) if bounds else 1
    scaled_excess = excess * den  # hundredths of m³ × den
    caps = [plan * int(b * den) for b in bounds]
    lower = np.zeros_like(plan)
    amounts = np.zeros((len(plan), len(multipliers)), dtype=np.int64)
    band_volumes = []
    for i, mult in enumerate(multipliers):
        upper = caps[i] if i < len(caps) else None
        top = scaled_excess if upper is None else np.minimum(scaled_excess, upper)
        band = np.maximum(top - lower, 0)  # hundredths of m³ × den
        band_volumes.append(band)
        # fen = band/(den·100) m³ × mult × price
        amounts[:, i] = mul_ratio_half_up(band * price, mult, den * 100)
        if upper is not None:
            lower = upper
    return den, band_volumes, amounts


@dataclass(frozen=True)
class NoticeTexts:
    """What a batch of notices writes out, one entry per notice: the figures of its tables (volumes in m³,
    amounts in yuan) and the explanation of each step of its computation; ``citations``: each step's article,
    the same for every notice."""

    actual: list[str]
    plan: list[str]
    excess: list[str]
    bands: list[list[str]]  # each band's amount
    total: list[str]
    steps: list[list[str]]
    citations: list[str]


def notice_texts(
    supplier_m3x100: npt.ArrayLike,
    construction_m3x100: npt.ArrayLike,
    plan_m3x100: npt.ArrayLike,
    bounds: tuple[Fraction, ...],
    multipliers: tuple[Fraction, ...],
    price_fen_per_m3: int,
) -> NoticeTexts:
    """The notices' figures and the steps of their computation, over columns: the same steps, in the same words,
    as ``assessment`` then ``surcharge`` traced one unit at a time on what the notice recorded (supplier and
    construction volumes, the assessed plan, no further changes) — without a Trace per unit, each figure
    written once."""
    check_tiers(bounds, multipliers, price_fen_per_m3)
    actual, plan, excess = assessment(supplier_m3x100, construction_m3x100, plan_m3x100, 0, 0, 0)
    sup = np.broadcast_to(np.asarray(supplier_m3x100, dtype=np.int64), actual.shape)
    con = np.broadcast_to(np.asarray(construction_m3x100, dtype=np.int64), actual.shape)
    den, band_volumes, amounts = _bands(plan, excess, bounds, multipliers, price_fen_per_m3)
    total = amounts.sum(axis=1)
    spans = band_spans(bounds, len(multipliers))
    # each band's sentence is its words around the band's volume and amount (band_text)
    heads = [f"第{i + 1}档（{spans[i]}的部分）" for i in range(len(multipliers))]
    mids = [f"立方米×{fraction_text(m)}倍×{format_yuan(price_fen_per_m3)}/立方米=" for m in multipliers]
    scale = den * 100
    # a band the excess does not reach (0 m³, 0 fen) says the same in every notice: written once
    empty = [f"{h}{ratio_text(0, scale)}{m}{format_yuan(0)}。" for h, m in zip(heads, mids, strict=True)]
    bands = list(zip(heads, mids, empty, strict=True))
    volume, nothing = format_volume, format_yuan(0)
    out = NoticeTexts([], [], [], [], [], [], [])
    for s, c, a, p, e, t, vols, amts in zip(
        sup.tolist(),
        con.tolist(),
        actual.tolist(),
        plan.tolist(),
        excess.tolist(),
        total.tolist(),
        np.stack(band_volumes, axis=1).tolist(),
        amounts.tolist(),
        strict=True,
    ):
        a_t, p_t, e_t, t_t = volume(a), volume(p), volume(e), format_yuan(t)
        yuan = [format_yuan(x) if x else nothing for x in amts]
        out.actual.append(a_t)
        out.plan.append(p_t)
        out.excess.append(e_t)
        out.bands.append(yuan)
        out.total.append(t_t)
        sentences = [_actual_words(volume(s), volume(c), a_t), _plan_words(p_t, e_t)]
        for (h, m, none), v, y in zip(bands, vols, yuan, strict=True):
            sentences.append(f"{h}{ratio_text(v, scale)}{m}{y}。" if v else none)
        sentences.append(_total_words(e_t, t_t))
        out.steps.append(sentences)
    art14, art7 = str(cite_of(cite("第十四条"))), str(cite_of(cite("第七条第一款")))
    out.citations.extend([art14, art7, *(art14 for _ in multipliers), art14])
    return out


def notice_steps(
    supplier_m3x100: npt.ArrayLike,
    construction_m3x100: npt.ArrayLike,
    plan_m3x100: npt.ArrayLike,
    bounds: tuple[Fraction, ...],
    multipliers: tuple[Fraction, ...],
    price_fen_per_m3: int,
) -> list[list[tuple[str, str]]]:
    """(explanation, citation) of each step of each notice's computation (``notice_texts``)."""
    texts = notice_texts(
        supplier_m3x100, construction_m3x100, plan_m3x100, bounds, multipliers, price_fen_per_m3
    )
    return [list(zip(steps, texts.citations, strict=True)) for steps in texts.steps]
