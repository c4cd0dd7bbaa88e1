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
