"""Excel exports of lists: one helper, so every list's “导出Excel” link gives the same kind of file.

Two ways to call it, the same cells either way:

    return xlsx_response("settlements-2024.xlsx", [Sheet("结算记录", header, rows)])      # one or more sheets
    return xlsx_response("rental-applications.xlsx", "申请", header, rows, text_columns={0})  # one sheet

Cells by the Python type of the value: ``str`` is a text cell (number format "@"), so IDs and codes —
18-digit ID numbers, claim and statistical codes — stay exactly as written (Excel would show 4.20704E+17 and
drop leading zeros, also when the cell is edited later); a column listed in ``text_columns`` is text whatever
its values (a numeric 编号 kept as written); ``int``, ``float`` and ``Decimal`` are numbers (amounts: pass yuan
as Decimal, shown with two decimals; never fen floats); ``date``/``datetime`` is a date cell shown as
2026年12月1日 (the platform's one date format); None is empty; ``bool`` is 是/否.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TYPE = XLSX
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    # 0-based columns written as text whatever the type of their values.
    text_columns: Collection[int] = field(default_factory=frozenset)


def _sheets(
    sheets: Sequence[Sheet] | Sheet | str,
    header: Sequence[str] | None,
    rows: Iterable[Sequence[Any]] | None,
    text_columns: Iterable[int],
) -> Sequence[Sheet]:
    if isinstance(sheets, str):  # the one-sheet form: title, header, rows
        return [Sheet(sheets, header or [], rows or [], frozenset(text_columns))]
    if isinstance(sheets, Sheet):
        return [sheets]
    return sheets


def _write(cell: Any, value: Any, as_text: bool) -> None:
    if value is None:
        if as_text:
            cell.number_format = "@"
        return
    if as_text:
        cell.value = str(value)
        cell.number_format = "@"
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "#,##0.00"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = str(value)
        cell.number_format = "@"  # text: IDs and codes as written


def xlsx_bytes(
    sheets: Sequence[Sheet] | Sheet | str,
    header: Sequence[str] | None = None,
    rows: Iterable[Sequence[Any]] | None = None,
    *,
    text_columns: Iterable[int] = (),
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in _sheets(sheets, header, rows, text_columns):
        ws = wb.create_sheet(sheet.title[:31])  # Excel's limit for a sheet name
        ws.append([str(h) for h in sheet.header])
        text = set(sheet.text_columns)
        widths = [max(len(str(h)) * 2, 8) for h in sheet.header]
        for r, values in enumerate(sheet.rows, start=2):
            for c, value in enumerate(values, start=1):
                _write(ws.cell(row=r, column=c), value, c - 1 in text)
                if value is not None and c <= len(widths):
                    widths[c - 1] = min(max(widths[c - 1], len(str(value)) + 2), 60)
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    filename: str,
    sheets: Sequence[Sheet] | Sheet | str,
    header: Sequence[str] | None = None,
    rows: Iterable[Sequence[Any]] | None = None,
    *,
    text_columns: Iterable[int] = (),
) -> HttpResponse:
    """The workbook as a download named ``filename`` (may be Chinese: RFC 5987 encoded)."""
    response = HttpResponse(xlsx_bytes(sheets, header, rows, text_columns=text_columns), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
