"""The security gate every request passes after login, and the address allowlist of the admin.

SecurityGateMiddleware (after django-otp's OTPMiddleware and the idle timeout):
1. a staff user who has not verified the second factor in this session reaches only the MFA page (C04);
2. then, a user whose password must be changed (first login, reset, older than 90 days for staff: set at
   login) reaches only the password page (C01, C06).
JSON clients get 401/403 with a machine code instead of a redirect.

AdminAllowlistMiddleware: /admin/ answers only to the networks in ADMIN_ALLOWED_NETWORKS (C10; MLPS 入侵防范
19 管理终端限制); anyone else gets 403, and the refusal is audited.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ezhou_platform.common.middleware import client_address

from . import mfa

MUST_CHANGE_KEY = "ezhou_must_change_password"
# Reachable before the gate is passed: logging out, the two gate pages, static files, the CAPTCHA image.
_OPEN_PREFIXES = (
    "/static/",
    "/accounts/logout/",
    "/accounts/mfa/",
    "/accounts/password/",
    "/accounts/captcha",
)


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": None}, status=status)


class SecurityGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            api = request.path.startswith("/api/")
            if mfa.mfa_required(user) and not mfa.is_verified(user):
                if api:
                    return _json("mfa_required", "请先完成动态口令验证（工作人员须双因素登录）。", 401)
                return redirect(f"{reverse('security:mfa')}?next={request.get_full_path()}")
            if request.session.get(MUST_CHANGE_KEY):
                if api:
                    return _json("password_change_required", "请先修改密码。", 403)
                return redirect(reverse("security:password_change"))
        return self.get_response(request)


@cache
def _networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in spec.split(",") if n.strip())


def admin_address_allowed(addr: str) -> bool:
    spec = ",".join(getattr(settings, "ADMIN_ALLOWED_NETWORKS", ()))
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in _networks(spec))


class AdminAllowlistMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/") and not admin_address_allowed(client_address(request)):
            from django.db import transaction

            from ezhou_platform.common.audit.services import record

            with transaction.atomic():
                record(
                    "auth.access_denied",
                    actor=getattr(request, "user", None),
                    result="denied",
                    object_type="url",
                    object_id=request.path[:200],
                    object_repr=f"{request.method} {request.path}（管理地址不在允许范围）"[:200],
                    request=request,
                )
            return render(
                request,
                "403.html",
                {"message": "业务管理后台只允许从指定的管理网络访问。"},
                status=403,
            )
        return self.get_response(request)
