"""Oversight figures for the 法治政府建设考评 (第二部分 四（四）): per item, department and district, from a case
table (one row a case, numpy columns), by vectorised group-by.

Figures (commitment-route cases unless said):
- applications, through the commitment route, and its share of all applications;
- decided on the spot (三（二）) among decided commitment cases, and the rate;
- cases with materials due after the decision whose period has ended, those whose materials all came in time
  and conforming (三（一）), and the rate;
- decided commitment cases whose commitment was verified (三（四）), and the coverage;
- rectification orders and revocations.
Rates are exact integer ratios, shown as percentages with one decimal rounded half up; "—" when nothing is
counted below them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import round_half_up

from . import CITE_DECIDE, CITE_EVALUATION, CITE_OVERSIGHT
from .errors import LicensingError

KEY_LABELS = {"item": "事项", "department": "部门", "district": "辖区"}
COUNT_LABELS = {
    "applications": "申请数",
    "commitment": "告知承诺制办理数",
    "decided_commitment": "告知承诺制已决定数",
    "on_the_spot": "当场决定数",
    "materials_expected": "应补交材料数",
    "materials_on_time": "按期补交材料数",
    "verified": "已核查数",
    "rectifications": "责令整改数",
    "revocations": "撤销数",
}
RATE_LABELS = {
    "commitment_share": ("告知承诺制占比", "commitment", "applications"),
    "on_the_spot_rate": ("当场决定率", "on_the_spot", "decided_commitment"),
    "materials_on_time_rate": ("材料按期提交率", "materials_on_time", "materials_expected"),
    "verification_coverage": ("核查覆盖率", "verified", "decided_commitment"),
}
BOOL_COLUMNS = ("decided", "on_the_spot", "materials_expected", "materials_on_time", "verified", "revoked")


def percent(num: int, den: int) -> str:
    """12.5%; one decimal, half up; "—" for 0/0."""
    if den == 0:
        return "—"
    tenths = int(round_half_up(num * 1000, den))
    return f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True)
class MetricTable:
    by: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    counts: Mapping[str, npt.NDArray[np.int64]]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for g, key in enumerate(self.groups):
            row: dict[str, Any] = dict(zip(self.by, key, strict=True))
            row.update({name: int(col[g]) for name, col in self.counts.items()})
            for name, (_, num, den) in RATE_LABELS.items():
                row[name] = percent(row[num], row[den])
            out.append(row)
        return out

    def headers(self) -> list[tuple[str, str]]:
        """(key, Chinese header) in column order, for the Excel extract."""
        return (
            [(k, KEY_LABELS[k]) for k in self.by]
            + list(COUNT_LABELS.items())
            + [(k, v[0]) for k, v in RATE_LABELS.items()]
        )


@rule(
    cites=[CITE_EVALUATION, CITE_OVERSIGHT, CITE_DECIDE],
    summary="按事项、部门、辖区统计告知承诺制办理和监管情况",
)
def oversight_metrics(cases: Mapping[str, npt.ArrayLike], by: Sequence[str] = ("item",)) -> MetricTable:
    """``cases`` columns: item, department, district (text), route ("commitment"/"general"), decided,
    on_the_spot, materials_expected, materials_on_time, verified, revoked (bool), rectifications (int)."""
    by = tuple(by)
    unknown = [k for k in by if k not in KEY_LABELS]
    if unknown:
        raise LicensingError(
            "metrics_key_invalid",
            f"统计维度：“{'、'.join(unknown)}”不可用（可用：事项、部门、辖区）。",
            field="by",
        )
    needed = (*by, "route", *BOOL_COLUMNS, "rectifications")
    missing = [k for k in needed if k not in cases]
    if missing:
        raise LicensingError(
            "metrics_column_missing", f"案件表缺少列：{'、'.join(missing)}。", field=missing[0]
        )
    route = np.asarray(cases["route"], dtype=str)
    n = route.size
    cols = {k: np.asarray(cases[k], dtype=bool) for k in BOOL_COLUMNS}
    rect = np.asarray(cases["rectifications"], dtype=np.int64)
    if any(c.shape != (n,) for c in (*cols.values(), rect)) or any(
        np.asarray(cases[k]).shape != (n,) for k in by
    ):
        raise LicensingError("columns_mismatch", "案件表各列的行数不一致。", field="cases")
    bad = ~np.isin(route, ["commitment", "general"])
    if bad.any():
        raise LicensingError(
            "metrics_route_invalid",
            f"办理方式：第{int(np.flatnonzero(bad)[0]) + 1}行应为 commitment 或 general。",
            field="route",
        )
    if (rect < 0).any():
        raise LicensingError("metrics_value_invalid", "责令整改数：不能为负数。", field="rectifications")
    # group index: the key columns' codes combined in mixed radix, then made dense
    combined = np.zeros(n, dtype=np.int64)
    uniques = []
    for k in by:
        u, codes = np.unique(np.asarray(cases[k], dtype=str), return_inverse=True)
        uniques.append(u)
        combined = combined * max(len(u), 1) + codes
    groups_code, gidx = np.unique(combined, return_inverse=True)
    g = groups_code.size if n else 0
    keys = []
    for code in groups_code.tolist():
        parts = []
        for u in reversed(uniques):
            code, r = divmod(code, max(len(u), 1))
            parts.append(str(u[r]))
        keys.append(tuple(reversed(parts)))

    def count(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        return np.bincount(gidx[mask], minlength=g).astype(np.int64)

    commit = route == "commitment"
    decided_c = commit & cols["decided"]
    rect_sum = np.zeros(g, dtype=np.int64)
    np.add.at(rect_sum, gidx, rect)
    counts = {
        "applications": count(np.ones(n, dtype=bool)),
        "commitment": count(commit),
        "decided_commitment": count(decided_c),
        "on_the_spot": count(decided_c & cols["on_the_spot"]),
        "materials_expected": count(decided_c & cols["materials_expected"]),
        "materials_on_time": count(decided_c & cols["materials_expected"] & cols["materials_on_time"]),
        "verified": count(decided_c & cols["verified"]),
        "rectifications": rect_sum,
        "revocations": count(cols["revoked"]),
    }
    return MetricTable(by, tuple(keys), counts)
