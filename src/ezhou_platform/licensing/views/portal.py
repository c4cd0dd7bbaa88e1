"""The enterprise's pages: pick an item, describe the application, see whether the commitment route applies
(and why not), choose the route; the one-time notice; the list of its applications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.licensing import CITE_APPLICANTS, CITE_SCOPE
from ezhou_rules.licensing.errors import LicensingError

from ..models import Application
from ..services import applications, rules
from .common import ERRORS, message_of, page_of, query_without_page
from .public import facets_from


@view_requires(Role.ENTERPRISE)
def apply(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    items = rules.catalogue().items_on(today)
    published = {s.item_code for s in rules.scheme_rows() if s.valid_from <= today}
    return render(request, "licensing/apply.html", {"items": items, "published": published})


@view_requires(Role.ENTERPRISE)
def apply_item(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    today = clock.today()
    try:
        item = rules.catalogue().item(code)
    except LicensingError:
        raise Http404("清单中没有该事项。") from None
    questions = applications.questions(item.code)
    districts = list(Jurisdiction.objects.districts(on=today))
    context: dict[str, Any] = {
        "item": item,
        "questions": questions,
        "certificates": item.certificates,
        "districts": districts,
        "cite_scope": CITE_SCOPE,
        "cite_applicants": CITE_APPLICANTS,
        "level": request.POST.get("level", "city"),
        "district": request.POST.get("district", user.jurisdiction.code if user.jurisdiction else ""),
    }
    if request.method == "POST":
        facets = facets_from(request.POST, questions)
        certificate = request.POST.get("certificate", "")
        context["answers"] = facets
        try:
            described = applications.describe(
                item.code, facets, on=today, certificate=certificate, uscc=user.enterprise_uscc
            )
        except LicensingError as exc:
            context["error"] = exc.message
            return render(request, "licensing/apply_item.html", context)
        context["described"] = described
        route = request.POST.get("route", "")
        if route in ("commitment", "general"):
            level = request.POST.get("level", "city")
            district = Jurisdiction.objects.filter(code=request.POST.get("district", "")).first()
            try:
                app = applications.file(
                    code=item.code,
                    facets=facets,
                    route=route,
                    uscc=user.enterprise_uscc,
                    name=user.enterprise_name or str(user),
                    actor=user,
                    on=today,
                    certificate=certificate,
                    level=level,
                    jurisdiction=district,
                )
            except ERRORS as exc:
                context["error"] = message_of(exc)
                return render(request, "licensing/apply_item.html", context)
            messages.success(
                request,
                "已提交。"
                + (
                    "请阅读一次性告知内容，并在期限内签署告知承诺书。"
                    if route == "commitment"
                    else "申请将按一般程序办理。"
                ),
            )
            return redirect("licensing:case", app.pk)
    return render(request, "licensing/apply_item.html", context)


@view_requires(Role.ENTERPRISE)
def my_cases(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    apps = Application.objects.filter(applicant_uscc=user.enterprise_uscc).select_related(
        "item", "department"
    )
    return render(
        request,
        "licensing/my_cases.html",
        {
            "page": page_of(request, apps.order_by("-filed_on", "-id")),
            "query": query_without_page(request),
        },
    )
