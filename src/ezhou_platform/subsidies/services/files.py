"""Reading a data holder's table (CSV in UTF-8 or GB18030, or the first sheet of an .xlsx): the header row names
the columns by their Chinese label (or their English name), blank rows are skipped, and every row keeps its
number in the file so an error names the row the clerk sees."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ezhou_platform.jobs import files
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


def read_table(path: Path, fields: Sequence[Field]) -> Table:
    """The rows of the file (read by the platform's ``jobs.files.read_table``) as {field name: raw value};
    FileUnreadable if the file cannot be read or a required column is missing."""
    try:
        header, raw = files.read_table(path)
    except files.TableUnreadable as exc:
        raise FileUnreadable(str(exc)) from exc
    index: dict[str, int] = {}
    for f in fields:
        for name in (f.label, f.name):
            if name in header:
                index[f.name] = header.index(name)
                break
    missing = [f.label for f in fields if f.required and f.name not in index]
    if missing:
        raise FileUnreadable(f"第1行表头缺少列：{'、'.join(missing)}（请使用下载的模板）。")
    rows = [
        {name: (values[i] if i < len(values) else None) for name, i in index.items()} for _, values in raw
    ]
    return Table(rows, [number for number, _ in raw])


def template_rows(fields: Sequence[Field]) -> list[str]:
    """The header of a file template: the Chinese labels in the fields' order."""
    return [f.label for f in fields]
