"""Reading and checking the columns of a claims file (鄂州政办发〔2022〕34号 batch settlement).

Two kinds of column arrive. CSV and Excel give text, which is checked as text (an amount is "1234.56", never a
float). Parquet may give typed columns — date32 dates, integer classes and levels, boolean flags, decimal
amounts with at most two places — which need no parsing: they are only range-checked, which is what makes a
year of a city's claims quick to settle. Any other type is read as its text and checked like CSV.

Every failed check names the row, the field and the rule; a row with any failure is not settled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ezhou_rules.core.params import ParameterNotSet, ParameterTree

from .claim_order import mix_words, shares_value
from .parameters_tree import DOCUMENT, statistical_year_value

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
# Optional: the settlement time of day (HH:MM or HH:MM:SS, or an Arrow time), which orders a person's claims
# of the same day (interpretation M1a).
TIME_COLUMN = "settle_time"
AMOUNTS = ("total_cost", "out_of_policy_cost", "policy_self_pay")
FLAGS = ("in_city", "in_province", "temporary_out_of_city", "tilted_approved")
FIRST_DAY = dt.date(2022, 10, 18)
INCOME = "income.per_capita_disposable"
DUPLICATE_RULE = "结算单号重复：同一结算单只能结算一次，重复的各行均不结算。"
MAX_FEN = 10**15  # 13 integer digits of yuan, as the text rule allows

Column: TypeAlias = Any  # a pyarrow Array or ChunkedArray (pyarrow ships no type hints)


def text(col: Column) -> pa.Array:
    """The column as trimmed text, a missing value as "" (so it fails the "not empty" rules, never passes)."""
    if pa.types.is_floating(col.type):
        # a float column cannot hold yuan exactly; its shortest text form is what the writer meant, if anything
        col = pc.cast(col, pa.string())
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    out = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    return pc.fill_null(out, "") if out.null_count else out


def _offsets(arr: pa.Array) -> npt.NDArray[np.int64]:
    """The n + 1 offsets of a string array's texts into its data buffer."""
    n = len(arr)
    return np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1].astype(np.int64)


def _valid(values: Column) -> npt.NDArray[np.bool_]:
    """Where a column has a value (no bitmap to unpack when it has no null)."""
    if not values.null_count:
        return np.ones(len(values), dtype=bool)
    return _bools(pc.is_valid(values))


def _empty(texts: pa.Array) -> npt.NDArray[np.bool_]:
    """Where a (non-null) text is "", from its offsets."""
    return np.diff(_offsets(texts)) == 0


def _bools(values: Column) -> npt.NDArray[np.bool_]:
    """A boolean Arrow result as numpy, null as False."""
    if values.null_count:
        values = pc.fill_null(values, False)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


class Errors:
    """The failed checks, kept as (rows, field, rule, column) until the error table is asked for: a file
    without errors never turns its text into Python objects."""

    def __init__(self, n: int, claim_ids: pa.Array) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.claim_ids = claim_ids
        self.parts: list[tuple[npt.NDArray[np.intp], str, str, Column]] = []

    def add(self, mask: npt.ArrayLike, field: str, rule: str, values: Column) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        self.parts.append((np.flatnonzero(mask), field, rule, values))

    def table(self) -> pa.Table:
        if not self.parts:
            return pa.table(
                {k: pa.array([], pa.string()) for k in ("claim_id", "field", "rule", "value")}
            ).add_column(0, "row", pa.array([], pa.int64()))
        rows, ids, fields, rules, values = [], [], [], [], []
        for idx, field, rule, col in self.parts:
            take = pa.array(idx)
            rows.append(idx + 2)  # the line number in a CSV with a header line
            ids += self.claim_ids.take(take).to_pylist()
            fields += [field] * len(idx)
            rules += [rule] * len(idx)
            shown = pc.cast(col.take(take), pa.string())
            values += ["" if v is None else v for v in shown.to_pylist()]
        row = np.concatenate(rows)
        order = np.argsort(row, kind="stable")
        return pa.table(
            {
                "row": pa.array(row[order]),
                "claim_id": pa.array(np.array(ids, dtype=object)[order].astype(str)),
                "field": pa.array(np.array(fields, dtype=object)[order].astype(str)),
                "rule": pa.array(np.array(rules, dtype=object)[order].astype(str)),
                "value": pa.array(np.array(values, dtype=object)[order].astype(str)),
            }
        )


def duplicated(ids: pa.Array) -> npt.NDArray[np.bool_]:
    """True for every row whose text occurs more than once. When every text fits one word of
    ``_fixed_width_words`` (7 bytes and its length) the word is the text, and sorting the words decides;
    otherwise a 64-bit fingerprint of each text is sorted and rows with equal fingerprints are compared
    exactly, so a fingerprint collision can never make two different claim numbers duplicates. The values
    are sorted first, not their positions (a quarter of an argsort's time on a million rows): a file without
    duplicates — the usual one — needs nothing more."""
    n = len(ids)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    arr = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    words = _fixed_width_words(arr)
    exact = words is not None and words.shape[1] == 1
    values = words[:, 0] if exact and words is not None else fingerprints(arr, words)
    ordered = np.sort(values)
    if not np.any(ordered[1:] == ordered[:-1]):
        return out
    order = np.argsort(values, kind="quicksort")  # some value is shared: which rows hold one
    rows = order[shares_value(values[order])]
    if exact:
        out[rows] = True
        return out
    sub = arr.take(pa.array(rows))  # the few rows whose fingerprint is shared: settle the question exactly
    counts = pc.value_counts(sub)
    dup_values = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(dup_values):
        out[rows] = _bools(pc.is_in(sub, dup_values))
    return out


def fingerprints(ids: Column, words: npt.NDArray[np.uint64] | None = None) -> npt.NDArray[np.uint64]:
    """A 64-bit fingerprint of each text, the same in every process and on every machine (Python's hash() is
    salted per process): the distributed batch sends a person's claims to one partition by it. Equal texts
    have equal fingerprints; unequal texts almost never do, and every use compares the texts exactly after.
    ``words``: the texts' ``_fixed_width_words`` when the caller already has them."""
    arr = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    if words is None:
        words = _fixed_width_words(arr)
    if words is None:  # some text longer than 64 bytes: a keyed-free BLAKE2b of each distinct text
        import hashlib

        encoded = pc.dictionary_encode(pc.cast(arr, pa.string()))
        table = np.array(
            [
                int.from_bytes(hashlib.blake2b((v or "").encode(), digest_size=8).digest(), "little")
                for v in encoded.dictionary.to_pylist()
            ],
            dtype=np.uint64,
        )
        return table[encoded.indices.to_numpy(zero_copy_only=False)]
    return mix_words(words)


# _fixed_width_words: the bits of a word kept for a text with b bytes left in it (b = 0 … 8)
_KEEP = np.array([(1 << (8 * b)) - 1 for b in range(9)], dtype=np.uint64)


def _fixed_width_words(ids: pa.Array, max_width: int = 64) -> npt.NDArray[np.uint64] | None:
    """The UTF-8 bytes of each text, zero-padded to a common width, as rows of little-endian uint64 words;
    the length is put in the last byte so "A" and "A\\0" differ (equal rows ⇔ equal texts). None when a text
    is longer than ``max_width`` bytes. Each word is a contiguous column (the array is column-major)."""
    arr = pc.cast(ids, pa.string())
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    lengths = np.diff(offsets)
    width = int(lengths.max()) if n else 0
    if width > max_width:
        return None
    k = width // 8 + 1  # at least one spare byte for the length
    words = np.empty((k, n), dtype=np.uint64).T
    if width == 0:  # no text has a byte (or there is none)
        words[:] = 0
        return words
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if arr.buffers()[2] else np.zeros(0, np.uint8)
    first = offsets[:-1]
    # Word j of every text is one gather through an unaligned view (element i = the 8 bytes from byte i),
    # read in place from the column's buffer; only the last texts, whose 8·k bytes would run past its end,
    # are read from a zero-padded copy of the buffer's tail. Few temporaries: fresh memory is faulted in
    # page by page, and on a million texts that cost more than the reads themselves (issue 15).
    inside = int(np.searchsorted(first, len(data) - 8 * k, side="right"))
    tail_from = int(first[inside]) if inside < n else len(data)
    tail = np.zeros(len(data) - tail_from + 8 * k, dtype=np.uint8)
    tail[: len(data) - tail_from] = data[tail_from:]
    parts = [(slice(0, inside), data, 0), (slice(inside, n), tail, tail_from)]
    mask = np.empty(n, dtype=np.uint64)
    for j in range(k):
        # the bytes past a text's end belong to the next text: masked off
        np.take(_KEEP, np.clip(lengths - 8 * j, 0, 8) if k > 1 else lengths, out=mask)
        for rows, buffer, base in parts:
            if len(buffer) >= 8 and rows.start < rows.stop:
                window = np.ndarray((len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))
                at = first[rows] if base == 0 and j == 0 else first[rows] - (base - 8 * j)
                words[rows, j] = window[at]
        words[:, j] &= mask
    mask[:] = lengths
    mask <<= np.uint64(56)
    words[:, -1] |= mask
    return words


def person_words(person: pa.Array) -> npt.NDArray[np.uint64]:
    """One row of uint64 words per row, equal exactly when the person numbers are equal (the identity
    ``claim_order.settlement_order`` groups by): the fixed-width words of the text, or — when some number is
    longer than 64 bytes — the code of the text in Arrow's dictionary of the column, as a single word."""
    words = _fixed_width_words(person)
    if words is not None:
        return words
    codes = pc.dictionary_encode(person).indices.to_numpy(zero_copy_only=False)
    return codes.astype(np.uint64).reshape(-1, 1)


@dataclass
class Parsed:
    """The checked columns of a file, aligned with its rows (values of bad rows are placeholders)."""

    errors: Errors
    claim_ids: pa.Array
    person: pa.Array  # the person numbers as trimmed text (person_words gives the grouping identity)
    days: npt.NDArray[np.int64]  # days since 1970-01-01
    person_class: npt.NDArray[np.int8]
    inpatient: npt.NDArray[np.bool_]
    hospital_level: npt.NDArray[np.int8]
    flags: dict[str, npt.NDArray[np.bool_]]
    fen: dict[str, npt.NDArray[np.int64]]
    seconds: npt.NDArray[np.int64] | None  # settlement time of day, when the file has the column
    has_time: npt.NDArray[np.bool_] | None


def _fen(col: Column) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], Column]:
    """Yuan → (fen, ok, the column to show in errors). Non-negative, at most 13 integer digits, 2 decimals."""
    if pa.types.is_decimal(col.type) and col.type.scale <= 2:
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        same = pa.types.is_decimal128(col.type) and col.type.scale == 2 and col.type.precision <= 18
        scaled = (
            arr if same else pc.cast(arr, pa.decimal128(max(col.type.precision - col.type.scale + 2, 3), 2))
        )
        fen = _unscaled(scaled)
        ok = (fen >= 0) & (fen < MAX_FEN)
        if arr.null_count:
            ok &= _valid(arr)
        return (fen if ok.all() else np.where(ok, fen, 0)), ok, arr
    t = text(col)
    ok = _bools(pc.match_substring_regex(t, r"^\d{1,13}(\.\d{1,2})?$"))
    dec = pc.cast(pc.if_else(pa.array(ok), t, "0"), pa.decimal128(18, 2))
    return _unscaled(dec), ok, t


def _unscaled(dec: pa.Array) -> npt.NDArray[np.int64]:
    """A decimal128 array with scale 2 → its unscaled values (fen). The values here are below 10^15, so the low
    64-bit word of each little-endian 128-bit integer is the whole number."""
    if not isinstance(dec, pa.Array):
        dec = dec.combine_chunks()
    dec = pc.cast(dec, pa.decimal128(18, 2)) if dec.type.precision > 18 else dec
    words = np.frombuffer(dec.buffers()[1], dtype=np.int64)[2 * dec.offset : 2 * (dec.offset + len(dec))]
    return words[::2].copy()


def _dates(col: Column) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], Column]:
    """A date32 column or YYYY-MM-DD text → (days since 1970-01-01, ok, shown); 2024-02-30 is not a date."""
    if pa.types.is_date32(col.type):
        ok = _valid(col)
        days = pc.fill_null(pc.cast(col, pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        return days, ok, col
    t = text(col)
    shape = _bools(pc.match_substring_regex(t, r"^\d{4}-\d{2}-\d{2}$"))
    safe = pc.if_else(pa.array(shape), t, "2000-01-01")
    try:
        days = pc.cast(pc.cast(safe, pa.date32()), pa.int32()).to_numpy().astype(np.int64)
        return days, shape, t
    except pa.ArrowInvalid:  # some well-shaped text is not a real date: find which, row by row in arrow
        parsed = pc.strptime(safe, "%Y-%m-%d", "s", error_is_null=True)
        as_date = pc.cast(parsed, pa.date32())
        back = pc.strftime(as_date, "%Y-%m-%d")
        ok = _bools(pc.and_(pa.array(shape), pc.equal(back, safe)))
        days = pc.fill_null(pc.cast(as_date, pa.int32()), 0).to_numpy().astype(np.int64)
        return np.where(ok, days, 0), ok, t


def _flag(col: Column) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], Column]:
    if pa.types.is_boolean(col.type):
        return _bools(col), _valid(col), col
    t = text(col)
    low = pc.utf8_lower(t)
    true = _bools(pc.is_in(low, pa.array(["true", "1"])))
    false = _bools(pc.is_in(low, pa.array(["false", "0"])))
    return true, true | false, t


def _small_int(
    col: Column, allowed: tuple[int, ...]
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_], Column]:
    """An integer column or its text → (value, ok) with ok = one of ``allowed``."""
    if pa.types.is_integer(col.type):
        values = np.asarray(pc.fill_null(col, 0).to_numpy(zero_copy_only=False))
        # a few numpy comparisons against the short list: a third of the time of Arrow's is_in (a hash table)
        ok = np.isin(values, allowed)
        if col.null_count:
            ok &= _valid(col)
        return np.where(ok, values, allowed[0]).astype(np.int8), ok, col
    t = text(col)
    ok = _bools(pc.is_in(t, pa.array([str(a) for a in allowed])))
    safe = pc.if_else(pa.array(ok), t, str(allowed[0]))
    return pc.cast(safe, pa.int8()).to_numpy(zero_copy_only=False), ok, t


def _kind(col: Column) -> tuple[Column, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """kind → (shown, inpatient, ok). A dictionary column (Parquet's usual form of a two-value text) is
    checked once per distinct value, not once per row."""
    if pa.types.is_dictionary(col.type):
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        values = text(arr.dictionary)
        inpatient_value = _bools(pc.equal(values, "inpatient"))
        ok_value = inpatient_value | _bools(pc.equal(values, "chronic_outpatient"))
        codes = pc.fill_null(arr.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        present = codes >= 0
        safe = np.where(present, codes, 0)
        if len(values) == 0:
            return arr, np.zeros(len(arr), bool), np.zeros(len(arr), bool)
        return arr, inpatient_value[safe] & present, ok_value[safe] & present
    kind = text(col)
    inpatient = _bools(pc.equal(kind, "inpatient"))
    return kind, inpatient, inpatient | _bools(pc.equal(kind, "chronic_outpatient"))


def _times(col: Column) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_], Column]:
    """settle_time → (seconds of the day, present, ok). An empty value is allowed (no time: the claim number
    orders that day, M1a); HH:MM or HH:MM:SS otherwise."""
    if pa.types.is_time(col.type):
        present = _valid(col)
        unit = {"s": 1, "ms": 1000, "us": 10**6, "ns": 10**9}[col.type.unit]
        raw = pc.fill_null(pc.cast(col, pa.int64() if col.type.bit_width == 64 else pa.int32()), 0)
        return (
            raw.to_numpy(zero_copy_only=False).astype(np.int64) // unit,
            present,
            np.ones_like(present),
            col,
        )
    t = text(col)
    present = _bools(pc.not_equal(t, ""))
    parts = pc.extract_regex(t, r"^(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")
    ok = ~present | _bools(pc.is_valid(parts))
    seconds = np.zeros(len(t), dtype=np.int64)
    good = present & ok
    if good.any():
        fields = {k: pc.fill_null(parts.field(k), "0") for k in ("h", "m", "s")}
        for k, mult in (("h", 3600), ("m", 60), ("s", 1)):
            f = pc.if_else(pc.equal(fields[k], ""), "0", fields[k])
            seconds += pc.cast(f, pa.int64()).to_numpy(zero_copy_only=False) * mult
        seconds = np.where(good, seconds, 0)
    return seconds, present & ok, ok, t


def parse(
    table: pa.Table, tree: ParameterTree, *, check_duplicates: bool = True, check_parameters: bool = True
) -> Parsed:
    """Check every column of every row (errors collected, nothing raised for a row). The distributed batch
    checks one file at a time and leaves out the two checks that need every file: duplicate claim numbers
    and the person-years that lack a parameter (it makes them after its shuffle)."""
    n = table.num_rows
    claim_ids = text(table.column("claim_id"))
    person = text(table.column("person_id"))
    err = Errors(n, claim_ids)
    err.add(_empty(claim_ids), "claim_id", "结算单号不能为空。", claim_ids)
    err.add(_empty(person), "person_id", "人员编号不能为空。", person)
    err.add(
        duplicated(claim_ids) if check_duplicates else np.zeros(n, dtype=bool),
        "claim_id",
        DUPLICATE_RULE,
        claim_ids,
    )

    cls, cls_ok, shown = _small_int(table.column("person_class"), (1, 2, 3, 4))
    err.add(~cls_ok, "person_class", f"救助类别应为 1—4（{DOCUMENT} 第四条）。", shown)
    kind, inpatient, kind_ok = _kind(table.column("kind"))
    err.add(~kind_ok, "kind", f"类别应为 inpatient 或 chronic_outpatient（{DOCUMENT} 第十一条）。", kind)
    level, level_ok, shown = _small_int(table.column("hospital_level"), (1, 2, 3))
    err.add(~level_ok, "hospital_level", "医疗机构级别应为 1、2 或 3。", shown)

    days, date_ok, shown = _dates(table.column("settle_date"))
    err.add(~date_ok, "settle_date", "结算日期应为有效日期，格式 YYYY-MM-DD。", shown)
    early = date_ok & (days < (FIRST_DAY - dt.date(1970, 1, 1)).days)
    err.add(early, "settle_date", f"结算日期早于本办法印发日期（{DOCUMENT}，2022年10月18日）。", shown)

    seconds = has_time = None
    if TIME_COLUMN in table.column_names:
        seconds, has_time, time_ok, shown = _times(table.column(TIME_COLUMN))
        err.add(~time_ok, TIME_COLUMN, "结算时间应为 HH:MM 或 HH:MM:SS（可留空）。", shown)

    flags: dict[str, npt.NDArray[np.bool_]] = {}
    flag_text: dict[str, Column] = {}
    for c in FLAGS:
        flags[c], ok, flag_text[c] = _flag(table.column(c))
        err.add(~ok, c, "应为 true 或 false。", flag_text[c])
    fen: dict[str, npt.NDArray[np.int64]] = {}
    shown_amount: dict[str, Column] = {}
    amounts_ok = np.ones(n, dtype=bool)
    for c in AMOUNTS:
        fen[c], ok, shown_amount[c] = _fen(table.column(c))
        err.add(~ok, c, "金额应为不小于零的数字（元），最多两位小数。", shown_amount[c])
        amounts_ok &= ok
    err.add(
        amounts_ok & (fen["out_of_policy_cost"] > fen["total_cost"]),
        "out_of_policy_cost",
        f"政策范围外费用不能超过医疗总费用（{DOCUMENT} 第十三条第三款）。",
        shown_amount["out_of_policy_cost"],
    )
    err.add(
        amounts_ok & (fen["policy_self_pay"] > fen["total_cost"] - fen["out_of_policy_cost"]),
        "policy_self_pay",
        "政策范围内个人自付不能超过政策范围内费用（总费用减政策范围外费用）。",
        shown_amount["policy_self_pay"],
    )
    err.add(
        flags["in_city"] & ~flags["in_province"],
        "in_province",
        "市域内医疗机构必然在省域内。",
        flag_text["in_province"],
    )
    err.add(
        flags["in_city"] & flags["temporary_out_of_city"],
        "temporary_out_of_city",
        f"临时外出就医指到市外定点医疗机构治疗（{DOCUMENT} 第十三条第二款）。",
        flag_text["temporary_out_of_city"],
    )
    if check_parameters:
        missing_parameters(err, tree, days, flags, flag_text["tilted_approved"], person)
    return Parsed(
        errors=err,
        claim_ids=claim_ids,
        person=person,
        days=days,
        person_class=cls,
        inpatient=inpatient,
        hospital_level=level,
        flags=flags,
        fen=fen,
        seconds=seconds,
        has_time=has_time,
    )


def missing_parameters(
    err: Errors,
    tree: ParameterTree,
    days: npt.NDArray[np.int64],
    flags: dict[str, npt.NDArray[np.bool_]],
    tilted_shown: Column,
    person: Column,
) -> None:
    """Tilted aid (第十二条) in year Y needs the per-capita disposable income of Y − 1. When it is not set,
    the rows that need it fail, and so does every other row of the same person-year: a year's claims are
    settled in order against one deductible and one cap, so settling the rest without them would pay too
    much. Person-years and years that do not need the value are settled as usual."""
    need = flags["tilted_approved"] & flags["in_province"] & ~err.bad
    if not need.any():
        return
    # the years of the rows that need the value first: in the usual file every one of them is set, and the
    # whole column's years and the persons' codes are never computed
    needed_years = np.unique(_years(days[need]))
    missing = []
    for year in needed_years:
        try:
            statistical_year_value(tree, INCOME, int(year) - 1)
        except ParameterNotSet:
            missing.append(int(year))
    if not missing:
        return
    years = _years(days)
    person_codes = pc.dictionary_encode(person).indices.to_numpy(zero_copy_only=False)
    for year in missing:
        here = need & (years == year)
        how = f"请用 --params 参数文件或 --set {INCOME}@{year - 1}=金额 提供（{DOCUMENT} 第十二条）。"
        err.add(
            here,
            "tilted_approved",
            f"倾斜救助需要参数 {INCOME}（鄂州市居民人均可支配收入，{year - 1}年度），尚未录入：{how}",
            tilted_shown,
        )
        same_year = np.isin(person_codes, np.unique(person_codes[here])) & (years == year)
        err.add(
            same_year & ~here & ~err.bad,
            "person_id",
            f"同一人员{year}年度的结算单按顺序累计结算；该年度有结算单缺少参数 {INCOME}"
            f"（{year - 1}年度），本行一并不结算。{how}",
            person,
        )


def _years(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Calendar years of days since 1970-01-01."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
