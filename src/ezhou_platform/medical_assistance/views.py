from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common.permissions import public


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "medical_assistance/index.html")
