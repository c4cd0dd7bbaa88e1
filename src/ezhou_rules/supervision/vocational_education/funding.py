"""Per-student funding floors (四17; 附件2 （二十四）).

"严禁以学费、社会服务收入冲抵生均拨款 … 确保公办中职（含技工学校）生均拨款标准不低于8000元/生/年，公办高职
生均拨款标准不低于12000元/生/年。"

Per public school and year: the appropriation counted (财政拨款 lines), what was excluded (学费, 社会服务收入 lines,
shown with their amounts), the floor × students required, and the shortfall to the fen. 不低于 includes the
figure: exactly 8,000.00 yuan per student meets it. Private schools (民办) are outside the floor. A figure that
is declared to include tuition or service income cannot be split by the rule and is refused. Amounts are
integer fen; the per-student average shown is rounded half up to the fen, the comparison is exact
(counted ≥ floor × students).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan, round_half_up
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace

from ..errors import SupervisionError, raise_all
from . import DOCUMENT, parameters

__all__ = [
    "LINE_KINDS",
    "OWNERSHIPS",
    "SCHOOL_KINDS",
    "FundingCheck",
    "FundingLine",
    "SchoolYearFunding",
    "funding_floor_check",
    "funding_floor_columns",
]

CITE = f"{DOCUMENT} 四17"
# school kind → (label, floor parameter); 技工学校 takes the 中职 floor ("公办中职（含技工学校）")
SCHOOL_KINDS = {
    "secondary": ("中等职业学校", "funding_floor.secondary"),
    "technical": ("技工学校", "funding_floor.secondary"),
    "higher": ("高等职业院校", "funding_floor.higher"),
}
OWNERSHIPS = {"public": "公办", "private": "民办"}
# line kind → (label, counted in 生均拨款)
LINE_KINDS = {
    "appropriation": ("财政拨款", True),
    "tuition": ("学费收入", False),
    "service_income": ("社会服务收入", False),
}


@dataclass(frozen=True)
class FundingLine:
    kind: str  # appropriation | tuition | service_income
    amount_fen: int
    label: str = ""  # as the school reports it (生均公用经费拨款, 专项拨款 …)
    includes_tuition: bool = False  # the reported figure has tuition inside it
    includes_service_income: bool = False


@dataclass(frozen=True)
class SchoolYearFunding:
    school: str
    kind: str  # secondary | technical | higher
    ownership: str  # public | private
    year: int
    students: int  # 在校生数 the appropriation is divided by
    lines: tuple[FundingLine, ...] = ()


@dataclass
class FundingCheck:
    school: str
    year: int
    kind: str
    ownership: str
    applicable: bool
    students: int
    floor_fen: int | None  # per student and year
    counted_fen: int
    excluded: list[tuple[str, int]] = field(default_factory=list)  # (label, fen)
    required_fen: int | None = None
    shortfall_fen: int = 0
    per_student_fen: int | None = None
    met: bool | None = None
    explanation: str = ""
    citation: str = CITE

    @property
    def excluded_fen(self) -> int:
        return sum(f for _, f in self.excluded)

    def to_dict(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "year": self.year,
            "kind": self.kind,
            "ownership": self.ownership,
            "applicable": self.applicable,
            "students": self.students,
            "floor_fen": self.floor_fen,
            "counted_fen": self.counted_fen,
            "excluded": [{"label": lbl, "fen": f} for lbl, f in self.excluded],
            "excluded_fen": self.excluded_fen,
            "required_fen": self.required_fen,
            "shortfall_fen": self.shortfall_fen,
            "per_student_fen": self.per_student_fen,
            "met": self.met,
            "explanation": self.explanation,
            "citation": self.citation,
        }


def funding_floor_columns(
    floor_fen: npt.NDArray[np.int64], students: npt.NDArray[np.int64], counted_fen: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The vectorised core: (required, shortfall, per-student average rounded half up, met) per row."""
    required = floor_fen * students
    shortfall = np.maximum(required - counted_fen, 0)
    per_student = round_half_up(counted_fen, np.where(students > 0, students, 1))
    return required, shortfall, per_student, counted_fen >= required


def _check_record(rec: SchoolYearFunding, r: int) -> list[SupervisionError]:
    where = f"第{r + 1}条（{rec.school}，{rec.year}年）"
    out = []

    def err(code: str, message: str, label: str) -> None:
        out.append(SupervisionError(code, f"{where}：{message}", field=label, rule=CITE, row=r))

    if rec.kind not in SCHOOL_KINDS:
        err(
            "school_kind_unknown",
            f"学校类别“{rec.kind}”未知（secondary 中职、technical 技工学校、higher 高职）。",
            "学校类别",
        )
    if rec.ownership not in OWNERSHIPS:
        err("ownership_unknown", f"办学性质“{rec.ownership}”未知（public 公办、private 民办）。", "办学性质")
    if isinstance(rec.year, bool) or not isinstance(rec.year, int):
        err("invalid_year", f"年度“{rec.year}”不是整数年份。", "年度")
    if isinstance(rec.students, bool) or not isinstance(rec.students, int):
        err("count_not_integer", f"在校生数应为整数，收到 {rec.students!r}。", "在校生数")
    elif rec.ownership == "public" and rec.students <= 0:
        err("students_missing", "公办学校须填报大于零的在校生数，才能计算生均拨款。", "在校生数")
    for k, line in enumerate(rec.lines):
        name = line.label or LINE_KINDS.get(line.kind, (line.kind, False))[0]
        if line.kind not in LINE_KINDS:
            err(
                "funding_line_kind_unknown",
                f"第{k + 1}项经费“{name}”的类别“{line.kind}”未知"
                "（appropriation 财政拨款、tuition 学费收入、service_income 社会服务收入）。",
                "经费类别",
            )
        if isinstance(line.amount_fen, bool) or not isinstance(line.amount_fen, int):
            err(
                "amount_not_fen",
                f"第{k + 1}项经费“{name}”的金额应为整数分，收到 {line.amount_fen!r}。",
                "经费金额",
            )
        elif line.amount_fen < 0:
            err("amount_negative", f"第{k + 1}项经费“{name}”的金额不能为负数。", "经费金额")
        if line.kind == "appropriation" and line.includes_tuition:
            err(
                "funding_includes_tuition",
                f"第{k + 1}项经费“{name}”含学费收入。严禁以学费冲抵生均拨款（{CITE}），"
                "请将学费收入单列为 tuition 项后重新报送，只以财政拨款计算生均拨款。",
                "经费金额",
            )
        if line.kind == "appropriation" and line.includes_service_income:
            err(
                "funding_includes_service_income",
                f"第{k + 1}项经费“{name}”含社会服务收入。严禁以社会服务收入冲抵生均拨款（{CITE}），"
                "请将社会服务收入单列为 service_income 项后重新报送。",
                "经费金额",
            )
    return out


@rule(
    cites=[CITE, f"{DOCUMENT} 附件2 （二十四）"],
    summary="公办中职（含技工）生均拨款不低于8000元，公办高职不低于12000元，学费和社会服务收入不计",
)
def funding_floor_check(
    records: Sequence[SchoolYearFunding], *, params: ParameterTree | None = None, trace: Trace = NO_TRACE
) -> list[FundingCheck]:
    """Each school-year against its floor; any bad record refuses the whole batch (nothing half-checked)."""
    problems = [p for r, rec in enumerate(records) for p in _check_record(rec, r)]
    raise_all(problems)
    params = params or parameters()
    n = len(records)
    floor = np.zeros(n, dtype=np.int64)
    students = np.array([max(rec.students, 0) for rec in records], dtype=np.int64)
    counted = np.array(
        [sum(ln.amount_fen for ln in rec.lines if LINE_KINDS[ln.kind][1]) for rec in records], dtype=np.int64
    )
    public = np.array([rec.ownership == "public" for rec in records], dtype=bool)
    for r, rec in enumerate(records):
        if public[r]:
            # a budget year is held to the floor in force at its end (T10)
            floor[r] = params.get(SCHOOL_KINDS[rec.kind][1], dt.date(rec.year, 12, 31))
    required, shortfall, per_student, met = funding_floor_columns(floor, students, counted)
    out = []
    for r, rec in enumerate(records):
        excluded = [
            (ln.label or LINE_KINDS[ln.kind][0], ln.amount_fen)
            for ln in rec.lines
            if not LINE_KINDS[ln.kind][1]
        ]
        kind_label = SCHOOL_KINDS[rec.kind][0]
        check = FundingCheck(
            rec.school,
            rec.year,
            rec.kind,
            rec.ownership,
            bool(public[r]),
            rec.students,
            int(floor[r]) if public[r] else None,
            int(counted[r]),
            excluded,
        )
        excluded_text = (
            "；不计入：" + "、".join(f"{lbl}{format_yuan(f)}" for lbl, f in excluded) if excluded else ""
        )
        if not public[r]:
            check.explanation = (
                f"{rec.school}为民办{kind_label}，生均拨款标准（{CITE}）只适用于公办学校，不作检查。"
            )
        else:
            check.required_fen = int(required[r])
            check.shortfall_fen = int(shortfall[r])
            check.per_student_fen = int(per_student[r])
            check.met = bool(met[r])
            verdict = "达到标准" if check.met else f"未达到标准，差{format_yuan(check.shortfall_fen)}"
            check.explanation = (
                f"{rec.school}（公办{kind_label}）{rec.year}年财政拨款{format_yuan(check.counted_fen)}"
                f"{excluded_text}；在校生{rec.students}人，生均约{format_yuan(check.per_student_fen)}（按分四舍五入，"
                f"达标与否按总额比较）；"
                f"标准不低于{format_yuan(int(floor[r]))}/生/年，应拨{format_yuan(check.required_fen)}，{verdict}"
                f"（{CITE}）。"
            )
        if trace:
            trace.step(
                "funding_floor_check",
                CITE,
                {
                    "school": rec.school,
                    "year": rec.year,
                    "students": rec.students,
                    "counted_fen": check.counted_fen,
                },
                {"met": check.met, "shortfall_fen": check.shortfall_fen},
                check.explanation,
            )
        out.append(check)
    return out
