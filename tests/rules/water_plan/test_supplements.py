"""附件2: the eight emergency-supplement types, each worked out by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as F

import pytest

from ezhou_rules.core.trace import Trace
from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.water_plan import supplements as s
from ezhou_rules.water_plan.errors import WaterPlanError

D = dt.date(2024, 5, 1)
CAL = default_calendar()


def test_fire_meter_volume():
    t = Trace()
    assert s.fire(12345, "fire_meter", trace=t) == 12345
    assert t.steps[0].citation.anchor() == "annex2-item1"
    with pytest.raises(WaterPlanError):
        s.fire(100, "guess")


def test_burst_pipe_formula_and_24_hour_cap():
    # DN100, 0.3 MPa, μ = 0.6: A = π·0.1²/4 = 0.00785398 m²; v = √(2·300000/1000) = √600 = 24.494897 m/s
    # Q = 0.6 × 0.0078539816 × 24.4948974 = 0.115429483 m³/s; 2 h = 7200 s → 831.0923 m³ → 831.09
    assert s.burst_pipe(100, F(3, 10), F(2), D) == 83109
    # 30 h is counted as 24 h: 0.115429483 × 86400 = 9973.1073 → 9973.11 m³
    assert s.burst_pipe(100, F(3, 10), F(30), D) == 997311
    with pytest.raises(WaterPlanError):
        s.burst_pipe(0, F(3, 10), F(2), D)


def test_construction_deducts_only_months_reported_on_time():
    # 附件2 （三）, W16: a month is on time if reported by the end of the next month (rolled past rest days).
    t = Trace()
    rows = [
        (dt.date(2024, 3, 1), 3000, dt.date(2024, 4, 10)),  # due 2024-04-30 (Tue): on time, 30.00
        (dt.date(2024, 4, 1), 2050, dt.date(2024, 5, 31)),  # due 2024-05-31 (Fri), the last day: 20.50
        (dt.date(2024, 5, 1), 9900, dt.date(2024, 7, 1)),  # due 06-30, a Sunday → Mon 07-01: on time, 99.00
        (dt.date(2024, 6, 1), 1000, dt.date(2024, 8, 1)),  # due 2024-07-31 (Wed): one day late → not counted
        (dt.date(2024, 7, 1), 500, None),  # never reported (due 08-31, a Saturday → Mon 09-02) → not counted
    ]
    # 30.00 + 20.50 + 99.00 = 149.50 m³
    assert s.construction_deduction(rows, True, CAL, trace=t) == 14950
    assert "2024年6月（应于2024年7月31日前上报，2024年8月1日上报）" in t.steps[0].explanation
    assert "2024年7月（应于2024年9月2日前上报，未上报）" in t.steps[0].explanation
    # no approved request: nothing is deducted, whatever was reported ("不提出申请的……不予认可")
    t = Trace()
    assert s.construction_deduction(rows, False, CAL, trace=t) == 0
    assert "不予认可" in t.steps[0].explanation
    with pytest.raises(WaterPlanError):
        s.construction_deduction([(dt.date(2024, 3, 1), -1, dt.date(2024, 4, 1))], True, CAL)


def test_transfer_municipal_and_by_quota():
    assert s.transfer(True, billed_m3x100=45600) == 45600
    # 20 户 × 1.25 m³ = 25.00 m³
    assert s.transfer(False, quantity=F(20), quota=F("1.25")) == 2500
    with pytest.raises(WaterPlanError) as e:
        s.transfer(False, quantity=F(20))
    assert e.value.code == "quota_missing"


def _readings(start, before, during, after):
    """7 days of `before`, len(during) leak days, 7 days of `after`, starting 7 days before `start`."""
    days = {}
    d = start - dt.timedelta(days=7)
    for v in [before] * 7 + during + [after] * 7:
        days[d] = v
        d += dt.timedelta(days=1)
    return days


LEAK_START = dt.date(2024, 6, 10)


def test_leak_repaired_within_5_days_unit_bears_nothing():
    # week before 10 m³/day (70), week after 12 m³/day (84); 4 leak days of 50 m³ = 200
    # leak = 200 − (70 + 84) ÷ 14 × 4 = 200 − 44 = 156.00 m³; repair started day 5 → share 0
    daily = _readings(LEAK_START, 1000, [5000] * 4, 1200)
    t = Trace()
    out = s.leak(
        daily, LEAK_START, LEAK_START + dt.timedelta(days=3), LEAK_START + dt.timedelta(days=5), trace=t
    )
    assert out == 15600
    assert t.steps[0].citation.anchor() == "annex2-item5"


def test_leak_repair_within_5_to_10_days_bears_one_fifth():
    # 156.00 × (1 − 1/5) = 124.80
    daily = _readings(LEAK_START, 1000, [5000] * 4, 1200)
    assert (
        s.leak(daily, LEAK_START, LEAK_START + dt.timedelta(days=3), LEAK_START + dt.timedelta(days=10))
        == 12480
    )


def test_leak_repair_after_10_days_bears_one_third():
    # 156.00 × (1 − 1/3) = 104.00
    daily = _readings(LEAK_START, 1000, [5000] * 4, 1200)
    assert (
        s.leak(daily, LEAK_START, LEAK_START + dt.timedelta(days=3), LEAK_START + dt.timedelta(days=11))
        == 10400
    )


def test_leak_pipe_renewal_of_50000_yuan_within_a_month_covers_all():
    daily = _readings(LEAK_START, 1000, [5000] * 4, 1200)
    end, late = LEAK_START + dt.timedelta(days=3), LEAK_START + dt.timedelta(days=20)
    assert (
        s.leak(daily, LEAK_START, end, late, renewal_started=dt.date(2024, 7, 10), renewal_cost_fen=5000000)
        == 15600
    )
    # 49,999.99 yuan is not enough → 1/3 borne
    assert (
        s.leak(daily, LEAK_START, end, late, renewal_started=dt.date(2024, 7, 10), renewal_cost_fen=4999999)
        == 10400
    )
    # started after one month (07-11) → 1/3 borne
    assert (
        s.leak(daily, LEAK_START, end, late, renewal_started=dt.date(2024, 7, 11), renewal_cost_fen=6000000)
        == 10400
    )


def test_leak_without_daily_readings_refused():
    with pytest.raises(WaterPlanError) as e:
        s.leak({}, LEAK_START, LEAK_START, LEAK_START)
    assert e.value.code == "leak_no_daily_readings"
    daily = _readings(LEAK_START, 1000, [5000] * 4, 1200)
    del daily[LEAK_START + dt.timedelta(days=5)]  # a day of the week after is missing
    with pytest.raises(WaterPlanError) as e:
        s.leak(daily, LEAK_START, LEAK_START + dt.timedelta(days=3), LEAK_START)
    assert "2024年6月15日" in e.value.message  # one date format in messages (issue 8 §4)


def test_equipment_metered_and_fire_test_invoice():
    # after 380.00 − before 300.00 = 80.00
    assert s.equipment("metered", before_m3x100=30000, after_m3x100=38000) == 8000
    assert s.equipment("fire_test_invoice", invoice_m3x100=1500) == 1500
    with pytest.raises(WaterPlanError):
        s.equipment("estimated")


def test_drill_and_cleaning_ranges():
    # unmetered drill 120 t × 2 = 240.00 m³
    assert s.drill_cleaning("drill", False, D, per_event_m3x100=12000, events=2) == 24000
    with pytest.raises(WaterPlanError) as e:
        s.drill_cleaning("drill", False, D, per_event_m3x100=16000)
    assert "100-150" in e.value.message
    # cleaning: 50–100 t
    assert s.drill_cleaning("cleaning", False, D, per_event_m3x100=5000) == 5000
    with pytest.raises(WaterPlanError):
        s.drill_cleaning("cleaning", False, D, per_event_m3x100=10100)
    # metered: 215.5 − 100 = 115.50
    assert s.drill_cleaning("drill", True, D, before_m3x100=10000, after_m3x100=21550) == 11550


def test_increase_modes():
    # output with quota: 1000 t × 3.5 m³/t = 3500.00 m³
    assert s.increase("output_quota", D, quantity=F(1000), quota=F("3.5")) == 350000
    # raw material without quota: 2000 m³ × 20% ÷ 2 = 200.00 m³
    assert (
        s.increase("output_no_quota", D, last_year_m3x100=200000, growth=F("0.2"), water_use="raw_material")
        == 20000
    )
    # auxiliary, divisor 8: 2000 × 20% ÷ 8 = 50.00 m³
    assert (
        s.increase(
            "output_no_quota",
            D,
            last_year_m3x100=200000,
            growth=F("0.2"),
            water_use="auxiliary",
            divisor=F(8),
        )
        == 5000
    )
    with pytest.raises(WaterPlanError):
        s.increase(
            "output_no_quota",
            D,
            last_year_m3x100=200000,
            growth=F("0.2"),
            water_use="auxiliary",
            divisor=F(11),
        )
    # unmetered cooling tower: 2% of 12,345.67 m³ = 246.9134 → 246.91
    assert s.increase("equipment_unmetered", D, circulation_m3x100=1234567) == 24691
    # staff: 30 人 × 12 m³ = 360.00 ; without quota refused
    assert s.increase("staff", D, quantity=F(30), quota=F(12)) == 36000
    with pytest.raises(WaterPlanError):
        s.increase("staff", D, quantity=F(30))
    assert s.increase("factory_rental", D, volume_m3x100=7777) == 7777
