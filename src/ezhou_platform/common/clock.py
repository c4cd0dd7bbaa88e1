"""The one clock the platform reads: "now" and "today" in Asia/Shanghai.

Every service, view, command and demo loader takes the current date from here (or from an argument that a
caller filled from here), never from ``date.today()``: the gazette's deadlines are counted in Beijing
dates, and the tests freeze this clock with time-machine so the suite gives the same answers on any day of
any year (``tests/conftest.py`` freezes it for every test).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC inside; shown in Asia/Shanghai)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai (the settings' TIME_ZONE)."""
    return timezone.localdate(timezone.now())
