"""What administrators enter: water-quality standards with their source (第十一条, 第十八条), indicators, and the
values the document leaves to configuration (第十三条 "等", 第二十三条 "定期", 第二十五条's laws)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from ..forms import (
    IndicatorForm,
    IndustriesForm,
    IntervalForm,
    LawsForm,
    StandardForm,
    WithdrawForm,
    add_refusal,
)
from ..models import IndicatorEntry, StandardTable
from ..services import config, library
from .base import DEPT, REFUSALS, done

ENTERERS = (Role.ADMIN, Role.DEPARTMENT_HEAD)


@view_requires(*ENTERERS, department=DEPT)
def standard_new(request: HttpRequest) -> HttpResponse:
    form = StandardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = library.limits_from_text(d["limits"])
            table = library.enter_standard(
                d["code"], d["title"], d["in_force"], d["source"], rows, actor=request.user
            )
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(
                request,
                f"已录入《{table.code}》，共{len(rows)}条限值。此前因该标准未录入而不予判定的报告，可在检测报告页重新判定。",
                reverse("unconventional_water:standards"),
            )
    return render(
        request,
        "unconventional_water/standard_new.html",
        {
            "form": form,
            "indicator_form": IndicatorForm(),
            "indicators": IndicatorEntry.objects.order_by("-entered_at"),
        },
    )


@require_POST
@view_requires(*ENTERERS, department=DEPT)
def standard_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_object_or_404(StandardTable, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            library.withdraw_standard(table, form.cleaned_data["reason"], actor=request.user)
        except REFUSALS as exc:
            from django.contrib import messages

            messages.error(request, exc.message if hasattr(exc, "message") else str(exc))
        else:
            return done(
                request, f"《{table.code}》的这份录入已停用。", reverse("unconventional_water:standards")
            )
    return done(request, "停用原因：不能为空。", reverse("unconventional_water:standards"))


@require_POST
@view_requires(*ENTERERS, department=DEPT)
def indicator_new(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            library.enter_indicator(
                d["code"],
                d["name"],
                d["dimension"],
                d["aliases"].replace(",", "、").split("、"),
                d["source"],
                actor=request.user,
            )
        except REFUSALS as exc:
            add_refusal(form, exc)
        else:
            return done(request, f"已登记指标“{d['name']}”。", reverse("unconventional_water:standard_new"))
    return render(
        request,
        "unconventional_water/standard_new.html",
        {
            "form": StandardForm(),
            "indicator_form": form,
            "indicators": IndicatorEntry.objects.order_by("-entered_at"),
        },
        status=422,
    )


@view_requires(*ENTERERS, Role.CLERK, Role.AUDITOR, department=DEPT)
def configuration(request: HttpRequest) -> HttpResponse:
    forms = {"laws": LawsForm(), "interval": IntervalForm(), "industries": IndustriesForm()}
    status = 200
    if request.method == "POST":
        if getattr(request.user, "role", "") not in ENTERERS:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("由系统管理员或部门负责人录入。")
        which = request.POST.get("which", "")
        cls = {"laws": LawsForm, "interval": IntervalForm, "industries": IndustriesForm}.get(which)
        if cls is not None:
            form = cls(request.POST)
            forms[which] = form
            if form.is_valid():
                d = form.cleaned_data
                try:
                    if which == "laws":
                        config.enter_handling_laws(
                            d["act"], d["valid_from"], d["laws"].splitlines(), d["source"], actor=request.user
                        )
                    elif which == "interval":
                        config.enter_testing_interval(
                            d["valid_from"], d["months"], d["source"], actor=request.user
                        )
                    else:
                        config.enter_prohibited_industries(
                            d["valid_from"],
                            d["industries"].replace(",", "、").split("、"),
                            d["source"],
                            actor=request.user,
                        )
                except REFUSALS as exc:
                    add_refusal(form, exc)
                except ValueError as exc:  # a value the parameter's unit refuses
                    form.add_error(None, str(exc))
                else:
                    return done(
                        request, "已录入，自起始日期起适用。", reverse("unconventional_water:configuration")
                    )
            status = 422
    return render(
        request,
        "unconventional_water/configuration.html",
        {
            "forms": forms,
            "overview": config.overview(clock.today()),
            "may_enter": getattr(request.user, "role", "") in ENTERERS,
        },
        status=status,
    )
