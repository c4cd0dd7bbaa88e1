"""Boards from the database: a unit's items across plans overdue first, reminders before each deadline on the
unit's board and its department's workspace, the plan board's filters and export, the leadership's counts by
state and unit with its export, and the states over many dates from the columns agreeing item by item."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from ezhou_platform.procedures.workspace import todo_for
from ezhou_platform.registers.organisations import resolve_organisation
from ezhou_platform.supervision.models import Item
from ezhou_platform.supervision.services import boards
from ezhou_platform.supervision.services.tasklists import snapshot
from ezhou_rules.supervision.state import STATE_CODES, State

from .conftest import file_and_decide

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_unit_board_puts_overdue_first_and_reminds_before_deadlines(
    ve: Any, rd: Any, demo_users: dict[str, Any], clock_at: Any, login_client: Any
) -> None:
    education = resolve_organisation("市教育局")
    board = boards.unit_board(education, D(2022, 11, 1))
    rows = [r.board for r in board.rows]
    # On 2022-11-01: row 1 (due 08-31) is 62 days over (30 in September + 31 in October + 1), row 14 (09-30)
    # 32 days, row 2 (10-31) 1 day: most days first.
    overdue = [(r.item_id, r.days) for r in rows if r.state == "overdue"]
    assert overdue[:3] == [
        ("vocational_education/1", 62),
        ("vocational_education/11", 62),
        ("vocational_education/14", 32),
    ]
    assert rows[len(overdue)].state != "overdue"
    # Rows due 2022-11-30 are 29 days away: inside the 30-day reminder window, listed as reminders.
    assert {r.board.item_id for r in board.reminders} >= {"vocational_education/3", "vocational_education/4"}
    assert all(r.board.due == D(2022, 11, 30) for r in board.reminders)
    # 28号 items are not 市教育局's: the board is the unit's.
    assert not any(r.item_id.startswith("rural_delivery") for r in rows)
    # The department's workspace (工作台) lists the same deadlines, overdue first.
    clock_at(D(2022, 11, 1))
    todo = todo_for(demo_users["jiaoyu_clerk"], D(2022, 11, 1))
    mine = [t for t in todo if t.period.label == "督办事项完成时限"]
    assert mine[0].overdue and mine[0].due == D(2022, 8, 31)
    assert any(not t.overdue and t.due == D(2022, 11, 30) for t in mine)
    page = login_client("jiaoyu_clerk").get("/workspace/").content.decode()
    assert "督办事项完成时限" in page


def test_a_completed_item_leaves_the_overdue_list(ve: Any, demo_users: dict[str, Any]) -> None:
    item = Item.objects.get(code="vocational_education/1")
    file_and_decide(item, "市教育局", demo_users["jiaoyu_clerk"], day=D(2022, 9, 5))
    board = boards.unit_board(resolve_organisation("市教育局"), D(2022, 11, 1))
    row = next(r.board for r in board.rows if r.board.item_id == "vocational_education/1")
    # done 2022-09-05, due 2022-08-31: five days late, listed after the open items
    assert (row.state, row.days, row.state_label) == ("done_late", 5, "逾期5天完成")
    assert [r.board.state for r in board.rows].index("done_late") > [r.board.state for r in board.rows].index(
        "not_due"
    )


def test_the_plan_board_filters_and_exports_ids_as_text(ve: Any, login_client: Any) -> None:
    client = login_client("ducha_clerk")
    page = client.get("/supervision/vocational-education/?date=2022-11-01&state=overdue").content.decode()
    assert "逾期62天" in page and "未到期（还有" not in page
    r = client.get("/supervision/vocational-education/?date=2022-11-01&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    assert header[:2] == ["事项编号", "督办事项"] and first[0] == "vocational_education/1"
    assert ws.cell(2, 1).data_type == "s" and "2022年8月31日" in first
    # a bad date is said and today is shown instead
    page = client.get("/supervision/vocational-education/?date=2022-02-30", follow=True).content.decode()
    assert "“查询日期”应为日期" in page


def test_the_leadership_counts_by_state_and_unit(
    ve: Any, demo_users: dict[str, Any], login_client: Any
) -> None:
    file_and_decide(
        Item.objects.get(code="vocational_education/1"),
        "市教育局",
        demo_users["jiaoyu_clerk"],
        day=D(2022, 8, 30),
    )
    data = boards.leadership(ve, D(2022, 9, 1))
    # 32 items on 2022-09-01: row 1 done on time; row 11 (also 2022年8月底前) 1 day over; 9 continuous
    # (rows 5, 7, 10, 13, 17, 19, 22, 23, 24); the other 32 − 1 − 1 − 9 = 21 not yet due.
    assert data.view.by_state["done_on_time"] == 1 and data.view.by_state["overdue"] == 1
    assert data.view.by_state["continuous"] == 9
    assert data.view.by_state["not_due"] == 21 and sum(data.view.by_state.values()) == 32
    education = str(resolve_organisation("市教育局").pk)
    assert data.view.by_unit[education]["done_on_time"] == 1
    assert data.membership.printed and data.view.body == "鄂州市职业教育部门联席会议"
    client = login_client("ducha_clerk")
    page = client.get("/supervision/plans/vocational_education/leadership/?date=2022-09-01").content.decode()
    assert "承担任务但没有席位的单位" in page and "市农业农村局" in page and 'class="chart"' in page
    ws = load_workbook(
        io.BytesIO(
            client.get(
                "/supervision/plans/vocational_education/leadership/?date=2022-09-01&format=xlsx"
            ).content
        )
    ).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:3] == ["单位编号", "单位", "逾期"] and rows[-1][1] == "全部事项" and rows[-1][-1] == 32
    assert all(isinstance(r[0], str) for r in rows[1:-1])  # unit ids as text


def test_states_over_many_dates_agree_with_each_item(ve: Any, rd: Any, demo_users: dict[str, Any]) -> None:
    file_and_decide(
        Item.objects.get(code="vocational_education/25"),
        "市教育局",
        demo_users["jiaoyu_clerk"],
        day=D(2023, 1, 3),
    )
    file_and_decide(
        Item.objects.get(code="vocational_education/2"),
        "鄂州职业大学",
        demo_users["jiaoyu_clerk"],
        day=D(2022, 10, 1),
        decide="",
    )
    dates = [D(2022, 8, 8), D(2022, 8, 31), D(2022, 12, 31), D(2023, 1, 3), D(2025, 7, 1)]
    codes, matrix = boards.state_matrix([ve, rd], np.array(dates, dtype="datetime64[D]"))
    snap = snapshot([ve, rd])
    for j, day in enumerate(dates):
        one = {s.item_id: (s.code, s.days) for s in snap.states_on(day)}
        for k, code in enumerate(codes):
            assert (STATE_CODES[State(int(matrix.state[k, j]))], int(matrix.days[k, j])) == one[code], (
                code,
                day,
            )
    series = boards.state_series([ve], np.array(dates, dtype="datetime64[D]"))
    assert series["not_issued"][0] == 32 and series["done_late"][3] == 1
