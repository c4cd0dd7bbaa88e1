"""The one Excel export helper: codes and IDs stay text, dates are dates in the platform's format."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from ezhou_platform.common.exports import DATE_FORMAT, xlsx_response


def test_codes_are_text_and_dates_are_dates() -> None:
    response = xlsx_response(
        "保障性租赁住房申请.xlsx",
        "申请",
        ["编号", "身份证号码", "日期", "套数"],
        [[7, "420704199001010011", dt.date(2026, 12, 1), 3], ["0012", None, None, 0]],
        text_columns={0, 1},
    )
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''%E4%BF%9D")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "申请"
    assert [c.value for c in ws[1]] == ["编号", "身份证号码", "日期", "套数"]
    id_cell, number_cell = ws["B2"], ws["A2"]
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == ("420704199001010011", "s", "@")
    assert (number_cell.value, number_cell.data_type) == ("7", "s")  # an ID written as text, not a number
    assert ws["A3"].value == "0012" and ws["B3"].value in ("", None)
    assert ws["C2"].number_format == DATE_FORMAT and ws["C2"].value.date() == dt.date(2026, 12, 1)
    assert ws["D2"].value == 3 and ws["D2"].data_type == "n"
