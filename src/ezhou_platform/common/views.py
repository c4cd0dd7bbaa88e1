from __future__ import annotations

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
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


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
