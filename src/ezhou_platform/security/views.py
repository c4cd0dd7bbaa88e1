"""Pages of the security layer: the CAPTCHA image, the second factor, changing one's password, alerts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from ezhou_platform.common import scopes
from ezhou_platform.common.permissions import public
from ezhou_platform.common.roles import Role

from . import captcha, mfa
from .middleware import MUST_CHANGE_KEY


def own_account(view: Any) -> Any:
    """Any logged-in user, whatever the role, acting on their own account (the second factor, their password):
    not a business write, so the auditor, read-only elsewhere, may POST here too."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.required_roles = tuple(Role)  # type: ignore[attr-defined]  # declared access for the URL walk
    wrapper.required_department = scopes.ACCOUNT  # type: ignore[attr-defined]  # only the user's own account
    return wrapper


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@public
@never_cache
def captcha_image(request: HttpRequest) -> HttpResponse:
    """The current question as a PNG; no question in the session → a new one (the form reloads it)."""
    question = captcha.current_question(request) or captcha.new_challenge(request)
    response = HttpResponse(captcha.image(question), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@own_account
def mfa_page(request: HttpRequest) -> HttpResponse:
    """Verify the second factor, or enrol a TOTP app first (QR code + key), then continue."""
    from django.shortcuts import resolve_url

    from ezhou_platform.common.audit.services import action_label  # noqa: F401 - registers labels

    user: Any = request.user
    done = _next(request, resolve_url("procedures:workspace"))
    if not mfa.mfa_required(user) or mfa.is_verified(user):
        return redirect(done)
    device = mfa.confirmed_device(user)
    enrol = device is None
    error = ""
    if request.method == "POST":
        if mfa.verify(request, request.POST.get("token", ""), enrol=enrol):
            messages.success(request, "动态口令验证通过。" if not enrol else "动态口令设备已绑定。")
            return redirect(done)
        error = "动态口令不正确或已使用过，请输入手机应用上显示的最新6位数字。"
    context: dict[str, Any] = {"enrol": enrol, "error": error, "next": done}
    if enrol:
        pending = mfa.pending_device(user)
        context |= {"qr": mfa.qr_svg_data_uri(pending), "key": mfa.base32_key(pending)}
    return render(request, "security/mfa.html", context)


class OwnPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        self.user.changing_own_password = True  # type: ignore[attr-defined]  # the hook clears must_change_password
        return super().save(commit=commit)


@never_cache
@own_account
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (required at first login, after a reset and, for staff, every 90 days)."""
    from ezhou_platform.common.audit.services import record

    user: Any = request.user
    form = OwnPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record("platform.user.password_change", actor=user, obj=user, request=request)
        update_session_auth_hash(request, form.user)
        request.session.pop(MUST_CHANGE_KEY, None)
        messages.success(request, "密码已修改。")
        return redirect("procedures:workspace")
    return render(
        request,
        "security/password_change.html",
        {"form": form, "required": bool(request.session.get(MUST_CHANGE_KEY))},
    )
