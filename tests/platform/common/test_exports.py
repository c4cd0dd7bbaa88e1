"""The one Excel export helper: codes and IDs stay text, amounts are numbers, dates are dates (2026年12月1日)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from ezhou_platform.common.exports import DATE_FORMAT, Sheet, xlsx_response


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


def test_cells_by_type() -> None:
    response = xlsx_response(
        "结算记录-2024.xlsx",
        [
            Sheet(
                "结算记录",
                ["公民身份号码", "结算单号", "金额（元）", "笔数", "日期", "先诊疗后付费", "备注"],
                [["420704198001011234", "00123", Decimal("1234.50"), 3, dt.date(2024, 3, 1), True, None]],
            )
        ],
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E7%BB%93" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["结算记录"]
    row = [c for c in ws[2]]
    assert row[0].value == "420704198001011234" and row[0].number_format == "@"  # not 4.20704E+17
    assert row[1].value == "00123" and row[1].data_type == "s"  # the leading zeros stay
    assert row[2].value == Decimal("1234.5") or row[2].value == 1234.5
    assert row[2].data_type == "n" and row[3].value == 3
    assert row[4].value.date() == dt.date(2024, 3, 1) and row[4].number_format == 'yyyy"年"m"月"d"日"'
    assert row[5].value == "是" and row[6].value is None
