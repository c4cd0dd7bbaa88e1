"""三同时 (第六条, 第十七条) from dated events: filing before construction, designer, acceptance, supervision."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.projects import ProjectEvent as E
from ezhou_rules.unconventional_water.projects import project_status, three_simultaneous_batch

D = dt.date


def full(**changes):
    events = {
        "filed": E("filed", D(2024, 3, 1)),
        "designed": E(
            "designed", D(2024, 3, 5), designer="鄂州市某设计院", designer_qualification="A142000001"
        ),
        "construction_started": E("construction_started", D(2024, 4, 1)),
        "acceptance": E("acceptance", D(2024, 9, 20), department_present=True),
        "completed": E("completed", D(2024, 10, 8)),
    }
    events.update(changes)
    return [e for e in events.values() if e is not None]


def test_all_in_order_enters_supervision_from_completion():
    t = Trace()
    s = project_status("reclaimed", full(), trace=t)
    assert s.state == "supervised" and s.violations == ()
    assert s.supervised_from == D(2024, 10, 8)
    assert "2024年10月8日竣工起纳入日常监管" in s.explanation[1]
    assert t.steps[-1].citation.anchor() == "art6"


def test_construction_before_filing_is_a_violation():
    # filed 2024-04-02, construction started 2024-04-01: the filing does not precede the start
    s = project_status("rainwater", full(filed=E("filed", D(2024, 4, 2))))
    assert [v.code for v in s.violations] == ["construction_before_filing"]
    v = s.violations[0]
    assert v.on == D(2024, 4, 1) and "2024年4月2日才备案" in v.explanation and v.citation.endswith("第六条")


def test_filing_on_the_start_day_does_not_precede_it():
    # U2: "项目建设前" — a filing the same day is not shown to come before the start
    s = project_status("rainwater", full(filed=E("filed", D(2024, 4, 1))))
    assert [v.code for v in s.violations] == ["construction_before_filing"]
    s = project_status("rainwater", full(filed=E("filed", D(2024, 3, 31))))
    assert s.violations == ()


def test_no_filing_at_all():
    s = project_status("rainwater", full(filed=None))
    assert [v.code for v in s.violations] == ["construction_before_filing"]
    assert "未到市水行政主管部门备案" in s.violations[0].explanation


def test_designer_missing_and_reclaimed_designer_without_qualification():
    s = project_status("rainwater", full(designed=None))
    assert [v.code for v in s.violations] == ["designer_missing"]
    late = E("designed", D(2024, 4, 2), designer="某院", designer_qualification="x")
    assert [v.code for v in project_status("rainwater", full(designed=late)).violations] == [
        "designer_missing"
    ]
    unq = E("designed", D(2024, 3, 5), designer="某院")
    # 第十七条 asks the qualification of a reclaimed-water system's designer only
    assert [v.code for v in project_status("reclaimed", full(designed=unq)).violations] == [
        "designer_unqualified"
    ]
    assert project_status("rainwater", full(designed=unq)).violations == ()


def test_acceptance_without_department_and_completion_without_acceptance():
    s = project_status(
        "reclaimed", full(acceptance=E("acceptance", D(2024, 9, 20), department_present=False))
    )
    assert [v.code for v in s.violations] == ["acceptance_without_department", "completed_without_acceptance"]
    assert s.state == "completed_unaccepted" and s.supervised_from is None
    # acceptance on the completion day is not "竣工前" (U2)
    s = project_status("reclaimed", full(acceptance=E("acceptance", D(2024, 10, 8), department_present=True)))
    assert [v.code for v in s.violations] == ["completed_without_acceptance"]
    # a second acceptance with the department before completion puts it right
    evs = [
        *full(acceptance=E("acceptance", D(2024, 9, 20))),
        E("acceptance", D(2024, 9, 25), department_present=True),
    ]
    s = project_status("reclaimed", evs)
    assert [v.code for v in s.violations] == ["acceptance_without_department"] and s.state == "supervised"


def test_states_along_the_way():
    assert project_status("rainwater", []).state == "not_filed"
    assert (
        project_status("rainwater", full(construction_started=None, acceptance=None, completed=None)).state
        == "filed"
    )
    assert project_status("rainwater", full(acceptance=None, completed=None)).state == "under_construction"
    assert project_status("rainwater", full(completed=None)).state == "accepted"


def test_bad_events_refused():
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("rainwater", [*full(), E("filed", D(2024, 3, 2))])
    assert e.value.code == "event_duplicate"
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("rainwater", full(completed=E("completed", D(2024, 3, 1))))
    assert e.value.code == "event_order"
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("rainwater", [E("completed", D(2024, 3, 1))])
    assert e.value.code == "event_order"
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("rainwater", [E("designed", D(2024, 3, 1))])
    assert e.value.code == "designer_required"
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("rainwater", [E("started", D(2024, 3, 1))])
    assert e.value.code == "event_kind_unknown"
    with pytest.raises(UnconventionalWaterError) as e:
        project_status("pond", [])
    assert e.value.code == "facility_type_unknown"


def test_batch_over_columns():
    nat = np.datetime64("NaT")
    d = lambda *xs: np.array(xs, dtype="datetime64[D]")  # noqa: E731
    out = three_simultaneous_batch(
        ["rainwater", "reclaimed", "rainwater"],
        d("2024-01-01", nat, "2024-01-01"),
        d("2024-01-01", "2024-01-01", nat),
        [True, True, False],
        d("2024-02-01", "2024-02-01", nat),
        d("2024-05-01", nat, nat),
        [False, False, False],
        d("2024-06-01", "2024-06-01", nat),
    )
    assert out["state"].tolist() == ["supervised", "completed_unaccepted", "filed"]
    # bits: construction_before_filing = 1, completed_without_acceptance = 16
    assert out["violations"].tolist() == [0, 1 | 16, 0]
