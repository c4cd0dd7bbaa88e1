"""Server-side sessions whose stored expiry is absolute (SECURITY.md C03).

Django's database sessions move `expire_date` forward on every save (SESSION_COOKIE_AGE counts from the last
change), so a busy session never reaches its 12 hours. This store caps the expiry at the login time plus
SESSION_ABSOLUTE_SECONDS; IdleTimeoutMiddleware logs the session out at that moment too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore

from . import clock
from .middleware import LOGIN_AT_KEY


class SessionStore(DbSessionStore):
    def _absolute_end(self) -> dt.datetime | None:
        login_at = self.get(LOGIN_AT_KEY)
        if login_at is None:
            return None
        return dt.datetime.fromtimestamp(float(login_at), tz=dt.UTC) + dt.timedelta(
            seconds=settings.SESSION_ABSOLUTE_SECONDS
        )

    def get_expiry_date(self, **kwargs: Any) -> dt.datetime:
        date = super().get_expiry_date(**kwargs)
        end = self._absolute_end()
        return min(date, end) if end is not None else date

    def get_expiry_age(self, **kwargs: Any) -> int:
        age = super().get_expiry_age(**kwargs)
        end = self._absolute_end()
        if end is None:
            return age
        modification = kwargs.get("modification") or clock.now()
        return max(0, min(age, int((end - modification).total_seconds())))
