"""Case states from events, each change with its periods: across National Day 2023 and the Spring Festival 2024
(test scheme periods: materials 5 working days from the decision, the layout plan 10 days, verification 20
working days, rectification 10 working days from the order, qualification 30 days from delivery)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.licensing.case_state import CaseFile, Event, EventKind, Route, case_from_dict, case_state
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.notification import Qualification
from ezhou_rules.licensing.periods import PeriodKind, PeriodTable

K = EventKind
MATERIALS = ("layout_plan", "health_certificates")


def case(events, qualification=Qualification.ALREADY, route=Route.COMMITMENT):
    return CaseFile("b1-20", route, qualification, MATERIALS, tuple(Event(*e) for e in events))


def state(c, on, periods, cal):
    return case_state(c, periods=periods, cal=cal, on=on)


D = dt.date
NATIONAL_DAY = [(K.SUBMITTED, D(2023, 9, 28)), (K.DECIDED, D(2023, 9, 28), None, None, "鄂州审批〔2023〕1号")]


def test_national_day_timeline(periods, cal):
    s = state(case(NATIONAL_DAY), D(2023, 9, 28), periods, cal)
    assert s.status == "licensed" and s.on_the_spot is True
    due = {d.code: d for d in s.due}
    # layout plan: 09-28 + 10 days = 10-08, a Sunday worked in 2023 (make-up day) → 10-08
    assert due["material:layout_plan"].due == D(2023, 10, 8)
    # health certificates: 1 = 10-07, 2 = 10-08, 3 = 10-09, 4 = 10-10, 5 = 10-11
    assert due["material:health_certificates"].due == D(2023, 10, 11)
    # verification, 20 working days: 10-07, 08, 09, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31, 11-01
    assert due["verification"].due == D(2023, 11, 1)
    assert s.operation.permitted and s.operation.since == D(
        2023, 9, 28
    )  # on the spot: licence handed over at once

    events = [*NATIONAL_DAY, (K.MATERIAL_RECEIVED, D(2023, 10, 8), "layout_plan", True)]
    s = state(case(events), D(2023, 10, 11), periods, cal)
    assert [d.code for d in s.due] == ["material:health_certificates", "verification"]
    assert not s.overdue and s.actions == ()  # the last day itself is in time
    s = state(case(events), D(2023, 10, 12), periods, cal)
    assert s.overdue and [a.code for a in s.actions] == [
        "order:health_certificates",
        "credit:health_certificates",
    ]

    events.append((K.RECTIFICATION_ORDERED, D(2023, 10, 12), None, None, "整改〔2023〕7号", "materials"))
    s = state(case(events), D(2023, 10, 26), periods, cal)
    # order 10-12 (Thu) + 10 working days: 13, 16, 17, 18, 19, 20, 23, 24, 25, 26 → 10-26
    rect = next(d for d in s.due if d.code == "rectification")
    assert s.status == "rectifying" and rect.due == D(2023, 10, 26) and not rect.overdue
    assert "propose_revocation" not in [a.code for a in s.actions]
    s = state(case(events), D(2023, 10, 27), periods, cal)
    assert [a.code for a in s.actions] == ["propose_revocation"]

    events += [(K.REVOCATION_PROPOSED, D(2023, 10, 27)), (K.HEARD, D(2023, 11, 3))]
    s = state(case(events), D(2023, 11, 6), periods, cal)
    assert s.status == "heard" and [a.code for a in s.actions] == ["decide_revocation"]
    events.append((K.REVOKED, D(2023, 11, 10), None, None, "撤销〔2023〕2号"))
    assert state(case(events), D(2023, 11, 9), periods, cal).operation.permitted
    s = state(case(events), D(2023, 11, 10), periods, cal)
    assert s.status == "revoked" and not s.operation.permitted and s.due == ()
    assert s.history[-1] == "2023年11月10日 撤销许可（撤销〔2023〕2号）"


def test_spring_festival_later_qualification(periods, cal):
    events = [(K.SUBMITTED, D(2024, 2, 8)), (K.DECIDED, D(2024, 2, 8))]
    c = case(events, Qualification.LATER)
    s = state(c, D(2024, 2, 20), periods, cal)
    due = {d.code: d for d in s.due}
    # materials: 02-09 = 1; 02-10…17 off; 02-18 (Sun, worked) = 2; 02-19 = 3; 02-20 = 4; 02-21 = 5
    assert due["material:health_certificates"].due == D(2024, 2, 21)
    # qualification: delivered 02-08 + 30 days = 03-09, a Saturday → Monday 03-11
    assert due["qualify"].due == D(2024, 3, 11)
    assert not s.operation.permitted and "达到条件后方可" in s.operation.reason
    c = case([*events, (K.QUALIFIED, D(2024, 3, 1))], Qualification.LATER)
    assert not state(c, D(2024, 2, 29), periods, cal).operation.permitted
    op = state(c, D(2024, 3, 1), periods, cal).operation
    assert op.permitted and op.since == D(2024, 3, 1)
    assert "qualify" not in [d.code for d in state(c, D(2024, 3, 1), periods, cal).due]
    late = state(case(events, Qualification.LATER), D(2024, 3, 12), periods, cal)
    assert "order:qualify" in [a.code for a in late.actions]


def test_not_on_the_spot_and_delivery(periods, cal):
    s = state(case([(K.SUBMITTED, D(2023, 3, 1))]), D(2023, 3, 1), periods, cal)
    assert s.status == "submitted" and s.due[0].code == "decision" and not s.overdue
    assert state(case([(K.SUBMITTED, D(2023, 3, 1))]), D(2023, 3, 2), periods, cal).overdue
    events = [(K.SUBMITTED, D(2023, 3, 1)), (K.DECIDED, D(2023, 3, 3))]
    s = state(case(events), D(2023, 3, 6), periods, cal)
    assert s.on_the_spot is False and not s.operation.permitted  # delivery not recorded
    s = state(case([*events, (K.DELIVERED, D(2023, 3, 6))]), D(2023, 3, 6), periods, cal)
    assert s.operation.permitted and s.operation.since == D(2023, 3, 6)


def test_period_not_configured_opens_no_deadline(periods, cal):
    table = PeriodTable(
        [p for p in periods.rules() if p.kind not in (PeriodKind.MATERIALS, PeriodKind.RECTIFICATION)]
    )
    events = [*NATIONAL_DAY, (K.MATERIAL_RECEIVED, D(2023, 10, 8), "layout_plan", False)]
    s = state(case(events), D(2025, 1, 1), table, cal)
    mats = [d for d in s.due if d.code.startswith("material:")]
    assert all(d.due is None and not d.configured and not d.overdue for d in mats)
    assert "不开启期限" in mats[0].basis
    # a non-conforming material still calls for an order, since that needs no period
    assert [a.code for a in s.actions] == ["order:layout_plan"]
    s = state(case([*events, (K.RECTIFICATION_ORDERED, D(2025, 1, 2))]), D(2026, 1, 1), table, cal)
    rect = next(d for d in s.due if d.code == "rectification")
    assert rect.due is None and not rect.overdue and s.actions == ()


def test_untrue_commitment_and_dropped_revocation(periods, cal):
    events = [
        *NATIONAL_DAY,
        (K.MATERIAL_RECEIVED, D(2023, 10, 8), "layout_plan", True),
        (K.MATERIAL_RECEIVED, D(2023, 10, 9), "health_certificates", True),
        (K.VERIFIED, D(2023, 10, 20), None, False),
    ]
    s = state(case(events), D(2023, 10, 20), periods, cal)
    assert [a.code for a in s.actions] == ["untrue", "credit:untrue"]
    assert "verification" not in [d.code for d in s.due]
    events += [
        (K.REVOCATION_PROPOSED, D(2023, 10, 23)),
        (K.HEARD, D(2023, 10, 30)),
        (K.REVOCATION_DROPPED, D(2023, 11, 2)),
    ]
    s = state(case(events), D(2023, 11, 2), periods, cal)
    assert s.status == "licensed" and "untrue" not in [a.code for a in s.actions] and s.operation.permitted


def test_rectified_closes_the_order(periods, cal):
    events = [
        *NATIONAL_DAY,
        (K.MATERIAL_RECEIVED, D(2023, 10, 8), "layout_plan", False),
        (K.RECTIFICATION_ORDERED, D(2023, 10, 9)),
        (K.MATERIAL_RECEIVED, D(2023, 10, 10), "layout_plan", True),
        (K.MATERIAL_RECEIVED, D(2023, 10, 10), "health_certificates", True),
        (K.RECTIFIED, D(2023, 10, 11), None, True),
    ]
    s = state(case(events), D(2023, 12, 1), periods, cal)
    assert s.status == "licensed" and s.actions == () and [d.code for d in s.due] == ["verification"]
    failed = [*events[:-1], (K.RECTIFIED, D(2023, 10, 11), None, False)]
    s = state(case(failed), D(2023, 10, 11), periods, cal)
    assert s.status == "rectification_failed" and [a.code for a in s.actions] == ["propose_revocation"]


@pytest.mark.parametrize(
    ("events", "why"),
    [
        ([(K.DECIDED, D(2023, 3, 1))], "尚无任何事件"),
        ([*NATIONAL_DAY, (K.REVOKED, D(2023, 10, 1))], "此时不能撤销许可"),
        ([*NATIONAL_DAY, (K.REVOCATION_PROPOSED, D(2023, 10, 1))], "撤销须以"),
        ([*NATIONAL_DAY, (K.QUALIFIED, D(2023, 10, 1))], "已具备经营许可条件"),
        ([*NATIONAL_DAY, (K.MATERIAL_RECEIVED, D(2023, 10, 1), "brochure", True)], "brochure"),
        ([*NATIONAL_DAY, (K.SUBMITTED, D(2023, 10, 1))], "此时不能"),
        # a rectification order before its period ran out is no ground for revocation
        (
            [
                *NATIONAL_DAY,
                (K.RECTIFICATION_ORDERED, D(2023, 10, 12)),
                (K.REVOCATION_PROPOSED, D(2023, 10, 26)),
            ],
            "撤销须以",
        ),
    ],
)
def test_events_out_of_order(periods, cal, events, why):
    with pytest.raises(LicensingError) as e:
        state(case(events), D(2024, 1, 1), periods, cal)
    assert e.value.code == "event_out_of_order" and why in e.value.message


def test_later_events_are_not_seen(periods, cal):
    events = [*NATIONAL_DAY, (K.REVOCATION_PROPOSED, D(2023, 12, 1))]  # would be refused if it counted
    assert state(case(events), D(2023, 10, 1), periods, cal).status == "licensed"


def test_case_from_dict():
    c = case_from_dict(
        {
            "item": "b1-20",
            "qualification": "later",
            "materials_after_decision": ["layout_plan"],
            "events": [
                {"kind": "submitted", "on": "2023-03-01"},
                {
                    "kind": "material_received",
                    "on": "2023-03-02",
                    "material": "layout_plan",
                    "conforming": True,
                },
            ],
        }
    )
    assert c.qualification is Qualification.LATER and c.events[1].conforming is True
    for data, field in (
        ({"item": ""}, "item"),
        ({"item": "b1-20"}, "qualification"),
        ({"item": "b1-20", "qualification": "x"}, "qualification"),
        ({"item": "b1-20", "route": "fast", "qualification": "already"}, "route"),
        (
            {"item": "b1-20", "qualification": "already", "events": [{"kind": "x", "on": "2023-01-01"}]},
            "events",
        ),
        (
            {"item": "b1-20", "qualification": "already", "events": [{"kind": "submitted", "on": "01/01"}]},
            "events",
        ),
    ):
        with pytest.raises(LicensingError) as e:
            case_from_dict(data)
        assert e.value.field == field


@settings(max_examples=150, deadline=None)
@given(
    decided=st.dates(D(2023, 1, 1), D(2026, 11, 30)), probe=st.integers(0, 40)
)  # the test periods hold from 2023
def test_materials_overdue_exactly_after_the_last_day(periods, cal, decided, probe):
    on = decided + dt.timedelta(days=probe)
    s = state(case([(K.SUBMITTED, decided), (K.DECIDED, decided)]), on, periods, cal)
    item = next(d for d in s.due if d.code == "material:health_certificates")
    assert item.due == cal.deadline_within_workdays(decided, 5)
    assert item.overdue is (on > item.due)
    assert ("order:health_certificates" in [a.code for a in s.actions]) is item.overdue
