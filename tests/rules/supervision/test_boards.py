"""Boards, reminders, the leadership's counts and the joint meeting's membership."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ezhou_rules.library import load_library
from ezhou_rules.supervision.boards import board, leadership_counts, membership_check, reminders
from ezhou_rules.supervision.state import Report, Supervision
from ezhou_rules.supervision.tasks import load_tasks

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"
D = dt.date


@pytest.fixture(scope="module")
def plans():
    library = load_library(GAZETTE)
    return load_tasks("vocational_education", library=library), load_tasks("rural_delivery", library=library)


@pytest.fixture(scope="module")
def engine(plans):
    return Supervision(list(plans))


REPORTS = [
    Report("vocational_education/1", "completion", D(2022, 8, 30), "鄂州教发〔2022〕1号"),
    Report("vocational_education/14", "completion", D(2022, 10, 8), "鄂州教发〔2022〕9号"),
]


def test_unit_board_overdue_first_then_reminders(engine):
    # 2022-11-01: row 11 (due 08-31) is 62 days over, row 2 (due 10-31) 1 day; row 14 done late (10-08, 8 days);
    # rows 3, 4, 8, 15, 18, 20 due 11-30: 29 days left, inside the 30-day window
    states = engine.states_on(REPORTS, D(2022, 11, 1))
    rows = board(engine, states, unit="education")
    head = [(r.item_id.split("/")[1], r.state, r.days) for r in rows[:4]]
    assert head == [("11", "overdue", 62), ("2", "overdue", 1), ("3", "not_due", 29), ("4", "not_due", 29)]
    assert [r.task_id.split("/")[1] for r in rows if r.reminder] == ["3", "4", "8", "15", "18", "20"]
    late = next(r for r in rows if r.item_id == "vocational_education/14")
    assert (late.state, late.days, late.completed_on) == ("done_late", 8, D(2022, 10, 8))
    # only the unit's tasks, each with its role
    assert all(r.role in ("lead", "responsible") for r in rows)
    lead_rows = board(engine, states, unit="ezhou_polytechnic", role="lead")
    assert lead_rows == []  # 鄂州职业大学 leads nothing; 附件2 lists it in rows 1, 2, 3, 5, 10, 11, 12, 22
    assert [r.task_id for r in board(engine, states, unit="ezhou_polytechnic")] == [
        f"vocational_education/{n}" for n in (11, 2, 3, 12, 1, 5, 10, 22)
    ]


def test_document_board_keeps_one_document(engine):
    states = engine.states_on([], D(2025, 7, 1))
    rows = board(engine, states, document="rural_delivery")
    assert len(rows) == 15 and {r.state for r in rows} == {"overdue"} and rows[0].days == 1
    assert rows[0].lead == ("市交通运输局", "市邮政管理局", "中国邮政集团鄂州分公司")


def test_reminders_fire_on_the_lead_days(engine):
    # due 2022-11-30: 30 days before is 2022-10-31; 7 days before 11-23; 1 day before 11-29; 0 = the day
    fired = reminders(engine, engine.states_on([], D(2022, 10, 31)), lead_days=(30, 7, 1))
    ids = {r.item_id for r in fired if r.days_left == 30}
    assert ids == {f"vocational_education/{n}" for n in (3, 4, 8, 15, 18, 20)}
    assert "还有30天到期" in fired[0].message
    # 2022-10-30: nothing is 30 days away; row 2 (due 10-31) is 1 day away
    day_before = reminders(engine, engine.states_on([], D(2022, 10, 30)), lead_days=(30, 7, 1))
    assert [(r.item_id, r.days_left) for r in day_before] == [("vocational_education/2", 1)]
    on_day = reminders(engine, engine.states_on([], D(2022, 11, 30)), lead_days=(0,))
    assert len(on_day) == 6 and "今天到期" in on_day[0].message
    # a completed item gets no reminder
    done = [Report("vocational_education/3", "completion", D(2022, 10, 20), "x")]
    assert "vocational_education/3" not in {
        r.item_id for r in reminders(engine, engine.states_on(done, D(2022, 10, 31)))
    }


def test_leadership_counts(engine, plans):
    states = engine.states_on(REPORTS, D(2022, 11, 1))
    view = leadership_counts(engine, states, "vocational_education")
    assert view.body == "鄂州市职业教育部门联席会议" and view.citation == "鄂州政发〔2022〕15号 四16"
    assert sum(view.by_state.values()) == 32  # 25 tasks + 7 yearly items
    # 2022-11-01: overdue rows 2, 11; done 1 (on time), 14 (late); continuous 8 rows + row 13
    assert (
        view.by_state["overdue"] == 2
        and view.by_state["done_on_time"] == 1
        and view.by_state["done_late"] == 1
    )
    assert view.by_state["continuous"] == 9
    assert next(iter(view.by_unit)) == "education"  # most overdue first
    lead_only = leadership_counts(engine, states, "vocational_education", role="lead")
    assert "ezhou_polytechnic" not in lead_only.by_unit
    rural = leadership_counts(engine, engine.states_on([], D(2023, 1, 1)), "rural_delivery")
    assert rural.body == "鄂州市农村寄递物流体系建设工作领导小组" and rural.by_state["not_due"] == 15


def test_joint_meeting_membership_against_the_units_that_carry_tasks(plans):
    voc, rural = plans
    m = membership_check(voc)
    # 附件1 seats vs 附件2 units, read by hand: 市农业农村局 (rows 4, 9) and 市政府国资委 (9, 13) carry tasks
    # without a seat; 市民政局, 市住建局, 市市场监管局 have seats and no task; 市人民政府 convenes (the issuer)
    assert m.tasks_without_seat == {"agriculture": [4, 9], "state_assets": [9, 13]}
    assert set(m.seats_without_tasks) == {"civil_affairs", "housing", "market_regulation"}
    assert m.unresolved == [] and m.printed
    assert any("印发机关" in n for n in m.notes)
    r = membership_check(rural)
    assert not r.printed and r.tasks_without_seat == {} and "成员未列明" in r.notes[-1]
