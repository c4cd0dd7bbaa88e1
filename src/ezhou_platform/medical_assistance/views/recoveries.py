"""Amounts a re-settlement found paid too much (多付应追回, M12): each a case tracked until it is recorded as
recovered (the step "登记追回", 第十一条); the list and its Excel export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode

from ezhou_platform.common import clock
from ezhou_platform.common.exports import Sheet, xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_rules.core.money import format_yuan

from .. import services
from ..cites import CITE_SETTLE
from ..models import Recovery
from .common import DEPARTMENT, STAFF, anchor, may_write, page_of, parse_date


def _filtered(request: HttpRequest) -> tuple[Any, str, str]:
    state = request.GET.get("state") or ""
    year = (request.GET.get("year") or "").strip()
    qs = Recovery.objects.select_related("person", "adjustment__claim", "adjustment__jurisdiction").order_by(
        "-id"
    )
    if state in Recovery.State.values:
        qs = qs.filter(state=state)
    else:
        state = ""
    if year.isdigit():
        qs = qs.filter(year=int(year))
    else:
        year = ""
    return qs, state, year


@view_requires(*STAFF, department=DEPARTMENT)
def recoveries(request: HttpRequest) -> HttpResponse:
    """Amounts paid that a re-settlement lowered (第十一条): the reason, and recording them as recovered."""
    can_record = may_write(request)
    if request.method == "POST":
        if not can_record:
            return HttpResponse("审计员只读。", status=403)
        recovery = get_object_or_404(Recovery, pk=request.POST.get("recovery") or 0)
        errors: list[str] = []
        day = parse_date(request.POST.get("recovered_on"), "追回日期", errors)
        if day is not None:
            try:
                services.record_recovery(
                    recovery, day=day, evidence=request.POST.get("evidence") or "", acting_user=request.user
                )
            except services.ApiError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"已登记追回：{recovery.person} {format_yuan(recovery.amount)}。")
        for e in errors:
            messages.error(request, e)
        return redirect(request.get_full_path())
    qs, state, year = _filtered(request)
    open_total = qs.filter(state=Recovery.State.OPEN).aggregate(total=Sum("amount"))["total"] or 0
    return render(
        request,
        "medical_assistance/recoveries.html",
        {
            "page": page_of(request, qs),
            "anchor": anchor(CITE_SETTLE),
            "state": state,
            "year": year,
            "states": Recovery.State.choices,
            "open_total": format_yuan(open_total),
            "can_record": can_record,
            "today": clock.today(),
            "query": urlencode({k: v for k, v in {"state": state, "year": year}.items() if v}),
        },
    )


@view_requires(*STAFF, department=DEPARTMENT)
def recoveries_export(request: HttpRequest) -> HttpResponse:
    qs, _, year = _filtered(request)
    header = [
        "结算单号",
        "人员（脱敏）",
        "所属区",
        "年度",
        "应追回金额（元）",
        "状态",
        "多付调整日期",
        "追回日期",
        "追回凭证",
        "原因",
    ]
    rows = (
        [
            r.adjustment.claim.claim_id,
            str(r.person),
            r.adjustment.jurisdiction.name,
            r.year,
            Decimal(r.amount) / 100,
            r.get_state_display(),
            r.adjustment.entry_date,
            r.recovered_on,
            r.evidence,
            r.reason,
        ]
        for r in qs
    )
    return xlsx_response(f"多付应追回{'-' + year if year else ''}.xlsx", [Sheet("多付应追回", header, rows)])
