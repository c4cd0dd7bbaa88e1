"""Login signals of the security layer: start the session's absolute lifetime, watch for failure storms."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed

from ezhou_platform.common.middleware import LOGIN_AT_KEY

logger = logging.getLogger(__name__)


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()


def on_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    from . import alerts

    try:
        alerts.check_lockout_storm()
    except Exception:  # an alert that cannot be raised must not turn a failed login into a 500
        logger.exception("could not check for a login-failure storm")


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="security.on_logged_in")
    # After django-axes has logged the failure (axes connects its handler when its app is ready, first).
    user_login_failed.connect(on_login_failed, dispatch_uid="security.on_login_failed")
