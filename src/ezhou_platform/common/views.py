from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import LoginForm
from .permissions import public


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "common/home.html")


class LoginView(auth_views.LoginView):
    """Password login, throttled (ezhou_platform.security.throttle), then the security gate: the second
    factor for staff and, when due, a password change (SecurityGateMiddleware)."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    challenge = False

    def _decide(self, username: str) -> Any:
        from ezhou_platform.security import throttle

        return throttle.decide(self.request, username)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        decision = self._decide(str(request.POST.get("username", ""))[:150])
        if decision.blocked:
            from django.db import transaction

            from ezhou_platform.common.audit.services import record

            with transaction.atomic():
                record(
                    "auth.ip_throttled",
                    actor=str(request.POST.get("username", ""))[:150],
                    result="denied",
                    request=request,
                )
            return render(request, "registration/throttled.html", status=429)
        self.challenge = decision.challenge
        return super().post(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.challenge = self._decide("").challenge
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "challenge": self.challenge}

    def form_valid(self, form: Any) -> HttpResponse:
        from ezhou_platform.security.accounts import must_change_password
        from ezhou_platform.security.middleware import MUST_CHANGE_KEY

        response = super().form_valid(form)
        if must_change_password(form.get_user()):
            # First login, a reset, or a staff password older than 90 days: the gate sends every request to
            # the password page until it is changed (after the second factor, which a reset never skips).
            self.request.session[MUST_CHANGE_KEY] = True
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # The failure just counted may have crossed a threshold: the next try needs the CAPTCHA.
        self.challenge = self._decide(str(self.request.POST.get("username", ""))[:150]).challenge
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from ezhou_platform.security import captcha

        context = super().get_context_data(**kwargs)
        if self.challenge:
            captcha.new_challenge(self.request)
            context["challenge"] = True
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); flushes the server-side session row."""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from ezhou_platform.common.audit.services import record_access_denied

    record_access_denied(request)
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Never a bare "Server Error (500)": a Chinese page saying the operation did not complete.

    Runs while the exception is being handled, so it can tell a known cause (a year's holidays missing
    from a strict calendar) from an unknown one. Rendered without the request context processors, which
    might fail for the same reason the view did.
    """
    import sys

    from django.template import loader

    from ezhou_rules.core.workdays import CalendarYearUnknown

    exc = sys.exc_info()[1]
    context = {"platform_name": "鄂州市政策平台"}
    if isinstance(exc, CalendarYearUnknown):
        context |= {"title": "工作日历缺少年度安排", "message": f"{exc} 操作未完成，已保存的数据不受影响。"}
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # the page itself must not fail: fall back to plain Chinese text
        body = "<!DOCTYPE html><meta charset=utf-8><title>系统暂时无法完成操作</title><p>系统暂时无法完成操作，请稍后重试。</p>"
    return HttpResponse(body, status=503 if isinstance(exc, CalendarYearUnknown) else 500)
