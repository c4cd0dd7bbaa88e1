"""Excel exports of lists: one helper, so every list's “导出Excel” link gives the same kind of file.

Identifiers and codes (编号, 合同编号, 项目认定书编号, 统一社会信用代码, masked 身份证号码 …) are written as text cells with
the text format "@", so Excel keeps leading zeros and never turns 18 digits into 4.2E+17, also when the cell is
edited later. Dates are dates shown as 2026年12月1日 (the platform's one date format); amounts are passed as the
caller wants them shown (yuan text or Decimal, never fen floats).

    return xlsx_response("rental-applications.xlsx", "申请", ["申请编号", "姓名", …], rows, text_columns={0})
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def xlsx_bytes(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    text_columns: Iterable[int] = (),
) -> bytes:
    """One sheet: the header row, then the rows; columns in `text_columns` (0-based) are text cells."""
    from openpyxl import Workbook

    text = set(text_columns)
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]  # Excel's limit for a sheet name
    ws.append([str(h) for h in header])
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            if c - 1 in text:
                cell = ws.cell(row=r, column=c, value="" if value is None else str(value))
                cell.number_format = "@"
            else:
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    filename: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    text_columns: Iterable[int] = (),
) -> HttpResponse:
    """The sheet as a download named `filename` (may be Chinese: RFC 5987 encoded)."""
    response = HttpResponse(
        xlsx_bytes(title, header, rows, text_columns=text_columns), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
