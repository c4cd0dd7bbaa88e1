"""Typed input fields and their row-level validation: one parser for a case's facts (the API, the public
self-check) and for the rows of an imported table (bank loan reports, 统计局 and 交通运输部 lists, the dealer
list), so both refuse the same input with the same Chinese message and code.

A table is a sequence of rows (mappings from a column name, or its Chinese label, to a raw value, as read
from Excel or CSV). ``parse_rows`` returns typed numpy columns for every row plus a list of ``RowError``;
rows with an error are marked in ``valid`` and left out of any computation by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core import ids
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan

from .errors import InvalidRows, RowError
from .vin import VIN_MESSAGES, check_vins, normalise_vins

TEXT, DATE, MONEY, BOOL, INT, CHOICE, USCC, RESIDENT_ID, SUBJECT_ID, VIN = (
    "text",
    "date",
    "money",
    "bool",
    "int",
    "choice",
    "uscc",
    "resident_id",
    "subject_id",
    "vin",
)
_TRUE = {"是", "有", "true", "yes", "y", "1", "t", "√", "✓"}
_FALSE = {"否", "无", "false", "no", "n", "0", "f", "×", ""}
NO_DATE = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Field:
    """One input: English name, Chinese label (the column header clerks use), kind, and whether it must be
    given. An optional field takes ``default`` when absent or blank."""

    name: str
    label: str
    kind: str = TEXT
    required: bool = True
    choices: Mapping[str, str] = field(default_factory=dict)  # code → Chinese label (both accepted)
    default: Any = None
    min_value: int | None = None  # INT and MONEY (fen)

    def header_names(self) -> tuple[str, str]:
        return (self.name, self.label)


@dataclass
class Parsed:
    """Typed columns (numpy arrays, one entry per input row), the errors, and which rows are clean."""

    columns: dict[str, np.ndarray]
    errors: list[RowError]
    valid: npt.NDArray[np.bool_]
    first_row: int = 2

    def __len__(self) -> int:
        return len(self.valid)

    def select(self, mask: npt.NDArray[np.bool_]) -> dict[str, np.ndarray]:
        return {k: v[mask] for k, v in self.columns.items()}


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def format_date(day: Any) -> str:
    """2022年10月18日 (also for numpy dates); empty for NaT."""
    if isinstance(day, np.datetime64):
        if np.isnat(day):
            return ""
        day = day.astype("datetime64[D]").item()
    return f"{day.year}年{day.month}月{day.day}日"


def format_value(f: Field, value: Any) -> str:
    """A typed value as a clerk reads it: amounts in 元, dates in Chinese, flags 是/否, choices by label."""
    if f.kind == MONEY:
        return format_yuan(int(value))
    if f.kind == DATE:
        return format_date(value)
    if f.kind == BOOL:
        return "是" if bool(value) else "否"
    if f.kind == CHOICE:
        return f.choices.get(str(value), str(value))
    return str(value)


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            raise ValueError
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw).replace("/", "-").replace(".", "-")
    for suffix in ("年", "月"):
        text = text.replace(suffix, "-")
    text = text.rstrip("日")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool | np.bool_):
        return bool(raw)
    text = _text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def _int(raw: Any) -> int:
    if isinstance(raw, bool) or isinstance(raw, float):
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)  # Excel stores every number as a float; a whole one is what the clerk typed
        raise ValueError
    if isinstance(raw, int | np.integer):
        return int(raw)
    text = _text(raw).replace(",", "")
    if not text.lstrip("-").isdigit():
        raise ValueError
    return int(text)


def _money(raw: Any) -> int:
    if isinstance(raw, float):
        # Excel hands amounts over as floats; the shortest text of the float is what the clerk typed, and
        # parse_yuan then refuses anything with more than two decimals.
        raw = repr(raw)
        if "e" in raw.lower():
            raise MoneyError(f"金额“{raw}”无法精确识别。", "invalid_format")
    if isinstance(raw, Decimal | int | str):
        return parse_yuan(raw)
    raise MoneyError(f"无法识别的金额“{raw}”。", "invalid_format")


def _choice(f: Field, raw: Any) -> str:
    text = _text(raw)
    if text in f.choices:
        return text
    for code, label in f.choices.items():
        if text == label:
            return code
    raise ValueError


def _message(f: Field, code: str, raw: Any) -> str:
    shown = _text(raw)
    if code == "required":
        return f"“{f.label}”不能为空。"
    if code == "date_invalid":
        return f"“{f.label}”应为日期（如 2022-10-13），收到“{shown}”。"
    if code == "bool_invalid":
        return f"“{f.label}”应填“是”或“否”，收到“{shown}”。"
    if code == "int_invalid":
        return f"“{f.label}”应为整数，收到“{shown}”。"
    if code == "choice_invalid":
        allowed = "、".join(f.choices.values())
        return f"“{f.label}”只能是：{allowed}；收到“{shown}”。"
    if code == "negative_amount":
        return f"“{f.label}”不能为负数，收到“{shown}”。"
    if code == "below_minimum":
        return f"“{f.label}”不能小于{f.min_value}，收到“{shown}”。"
    if code.startswith("uscc_"):
        return f"“{f.label}”：{ids.USCC_MESSAGES[code[5:]]}，收到“{shown}”。"
    if code.startswith("resident_id_"):
        return f"“{f.label}”：{ids.RIC_MESSAGES[code[12:]]}，收到“{shown}”。"
    if code == "subject_id_invalid":
        return f"“{f.label}”应为有效的统一社会信用代码或公民身份号码，收到“{shown}”。"
    if code.startswith("vin_"):
        return f"“{f.label}”：{VIN_MESSAGES[code[4:]]}，收到“{shown}”。"
    return f"“{f.label}”无效：“{shown}”。"


def _raw_column(rows: Sequence[Mapping[str, Any]], f: Field) -> list[Any]:
    out = []
    for row in rows:
        value = row.get(f.name, None)
        if value is None:
            value = row.get(f.label, None)
        out.append(value)
    return out


def parse_rows(
    fields: Iterable[Field],
    rows: Sequence[Mapping[str, Any]],
    *,
    first_row: int = 2,
    on: dt.date | None = None,
) -> Parsed:
    """Typed columns for every row and a RowError for every failed check (all rows, all fields).

    Types: TEXT → str, DATE → datetime64[D] (NaT when an optional date is blank), MONEY → int64 fen
    (negative refused unless ``min_value`` allows it), BOOL, INT → int64, CHOICE → the code, USCC /
    RESIDENT_ID / SUBJECT_ID / VIN → the normalised identifier (``on`` refuses birth dates after it).
    """
    n = len(rows)
    valid = np.ones(n, dtype=bool)
    errors: list[RowError] = []
    columns: dict[str, np.ndarray] = {}

    def fail(i: int, f: Field, code: str, raw: Any) -> None:
        valid[i] = False
        errors.append(RowError(first_row + i, f.name, f.label, code, _message(f, code, raw), _text(raw)))

    for f in fields:
        raw = _raw_column(rows, f)
        blank = np.array([_empty(v) for v in raw], dtype=bool)
        if f.required:
            for b in np.flatnonzero(blank).tolist():
                fail(b, f, "required", raw[b])
        if f.kind in (USCC, RESIDENT_ID, SUBJECT_ID, VIN):
            text = np.array([_text(v) for v in raw], dtype=str) if n else np.array([], dtype=str)
            columns[f.name] = _identifiers(f, text, blank, raw, fail, on)
            continue
        values: list[Any] = []
        for i, v in enumerate(raw):
            if blank[i]:
                values.append(f.default)
                continue
            try:
                values.append(_convert(f, v))
            except MoneyError as exc:
                valid[i] = False
                code = "money_" + exc.code
                errors.append(RowError(first_row + i, f.name, f.label, code, f"“{f.label}”：{exc}", _text(v)))
                values.append(f.default)
                continue
            except (ValueError, TypeError, OverflowError):
                fail(i, f, _INVALID[f.kind], v)
                values.append(f.default)
                continue
            if f.min_value is not None and f.kind in (INT, MONEY) and values[-1] < f.min_value:
                fail(i, f, "negative_amount" if f.kind == MONEY and values[-1] < 0 else "below_minimum", v)
        columns[f.name] = _as_array(f, values)
    return Parsed(columns, errors, valid, first_row)


_INVALID = {
    DATE: "date_invalid",
    BOOL: "bool_invalid",
    INT: "int_invalid",
    MONEY: "money_invalid_format",
    CHOICE: "choice_invalid",
    TEXT: "text_invalid",
}


def _convert(f: Field, v: Any) -> Any:
    if f.kind == DATE:
        return _date(v)
    if f.kind == MONEY:
        return _money(v)
    if f.kind == BOOL:
        return _bool(v)
    if f.kind == INT:
        return _int(v)
    if f.kind == CHOICE:
        return _choice(f, v)
    return _text(v)


def _as_array(f: Field, values: list[Any]) -> np.ndarray:
    if f.kind == DATE:
        return np.array(
            [NO_DATE if v is None else np.datetime64(v, "D") for v in values], dtype="datetime64[D]"
        )
    if f.kind in (MONEY, INT):
        return np.array([0 if v is None else v for v in values], dtype=np.int64)
    if f.kind == BOOL:
        return np.array([bool(v) for v in values], dtype=bool)
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def _identifiers(
    f: Field, text: np.ndarray, blank: np.ndarray, raw: list[Any], fail: Any, on: dt.date | None
) -> np.ndarray:
    if f.kind == VIN:
        codes = np.char.add("vin_", check_vins(text)) if len(text) else text
        normal = normalise_vins(text)
    elif f.kind == USCC:
        codes = np.char.add("uscc_", ids.check_usccs(text)) if len(text) else text
        normal = _normal_ids(text)
    elif f.kind == RESIDENT_ID:
        codes = np.char.add("resident_id_", ids.check_resident_ids(text, on)) if len(text) else text
        normal = _normal_ids(text)
    else:  # SUBJECT_ID: either kind of number
        ok = (ids.check_usccs(text) == "") | (ids.check_resident_ids(text, on) == "")
        codes = np.where(ok, "", "subject_id_invalid")
        normal = _normal_ids(text)
    for i in np.flatnonzero(~blank):
        code = str(codes[i])
        if code and not code.endswith("_"):
            fail(int(i), f, code, raw[i])
    return np.asarray(normal, dtype=object)


def _normal_ids(text: np.ndarray) -> np.ndarray:
    if not len(text):
        return text
    return np.char.replace(np.char.upper(np.char.strip(text.astype(str))), " ", "")


def parse_facts(
    fields: Iterable[Field], facts: Mapping[str, Any], *, on: dt.date | None = None
) -> dict[str, np.ndarray]:
    """One case's facts as columns of length one; InvalidRows listing every bad field otherwise."""
    fields = list(fields)
    known = {name for f in fields for name in f.header_names()}
    unknown = [k for k in facts if k not in known]
    parsed = parse_rows(fields, [facts], first_row=1, on=on)
    errors = list(parsed.errors)
    for key in unknown:
        errors.append(RowError(1, key, key, "unknown_field", f"未知的输入项“{key}”。", _text(facts[key])))
    if errors:
        raise InvalidRows(errors)
    return parsed.columns
