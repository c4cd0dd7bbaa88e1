from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .systems import SYSTEMS


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"platform_name": "鄂州市政策平台", "platform_systems": SYSTEMS}
