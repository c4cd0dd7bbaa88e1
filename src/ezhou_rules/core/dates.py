"""Dates as the platform writes them for people: 2026年12月1日 (no leading zeros), everywhere."""

from __future__ import annotations

import datetime as dt


def cn_date(day: dt.date | None) -> str:
    """2026-12-01 → "2026年12月1日"; None → ""."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日"
