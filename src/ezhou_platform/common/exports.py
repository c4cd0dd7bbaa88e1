"""Excel exports of lists: one helper so every list's 导出Excel link gives the same kind of sheet.

    return xlsx_response("settlements-2024.xlsx", [Sheet("结算记录", header, rows)])

Cells by the Python type of the value: ``str`` is a text cell (number format "@"), so IDs and codes —
18-digit ID numbers, claim and statistical codes — stay exactly as written (Excel would show 4.20704E+17 and
drop leading zeros); ``int``, ``float`` and ``Decimal`` are numbers (amounts: pass yuan as Decimal, they are
shown with two decimals); ``date`` is a date cell shown as 2026年12月1日 (the platform's one date format); None
is empty; ``bool`` is 是/否.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.append(list(sheet.header))
        widths = [max(len(str(h)) * 2, 8) for h in sheet.header]
        for r, values in enumerate(sheet.rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c)
                if value is None:
                    continue
                if isinstance(value, bool):
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
                if c <= len(widths):
                    widths[c - 1] = min(max(widths[c - 1], len(str(value)) + 2), 60)
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
