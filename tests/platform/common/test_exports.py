"""The Excel export helper: IDs and codes stay text, amounts are numbers, dates are dates in 2026年12月1日."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from ezhou_platform.common.exports import Sheet, xlsx_response


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
