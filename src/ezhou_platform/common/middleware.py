"""Request-scoped context for the audit trail, and the idle timeout of sessions."""

from __future__ import annotations

import time
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


_current: ContextVar[RequestContext | None] = ContextVar("ezhou_request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_address(request: HttpRequest) -> str:
    # Only the socket address: X-Forwarded-For is set by the client and cannot be trusted unless a known
    # proxy in front of us rewrites it, which the production server configuration handles, not this code.
    return request.META.get("REMOTE_ADDR", "") or ""


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(
                remote_addr=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                path=request.path[:200],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


IDLE_KEY = "ezhou_last_activity"


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than its role allows (15 minutes staff, 30 minutes citizens)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = (
                settings.IDLE_TIMEOUT_STAFF_SECONDS
                if user.role in STAFF_ROLES
                else settings.IDLE_TIMEOUT_CITIZEN_SECONDS
            )
            now = time.time()
            last = request.session.get(IDLE_KEY)
            if last is not None and now - float(last) > limit:
                logout(request)  # flushes the server-side session
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"code": "session_expired", "message": "登录已超时，请重新登录。", "field": None},
                        status=401,
                    )
                messages.info(request, "您已长时间未操作，为保护信息安全已自动退出，请重新登录。")
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
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
