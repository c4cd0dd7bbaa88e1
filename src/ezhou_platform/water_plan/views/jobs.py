"""The clerks' page for the long work of 计划用水管理: issue a year's plans (第九条), settle a year (第十四条),
import the supplier's readings (第五条). Each starts a background job and goes to its progress page; the
result (counts, errors file) is shown there."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.jobs.runner import visible_runs
from ezhou_platform.jobs.views import start_from_request
from ezhou_rules.core.dates import cn_date

from .. import forms
from ..jobs import IMPORT, ISSUE, SETTLE
from .common import CLERK, STAFF

WATER = "water"


@view_requires(*STAFF, department=WATER)
def jobs_page(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    issue_form = forms.YearJobForm(
        prefix="issue", initial={"year": today.year + 1 if today.month == 12 else today.year}
    )
    settle_form = forms.YearJobForm(prefix="settle", initial={"year": today.year - 1})
    if request.method == "POST":
        if getattr(request.user, "role", "") not in CLERK:
            messages.error(request, "只有市水利和湖泊局的经办人员和负责人可以发起作业。")
        else:
            which = request.POST.get("job", "")
            if which in ("issue", "settle"):
                form = forms.YearJobForm(request.POST, prefix=which)
                if which == "issue":
                    issue_form = form
                else:
                    settle_form = form
                if form.is_valid():
                    started = start_from_request(
                        request, ISSUE if which == "issue" else SETTLE, params=form.params()
                    )
                    if started is not None:
                        return started
                else:
                    for text in forms.errors_text(form):
                        messages.error(request, text)
            elif which == "import":
                started = start_from_request(request, IMPORT)
                if started is not None:
                    return started
    runs = list(
        visible_runs(request.user).filter(name__in=[ISSUE, SETTLE, IMPORT]).order_by("-created_at")[:20]
    )
    for run in runs:
        p = run.params or {}
        on = p.get("on")
        run.what = (  # type: ignore[attr-defined]
            f"{p['year']}年度" + (f"，{cn_date(dt.date.fromisoformat(on))}" if on else "")
            if "year" in p
            else run.input_name
        )
    return render(
        request,
        "water_plan/jobs.html",
        {
            "issue_form": issue_form,
            "settle_form": settle_form,
            "runs": runs,
            "can_start": getattr(request.user, "role", "") in CLERK,
        },
    )
