"""File-to-file settlement of a year of claims (CSV or Parquet) through the vectorised kernel.

Input columns: claim_id, person_id, person_class (1-4), settle_date (YYYY-MM-DD), kind
(inpatient|chronic_outpatient), hospital_level (1|2|3), in_city, in_province, temporary_out_of_city,
tilted_approved (true|false), total_cost, out_of_policy_cost, policy_self_pay (yuan, up to 2 decimals).

Rows that fail validation go to an error table (row number, claim_id, field, rule, value) and are not
settled; the other rows are settled in (settle_date, claim_id) order within each person and written in
their input order with basic_aid, tilted_aid, hospital_borne, remaining_deductible, remaining_cap (yuan).
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

from ezhou_rules.core.params import ParameterNotSet, ParameterTree

from .parameters_tree import DOCUMENT, STATISTICAL_YEAR_PARAMETERS, statistical_year_value
from .settlement import Claims, Settled, settle

INPUT_COLUMNS = (
    "claim_id",
    "person_id",
    "person_class",
    "settle_date",
    "kind",
    "hospital_level",
    "in_city",
    "in_province",
    "temporary_out_of_city",
    "tilted_approved",
    "total_cost",
    "out_of_policy_cost",
    "policy_self_pay",
)
AMOUNTS = ("total_cost", "out_of_policy_cost", "policy_self_pay")
FLAGS = ("in_city", "in_province", "temporary_out_of_city", "tilted_approved")
OUTPUT_COLUMNS = ("basic_aid", "tilted_aid", "hospital_borne", "remaining_deductible", "remaining_cap")
FIRST_DAY = dt.date(2022, 10, 18)

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
                column_types={c: pa.string() for c in INPUT_COLUMNS}, strings_can_be_null=False
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
            pq.write_table(table, f)
        else:
            pacsv.write_csv(table, f)


def _yuan_decimal(fen: np.ndarray) -> pa.Array:
    """Fen → decimal128(18, 2) without going through text: the unscaled value is the amount in fen."""
    fen = np.ascontiguousarray(fen, dtype=np.int64)
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = np.where(fen < 0, -1, 0)  # sign extension into the high word
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(fen), [None, pa.py_buffer(words.tobytes())])


def _text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_floating(col.type):
        # a float column cannot hold yuan exactly; its shortest text form is what the writer meant, if anything
        col = pc.cast(col, pa.string())
    return pc.utf8_trim_whitespace(pc.cast(col, pa.string()))


def _fen(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Yuan text → (fen int64, ok). Non-negative, at most 13 integer digits and 2 decimals."""
    ok = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,13}(\.\d{1,2})?$"), False)
    dec = pc.cast(pc.if_else(ok, text, "0"), pa.decimal128(18, 2)).combine_chunks()
    # a decimal128(18, 2) stores the unscaled value, i.e. the amount in fen, as a 128-bit little-endian
    # integer; the values here are below 10^15, so the low 64 bits are the whole number
    words = np.frombuffer(dec.buffers()[1], dtype=np.int64)[2 * dec.offset : 2 * (dec.offset + len(dec))]
    return words[::2].copy(), ok.to_numpy(zero_copy_only=False)


def _dates(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """YYYY-MM-DD → (days since 1970-01-01, ok); 2024-02-30 is not a date."""
    shape = pc.fill_null(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$"), False)
    safe = pc.if_else(shape, text, "2000-01-01")
    try:
        days = pc.cast(pc.cast(safe, pa.date32()), pa.int32()).to_numpy().astype(np.int64)
        return days, shape.to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # some well-shaped text is not a real date: find which, row by row in arrow
        parsed = pc.strptime(safe, "%Y-%m-%d", "s", error_is_null=True)
        as_date = pc.cast(parsed, pa.date32())
        back = pc.strftime(as_date, "%Y-%m-%d")
        ok = pc.fill_null(pc.and_(shape, pc.equal(back, safe)), False).to_numpy(zero_copy_only=False)
        days = pc.fill_null(pc.cast(as_date, pa.int32()), 0).to_numpy().astype(np.int64)
        return np.where(ok, days, 0), ok


def _flag(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    low = pc.utf8_lower(text)
    true = pc.fill_null(pc.is_in(low, pa.array(["true", "1"])), False).to_numpy(zero_copy_only=False)
    false = pc.fill_null(pc.is_in(low, pa.array(["false", "0"])), False).to_numpy(zero_copy_only=False)
    return true, true | false


def _yuan_text(fen: np.ndarray) -> pa.Array:
    """Non-negative fen → "1234.56"."""
    arr = pa.array(fen, type=pa.int64())
    yuan = pc.cast(pc.divide(arr, 100), pa.string())
    cents = pc.utf8_lpad(
        pc.cast(pc.subtract(arr, pc.multiply(pc.divide(arr, 100), 100)), pa.string()), 2, "0"
    )
    return pc.binary_join_element_wise(yuan, cents, ".")


def _small_int(text: pa.ChunkedArray, ok: np.ndarray) -> np.ndarray:
    safe = pc.if_else(pa.array(ok), text.combine_chunks(), "1")
    return pc.cast(safe, pa.int8()).to_numpy(zero_copy_only=False)


class _Errors:
    def __init__(self, n: int, claim_ids: np.ndarray) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.claim_ids = claim_ids
        self.parts: list[tuple[np.ndarray, str, str, np.ndarray]] = []

    def add(self, mask: np.ndarray, field: str, rule: str, values: pa.ChunkedArray | np.ndarray) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        vals = values.to_numpy(zero_copy_only=False) if isinstance(values, pa.ChunkedArray) else values
        self.bad |= mask
        self.parts.append((idx, field, rule, np.asarray(vals, dtype=object)[idx]))

    def table(self) -> pa.Table:
        rows, ids, fields, rules, values = [], [], [], [], []
        for idx, field, rule, vals in self.parts:
            rows.append(idx + 2)  # the line number in a CSV with a header line
            ids.append(self.claim_ids[idx])
            fields += [field] * len(idx)
            rules += [rule] * len(idx)
            values.append(vals)
        if not rows:
            return pa.table(
                {k: pa.array([], pa.string()) for k in ("claim_id", "field", "rule", "value")}
            ).add_column(0, "row", pa.array([], pa.int64()))
        row = np.concatenate(rows)
        order = np.argsort(row, kind="stable")
        return pa.table(
            {
                "row": pa.array(row[order]),
                "claim_id": pa.array(np.concatenate(ids)[order].astype(str)),
                "field": pa.array(np.array(fields, dtype=object)[order].astype(str)),
                "rule": pa.array(np.array(rules, dtype=object)[order].astype(str)),
                "value": pa.array([str(v) for v in np.concatenate(values)[order]]),
            }
        )


Kernel = Callable[[Claims, ParameterTree], Settled]

INCOME = "income.per_capita_disposable"


def _missing_parameters(
    err: _Errors,
    tree: ParameterTree,
    person_codes: np.ndarray,
    days: np.ndarray,
    flags: dict[str, np.ndarray],
    text: dict[str, pa.ChunkedArray],
) -> None:
    """Tilted aid (第十二条) in year Y needs the per-capita disposable income of Y − 1. When it is not set,
    the rows that need it fail, and so does every other row of the same person-year: a year's claims are
    settled in order against one deductible and one cap, so settling the rest without them would pay too
    much. Person-years and years that do not need the value are settled as usual."""
    need = flags["tilted_approved"] & flags["in_province"] & ~err.bad
    if not need.any():
        return
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    for year in np.unique(years[need]):
        try:
            statistical_year_value(tree, INCOME, int(year) - 1)
        except ParameterNotSet:
            pass
        else:
            continue
        here = need & (years == year)
        how = f"请用 --params 参数文件或 --set {INCOME}@{int(year) - 1}=金额 提供（{DOCUMENT} 第十二条）。"
        err.add(
            here,
            "tilted_approved",
            f"倾斜救助需要参数 {INCOME}（鄂州市居民人均可支配收入，{int(year) - 1}年度），尚未录入：{how}",
            text["tilted_approved"],
        )
        same_year = np.isin(person_codes, np.unique(person_codes[here])) & (years == year)
        err.add(
            same_year & ~here & ~err.bad,
            "person_id",
            f"同一人员{int(year)}年度的结算单按顺序累计结算；该年度有结算单缺少参数 {INCOME}"
            f"（{int(year) - 1}年度），本行一并不结算。{how}",
            text["person_id"],
        )


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
    text = {c: _text(table.column(c)) for c in INPUT_COLUMNS}
    claim_ids = text["claim_id"].to_numpy(zero_copy_only=False)
    err = _Errors(n, claim_ids)

    err.add(
        pc.equal(text["claim_id"], "").to_numpy(zero_copy_only=False),
        "claim_id",
        "结算单号不能为空。",
        text["claim_id"],
    )
    err.add(
        pc.equal(text["person_id"], "").to_numpy(zero_copy_only=False),
        "person_id",
        "人员编号不能为空。",
        text["person_id"],
    )
    counts = pc.value_counts(text["claim_id"])
    dup_values = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    err.add(
        pc.is_in(text["claim_id"], dup_values).to_numpy(zero_copy_only=False),
        "claim_id",
        "结算单号重复：同一结算单只能结算一次，重复的各行均不结算。",
        text["claim_id"],
    )
    cls_ok = pc.is_in(text["person_class"], pa.array(["1", "2", "3", "4"])).to_numpy(zero_copy_only=False)
    err.add(~cls_ok, "person_class", f"救助类别应为 1—4（{DOCUMENT} 第四条）。", text["person_class"])
    kind_ok = pc.is_in(text["kind"], pa.array(["inpatient", "chronic_outpatient"])).to_numpy(
        zero_copy_only=False
    )
    err.add(
        ~kind_ok, "kind", f"类别应为 inpatient 或 chronic_outpatient（{DOCUMENT} 第十一条）。", text["kind"]
    )
    level_ok = pc.is_in(text["hospital_level"], pa.array(["1", "2", "3"])).to_numpy(zero_copy_only=False)
    err.add(~level_ok, "hospital_level", "医疗机构级别应为 1、2 或 3。", text["hospital_level"])

    days, date_ok = _dates(text["settle_date"])
    err.add(~date_ok, "settle_date", "结算日期应为有效日期，格式 YYYY-MM-DD。", text["settle_date"])
    early = date_ok & (days < (FIRST_DAY - dt.date(1970, 1, 1)).days)
    err.add(
        early,
        "settle_date",
        f"结算日期早于本办法印发日期（{DOCUMENT}，2022年10月18日）。",
        text["settle_date"],
    )

    flags = {}
    for c in FLAGS:
        value, ok = _flag(text[c])
        err.add(~ok, c, "应为 true 或 false。", text[c])
        flags[c] = value
    fen = {}
    amounts_ok = np.ones(n, dtype=bool)
    for c in AMOUNTS:
        value, ok = _fen(text[c])
        err.add(~ok, c, "金额应为不小于零的数字（元），最多两位小数。", text[c])
        fen[c] = value
        amounts_ok &= ok
    err.add(
        amounts_ok & (fen["out_of_policy_cost"] > fen["total_cost"]),
        "out_of_policy_cost",
        f"政策范围外费用不能超过医疗总费用（{DOCUMENT} 第十三条第三款）。",
        text["out_of_policy_cost"],
    )
    err.add(
        amounts_ok & (fen["policy_self_pay"] > fen["total_cost"] - fen["out_of_policy_cost"]),
        "policy_self_pay",
        "政策范围内个人自付不能超过政策范围内费用（总费用减政策范围外费用）。",
        text["policy_self_pay"],
    )
    err.add(
        flags["in_city"] & ~flags["in_province"],
        "in_province",
        "市域内医疗机构必然在省域内。",
        text["in_province"],
    )
    err.add(
        flags["in_city"] & flags["temporary_out_of_city"],
        "temporary_out_of_city",
        f"临时外出就医指到市外定点医疗机构治疗（{DOCUMENT} 第十三条第二款）。",
        text["temporary_out_of_city"],
    )
    person_codes = pc.dictionary_encode(text["person_id"].combine_chunks()).indices.to_numpy(
        zero_copy_only=False
    )
    _missing_parameters(err, tree, person_codes, days, flags, text)
    step("校验完成")

    good = np.flatnonzero(~err.bad)
    # sort the good rows by (person, settle_date, claim_id)
    keyed = pa.table(
        {
            "p": pa.array(person_codes[good]),
            "d": pa.array(days[good]),
            "c": text["claim_id"].combine_chunks().take(pa.array(good)),
        }
    )
    order = good[
        pc.sort_indices(keyed, [("p", "ascending"), ("d", "ascending"), ("c", "ascending")]).to_numpy()
    ]
    claims = Claims(
        person=person_codes[order].astype(np.int64),
        settle_date=days[order].astype("datetime64[D]"),
        person_class=_small_int(text["person_class"], cls_ok)[order],
        inpatient=pc.equal(text["kind"], "inpatient").to_numpy(zero_copy_only=False)[order],
        hospital_level=_small_int(text["hospital_level"], level_ok)[order],
        in_city=flags["in_city"][order],
        in_province=flags["in_province"][order],
        temporary_out_of_city=flags["temporary_out_of_city"][order],
        tilted_approved=flags["tilted_approved"][order],
        total_cost=fen["total_cost"][order],
        out_of_policy_cost=fen["out_of_policy_cost"][order],
        policy_self_pay=fen["policy_self_pay"][order],
    )
    result = kernel(claims, tree)
    step("结算完成")

    # back to input order
    back_order = np.argsort(order, kind="stable")
    kept = table if len(good) == n else table.take(pa.array(good))
    amounts = {name: getattr(result, name)[back_order] for name in OUTPUT_COLUMNS}
    return BatchResult(output=kept, amounts=amounts, errors=err.table(), settled=len(order))


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
        _text(rows.column("district")).to_numpy(zero_copy_only=False)
        if "district" in rows.column_names
        else np.full(rows.num_rows, "全市", dtype=object)
    )
    cls = _text(rows.column("person_class")).to_numpy(zero_copy_only=False)
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
