"""The water-quality standards library as data: standard, version, indicator, unit, limit, uses, source.

Shipped: GB/T 18920-2020 (`standards/gb_t_18920_2020.yaml`, copied from the project's facts with their
source). Every other standard the gazette names is entered by an administrator as a table with its source
(`StandardsLibrary.with_table`); one parser reads both, so an entered table is held to the same checks. A
standard that is not in the library, or has no limits for a use, makes a check that needs it refuse
(`errors.MissingStandardError`), never pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import PACKAGE_DIR
from .errors import UnconventionalWaterError, fail
from .units import DEFAULT_CATALOGUE, DIMENSIONS, Catalogue, Indicator, format_value, parse_one
from .uses import STANDARD_TITLES, USES

STANDARDS_DIR = PACKAGE_DIR / "standards"
LIMIT_KINDS = {"max": "≤", "min": "≥", "range": "～", "not_detected": "不得检出"}
SAMPLE_POINTS = {
    "": "任意采样点",
    "plant_outlet": "出厂（设施出水口）",
    "network_end": "管网末端",
    "other": "其他采样点",
}


@dataclass(frozen=True)
class Standard:
    code: str  # with its version year: "GB/T 18920-2020"
    title: str
    issued: dt.date | None
    in_force: dt.date | None  # a report sampled before it cannot be judged by it
    source: str  # where the values come from (document, page, who transcribed them)
    verification: str = ""
    entered_by: str = ""  # "" for the shipped file, else the administrator's name or id

    @property
    def version(self) -> str:
        """The year of the edition, as the code carries it: 'GB/T 18920-2020' → '2020'."""
        return self.code.rsplit("-", 1)[-1] if "-" in self.code else ""


@dataclass(frozen=True)
class LimitRow:
    """One limit: `low`/`high` in 10⁻⁹ of the indicator's canonical unit (None = no bound on that side)."""

    standard: str
    indicator: str  # catalogue code
    kind: str  # max / min / range / not_detected
    low: int | None
    high: int | None
    unit: str  # as the standard writes it
    uses: tuple[str, ...]
    group: str  # the standard's own label of the uses ("冲厕、车辆冲洗")
    sample_point: str = ""  # "" any; plant_outlet; network_end
    selective: bool = False  # 选择性控制项目: checked when reported, not required
    table: str = ""
    note: str = ""
    fact: str = ""  # the entry of /work/shared/facts/facts.yaml it was copied from, if any

    def text(self, catalogue: Catalogue = DEFAULT_CATALOGUE) -> str:
        """'≤0.3 mg/L', '6～9', '不得检出' — in the indicator's canonical unit."""
        dim = DIMENSIONS[catalogue.by_code[self.indicator].dimension]
        unit = "" if dim.canonical == "无量纲" else f" {dim.canonical}"
        if self.kind == "not_detected":
            return "不得检出"
        if self.kind == "range":
            return f"{format_value(self.low or 0)}～{format_value(self.high or 0)}{unit}"
        bound = self.high if self.kind == "max" else self.low
        return f"{LIMIT_KINDS[self.kind]}{format_value(bound or 0)}{unit}"


def _date(raw: Any, where: str) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise fail("standard_date", "standard", f"{where}：“{raw}”不是日期（YYYY-MM-DD）。") from None


def _bound(raw: Any, indicator: str, unit: str, where: str, catalogue: Catalogue) -> int:
    if isinstance(raw, float) or isinstance(raw, bool) or raw is None:
        raise fail(
            "limit_value", "standard", f'{where}：限值应写成带引号的十进制数（如 "0.3"），收到 {raw!r}。'
        )
    try:
        _, value, qualifier = parse_one(indicator, str(raw), unit, catalogue)
    except ValueError as exc:
        raise fail("limit_value", "standard", f"{where}：{exc}。") from None
    if qualifier:
        raise fail("limit_value", "standard", f"{where}：限值“{raw}”应为数值。")
    return value


def parse_table(
    data: Mapping[str, Any], *, catalogue: Catalogue = DEFAULT_CATALOGUE, entered_by: str = ""
) -> tuple[Standard, tuple[LimitRow, ...]]:
    """A standard's table (the shape of `standards/*.yaml`) → the standard and its rows, in canonical units.

    Refused, naming the row, when the source is missing, a use or indicator is unknown, a unit does not fit
    its indicator, a limit is unreadable or a range is reversed."""
    code = str(data.get("standard") or "").strip()
    if not code:
        raise fail("standard_code", "standard", "须填写标准编号及年代号（如 GB/T 25499-2010）。")
    source = str(data.get("source") or "").strip()
    if not source:
        raise fail(
            "standard_source",
            "standard.source",
            f"《{code}》须注明限值的来源（标准文本、页码或转录出处），不接受无来源的数值。",
        )
    standard = Standard(
        code=code,
        title=str(data.get("title") or STANDARD_TITLES.get(code, "")).strip(),
        issued=_date(data.get("issued"), f"《{code}》发布日期"),
        in_force=_date(data.get("in_force"), f"《{code}》实施日期"),
        source=source,
        verification=str(data.get("verification") or ""),
        entered_by=entered_by,
    )
    groups: Mapping[str, Any] = data.get("groups") or {}
    rows: list[LimitRow] = []
    for i, raw in enumerate(data.get("limits") or []):
        where = f"《{code}》第{i + 1}条限值"
        if not isinstance(raw, Mapping):
            raise fail("limit_row", "standard", f"{where}应为映射。")
        indicator = catalogue.code(str(raw.get("indicator") or ""))
        if indicator is None:
            raise fail(
                "indicator_unknown",
                "indicator",
                f"{where}：指标“{raw.get('indicator')}”不在指标目录中，请先登记。",
            )
        group_key = raw.get("group")
        if group_key is not None:
            if group_key not in groups:
                raise fail("limit_group", "standard", f"{where}：用途组“{group_key}”未定义。")
            uses, group = (
                tuple(groups[group_key].get("uses") or ()),
                str(groups[group_key].get("label") or group_key),
            )
        else:
            uses = tuple(raw.get("uses") or ())
            group = str(raw.get("group_label") or "、".join(USES[u].label for u in uses if u in USES))
        unknown = [u for u in uses if u not in USES]
        if not uses or unknown:
            raise fail(
                "limit_uses",
                "uses",
                f"{where}：须列明所管辖的用途，且为第十一条、第十八条所列用途（未知：{'、'.join(map(str, unknown))}）。",
            )
        kind = str(raw.get("kind") or "")
        if kind not in LIMIT_KINDS:
            raise fail("limit_kind", "standard", f"{where}：限值类型应为 max、min、range 或 not_detected。")
        unit = str(raw.get("unit") or "")
        low = _bound(raw.get("low"), indicator, unit, where, catalogue) if kind in ("min", "range") else None
        high = (
            _bound(raw.get("high"), indicator, unit, where, catalogue) if kind in ("max", "range") else None
        )
        if kind == "not_detected" and unit:
            try:
                parse_one(indicator, "0", unit, catalogue)  # the unit must fit the indicator
            except ValueError as exc:
                raise fail("limit_unit", "unit", f"{where}：{exc}。") from None
        if low is not None and high is not None and low > high:
            raise fail("limit_range", "standard", f"{where}：范围下限大于上限。")
        point = str(raw.get("sample_point") or "")
        if point not in ("", "plant_outlet", "network_end"):
            raise fail(
                "limit_sample_point",
                "sample_point_kind",
                f"{where}：采样点条件应为空、plant_outlet 或 network_end。",
            )
        rows.append(
            LimitRow(
                standard=code,
                indicator=indicator,
                kind=kind,
                low=low,
                high=high,
                unit=unit,
                uses=uses,
                group=group,
                sample_point=point,
                selective=bool(raw.get("selective", False)),
                table=str(raw.get("table") or ""),
                note=str(raw.get("note") or ""),
                fact=str(raw.get("fact") or ""),
            )
        )
    if not rows:
        raise fail("standard_empty", "standard", f"《{code}》没有任何限值。")
    return standard, tuple(rows)


class StandardsLibrary:
    """The standards known to the platform: immutable; `with_table` returns a new library."""

    def __init__(
        self,
        standards: Mapping[str, Standard] | None = None,
        rows: Iterable[LimitRow] = (),
        catalogue: Catalogue = DEFAULT_CATALOGUE,
    ) -> None:
        self.standards: dict[str, Standard] = dict(standards or {})
        self.rows: tuple[LimitRow, ...] = tuple(rows)
        self.catalogue = catalogue
        self._by_standard_use: dict[tuple[str, str], list[LimitRow]] = {}
        for row in self.rows:
            for use in row.uses:
                self._by_standard_use.setdefault((row.standard, use), []).append(row)

    def with_table(self, data: Mapping[str, Any], *, entered_by: str) -> StandardsLibrary:
        """Add an administrator's table (same shape as the shipped YAML; `source` required)."""
        if not entered_by.strip():
            raise fail("entered_by", "standard", "须记录录入标准的管理员。")
        standard, rows = parse_table(data, catalogue=self.catalogue, entered_by=entered_by)
        if standard.code in self.standards:
            raise UnconventionalWaterError(
                "standard_duplicate",
                f"《{standard.code}》已在标准库中；更正限值请先停用原表。",
                field="standard",
            )
        return StandardsLibrary(
            {**self.standards, standard.code: standard}, (*self.rows, *rows), self.catalogue
        )

    def with_indicator(self, indicator: Indicator) -> StandardsLibrary:
        """Register an indicator a new standard needs (code, Chinese name, dimension)."""
        if indicator.dimension not in DIMENSIONS:
            raise fail("indicator_dimension", "indicator", f"计量维度应为{'、'.join(DIMENSIONS)}之一。")
        try:
            catalogue = self.catalogue.with_indicator(indicator)
        except ValueError as exc:
            raise fail("indicator_duplicate", "indicator", str(exc)) from None
        return StandardsLibrary(self.standards, self.rows, catalogue)

    def without(self, code: str) -> StandardsLibrary:
        """The library without one standard (an administrator withdrawing a wrongly entered table)."""
        return StandardsLibrary(
            {k: v for k, v in self.standards.items() if k != code},
            (r for r in self.rows if r.standard != code),
            self.catalogue,
        )

    def rows_for(self, standard: str, use: str) -> list[LimitRow]:
        return list(self._by_standard_use.get((standard, use), ()))

    def has(self, standard: str, use: str) -> bool:
        return (standard, use) in self._by_standard_use and standard in self.standards


def load_table_file(
    path: Path, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> tuple[Standard, tuple[LimitRow, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_table(data, catalogue=catalogue)


@cache
def shipped_library() -> StandardsLibrary:
    """The standards shipped with the rules (GB/T 18920-2020); the platform adds the entered tables."""
    standards: dict[str, Standard] = {}
    rows: list[LimitRow] = []
    for path in sorted(STANDARDS_DIR.glob("*.yaml")):
        standard, table = load_table_file(path)
        standards[standard.code] = standard
        rows += table
    return StandardsLibrary(standards, rows)
