"""The water plan (15号 附件1 三（四）, 第八条第（四）项) fed from this system's records."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water.interlock import (
    CapabilityFinding,
    FacilityRecord,
    Records,
    ReportRecord,
    UsageRecord,
    unit_year,
    units_year,
    year_status,
)
from ezhou_rules.water_plan import plan as water_plan

D = dt.date
AFTER = D(2025, 1, 10)  # the 2024 year is over
MARCH_END, SAMPLED, FILED = D(2024, 3, 31), D(2024, 5, 3), D(2024, 5, 10)
FAC = FacilityRecord("F-1", "U-1", "rainwater", D(2023, 6, 1))


def usage(volume, end=MARCH_END, rid="V-1"):
    return UsageRecord(rid, "U-1", "F-1", end, volume)


def rep(verdict="pass", sampled=SAMPLED, filed=FILED, rid="R-1"):
    return ReportRecord(rid, "F-1", sampled, filed, verdict)


def test_used_and_proven_gives_the_plus_event_dated_when_proven():
    t = Trace()
    # 2024: 1,234.00 + 100.00 m³ used; a 合格 report sampled 2024-05-03 and filed → +0.1 for 2024
    records = Records([FAC], [usage(123_400), usage(10_000, D(2024, 6, 30), "V-2")], [rep()])
    r = unit_year("U-1", 2024, records, as_of=AFTER, trace=t)
    assert r.status == "used" and r.event is not None
    assert r.event.kind == "unconventional_used" and r.event.on == D(2024, 5, 3)  # later of 03-31 and 05-03
    assert "1,334.00立方米" in r.explanation and "V-1、V-2" in r.event.evidence and "R-1" in r.event.evidence
    assert r.links == {"facilities": ("F-1",), "usage": ("V-1", "V-2"), "reports": ("R-1",), "findings": ()}
    assert t.steps[0].citation.anchor() == "annex1-sec3-item4"
    # the water plan counts it for the same year (实施当年): +0.1
    assert water_plan.coefficient([r.event], 2024) == 10
    assert water_plan.coefficient([r.event], 2025) == 0


def test_use_without_a_passing_filed_report_earns_nothing():
    for reports in ([], [rep(verdict="fail")], [rep(filed=None)], [rep(sampled=D(2023, 12, 30))]):
        r = unit_year("U-1", 2024, Records([FAC], [usage(5_000)], reports, []), as_of=AFTER)
        assert r.status == "used_unproven" and r.event is None and "第二十三条" in r.explanation


def test_able_but_not_using_gives_the_minus_event_and_the_article_8_reduction():
    r = unit_year("U-1", 2024, Records([FAC], [usage(0)], [rep()], []), as_of=AFTER)
    assert r.status == "able_not_used"
    assert r.event is not None and r.event.kind == "unconventional_not_used" and r.event.on == D(2024, 12, 31)
    assert "鄂州政办发〔2022〕15号 第八条第（四）项" in r.citations and "核减" in r.explanation
    # the water plan counts it for the next year (W3): −0.1 in 2025
    assert water_plan.coefficient([r.event], 2025) == -10
    assert water_plan.coefficient([r.event], 2024) == 0


def test_a_department_finding_makes_a_unit_without_a_facility_able():
    f = CapabilityFinding("A-7", "U-2", D(2024, 9, 1), "再生水管网已接至厂区门口")
    r = unit_year("U-2", 2024, Records([], [], [], [f]), as_of=AFTER)
    assert r.status == "able_not_used" and r.event is not None and r.event.on == D(2024, 9, 1)
    assert r.links["findings"] == ("A-7",)


def test_not_able_and_open_year():
    assert unit_year("U-3", 2024, Records([], [], [], []), as_of=AFTER).status == "not_able"
    # 2024 not over on 2024-12-31: not-using cannot be decided yet; a proven use already can
    assert unit_year("U-1", 2024, Records([FAC], [], [], []), as_of=D(2024, 12, 31)).status == "year_open"
    assert (
        unit_year("U-1", 2024, Records([FAC], [usage(1)], [rep()], []), as_of=D(2024, 6, 1)).status == "used"
    )


def test_facility_out_of_service_that_year_does_not_make_the_unit_able():
    closed = FacilityRecord("F-1", "U-1", "rainwater", D(2020, 1, 1), D(2023, 12, 31))
    assert unit_year("U-1", 2024, Records([closed], [], [], []), as_of=AFTER).status == "not_able"
    later = FacilityRecord("F-1", "U-1", "rainwater", D(2025, 1, 1))
    assert unit_year("U-1", 2024, Records([later], [], [], []), as_of=AFTER).status == "not_able"


def test_many_units_at_once_and_evidence_fits_the_water_plan_field():
    usages = [
        UsageRecord(f"V-{i:04d}", "U-1", "F-1", D(2024, 1, 1) + dt.timedelta(days=i % 300), 100)
        for i in range(80)
    ]
    out = units_year(["U-1", "U-9"], 2024, Records([FAC], usages, [rep()], []), as_of=AFTER)
    assert [r.status for r in out] == ["used", "not_able"]
    assert len(out[0].event.evidence) <= 200 and out[0].event.evidence.endswith("…")
    assert len(out[0].links["usage"]) == 80  # the full links are kept even when the evidence text is cut


def test_year_status_columns():
    nat = np.datetime64("NaT")
    d = lambda *xs: np.array(xs, dtype="datetime64[D]")  # noqa: E731
    out = year_status(
        [100, 100, 0, 0, 0],
        d("2024-02-29", "2024-02-29", nat, nat, nat),
        d("2024-01-15", nat, nat, nat, nat),
        [True, True, True, False, False],
        d(nat, nat, nat, "2024-07-01", nat),
        2024,
        AFTER,
    )
    assert out["status"].tolist() == ["used", "used_unproven", "able_not_used", "able_not_used", "not_able"]
    assert out["event_on"].astype(str).tolist() == ["2024-02-29", "NaT", "2024-12-31", "2024-07-01", "NaT"]
