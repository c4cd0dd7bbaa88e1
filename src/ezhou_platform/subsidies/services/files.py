"""Reading a data holder's table (CSV in UTF-8 or GB18030, or the first sheet of an .xlsx): the header row names
the columns by their Chinese label (or their English name), blank rows are skipped, and every row keeps its
number in the file so an error names the row the clerk sees."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ezhou_rules.subsidies.errors import RowError
from ezhou_rules.subsidies.fields import Field


class FileUnreadable(ValueError):
    """The file cannot be read as the expected table at all (format, encoding, header)."""


@dataclass
class Table:
    rows: list[dict[str, Any]]
    numbers: list[int]  # the row number in the file of each row (the header is row 1)

    def __len__(self) -> int:
        return len(self.rows)

    def renumber(self, errors: Sequence[RowError], first_row: int = 2) -> list[RowError]:
        """Errors of ``parse_rows(…, first_row=2)`` with the rows' numbers in the file (blank rows skipped)."""
        return [dataclasses.replace(e, row=self.numbers[e.row - first_row]) for e in errors]


def _cells(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise FileUnreadable(f"文件无法作为Excel工作簿读取（{type(exc).__name__}）。") from exc
        try:
            return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return [list(r) for r in csv.reader(io.StringIO(data.decode(encoding)))]
            except UnicodeDecodeError:
                continue
        raise FileUnreadable("CSV文件编码无法识别：请保存为UTF-8编码。")
    raise FileUnreadable("文件格式不支持：请上传 CSV 或 Excel（.xlsx）文件。")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(path: Path, fields: Sequence[Field]) -> Table:
    """The rows of the file as {field name: raw value}; FileUnreadable if a required column is missing."""
    raw = _cells(path)
    if not raw:
        raise FileUnreadable("文件是空的：第1行应为表头。")
    header = ["" if c is None else str(c).strip() for c in raw[0]]
    index: dict[str, int] = {}
    for f in fields:
        for name in (f.label, f.name):
            if name in header:
                index[f.name] = header.index(name)
                break
    missing = [f.label for f in fields if f.required and f.name not in index]
    if missing:
        raise FileUnreadable(f"第1行表头缺少列：{'、'.join(missing)}（请使用下载的模板）。")
    rows, numbers = [], []
    for number, values in enumerate(raw[1:], start=2):
        if all(_blank(v) for v in values):
            continue
        rows.append({name: (values[i] if i < len(values) else None) for name, i in index.items()})
        numbers.append(number)
    return Table(rows, numbers)


def template_rows(fields: Sequence[Field]) -> list[str]:
    """The header of a file template: the Chinese labels in the fields' order."""
    return [f.label for f in fields]
