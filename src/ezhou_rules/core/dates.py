"""Dates as the platform writes them for people: 2026年12月1日 (no leading zeros), everywhere."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# The platform's dates are Beijing dates: an aware datetime is shown on the day it is in Asia/Shanghai.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def cn_date(day: dt.date | None) -> str:
    """2026-12-01 → "2026年12月1日"; None → ""."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = (day.astimezone(SHANGHAI) if day.tzinfo else day).date()
    return f"{day.year}年{day.month}月{day.day}日"
