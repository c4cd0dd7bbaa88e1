"""Request-scoped context for the audit trail (with its request id), and the session timeouts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from .roles import STAFF_ROLES


@dataclass(frozen=True)
class RequestContext:
    remote_addr: str
    user_agent: str
    path: str
    request_id: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("ezhou_request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_address(request: HttpRequest) -> str:
    # Only the socket address: X-Forwarded-For is set by the client and cannot be trusted unless a known
    # proxy in front of us rewrites it, which the production server configuration handles, not this code.
    return request.META.get("REMOTE_ADDR", "") or ""


REQUEST_ID_HEADER = "X-Request-ID"


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give every request an id (SECURITY.md C11): on `request.request_id`, in every audit record written
    while it runs, in the server log and echoed to the client as X-Request-ID, so a user's report, the
    access log and the audit trail can be joined. The id is the server's own (a client's header is not
    trusted: it could forge another request's id into the trail)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = new_request_id()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(
                remote_addr=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                path=request.path[:200],
                request_id=getattr(request, "request_id", "") or "",
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


IDLE_KEY = "ezhou_last_activity"
# When the user logged in (set by the login signal): the session ends 12 hours later however busy it is.
LOGIN_AT_KEY = "ezhou_login_at"


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than its role allows (15 minutes staff, 30 minutes citizens), and
    any session older than its absolute lifetime (12 hours from login, SECURITY.md C03): every request
    refreshes the idle clock, never the absolute one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _expired(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)  # flushes the server-side session
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"code": "session_expired", "message": message, "field": None}, status=401)
        messages.info(request, message)
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = (
                settings.IDLE_TIMEOUT_STAFF_SECONDS
                if user.role in STAFF_ROLES
                else settings.IDLE_TIMEOUT_CITIZEN_SECONDS
            )
            now = time.time()
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                # A session from before this check (or a test's force_login): its lifetime starts now.
                request.session[LOGIN_AT_KEY] = login_at = now
            if now - float(login_at) > settings.SESSION_ABSOLUTE_SECONDS:
                return self._expired(request, "登录已超过12小时，为保护信息安全已自动退出，请重新登录。")
            last = request.session.get(IDLE_KEY)
            if last is not None and now - float(last) > limit:
                return self._expired(request, "您已长时间未操作，为保护信息安全已自动退出，请重新登录。")
            request.session[IDLE_KEY] = now
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline scripts: page scripts live in static files
        "style-src 'self' 'unsafe-inline'",  # Swagger UI and style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no CDN, no third-party hosts: data stays on this server) and no caching of
    pages shown to a logged-in user, which may carry personal data (SECURITY.md C23, C24)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, no_store=True, private=True)
        return response
