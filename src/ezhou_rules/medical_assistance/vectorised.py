"""The vectorised kernel of medical-assistance settlement (鄂州政办发〔2022〕34号 第十一条—第十三条).

``settlement.settle`` calls ``settle_columns``; the rules, their reading and the reasons the column form
equals the claim-by-claim reference are in ``settlement``'s docstring. This module is only about doing the
same arithmetic fast:

- Dates are read once as day numbers. Year boundaries and parameter periods come from the smallest and
  largest day: a batch inside one calendar year and one parameter period (the usual case) needs no per-row
  year or period at all.
- Ratios of all classes (and their 第十三条第二款 halves) are put over one common denominator, so a payable
  is one integer multiply and one division by a scalar (numpy divides by a scalar without a hardware
  division per row; by an array it cannot).
- 第十二条 only pays approved, in-province claims: the tilted computation runs over those rows only.
- When every person-year has a single claim (person-year data), running totals are the claim's own
  amounts: rows are settled in chunks whose temporaries stay in the CPU cache (``_person_years``), and the
  six outputs are one freshly allocated block.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.money import INT64_MAX, MoneyError, mul_ratio_half_up
from ezhou_rules.core.params import ParameterTree

from .parameters_tree import CLASS_LABELS
from .settlement import (
    BOOL,
    I64,
    UNLIMITED,
    ClaimOrderError,
    Claims,
    Settled,
    _class_params,
    settle_reference,
    tilted_threshold,
)

IDX = npt.NDArray[np.intp]
# Rows per chunk on the person-year path: a chunk's int64 temporaries (256 KiB each) stay in the CPU cache.
_CHUNK = 1 << 15
# A common denominator above this would make fen × numerator products needlessly large: use per-row
# fractions instead (never with the ratios of 34号: 100 × 2 = 200).
_MAX_COMMON_DEN = 10**6

_NAMES = [
    f"{group}.{k}.class_{c}"
    for group, k in (
        ("basic", "deductible"),
        ("basic", "ratio"),
        ("basic", "cap"),
        ("tilted", "deductible"),
        ("tilted", "ratio"),
        ("tilted", "unlimited"),
    )
    for c in CLASS_LABELS
] + ["tilted.cap.class_3", "tilted.cap.class_4", "temporary_out_of_city_factor"]
_NAMES += [f"hospital_borne.max_share.level_{lv}" for lv in (1, 2, 3)]


def _half_up_scalar(num: I64, den: int) -> I64:
    """round_half_up(num / den) for num ≥ 0 and a positive scalar den: ⌊(2·num + den) / (2·den)⌋, in place on
    a fresh array. The caller guarantees 2·num + den fits int64."""
    out = num * 2
    out += den
    out //= 2 * den
    return out


def _fits_doubled(biggest: int, den: int) -> bool:
    return 2 * biggest + den <= INT64_MAX


class _Periods:
    """Parameter periods (between value dates) of the rows, and per-(period, class) tables."""

    def __init__(self, tree: ParameterTree, day: I64, day_min: int, day_max: int) -> None:
        breaks = sorted({v.valid_from for name in _NAMES for v in tree.parameter(name).values})
        break_days = np.array(breaks, dtype="datetime64[D]").view(np.int64)
        lo = int(np.searchsorted(break_days, day_min, side="right")) - 1
        hi = int(np.searchsorted(break_days, day_max, side="right")) - 1
        # period -1 is "before the first value": looking it up raises ParameterNotSet, as the reference does
        if lo == hi:
            self.period: IDX | None = None
            present = [lo]
        else:
            self.period = np.searchsorted(break_days, day, side="right") - 1
            present = (np.flatnonzero(np.bincount(self.period + 1, minlength=len(breaks) + 1)) - 1).tolist()
        self.present = present
        first_day = np.datetime64(day_min, "D").astype(object)
        self.params: dict[int, dict[int, dict[str, Any]]] = {}
        self.factor: dict[int, Fraction] = {}
        self.hospital: dict[int, dict[int, Fraction]] = {}
        for p in present:
            on: dt.date = breaks[p] if p >= 0 else first_day
            self.params[p] = {c: _class_params(tree, c, on) for c in CLASS_LABELS}
            self.factor[p] = tree.get("temporary_out_of_city_factor", on)
            self.hospital[p] = {lv: tree.get(f"hospital_borne.max_share.level_{lv}", on) for lv in (1, 2, 3)}
        self.nper = len(breaks) + 1

    def index(self, small: npt.NDArray[Any], width: int, extra: BOOL | None = None) -> IDX:
        """Flat index into a (period, width) table: column ``small`` (or 2·small + extra), plus the period's
        row offset when there is more than one period."""
        col = small.astype(np.intp)
        if extra is not None:
            col *= 2
            col += extra
        if self.period is not None:
            col += (self.period + 1) * width
        return col

    def table(self, width: int, value: Any) -> I64:
        """A flat (period, width) table filled by ``value(p, column)`` for the present periods."""
        rows = 1 if self.period is None else self.nper
        out = np.zeros(rows * width, dtype=np.int64)
        for p in self.present:
            base = 0 if self.period is None else (p + 1) * width
            for col in range(width):
                v = value(p, col)
                if v is not None:
                    out[base + col] = v
        return out


def _class_table(periods: _Periods, key: str) -> I64:
    """A per-class parameter (``_class_params`` key) as a flat (period, class) table; no cap = UNLIMITED."""

    def get(p: int, c: int) -> Any:
        if c == 0:
            return None
        v = periods.params[p][c][key]
        return UNLIMITED if v is None else v

    return periods.table(5, get)


def _check_order(person: np.ndarray, day: I64) -> BOOL:
    same: BOOL = np.asarray(person[1:] == person[:-1], dtype=bool)
    # person-year data (no two rows of a person) needs no date comparison
    if same.any() and np.any(same & (day[1:] < day[:-1])):
        raise ClaimOrderError("结算记录应按人员、结算日期、结算单号排序。")
    return same


def _year_starts(day_min: int, day_max: int) -> I64:
    """Day numbers of 1 January of the years after the first one in [day_min, day_max]."""
    years = np.arange(
        np.datetime64(day_min, "D").astype("datetime64[Y]"),
        np.datetime64(day_max, "D").astype("datetime64[Y]") + 1,
    )
    return years[1:].astype("datetime64[D]").view(np.int64)


def settle_columns(claims: Claims, tree: ParameterTree) -> Settled:
    """``settlement.settle``: person-year batches take ``_person_years``, others the running-total path."""
    n = len(claims)
    if n == 0:
        return Settled.empty(0)
    day = claims.settle_date.astype("datetime64[D]", copy=False).view(np.int64)
    same = _check_order(claims.person, day)
    day_min, day_max = int(day.min()), int(day.max())
    new = np.ones(n, dtype=bool)
    np.logical_not(same, out=new[1:])
    year_starts = _year_starts(day_min, day_max)
    if len(year_starts):
        year = np.searchsorted(year_starts, day, side="right")
        new[1:] |= year[1:] != year[:-1]
    periods = _Periods(tree, day, day_min, day_max)
    cls = claims.person_class
    if cls.min() < 1 or cls.max() > 4:
        raise ValueError("救助对象类别应为 1—4。")
    level = claims.hospital_level
    if level.min() < 1 or level.max() > 3:
        raise ValueError("医疗机构级别应为 1—3。")
    if new.all():
        done = _person_years(claims, tree, periods, (day_min, day_max))
        if done is not None:
            return done
    by_class = periods.index(cls, 5)
    cap = _class_table(periods, "cap")[by_class]
    tilted_cap = _class_table(periods, "tilted_cap")[by_class]
    single = bool(new.all())
    if not single:
        start = np.maximum.accumulate(np.where(new, np.arange(n, dtype=np.intp), 0))
        varying = (cap != cap[start]) | (tilted_cap != tilted_cap[start])
        if varying.any():
            return _split_varying(claims, tree, new, varying)
    else:
        start = np.arange(n, dtype=np.intp)
    return _settle_fast(
        claims, tree, periods, single, new, start, (day_min, day_max), by_class, cap, tilted_cap
    )


class _Overflow(Exception):
    """A chunk's products would not fit int64 on the fast path: the batch goes through the general path."""


def _person_years(
    claims: Claims, tree: ParameterTree, periods: _Periods, day_range: tuple[int, int]
) -> Settled | None:
    """Every person-year has one claim: each row is settled on its own (running totals are the claim's own
    amounts, tilted aid has no earlier claim), so the arithmetic runs in chunks of ``_CHUNK`` rows whose
    temporaries stay in the CPU cache, and only the six output columns are allocated at full length.
    None when the batch needs the general path: several thresholds (two years, a change of the share),
    ratios without a small common denominator, or amounts whose products could overflow."""
    ratio, tilted_ratio = _Ratios(periods, "ratio"), _Ratios(periods, "tilted_ratio")
    if not (ratio.common and tilted_ratio.common):
        return None
    n = len(claims)
    eligible_rows = claims.tilted_approved.astype(bool, copy=False) & claims.in_province.astype(
        bool, copy=False
    )
    first = int(np.argmax(eligible_rows))
    thr_num, thr_den = 0, 1
    if eligible_rows[first]:
        threshold = _thresholds(claims, tree, np.array([first]), day_range)
        if isinstance(threshold[0], np.ndarray) or len(_year_starts(*day_range)):
            return None
        thr_num, thr_den = int(threshold[0]), int(threshold[1])

    # Every table by key = 2 · class + out of city (+ 10 · period): one index column serves all lookups.
    # Ratio numerators are doubled: half up is ⌊(2 · amount · num + den) / (2 · den)⌋.
    ded, cap_t, tded, tcap = (
        _by_key(_class_table(periods, k)) for k in ("deductible", "cap", "tilted_deductible", "tilted_cap")
    )
    num2, tnum2 = ratio.num_table * 2, tilted_ratio.num_table * 2
    den, tden = ratio.den, tilted_ratio.den
    shares = {(p, lv): periods.hospital[p][lv] for p in periods.present for lv in (1, 2, 3)}
    hb_den = math.lcm(*(f.denominator for f in shares.values()))
    hb2 = periods.table(5, lambda p, lv: _scaled(shares.get((p, lv)), hb_den)) * 2
    num_max = max(int(ratio.num_table.max()), int(tilted_ratio.num_table.max()))

    x_all = claims.policy_self_pay.astype(np.int64, copy=False)
    cls_all, level_all = claims.person_class, claims.hospital_level
    ooc_all = claims.temporary_out_of_city.astype(bool, copy=False)
    prov_all = claims.in_province.astype(bool, copy=False)
    borne_rows = claims.in_city.astype(bool, copy=False) & claims.inpatient.astype(bool, copy=False)
    oop_all = claims.out_of_policy_cost.astype(np.int64, copy=False)
    total_all = claims.total_cost.astype(np.int64, copy=False)
    # one block for the six outputs: fresh memory is faulted in once, in large pages, not six times
    block = np.empty((6, n), dtype=np.int64)
    out = Settled(*block)
    try:
        for lo in range(0, n, _CHUNK):
            s = slice(lo, min(lo + _CHUNK, n))
            x, oop, total = x_all[s], oop_all[s], total_all[s]
            biggest = max(int(x.max()), -int(x.min()))
            hb_biggest = max(int(oop.max()), -int(oop.min())) * hb_den + max(
                int(total.max()), -int(total.min())
            ) * int(hb2.max() // 2)
            if not (
                _fits_doubled(biggest * num_max, max(den, tden))
                and biggest * thr_den <= INT64_MAX
                and _fits_doubled(hb_biggest, hb_den)
            ):
                raise _Overflow
            key = cls_all[s] * 2
            key += ooc_all[s]
            key = key.astype(np.intp)
            by_level = level_all[s].astype(np.intp)
            if periods.period is not None:
                period = periods.period[s] + 1
                key += period * 10
                by_level += period * 5
            # 第十一条 + 第十三条第二款: eligible = (self-pay − deductible)+, payable = eligible × ratio, capped
            # (x − d)+ = x − min(x, d) and (d − x)+ = d − min(x, d): one minimum serves both
            deductible = ded[key]
            consumed = np.minimum(x, deductible)
            payable = x - consumed
            payable *= num2[key]
            payable += den
            payable //= 2 * den
            basic = out.basic_aid[s]
            cap = cap_t[key]
            np.minimum(payable, cap, out=basic)
            np.subtract(deductible, consumed, out=out.remaining_deductible[s])
            np.subtract(cap, basic, out=out.remaining_cap[s])  # basic ≤ cap
            # 第十二条: base = in-province self-pay left after basic aid; aid above the threshold
            base = out.tilted_base[s]
            np.subtract(x, basic, out=base)
            base *= prov_all[s]
            crossed = base * thr_den > thr_num if thr_den != 1 else base > thr_num
            crossed &= eligible_rows[s]
            # only approved in-province rows above the threshold get any: compute over those rows alone
            rows = np.flatnonzero(crossed)
            tilted_out = out.tilted_aid[s]
            tilted_out.fill(0)
            if len(rows):
                key_t = key[rows]
                tilted = base[rows]
                tilted -= tded[key_t]
                np.maximum(tilted, 0, out=tilted)
                tilted *= tnum2[key_t]
                tilted += tden
                tilted //= 2 * tden
                tilted_out[rows] = np.minimum(tilted, tcap[key_t], out=tilted)
            # 第十三条第三款: (out-of-policy cost − total × share)+ for in-city inpatient claims
            excess = oop * (2 * hb_den)
            excess -= total * hb2[by_level]
            np.maximum(excess, 0, out=excess)
            excess += hb_den
            excess //= 2 * hb_den
            np.multiply(excess, borne_rows[s], out=out.hospital_borne[s])
    except _Overflow:
        return None
    return out


def _scaled(share: Fraction | None, den: int) -> int | None:
    return None if share is None else share.numerator * (den // share.denominator)


def _by_key(by_class: I64) -> I64:
    """A (period, class) table as (period, 2 · class + out of city): each class column twice."""
    return np.repeat(by_class.reshape(-1, 5), 2, axis=1).ravel()


def _split_varying(claims: Claims, tree: ParameterTree, new: BOOL, varying: BOOL) -> Settled:
    """Person-years whose caps change within the year go through the reference (they are path-dependent)."""
    gid = np.cumsum(new) - 1
    bad_group = np.zeros(int(gid[-1]) + 1, dtype=bool)
    bad_group[gid[varying]] = True
    slow = bad_group[gid]
    fast_idx = np.flatnonzero(~slow)
    slow_idx = np.flatnonzero(slow)
    out = Settled.empty(len(claims))
    out.put(slow_idx, settle_reference(claims.take(slow_idx), tree))
    if len(fast_idx):
        out.put(fast_idx, settle_columns(claims.take(fast_idx), tree))
    return out


def _segment_cumsum(x: I64, start: IDX, single: bool) -> I64:
    if single:
        return x
    cs = np.cumsum(x, dtype=np.int64)
    # minus the running total before the row's segment (cs − x at its first row); np.take and in place: three
    # million-row arrays instead of five, each paid in page faults as much as in arithmetic
    before = np.take(cs, start)
    before -= np.take(x, start)
    cs -= before
    return cs


class _Ratios:
    """A ratio per (period, class, out of city) over one common denominator when there is a small one."""

    def __init__(self, periods: _Periods, key: str) -> None:
        fractions = {
            (p, c, o): periods.params[p][c][key] * (periods.factor[p] if o else 1)
            for p in periods.present
            for c in CLASS_LABELS
            for o in (0, 1)
        }
        self.den = math.lcm(*(Fraction(f).denominator for f in fractions.values()))
        self.common = self.den <= _MAX_COMMON_DEN

        def get(table_den: bool) -> I64:
            def value(p: int, col: int) -> Any:
                c, o = divmod(col, 2)
                if c == 0:
                    return None
                f = Fraction(fractions[(p, c, o)])
                if table_den:
                    return f.denominator
                return f.numerator * (self.den // f.denominator) if self.common else f.numerator

            return periods.table(10, value)

        self.num_table = get(False)
        self.den_table = None if self.common else get(True)

    def apply(self, amount: I64, index: IDX) -> I64:
        """round_half_up(amount × ratio) per row (amount ≥ 0)."""
        num = self.num_table[index]
        if self.common and amount.size:
            biggest = int(amount.max()) * int(self.num_table.max())
            if _fits_doubled(biggest, self.den):
                product = amount * num
                return _half_up_scalar(product, self.den)
        den = self.den if self.den_table is None else self.den_table[index]
        return mul_ratio_half_up(amount, num, den)


def _settle_fast(
    claims: Claims,
    tree: ParameterTree,
    periods: _Periods,
    single: bool,
    new: BOOL,
    start: IDX,
    day_range: tuple[int, int],
    by_class: IDX,
    cap: I64,
    tilted_cap: I64,
) -> Settled:
    n = len(claims)
    x = claims.policy_self_pay.astype(np.int64, copy=False)
    out_of_city = claims.temporary_out_of_city.astype(bool, copy=False)
    by_ratio = periods.index(claims.person_class, 10, out_of_city)  # (period, class, out of city)

    # 第十一条 + 第十三条第二款
    deductible = _class_table(periods, "deductible")[by_class]
    s_after = _segment_cumsum(x, start, single)
    s_before = s_after - x if not single else 0
    eligible = x - np.maximum(deductible - s_before, 0)
    np.maximum(eligible, 0, out=eligible)
    raw = _Ratios(periods, "ratio").apply(eligible, by_ratio)
    if single:
        basic = np.minimum(raw, cap)
        paid_after = basic
    else:
        r_after = _segment_cumsum(raw, start, single)
        paid_after = np.minimum(r_after, cap)
        basic = paid_after - np.minimum(r_after - raw, cap)
    remaining_deductible = deductible - s_after
    np.maximum(remaining_deductible, 0, out=remaining_deductible)
    remaining_cap = cap - paid_after
    np.maximum(remaining_cap, 0, out=remaining_cap)

    # 第十二条 (in-province self-pay left after basic aid; aid for approved in-province claims only)
    in_province = claims.in_province.astype(bool, copy=False)
    left = x - basic
    left[~in_province] = 0
    base = _segment_cumsum(left, start, single)
    tilted = np.zeros(n, dtype=np.int64)
    eff = np.flatnonzero(claims.tilted_approved.astype(bool, copy=False) & in_province)
    if len(eff):
        tilted[eff] = _tilted(
            claims, tree, periods, single, new, eff, base, tilted_cap, by_class, by_ratio, day_range
        )

    # 第十三条第三款
    borne = _hospital_borne(claims, periods)
    return Settled(
        basic_aid=basic,
        tilted_aid=tilted,
        hospital_borne=borne,
        remaining_deductible=remaining_deductible,
        remaining_cap=remaining_cap,
        tilted_base=base,
    )


def _thresholds(
    claims: Claims, tree: ParameterTree, eff: IDX, day_range: tuple[int, int]
) -> tuple[I64 | int, I64 | int]:
    """第十二条's threshold (25% of the previous year's income, exact) for each eligible row: one figure when
    the batch is inside one calendar year with no change of the share in it."""
    day_min, day_max = day_range
    share_days = np.array(
        [v.valid_from for v in tree.parameter("tilted.threshold_share").values], dtype="datetime64[D]"
    ).view(np.int64)
    share_changes = bool(np.any((share_days > day_min) & (share_days <= day_max)))
    if not share_changes and not len(_year_starts(day_min, day_max)):
        # the reference meets the first eligible row first: the same day names a missing figure
        t = tilted_threshold(tree, claims.settle_date[eff[0]].astype("datetime64[D]").astype(object))
        return t.numerator, t.denominator
    days, which = np.unique(claims.settle_date[eff], return_inverse=True)
    found = [tilted_threshold(tree, d.astype("datetime64[D]").astype(object)) for d in days]
    num = np.array([t.numerator for t in found], dtype=np.int64)[which]
    den = np.array([t.denominator for t in found], dtype=np.int64)[which]
    return num, den


def _tilted(
    claims: Claims,
    tree: ParameterTree,
    periods: _Periods,
    single: bool,
    new: BOOL,
    eff: IDX,
    base: I64,
    tilted_cap: I64,
    by_class: IDX,
    by_ratio: IDX,
    day_range: tuple[int, int],
) -> I64:
    """Tilted aid of the approved in-province rows ``eff`` (the others get none)."""
    thr_num, thr_den = _thresholds(claims, tree, eff, day_range)
    b = base[eff]
    tilted_deductible = _class_table(periods, "tilted_deductible")
    crossed = b * thr_den > thr_num
    counted = b - tilted_deductible[by_class[eff]]
    np.maximum(counted, 0, out=counted)
    counted[~crossed] = 0
    if single:
        eligible = counted
    else:
        gid = (np.cumsum(new) - 1)[eff]
        new_e = np.ones(len(eff), dtype=bool)
        new_e[1:] = gid[1:] != gid[:-1]
        eligible = counted - _segment_exclusive_max(counted, new_e, gid)
        np.maximum(eligible, 0, out=eligible)
        eligible[~crossed] = 0
    raw = _Ratios(periods, "tilted_ratio").apply(eligible, by_ratio[eff])
    cap = tilted_cap[eff]
    if single:
        return np.minimum(raw, cap)
    start = np.maximum.accumulate(np.where(new_e, np.arange(len(eff), dtype=np.intp), 0))
    after = _segment_cumsum(raw, start, False)
    return np.minimum(after, cap) - np.minimum(after - raw, cap)


def _hospital_borne(claims: Claims, periods: _Periods) -> I64:
    """第十三条第三款: out-of-policy cost above the level's share of the total, for in-city inpatient claims."""
    shares = {(p, lv): periods.hospital[p][lv] for p in periods.present for lv in (1, 2, 3)}
    den = math.lcm(*(s.denominator for s in shares.values()))

    def value(p: int, lv: int) -> int | None:
        if not 1 <= lv <= 3:
            return None
        share = shares[(p, lv)]
        return share.numerator * (den // share.denominator)

    num_table = periods.table(5, value)
    oop = claims.out_of_policy_cost.astype(np.int64, copy=False)
    total = claims.total_cost.astype(np.int64, copy=False)
    num = num_table[periods.index(claims.hospital_level, 5)]
    if len(oop):
        biggest = max(abs(int(oop.min())), abs(int(oop.max()))) * den + max(
            abs(int(total.min())), abs(int(total.max()))
        ) * int(num_table.max())
        if not _fits_doubled(biggest, den):
            raise MoneyError("金额与比例的乘积超出可处理的范围。", "overflow")
    # round_half_up of a non-positive excess is at most 0, so clipping first gives the same max(…, 0)
    excess = oop * den
    excess -= total * num
    np.maximum(excess, 0, out=excess)
    borne = _half_up_scalar(excess, den)
    borne[~(claims.in_city.astype(bool, copy=False) & claims.inpatient.astype(bool, copy=False))] = 0
    return borne


def _segment_exclusive_max(values: I64, new: BOOL, gid: npt.NDArray[np.int64]) -> I64:
    """For each row, the largest value of the earlier rows of its segment (0 for a segment's first row).
    ``gid`` is non-decreasing, equal within a segment."""
    span = int(values.max()) + 1 if len(values) else 1
    if int(gid[-1]) * span >= 2**62:  # would overflow: do it per row (never at realistic amounts)
        out = np.zeros_like(values)
        best = 0
        for i in range(len(values)):
            if new[i]:
                best = 0
            out[i] = best
            best = max(best, int(values[i]))
        return out
    offset = gid.astype(np.int64) * span
    running = np.maximum.accumulate(values + offset) - offset
    prev = np.empty_like(running)
    prev[0] = 0
    prev[1:] = running[:-1]
    prev[new] = 0
    return prev
