from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .systems import SYSTEMS


def platform(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"platform_name": "鄂州市政策平台", "platform_systems": SYSTEMS}
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "role", "") == "admin":
        from . import clock
        from .calendar import missing_next_year

        # From 1 November the State Council's schedule for next year is due: remind the administrators
        # until it is entered (deadlines into that year are provisional meanwhile).
        context["calendar_missing_year"] = missing_next_year(clock.today())
    return context
