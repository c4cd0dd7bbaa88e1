"""第二十条: 24 clock hours' notice to users, reported to the department at the same time; to the minute."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.stop_notice import check_stop_notice

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
STOP = dt.datetime(2024, 5, 2, 8, 0, tzinfo=SH)  # 2024年5月2日08:00 北京时间


def test_exactly_24_hours_ahead_is_on_time():
    t = Trace()
    # notice 2024-05-01 08:00, stop 2024-05-02 08:00 → 24小时00分 ≥ 24 h (提前24小时 includes the figure)
    r = check_stop_notice(STOP, STOP - dt.timedelta(hours=24), STOP - dt.timedelta(hours=24), trace=t)
    assert r.notice_on_time and r.report_status == "on_time" and r.violations == ()
    assert r.notice_lead_minutes == 1440
    assert "最迟应于2024年5月1日08:00" in r.explanation[0]
    assert t.steps[0].citation.anchor() == "art20-para2"


def test_one_minute_short_is_late():
    # 2024-05-01 08:01 → 23小时59分 < 24 h
    r = check_stop_notice(STOP, STOP - dt.timedelta(hours=23, minutes=59), STOP - dt.timedelta(days=2))
    assert not r.notice_on_time and [v.code for v in r.violations] == ["notice_late"]
    assert "仅提前23小时59分" in r.violations[0].explanation


def test_seconds_are_dropped_to_the_minute():
    # notice at 08:00:59 the day before: read as 08:00 → exactly 24 h
    notice = dt.datetime(2024, 5, 1, 8, 0, 59, tzinfo=SH)
    assert check_stop_notice(STOP, notice, notice).notice_on_time
    # stop at 08:00:30 is the same minute 08:00
    assert check_stop_notice(
        STOP.replace(second=30), STOP - dt.timedelta(hours=24), STOP - dt.timedelta(hours=24)
    ).notice_on_time


def test_any_time_zone_is_read_on_the_shanghai_clock():
    # 2024-05-01 00:00 UTC = 08:00 Beijing time: exactly 24 hours before the stop
    notice = dt.datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    r = check_stop_notice(STOP, notice, notice)
    assert r.notice_on_time and r.users_notified_at.tzinfo == SH and r.users_notified_at.hour == 8


def test_report_late_or_missing_is_recorded():
    notice = STOP - dt.timedelta(hours=30)
    r = check_stop_notice(STOP, notice, None)
    assert r.report_status == "missing" and [v.code for v in r.violations] == ["report_missing"]
    # reported 2 hours after the users were told, 28 h before the stop: still ≥ 24 h ahead → on time (U9)
    assert check_stop_notice(STOP, notice, notice + dt.timedelta(hours=2)).report_status == "on_time"
    # reported 12 hours before the stop: late; even after the stop it is recorded as late, not refused
    assert check_stop_notice(STOP, notice, STOP - dt.timedelta(hours=12)).report_status == "late"
    r = check_stop_notice(STOP, notice, STOP + dt.timedelta(hours=1))
    assert r.report_status == "late" and [v.code for v in r.violations] == ["report_late"]


def test_no_notice_is_stopping_without_permission():
    r = check_stop_notice(STOP, None, None)
    assert [v.code for v in r.violations] == ["notice_missing", "report_missing"]
    assert r.violations[0].citation.endswith("第二十条第一款")


def test_refusals():
    with pytest.raises(UnconventionalWaterError) as e:
        check_stop_notice(STOP, STOP + dt.timedelta(minutes=1), None)
    assert e.value.code == "notice_after_stop" and e.value.field == "users_notified_at"
    with pytest.raises(UnconventionalWaterError) as e:
        check_stop_notice(dt.datetime(2024, 5, 2, 8, 0), None, None)
    assert e.value.code == "naive_datetime" and "时区" in e.value.message
    with pytest.raises(UnconventionalWaterError) as e:
        check_stop_notice(STOP, dt.datetime(2024, 5, 1, 8, 0), None)
    assert e.value.code == "naive_datetime" and e.value.field == "users_notified_at"
    with pytest.raises(UnconventionalWaterError) as e:
        check_stop_notice(STOP, None, None, stop_ends_at=STOP)
    assert e.value.code == "stop_end_order"


@settings(max_examples=400, deadline=None)
@given(lead=st.integers(0, 3 * 1440), seconds=st.integers(0, 59))
def test_on_time_exactly_when_at_least_1440_minutes(lead, seconds):
    notice = STOP - dt.timedelta(minutes=lead) + dt.timedelta(seconds=seconds)
    if notice.replace(second=0) > STOP:
        return
    r = check_stop_notice(STOP, notice, notice)
    # seconds are dropped: the notice counts from its minute
    assert r.notice_on_time == (lead >= 1440)
    assert r.report_status == ("on_time" if lead >= 1440 else "late")
