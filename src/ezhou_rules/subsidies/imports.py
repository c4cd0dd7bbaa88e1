"""Row-level validation of the tables the data holders send (pure parsing; the platform reads the files and
writes the database): bank loan reports (首贷户 flag, monetary-policy tool, 纾困基金 flag), the 统计局 限上 list,
the 交通运输部 规上 list with the provincial rankings, and Hubei's trade-in dealer list.

``validate_import(kind, rows, on=…)`` returns typed columns, every row error (row number as in the file, field
by its Chinese label, code, message, value) and each row's natural key, on which the platform upserts so a
re-import of the same file changes nothing (idempotent). Rows with errors are left out by the caller; the
clean rows can be imported or the whole file refused, as the platform decides.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ezhou_rules.core.params import ParameterTree

from . import measure_name, parameters
from .decision import outside, window, window_text
from .errors import RowError
from .fields import BOOL, CHOICE, DATE, INT, USCC, Field, Parsed, format_date, parse_rows
from .freight import RANKED_FIELDS
from .interest import LOAN_FIELDS
from .trade import GROWTH_FIELDS, SECOND_FIELDS

RowCheck = Callable[[Parsed, ParameterTree, dt.date], list[RowError]]

ABOVE_LIMIT_FIELDS = [
    Field("name", "单位名称"),
    Field("unit_kind", "单位类型", CHOICE, choices={"legal_person": "法人企业", "individual": "个体单位"}),
    *[f for f in SECOND_FIELDS],
    *[f for f in GROWTH_FIELDS if f.name not in {"unit_id", "territory"}],
]
FREIGHT_LIST_FIELDS = [
    Field("name", "企业名称"),
    *RANKED_FIELDS,
    Field("included_on", "纳入规模以上公路货运企业日期", DATE, required=False),
    Field("year", "年度", INT),
]
DEALER_FIELDS = [
    Field("dealer_code", "经销店编码"),
    Field("name", "经销店名称"),
    Field("dealer_id", "经销店统一社会信用代码", USCC),
    Field("city", "所在市州"),
    Field("listed", "列入湖北省2022年汽车以旧换新专项行动授权经销商名单", BOOL),
]


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    title: str
    fields: tuple[Field, ...]
    key_fields: tuple[str, ...]  # the natural key: one row per key, upserted on re-import
    checks: tuple[RowCheck, ...] = ()


@dataclass
class ImportResult:
    kind: str
    parsed: Parsed
    errors: list[RowError]
    valid: np.ndarray
    keys: list[tuple[str, ...]]

    @property
    def columns(self) -> dict[str, np.ndarray]:
        return self.parsed.columns

    def error_rows(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in sorted(self.errors, key=lambda e: (e.row, e.field))]


def _error(p: Parsed, i: int, f: Field, code: str, message: str, value: Any = "") -> RowError:
    return RowError(p.first_row + i, f.name, f.label, code, message, str(value))


def _field(spec_fields: Sequence[Field], name: str) -> Field:
    return next(f for f in spec_fields if f.name == name)


def _loan_checks(p: Parsed, params: ParameterTree, on: dt.date) -> list[RowError]:
    """Maturity before disbursement; a loan flagged for a measure but disbursed outside that measure's window."""
    c, out = p.columns, []
    ends = _field(LOAN_FIELDS, "ends_on")
    starts = _field(LOAN_FIELDS, "disbursed_on")
    inverted = p.valid & (c["ends_on"] < c["disbursed_on"])
    for i in np.flatnonzero(inverted).tolist():
        out.append(
            _error(
                p,
                i,
                ends,
                "loan_dates_inverted",
                f"“{ends.label}”（{format_date(c['ends_on'][i])}）早于“{starts.label}”"
                f"（{format_date(c['disbursed_on'][i])}）。",
                c["ends_on"][i],
            )
        )
    flags = {
        1: c["first_loan"],
        2: c["relief_fund"],
        3: np.array([bool(str(t).strip()) for t in c["tool"]], dtype=bool),
    }
    for measure, flagged in flags.items():
        start, end = window(params, measure, on)
        bad = p.valid & flagged & outside(c["disbursed_on"], start, end)
        for i in np.flatnonzero(bad).tolist():
            out.append(
                _error(
                    p,
                    i,
                    starts,
                    "loan_outside_window",
                    f"该笔贷款按{measure_name(measure)}报送，但发放日期{format_date(c['disbursed_on'][i])}"
                    f"不在{window_text(start, end)}期间内。",
                    c["disbursed_on"][i],
                )
            )
    return out


def _territory_checks(p: Parsed, params: ParameterTree, on: dt.date) -> list[RowError]:
    allowed = set(params.get("territories", on))
    f = Field("territory", "所属区域")
    return [
        _error(
            p, i, f, "territory_unknown", f"“所属区域”应为{'、'.join(sorted(allowed))}之一，收到“{t}”。", t
        )
        for i, t in enumerate(p.columns["territory"].tolist())
        if p.valid[i] and t not in allowed
    ]


def _rank_checks(p: Parsed, params: ParameterTree, on: dt.date) -> list[RowError]:
    """The same provincial rank given to two enterprises of the same year is a broken ranking table."""
    out = []
    c = p.columns
    for name in ("turnover_rank", "growth_rank"):
        f = _field(RANKED_FIELDS, name)
        seen: dict[tuple[int, int], int] = {}
        for i in np.flatnonzero(p.valid & (c[name] > 0)).tolist():
            key = (int(c["year"][i]), int(c[name][i]))
            if key in seen:
                out.append(
                    _error(
                        p,
                        i,
                        f,
                        "rank_duplicated",
                        f"{key[0]}年“{f.label}”第{key[1]}位已在第{p.first_row + seen[key]}行给出，排名不能重复。",
                        key[1],
                    )
                )
            else:
                seen[key] = i
    return out


SPECS: dict[str, ImportSpec] = {
    "bank_loans": ImportSpec(
        "bank_loans",
        "银行贷款报送表（首贷户、货币政策工具、纾困基金）",
        tuple(LOAN_FIELDS),
        ("bank_code", "contract_no"),
        (_loan_checks,),
    ),
    "above_limit": ImportSpec(
        "above_limit",
        "统计局限额以上批零住餐单位名录",
        tuple(ABOVE_LIMIT_FIELDS),
        ("unit_id", "year"),
        (_territory_checks,),
    ),
    "freight": ImportSpec(
        "freight",
        "交通运输部规模以上公路货运企业名单及全省排名",
        tuple(FREIGHT_LIST_FIELDS),
        ("enterprise_id", "year"),
        (_rank_checks,),
    ),
    "dealers": ImportSpec(
        "dealers", "湖北省2022年汽车以旧换新专项行动授权经销商名单", tuple(DEALER_FIELDS), ("dealer_code",)
    ),
}


def validate_import(
    kind: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    on: dt.date,
    params: ParameterTree | None = None,
    first_row: int = 2,
) -> ImportResult:
    """Typed columns, every row error and the natural keys of an imported table of ``kind`` (see ``SPECS``)."""
    if kind not in SPECS:
        raise ValueError(f"unknown import kind {kind!r}; known: {', '.join(SPECS)}")
    spec = SPECS[kind]
    tree = params or parameters()
    parsed = parse_rows(spec.fields, rows, first_row=first_row, on=on)
    errors = list(parsed.errors)
    for check in spec.checks:
        errors += check(parsed, tree, on)
    keys = [tuple(str(parsed.columns[k][i]) for k in spec.key_fields) for i in range(len(parsed))]
    first_seen: dict[tuple[str, ...], int] = {}
    key_field = _field(spec.fields, spec.key_fields[0])
    for i, key in enumerate(keys):
        if key in first_seen:
            errors.append(
                _error(
                    parsed,
                    i,
                    key_field,
                    "duplicate_row",
                    f"与第{parsed.first_row + first_seen[key]}行重复（{'、'.join(key)}），同一文件中只能出现一次。",
                    "、".join(key),
                )
            )
        else:
            first_seen[key] = i
    valid = parsed.valid.copy()
    bad_rows: defaultdict[int, bool] = defaultdict(bool)
    for e in errors:
        bad_rows[e.row - parsed.first_row] = True
    for i in bad_rows:
        valid[i] = False
    return ImportResult(kind, parsed, errors, valid, keys)


def ezhou_dealers(result: ImportResult, city: str = "鄂州") -> set[str]:
    """The dealer codes that qualify under 第十二条: on Hubei's list and located in Ezhou (在我市)."""
    if result.kind != "dealers":
        raise ValueError("ezhou_dealers needs the dealer list")
    c = result.columns
    return {
        str(code)
        for code, town, listed, ok in zip(c["dealer_code"], c["city"], c["listed"], result.valid, strict=True)
        if ok and listed and str(town).startswith(city)
    }
