"""Progression of 中职 students (三（一）1): "推动中职学生升学比例达到 70% 以上，其中升职业本科比例达到 10% 以上".

Per school and year from reported counts: graduates (毕业生数), those who progress to further study (升学人数)
and, of them, those admitted to a vocational bachelor programme (升职业本科人数).

- 以上 includes the figure: 140 of 200 (70.00%) meets the target (T6).
- The 10% is counted over the graduates by default — "其中" makes the bachelor share part of the 70%, both
  shares of the same cohort; ``bachelor_denominator="progressed"`` counts it over those who progress (T6).
- Comparisons are exact integers (progressed × 100 ≥ 70 × graduates), never floats; the percentages shown are
  rounded half up to 0.01%.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from ..errors import SupervisionError, raise_all
from . import DOCUMENT, parameters

__all__ = ["DENOMINATORS", "ProgressionResult", "progression_check"]

DENOMINATORS = {"graduates": "毕业生数", "progressed": "升学人数"}
CITE = f"{DOCUMENT} 三（一）1"
_FIELDS = {"graduates": "毕业生数", "progressed": "升学人数", "to_bachelor": "升职业本科人数", "year": "年度"}


def _counts(values: Any, name: str, n: int | None = None) -> npt.NDArray[np.int64]:
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    label = _FIELDS[name]
    bad = [
        r
        for r, v in enumerate(arr.tolist())
        if isinstance(v, bool | float) or not isinstance(v, int | np.integer)
    ]
    if bad:
        raise SupervisionError(
            "count_not_integer",
            f"第{bad[0] + 1}行：{label}应为整数（人数），收到 {arr[bad[0]]!r}。",
            field=label,
            rule=CITE,
            row=bad[0],
        )
    out = arr.astype(np.int64)
    if n is not None and out.shape[0] != n:
        raise SupervisionError("column_lengths", f"{label}的行数与学校数不一致。", field=label)
    return out


def _percent(num: npt.NDArray[np.int64], den: npt.NDArray[np.int64]) -> list[str]:
    """num/den as a percentage rounded half up to 0.01% ("70.00%"); "—" where den is 0."""
    safe = np.where(den > 0, den, 1)
    hundredths = round_half_up(num * 10000, safe)
    return [
        f"{h // 100}.{h % 100:02d}%" if d > 0 else "—"
        for h, d in zip(hundredths.tolist(), den.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class ProgressionResult:
    school: tuple[str, ...]
    year: npt.NDArray[np.int64]
    graduates: npt.NDArray[np.int64]
    progressed: npt.NDArray[np.int64]
    to_bachelor: npt.NDArray[np.int64]
    bachelor_denominator: str
    rate_target: str  # "70%"
    bachelor_target: str  # "10%"
    progression_met: npt.NDArray[np.bool_]
    bachelor_met: npt.NDArray[np.bool_]
    progression_needed: npt.NDArray[np.int64]  # least number progressing that meets the target
    bachelor_needed: npt.NDArray[np.int64]
    assessable: npt.NDArray[np.bool_]  # False where there are no graduates

    @property
    def met(self) -> npt.NDArray[np.bool_]:
        return self.progression_met & self.bachelor_met

    def rows(self) -> list[dict[str, Any]]:
        den = self.graduates if self.bachelor_denominator == "graduates" else self.progressed
        rate = _percent(self.progressed, self.graduates)
        bachelor = _percent(self.to_bachelor, den)
        out = []
        for k, school in enumerate(self.school):
            g, p, b = int(self.graduates[k]), int(self.progressed[k]), int(self.to_bachelor[k])
            year = int(self.year[k])
            if not self.assessable[k]:
                why = f"{school}{year}年没有中职毕业生，无法计算升学比例。"
            else:
                p_need, b_need = int(self.progression_needed[k]), int(self.bachelor_needed[k])
                why = (
                    f"{school}{year}年中职毕业生{g}人，升学{p}人，升学比例{rate[k]}"
                    f"（目标{self.rate_target}以上，至少{p_need}人，"
                    f"{'已达到' if self.progression_met[k] else f'差{p_need - p}人'}）；"
                    f"其中升职业本科{b}人，占{DENOMINATORS[self.bachelor_denominator]}的{bachelor[k]}"
                    f"（目标{self.bachelor_target}以上，至少{b_need}人，"
                    f"{'已达到' if self.bachelor_met[k] else f'差{b_need - b}人'}）。"
                )
            out.append(
                {
                    "school": school,
                    "year": year,
                    "graduates": g,
                    "progressed": p,
                    "to_bachelor": b,
                    "progression_rate": rate[k],
                    "bachelor_rate": bachelor[k],
                    "bachelor_denominator": self.bachelor_denominator,
                    "assessable": bool(self.assessable[k]),
                    "progression_met": bool(self.progression_met[k]),
                    "bachelor_met": bool(self.bachelor_met[k]),
                    "met": bool(self.met[k]),
                    "progression_needed": int(self.progression_needed[k]),
                    "bachelor_needed": int(self.bachelor_needed[k]),
                    "citation": CITE,
                    "explanation": why,
                }
            )
        return out


@rule(cites=CITE, summary="中职学生升学比例70%以上，其中升职业本科比例10%以上（含本数）")
def progression_check(
    school: Any,
    year: Any,
    graduates: Any,
    progressed: Any,
    to_bachelor: Any,
    *,
    bachelor_denominator: str = "graduates",
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> ProgressionResult:
    """Columns (one row per school and year) → whether each meets the 70% and the 10% targets."""
    if bachelor_denominator not in DENOMINATORS:
        raise SupervisionError(
            "denominator_unknown",
            f"升职业本科比例的分母“{bachelor_denominator}”未知（graduates 毕业生数 或 progressed 升学人数）。",
            field="比例分母",
            rule=CITE,
        )
    schools = tuple(str(s) for s in np.atleast_1d(np.asarray(school, dtype=object)).tolist())
    n = len(schools)
    years = _counts(year, "year", n)
    g = _counts(graduates, "graduates", n)
    p = _counts(progressed, "progressed", n)
    b = _counts(to_bachelor, "to_bachelor", n)
    problems: list[SupervisionError] = []

    def problem(code: str, r: int, message: str, label: str) -> None:
        problems.append(
            SupervisionError(code, f"第{r + 1}行（{schools[r]}）：{message}", field=label, rule=CITE, row=r)
        )

    for r in range(n):
        for name, arr in (("graduates", g), ("progressed", p), ("to_bachelor", b)):
            if arr[r] < 0:
                problem("count_negative", r, f"{_FIELDS[name]}不能为负数。", _FIELDS[name])
        if p[r] > g[r]:
            problem("progressed_exceeds_graduates", r, f"升学人数{p[r]}多于毕业生数{g[r]}。", "升学人数")
        if b[r] > p[r]:
            problem(
                "bachelor_exceeds_progressed",
                r,
                f"升职业本科人数{b[r]}多于升学人数{p[r]}（升职业本科是升学的一部分）。",
                "升职业本科人数",
            )
    raise_all(problems)
    params = params or parameters()
    rate_num = np.empty(n, dtype=np.int64)
    rate_den = np.empty(n, dtype=np.int64)
    bach_num = np.empty(n, dtype=np.int64)
    bach_den = np.empty(n, dtype=np.int64)
    shown = ("", "")
    for y in np.unique(years).tolist():
        on = dt.date(int(y), 12, 31)  # a school year's counts are read against the target in force at its end
        rate = params.get("progression.rate", on)
        bach = params.get("progression.bachelor_rate", on)
        sel = years == y
        rate_num[sel], rate_den[sel] = rate.numerator, rate.denominator
        bach_num[sel], bach_den[sel] = bach.numerator, bach.denominator
        shown = (f"{rate * 100}%", f"{bach * 100}%")
    bachelor_base = g if bachelor_denominator == "graduates" else p
    p_need = -((-g * rate_num) // rate_den)
    b_need = -((-bachelor_base * bach_num) // bach_den)
    assessable = g > 0
    result = ProgressionResult(
        school=schools,
        year=years,
        graduates=g,
        progressed=p,
        to_bachelor=b,
        bachelor_denominator=bachelor_denominator,
        rate_target=shown[0],
        bachelor_target=shown[1],
        progression_met=assessable & (p * rate_den >= rate_num * g),
        bachelor_met=assessable & (b * bach_den >= bach_num * bachelor_base),
        progression_needed=p_need,
        bachelor_needed=b_need,
        assessable=assessable,
    )
    if trace:
        for row in result.rows():
            trace.step(
                "progression_check",
                CITE,
                {k: row[k] for k in _FIELDS if k in row} | {"school": row["school"]},
                {"met": row["met"]},
                row["explanation"],
            )
    return result
