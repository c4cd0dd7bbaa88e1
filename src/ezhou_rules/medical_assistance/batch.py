"""File-to-file settlement of a year of claims (CSV or Parquet) through the vectorised kernel.

Input columns: claim_id, person_id, person_class (1-4), settle_date (YYYY-MM-DD), kind
(inpatient|chronic_outpatient), hospital_level (1|2|3), in_city, in_province, temporary_out_of_city,
tilted_approved (true|false), total_cost, out_of_policy_cost, policy_self_pay (yuan, up to 2 decimals); optional
settle_time (HH:MM[:SS]). Parquet columns may also be typed (date32, integers, booleans, decimals with at most two
places): see batch_columns.

Rows that fail validation go to an error table (row number, claim_id, field, rule, value) and are not
settled; the other rows are settled in order within each person — date, then time of day or claim number in
natural order (claim_order, interpretation M1a) — and written in their input order with basic_aid, tilted_aid, hospital_borne, remaining_deductible, remaining_cap (yuan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ezhou_rules.core.params import ParameterTree

from . import batch_columns as columns

# the file's columns, re-exported for the commands and tests that name them
from .batch_columns import AMOUNTS as AMOUNTS
from .batch_columns import FIRST_DAY as FIRST_DAY
from .batch_columns import FLAGS as FLAGS
from .batch_columns import INCOME as INCOME
from .batch_columns import INPUT_COLUMNS as INPUT_COLUMNS
from .batch_columns import TIME_COLUMN as TIME_COLUMN
from .claim_order import settlement_order
from .parameters_tree import STATISTICAL_YEAR_PARAMETERS
from .settlement import Claims, Settled, settle

OUTPUT_COLUMNS = ("basic_aid", "tilted_aid", "hospital_borne", "remaining_deductible", "remaining_cap")

Progress = Callable[[str], None]


class BatchInputError(ValueError):
    """The file as a whole cannot be read (missing columns, unreadable format)."""

    code = "batch_input_invalid"


@dataclass
class BatchResult:
    output: pa.Table  # the settled input rows, in input order
    amounts: dict[str, np.ndarray]  # OUTPUT_COLUMNS in fen, aligned with `output`
    errors: pa.Table
    settled: int

    @property
    def failed_rows(self) -> int:
        return len(set(self.errors.column("row").to_pylist())) if self.errors.num_rows else 0


def _xlsx_cell(value: object) -> str:
    """An Excel cell as the text the CSV reader would have seen: a date as YYYY-MM-DD, a whole number without
    ".0", true/false in lower case. A fractional float is written with repr (the shortest exact text), and
    an amount with more than two decimals is then refused as in CSV."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> pa.Table:
    """The first sheet of a workbook (the page's upload), every cell as text, the first row the header."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise BatchInputError(
            f"无法读取文件 {path.name}：不是Excel工作簿（{type(exc).__name__}）。"
        ) from None
    rows = [[_xlsx_cell(v) for v in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    rows = [r for r in rows if any(r)]
    if not rows:
        raise BatchInputError(f"文件 {path.name} 是空的：第1行应为表头。")
    header, data = rows[0], rows[1:]
    return pa.table(
        {
            h: pa.array([r[i] if i < len(r) else "" for r in data], pa.string())
            for i, h in enumerate(header)
            if h
        }
    )


def read_table(path: Path) -> pa.Table:
    """Every column as text (CSV, Excel) or as stored (Parquet); amounts are checked as text in every case."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            table = pq.read_table(path)
        elif suffix == ".csv":
            opts = pacsv.ConvertOptions(
                column_types={c: pa.string() for c in (*INPUT_COLUMNS, TIME_COLUMN)},
                strings_can_be_null=False,
            )
            table = pacsv.read_csv(path, convert_options=opts)
        elif suffix == ".xlsx":
            table = _read_xlsx(path)
        else:
            raise BatchInputError(f"不支持的文件格式“{path.suffix}”：请使用 .csv、.xlsx 或 .parquet。")
    except (OSError, pa.ArrowInvalid) as exc:
        raise BatchInputError(f"无法读取文件 {path}：{exc}") from None
    missing = [c for c in INPUT_COLUMNS if c not in table.column_names]
    if missing:
        raise BatchInputError(f"输入文件缺少列：{', '.join(missing)}。")
    return table


# How an output file is opened for writing (binary). The default writes in place; the platform's commands pass
# an atomic writer (temporary file + rename, SECURITY.md R2) so a killed run never leaves a torn file at the
# final path — this package stays framework-free, so the writer is given, not imported.
Opener = Callable[[Path], AbstractContextManager[IO[bytes]]]


def open_in_place(path: Path) -> AbstractContextManager[IO[bytes]]:
    return path.open("wb")


def write_output(result: BatchResult, path: Path, open_file: Opener = open_in_place) -> None:
    """The settled rows plus the amounts: exact decimals (yuan, 2 places) in Parquet, "1234.56" in CSV."""
    table = result.output
    parquet = path.suffix.lower() == ".parquet"
    for name in OUTPUT_COLUMNS:
        fen = result.amounts[name]
        table = table.append_column(name, _yuan_decimal(fen) if parquet else _yuan_text(fen))
    with open_file(path) as f:
        if parquet:
            # Dictionary pages only for text that repeats (person, kind, district …), not the unique claim
            # numbers, and min/max statistics only for non-text columns: the two cost more than half of the
            # write of a year's file and help no reader (issue 15).
            text_cols = [
                c.name for c in table.schema if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
            ]
            pq.write_table(
                table,
                f,
                use_dictionary=[c for c in text_cols if c != "claim_id"],
                write_statistics=[c for c in table.column_names if c not in text_cols],
            )
        else:
            pacsv.write_csv(table, f)


def _yuan_decimal(fen: np.ndarray) -> pa.Array:
    """Fen → decimal128(18, 2) without going through text: the unscaled value is the amount in fen."""
    fen = np.ascontiguousarray(fen, dtype=np.int64)
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = np.where(fen < 0, -1, 0)  # sign extension into the high word
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(fen), [None, pa.py_buffer(words.tobytes())])


def _yuan_text(fen: np.ndarray) -> pa.Array:
    """Non-negative fen → "1234.56"."""
    arr = pa.array(fen, type=pa.int64())
    yuan = pc.cast(pc.divide(arr, 100), pa.string())
    cents = pc.utf8_lpad(
        pc.cast(pc.subtract(arr, pc.multiply(pc.divide(arr, 100), 100)), pa.string()), 2, "0"
    )
    return pc.binary_join_element_wise(yuan, cents, ".")


Kernel = Callable[[Claims, ParameterTree], Settled]


def dask_kernel(client: object, partitions: int | None = None) -> Kernel:
    """The same kernel over a dask.distributed cluster: claims partitioned by person (a person's claims never
    straddle two partitions, so each partition is settled exactly as the whole would be), results put back in
    place. ``client`` is a dask.distributed Client."""

    def run(claims: Claims, tree: ParameterTree) -> Settled:
        n_parts = partitions or max(2 * len(client.scheduler_info()["workers"]), 1)  # type: ignore[attr-defined]
        part = np.asarray(claims.person, dtype=np.int64) % n_parts
        indices = [np.flatnonzero(part == k) for k in range(n_parts)]
        tree_future = client.scatter(tree, broadcast=True)  # type: ignore[attr-defined]
        futures = [
            client.submit(settle, claims.take(idx), tree_future, pure=False)  # type: ignore[attr-defined]
            for idx in indices
            if len(idx)
        ]
        results = client.gather(futures)  # type: ignore[attr-defined]
        out = Settled.empty(len(claims))
        for idx, res in zip([i for i in indices if len(i)], results, strict=True):
            out.put(idx, res)
        return out

    return run


def settle_table(
    table: pa.Table, tree: ParameterTree, progress: Progress | None = None, kernel: Kernel = settle
) -> BatchResult:
    """Validate, settle and return the output and error tables (nothing is written here)."""
    step = progress or (lambda _msg: None)
    n = table.num_rows
    p = columns.parse(table, tree)
    step("校验完成")

    good = np.flatnonzero(~p.errors.bad)
    every = len(good) == n  # the usual file: no row to leave out, so no column is filtered first

    def kept(values: np.ndarray) -> np.ndarray:
        return values if every else values[good]

    # settlement order (M1, M1a): person, day, then time of day / claim number in natural order
    in_order, person = settlement_order(
        kept(columns.person_words(p.person)),
        kept(p.days),
        p.claim_ids if every else p.claim_ids.take(pa.array(good)),
        None if p.seconds is None else kept(p.seconds),
        None if p.has_time is None else kept(p.has_time),
    )
    order = in_order if every else good[in_order]

    def gather(values: np.ndarray) -> np.ndarray:
        return np.take(values, order)  # np.take: a third of the time of values[order] on a million rows

    claims = Claims(
        person=person,
        settle_date=gather(p.days).view("datetime64[D]"),  # int64 days: a view, no copy
        person_class=gather(p.person_class),
        inpatient=gather(p.inpatient),
        hospital_level=gather(p.hospital_level),
        in_city=gather(p.flags["in_city"]),
        in_province=gather(p.flags["in_province"]),
        temporary_out_of_city=gather(p.flags["temporary_out_of_city"]),
        tilted_approved=gather(p.flags["tilted_approved"]),
        total_cost=gather(p.fen["total_cost"]),
        out_of_policy_cost=gather(p.fen["out_of_policy_cost"]),
        policy_self_pay=gather(p.fen["policy_self_pay"]),
    )
    result = kernel(claims, tree)
    step("结算完成")

    # back to the input order of the settled rows: one scatter of positions, then a gather per column
    back = np.empty(len(in_order), dtype=np.intp)
    back[in_order] = np.arange(len(in_order), dtype=np.intp)
    amounts = {name: np.take(getattr(result, name), back) for name in OUTPUT_COLUMNS}
    output = table if every else table.take(pa.array(good))
    return BatchResult(output=output, amounts=amounts, errors=p.errors.table(), settled=len(order))


def run(
    input_path: Path,
    output_path: Path,
    tree: ParameterTree,
    progress: Progress | None = None,
    kernel: Kernel = settle,
    open_file: Opener = open_in_place,
) -> BatchResult:
    """Read, settle, write OUTPUT and (when some rows failed) OUTPUT.errors.csv, each through ``open_file``."""
    table = read_table(input_path)
    if progress:
        progress(f"读取 {table.num_rows} 行")
    result = settle_table(table, tree, progress, kernel)
    write_output(result, output_path, open_file)
    errors_path = errors_file(output_path)
    if result.errors.num_rows:
        with open_file(errors_path) as f:
            pacsv.write_csv(result.errors, f)
    elif errors_path.exists():
        errors_path.unlink()  # a stale file from an earlier run would report errors that are no longer there
    if progress:
        progress("写出完成")
    return result


def errors_file(output_path: Path) -> Path:
    return output_path.with_name(output_path.name + ".errors.csv")


@dataclass(frozen=True)
class SetValue:
    """One --set: NAME=VALUE (every date), NAME@YYYY-MM-DD=VALUE (from that date on) or, for a yearly
    statistic, NAME@YYYY=VALUE (that statistical year)."""

    name: str
    value: object
    on: dt.date | None = None
    year: int | None = None


def parse_set(item: str) -> SetValue:
    """``basic.ratio.class_3=70%``, ``basic.cap.class_3@2024-07-01=1500000``,
    ``income.per_capita_disposable@2023=40000元``. Integers are read in the parameter's unit (fen for amounts);
    an amount may be written in yuan with 元."""
    from ezhou_rules.core.money import MoneyError, parse_yuan

    key, sep, raw = item.partition("=")
    name, at, when = key.strip().partition("@")
    if not sep or not name.strip():
        raise BatchInputError(f"--set 应写作 参数名=取值（或 参数名@日期=取值），收到“{item}”。")
    raw = raw.strip()
    value: object = raw
    if raw.isdigit():
        value = int(raw)
    elif raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    elif raw.endswith("元"):
        try:
            value = parse_yuan(raw)
        except MoneyError as exc:
            raise BatchInputError(f"--set {name}：金额“{raw}”无效：{exc}") from None
    on = year = None
    if at:
        when = when.strip()
        try:
            if len(when) == 4 and when.isdigit():
                year = int(when)
            else:
                on = dt.date.fromisoformat(when)
        except ValueError:
            raise BatchInputError(
                f"--set {name}@{when}：@ 后应为日期（YYYY-MM-DD）或统计年度（YYYY）。"
            ) from None
    return SetValue(name.strip(), value, on, year)


def _apply_set(tree: ParameterTree, item: SetValue) -> ParameterTree:
    from ezhou_rules.core.params import AdminValue

    statistical = item.name in STATISTICAL_YEAR_PARAMETERS
    if statistical and item.year is None:
        raise BatchInputError(
            f"{item.name} 按统计年度取值（“上年度”即该年度的数值）：请写作 --set {item.name}@年度=取值，"
            f"如 --set {item.name}@2023=4000000（单位：分）或 @2023=40000元；也可用 --params 文件。"
        )
    if item.year is not None:
        if not statistical:
            raise BatchInputError(
                f"{item.name} 不是按统计年度取值的参数：请写作 --set {item.name}=取值（所有日期）"
                f"或 --set {item.name}@YYYY-MM-DD=取值（自该日起）。"
            )
        return tree.with_values(
            [AdminValue(item.name, dt.date(item.year, 1, 1), item.value, source="命令行 --set 取值")]
        )
    if item.on is not None:
        return tree.with_overrides({item.name: {item.on: item.value}})
    return tree.with_overrides({item.name: item.value})


def apply_parameters(tree: ParameterTree, params_file: Path | None, sets: list[str]) -> ParameterTree:
    """--params FILE.yaml: dated values of configurable parameters, a list of
    {name, valid_from, value, source}; --set: what-if values (第二十六条) or yearly statistics (see parse_set)."""
    import yaml

    from ezhou_rules.core.params import AdminValue, ParameterValueError, UnknownParameter

    try:
        if params_file is not None:
            try:
                entries = yaml.safe_load(params_file.read_text(encoding="utf-8")) or []
            except (OSError, yaml.YAMLError) as exc:
                raise BatchInputError(f"无法读取参数文件 {params_file}：{exc}") from None
            if not isinstance(entries, list):
                raise BatchInputError("参数文件应为列表，每项含 name、valid_from、value、source。")
            tree = tree.with_values(
                AdminValue(str(e["name"]), e["valid_from"], e["value"], source=str(e.get("source") or ""))
                for e in entries
            )
        for item in sets:
            tree = _apply_set(tree, parse_set(item))
    except (ParameterValueError, UnknownParameter, KeyError, TypeError) as exc:
        raise BatchInputError(f"参数设置有误：{exc}") from None
    return tree


def simulate(table: pa.Table, base: ParameterTree, what_if: ParameterTree) -> pa.Table:
    """第二十六条 adjustments: the year's claims settled under the current and the adjusted parameters, the
    aid (basic + tilted) summed by district (an optional `district` column, else 全市) and class."""
    now = settle_table(table, base)
    new = settle_table(table, what_if)
    rows = now.output
    district = (
        columns.text(rows.column("district")).to_numpy(zero_copy_only=False)
        if "district" in rows.column_names
        else np.full(rows.num_rows, "全市", dtype=object)
    )
    cls = columns.text(rows.column("person_class")).to_numpy(zero_copy_only=False)
    before = now.amounts["basic_aid"] + now.amounts["tilted_aid"]
    after = new.amounts["basic_aid"] + new.amounts["tilted_aid"]
    keys = sorted(set(zip(district, cls, strict=True)))
    out: dict[str, list[object]] = {
        "district": [],
        "person_class": [],
        "claims": [],
        "aid_now": [],
        "aid_what_if": [],
        "difference": [],
    }
    for d, c in keys:
        sel = (district == d) & (cls == c)
        b, a = int(before[sel].sum()), int(after[sel].sum())
        for name, value in (
            ("district", d),
            ("person_class", c),
            ("claims", int(sel.sum())),
            ("aid_now", b),
            ("aid_what_if", a),
            ("difference", a - b),
        ):
            out[name].append(value)
    return pa.table(
        {
            "district": pa.array(out["district"], pa.string()),
            "person_class": pa.array(out["person_class"], pa.string()),
            "claims": pa.array(out["claims"], pa.int64()),
            **{
                k: _signed_yuan_text(np.array(out[k], dtype=np.int64))
                for k in ("aid_now", "aid_what_if", "difference")
            },
        }
    )


def _signed_yuan_text(fen: np.ndarray) -> pa.Array:
    text = _yuan_text(np.abs(fen))
    return pc.if_else(pa.array(fen < 0), pc.binary_join_element_wise("-", text, ""), text)
