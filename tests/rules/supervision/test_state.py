"""Task state on any date from reports: every state, both sides of each boundary, the switch, bad input."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.library import load_library
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.state import Report, State, Supervision
from ezhou_rules.supervision.tasks import load_tasks

GAZETTE = Path(__file__).resolve().parents[3] / "gazette"
D = dt.date


@cache
def _plans():
    library = load_library(GAZETTE)
    return load_tasks("vocational_education", library=library), load_tasks("rural_delivery", library=library)


@cache
def _engine() -> Supervision:
    return Supervision(list(_plans()))


@pytest.fixture(scope="module")
def plans():
    return _plans()


@pytest.fixture(scope="module")
def engine(plans):
    return Supervision(list(plans))


@pytest.fixture(scope="module")
def rolled(plans):
    return Supervision(list(plans), roll_rest_days=True, calendar=default_calendar())


T1 = "vocational_education/1"  # 2022年8月底前出台具体方案 → due 2022-08-31
T25 = "vocational_education/25"  # 2022年12月底前出台具体的实施措施 → due 2022-12-31 (a Saturday)
DONE_T1 = Report(T1, "completion", D(2022, 8, 31), "鄂州教发〔2022〕12号")


def test_each_state_around_the_deadline(engine):
    # due 2022-08-31
    cases = [
        (D(2022, 8, 8), [], State.NOT_ISSUED, 0),  # the day before 2022-08-09
        (D(2022, 8, 9), [], State.NOT_DUE, 22),  # 08-31 − 08-09 = 22 days left
        (D(2022, 8, 30), [], State.NOT_DUE, 1),
        (D(2022, 8, 31), [], State.DUE, 0),
        (D(2022, 9, 1), [], State.OVERDUE, 1),
        (D(2022, 10, 1), [], State.OVERDUE, 31),  # 30 days of September + 1
        (D(2022, 8, 31), [DONE_T1], State.DONE_ON_TIME, 0),  # done on the deadline itself: on time
        (
            D(2022, 9, 1),
            [Report(T1, "completion", D(2022, 9, 1), "鄂州教发〔2022〕13号")],
            State.DONE_LATE,
            1,
        ),
        (
            D(2022, 8, 20),
            [Report(T1, "completion", D(2022, 8, 15), "鄂州教发〔2022〕11号")],
            State.DONE_ON_TIME,
            16,
        ),
    ]
    for on, reports, state, days in cases:
        s = engine.state_on(T1, reports, on)
        assert (s.state, s.days) == (state, days), on


def test_a_completion_counts_from_its_own_date(engine):
    late = Report(T1, "completion", D(2022, 9, 10), "鄂州教发〔2022〕20号")
    assert engine.state_on(T1, [late], D(2022, 9, 9)).label == "逾期9天"
    s = engine.state_on(T1, [late], D(2022, 9, 10))
    assert (
        s.label == "逾期10天完成"
        and s.completed_on == D(2022, 9, 10)
        and s.evidence == "鄂州教发〔2022〕20号"
    )
    # a progress report does not complete anything
    progress = Report(T1, "progress", D(2022, 8, 20), "")
    s = engine.state_on(T1, [progress], D(2022, 9, 2))
    assert s.state is State.OVERDUE and s.last_report == D(2022, 8, 20)


def test_earliest_completion_wins(engine):
    reports = [
        Report(T1, "completion", D(2022, 9, 5), "鄂州教发〔2022〕30号"),
        Report(T1, "completion", D(2022, 8, 30), "鄂州教发〔2022〕10号"),
    ]
    s = engine.state_on(T1, reports, D(2022, 10, 1))
    assert (
        s.state is State.DONE_ON_TIME
        and s.completed_on == D(2022, 8, 30)
        and s.evidence == "鄂州教发〔2022〕10号"
    )


def test_continuous_tasks(engine):
    s = engine.state_on(
        "vocational_education/5", [Report("vocational_education/5", "progress", D(2023, 1, 5))], D(2023, 6, 1)
    )
    assert s.state is State.CONTINUOUS and s.due is None and s.last_report == D(2023, 1, 5)
    s = engine.state_on("vocational_education/13", [], D(2030, 1, 1))  # “十四五”期间持续实施
    assert s.state is State.CONTINUOUS and "2025年12月31日" in s.explanation


def test_the_rest_day_switch_on_2022_12_31(engine, rolled):
    done_0103 = [Report(T25, "completion", D(2023, 1, 3), "鄂州教发〔2023〕1号")]
    # switch off: the printed Saturday holds; 01-02 is 2 days over, a completion on 01-03 is 3 days late
    assert engine.state_on(T25, [], D(2022, 12, 31)).state is State.DUE
    assert engine.state_on(T25, [], D(2023, 1, 2)).label == "逾期2天"
    assert engine.state_on(T25, done_0103, D(2023, 1, 3)).label == "逾期3天完成"
    # switch on: 2022-12-31 … 2023-01-02 is the New Year holiday, the deadline is 2023-01-03
    assert rolled.state_on(T25, [], D(2023, 1, 2)).label == "未到期（还有1天）"
    s = rolled.state_on(T25, done_0103, D(2023, 1, 3))
    assert s.state is State.DONE_ON_TIME and s.due == D(2023, 1, 3) and s.printed_due == D(2022, 12, 31)
    assert "顺延至2023年1月3日" in s.explanation
    assert rolled.state_on(T25, [], D(2023, 1, 4)).label == "逾期1天"


def test_28_hao_tasks_and_yearly_items(engine):
    assert engine.state_on("rural_delivery/1", [], D(2025, 6, 30)).state is State.DUE
    assert engine.state_on("rural_delivery/1", [], D(2025, 7, 1)).label == "逾期1天"
    item = "vocational_education/21@2023"  # the 2023 quality report, due 2024-02-29
    assert engine.state_on(item, [], D(2024, 3, 1)).label == "逾期1天"
    s = engine.state_on(
        item, [Report(item, "completion", D(2024, 2, 20), "鄂州教发〔2024〕3号")], D(2024, 3, 1)
    )
    assert s.state is State.DONE_ON_TIME


def test_bad_reports_reject_the_batch_with_every_problem(engine):
    bad = [
        Report("vocational_education/99", "progress", D(2023, 1, 1)),
        Report(T1, "completion", D(2022, 8, 1), "鄂州教发〔2022〕1号"),  # before 2022-08-09
        Report(T1, "completion", D(2022, 9, 1), ""),  # no 文号
        Report("vocational_education/5", "completion", D(2023, 1, 1), "x"),  # 持续实施
        Report(T1, "done", D(2022, 9, 1), "x"),
        Report(T1, "progress", D(2022, 9, 1), unit="transport"),  # 市交通运输局 does not carry task 1
        Report(T1, "progress", "2022-13-01"),  # type: ignore[arg-type]
    ]
    with pytest.raises(SupervisionError) as exc:
        engine.reports(bad)
    codes = [(p.code, p.row, p.field) for p in exc.value.problems]
    assert codes == [
        ("unknown_task", 0, "任务编号"),
        ("completion_before_issue", 1, "完成日期"),
        ("evidence_missing", 2, "证明文件文号"),
        ("completion_on_continuous", 3, "报告类型"),
        ("report_kind_unknown", 4, "报告类型"),
        ("unit_not_on_task", 5, "报送单位"),
        ("invalid_date", 6, "报告日期"),
    ]
    assert exc.value.code == "unknown_task" and "另有6处" in str(exc.value)
    p = exc.value.problems[1]
    assert (
        "2022年8月1日早于方案印发日期2022年8月9日" in p.message
        and p.rule == "鄂州政发〔2022〕15号（2022年8月9日印发）"
    )
    assert exc.value.to_dict()["problems"][0]["code"] == "unknown_task"


def test_a_report_for_another_task_is_refused_on_the_single_task_call(engine):
    with pytest.raises(SupervisionError) as exc:
        engine.state_on(T1, [Report(T25, "progress", D(2022, 9, 1))], D(2022, 9, 2))
    assert exc.value.code == "report_for_other_task"
    with pytest.raises(SupervisionError) as exc:
        engine.state_on("rural_delivery/99", [], D(2022, 9, 2))
    assert exc.value.code == "unknown_task"


def test_the_reporting_unit_must_carry_the_task(engine):
    ok = Report(T1, "progress", D(2022, 9, 1), unit="ezhou_polytechnic")
    assert len(engine.reports([ok])) == 1


def test_column_reports_are_validated_without_a_loop(engine):
    k = engine.index[T1]
    with pytest.raises(SupervisionError) as exc:
        engine.report_arrays(
            [k, 10_000], [True, False], np.array(["2022-09-01", "2022-09-01"], dtype="datetime64[D]")
        )
    assert exc.value.code == "unknown_task" and exc.value.row == 1
    with pytest.raises(SupervisionError) as exc:
        engine.report_arrays([k], [True], np.array(["2022-08-01"], dtype="datetime64[D]"))
    assert exc.value.code == "completion_before_issue"


def test_counts_by_state_over_dates(engine):
    cols = engine.reports([DONE_T1])
    m = engine.states(cols, np.array(["2022-08-09", "2022-09-01"], dtype="datetime64[D]"))
    counts = m.counts()
    n = len(engine.items)
    assert sum(int(v[0]) for v in counts.values()) == n
    # 2022-09-01: 附件2 rows 1 (done) and 11 (due 08-31, overdue); 9 continuous + 1 十四五持续 in 15号
    assert int(counts["done_on_time"][1]) == 1 and int(counts["overdue"][1]) == 1
    assert int(counts["continuous"][1]) == 9


reports_strategy = st.lists(st.tuples(st.integers(0, 39), st.booleans(), st.integers(0, 1500)), max_size=30)


@settings(max_examples=100, deadline=None)
@given(raw=reports_strategy, offsets=st.lists(st.integers(-10, 1500), min_size=1, max_size=8))
def test_vectorised_states_equal_the_one_task_answer(raw, offsets):
    engine = _engine()
    start = D(2022, 8, 9)
    reports = []
    for k, completion, off in raw:
        item = engine.items[k % len(engine.items)]
        if completion and item.due is None:
            completion = False
        day = item.issued + dt.timedelta(off)  # reports are never dated before the plan's issue
        reports.append(Report(item.id, "completion" if completion else "progress", day, "文号"))
    dates = [start + dt.timedelta(o) for o in offsets]
    matrix = engine.states(
        engine.reports(reports), np.array(dates, dtype="datetime64[D]"), with_last_report=True
    )
    order = np.argsort(np.array(dates, dtype="datetime64[D]"), kind="stable")
    touched = {engine.index[r.item_id] for r in reports} | {0, 24, 31, 39}
    for k in sorted(touched):
        item = engine.items[k]
        mine = [r for r in reports if r.item_id == item.id]
        for j in order[:3].tolist():
            one = engine.state_on(item.id, mine, dates[j])
            assert (one.state, one.days) == (State(int(matrix.state[k, j])), int(matrix.days[k, j]))


@settings(max_examples=100, deadline=None)
@given(off=st.integers(0, 1500), done=st.one_of(st.none(), st.integers(0, 1500)))
def test_state_over_time_is_monotone(off, done):
    """Once done, always done; an open dated item goes not due → due → overdue with days counting by one."""
    engine = _engine()
    start = D(2022, 8, 9)
    reports = [] if done is None else [Report(T1, "completion", start + dt.timedelta(done), "文号")]
    cols = engine.reports(reports)
    days = np.arange(np.datetime64(start), np.datetime64(start) + off + 2)
    row = engine.states(cols, days)
    k = engine.index[T1]
    st_, d_ = row.state[k], row.days[k]
    finished = np.isin(st_, [State.DONE_ON_TIME, State.DONE_LATE])
    assert (np.diff(finished.astype(int)) >= 0).all()
    open_over = np.flatnonzero(st_ == State.OVERDUE)
    assert (np.diff(d_[open_over]) == 1).all()


def test_the_state_explains_itself_with_its_article(engine):
    from ezhou_rules.core.trace import Trace

    trace = Trace()
    engine.state_on(T25, [], D(2023, 1, 2), trace=trace)
    (step,) = trace.steps
    assert str(step.citation) == "鄂州政发〔2022〕15号 附件2 （二十五）" and step.result == {
        "state": "overdue",
        "days": 2,
    }
    assert step.explanation == "截至2023年1月2日，尚未报送完成情况，完成时限2022年12月31日，已逾期2天。"


def test_the_switch_may_be_set_per_plan(plans):
    # 15号 rolls (2022-12-31, a Saturday in the New Year holiday → 2023-01-03), 28号 keeps its printed dates.
    mixed = Supervision(
        list(plans), roll_rest_days={"vocational_education": True}, calendar=default_calendar()
    )
    assert mixed.due[mixed.index[T25]] == np.datetime64("2023-01-03")
    # 28号's tasks are due 2025-06-30 (a Monday: unchanged either way); the 15号 item due 2022-08-31 (a
    # Wednesday) is unchanged too; only rest days move, and only in the plan that rolls.
    assert mixed.due[mixed.index["rural_delivery/1"]] == np.datetime64("2025-06-30")
    assert mixed.due[mixed.index[T1]] == np.datetime64("2022-08-31")
    late = Report(T25, "completion", D(2023, 1, 3), "鄂州教发〔2023〕1号")
    assert mixed.state_on(T25, [late], D(2023, 1, 3)).state is State.DONE_ON_TIME
    # Only the plans named in the mapping roll: an empty mapping is the printed dates everywhere.
    plain = Supervision(list(plans), roll_rest_days={}, calendar=None)
    assert plain.due[plain.index[T25]] == np.datetime64("2022-12-31")


def test_one_report_is_checked_as_a_unit_files_it(engine):
    # The message names the field and the rule without a batch row ("第1条报告").
    early = Report(T1, "completion", D(2022, 8, 1), "鄂州教发〔2022〕1号")
    with pytest.raises(SupervisionError) as err:
        engine.check_report(early)
    assert err.value.code == "completion_before_issue" and err.value.row is None
    assert err.value.message.startswith("完成日期2022年8月1日早于方案印发日期2022年8月9日")
    with pytest.raises(SupervisionError) as err:
        engine.check_report(Report(T1, "completion", D(2022, 8, 30), " "))
    assert err.value.code == "evidence_missing" and err.value.field == "证明文件文号"
    engine.check_report(DONE_T1)  # a good report passes
