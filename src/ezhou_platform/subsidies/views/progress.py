"""The 发改委's progress (结尾: 跟踪分析、通报进展): awards and payments by measure, payer and month as charts and
tables, the 直达快享 share, Excel export; the tracked measures' records (added by their responsible units);
and the ledger look-up for reviewers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.pii_search import pii_search
from ezhou_rules.core.money import fen_to_decimal
from ezhou_rules.subsidies import MEASURES, measure_name
from ezhou_rules.subsidies.catalogue import measure_info
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import LedgerKey, TrackingRecord
from ..models.ledger import subject_token
from ..services import params, progress, tracking
from .common import STAFF, WORKERS, runs_subsidies, xlsx_response


def _yuan(fen: int) -> Any:
    return fen_to_decimal(fen)


def _charts(p: progress.Progress) -> list[dict[str, Any]]:
    out = []
    if p.by_measure:
        out.append(
            bar_chart(
                title="按措施：已决定和已支付的奖补",
                categories=[line.label.split(" ")[0] for line in p.by_measure],
                series=[
                    Series("已决定", [_yuan(line.decided_fen) for line in p.by_measure]),
                    Series("已支付", [_yuan(line.paid_fen) for line in p.by_measure]),
                ],
                unit="元",
            )
        )
    if p.by_payer:
        out.append(
            bar_chart(
                title="按兑现单位：已决定和已支付的奖补",
                categories=[line.label for line in p.by_payer],
                series=[
                    Series("已决定", [_yuan(line.decided_fen) for line in p.by_payer]),
                    Series("已支付", [_yuan(line.paid_fen) for line in p.by_payer]),
                ],
                unit="元",
                horizontal=True,
            )
        )
    if p.by_month:
        out.append(
            bar_chart(
                title="按月份：决定和支付的奖补金额",
                categories=[m for m, _, _ in p.by_month],
                series=[
                    Series("决定", [_yuan(d) for _, d, _ in p.by_month]),
                    Series("支付", [_yuan(x) for _, _, x in p.by_month], type="line"),
                ],
                unit="元",
            )
        )
    return out


@view_requires(*STAFF, department="development_reform")
def progress_page(request: HttpRequest) -> HttpResponse:
    on = clock.today()
    p = progress.progress(on)
    return render(
        request,
        "subsidies/progress.html",
        {
            "p": p,
            "charts": _charts(p),
            "today": on,
            "records": TrackingRecord.objects.select_related("recorded_by")[:20],
        },
    )


@view_requires(*STAFF, department="development_reform")
def progress_export(request: HttpRequest) -> HttpResponse:
    p = progress.progress(clock.today())
    rows: list[list[Any]] = []
    for group, lines in (("措施", p.by_measure), ("兑现单位", p.by_payer)):
        for line in lines:
            rows.append(
                [
                    group,
                    line.label,
                    line.applications,
                    line.decided_count,
                    _yuan(line.decided_fen),
                    line.paid_count,
                    _yuan(line.paid_fen),
                ]
            )
    for month, decided, paid in p.by_month:
        rows.append(["月份", month, "", "", _yuan(decided), "", _yuan(paid)])
    rows.append(["直达快享", p.direct_message, p.paid_total, "", "", p.direct_paid, p.direct_share])
    header = ("分组", "名称", "申请数", "已决定笔数", "已决定金额（元）", "已支付笔数", "已支付金额（元）")
    return xlsx_response("兑现进度", header, rows, f"惠企政策兑现进度-{clock.today():%Y%m%d}.xlsx")


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def tracking_page(request: HttpRequest) -> HttpResponse:
    """Records of the measures without a computation; a clerk records what a responsible unit did."""
    on = clock.today()
    tree = params.tree()
    tracked = [measure_info(m, on, tree) for m in MEASURES]
    tracked = [m for m in tracked if m.tracking]
    values = {"measure": "", "unit": "", "item": "", "done_on": "", "action": ""}
    user: Any = request.user
    if request.method == "POST" and user.role in WORKERS:
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        try:
            if not values["measure"].isdigit():
                raise SubsidyError("measure_required", "请选择“措施”。", field="measure")
            try:
                done_on = dt.date.fromisoformat(values["done_on"])
            except ValueError:
                raise SubsidyError(
                    "date_invalid", "“落实日期”应为日期，如 2022-11-01。", field="done_on"
                ) from None
            tracking.add(
                measure=int(values["measure"]),
                unit=values["unit"],
                item=values["item"],
                done_on=done_on,
                action=values["action"],
                actor=request.user,
                on=on,
            )
            messages.success(request, "已登记落实情况。")
            return redirect("subsidies:tracking")
        except SubsidyError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "subsidies/tracking.html",
        {
            "tracked": tracked,
            "values": values,
            "records": TrackingRecord.objects.select_related("recorded_by")[:100],
            "measure_names": {m: measure_name(m) for m in MEASURES},
            "today": on,
        },
    )


@pii_search  # a subject's resident ID is searched by POST and travels as a session token (C05)
@view_requires(*STAFF, department=scopes.SUBSIDIES)
def ledger_page(request: HttpRequest) -> HttpResponse:
    """Who holds a key: by subject (USCC, resident ID) or object (VIN, loan contract, store)."""
    q = (request.GET.get("q") or "").strip()
    rows = []
    if q and runs_subsidies(request.user):
        # a subject is found by its token (keys hold no ID in clear, C20); an object by its text
        rows = list(
            LedgerKey.objects.filter(
                Q(key__contains=f"|{subject_token(q)}")
                | Q(key__endswith=f"|{q.upper()}")
                | Q(key__contains=f"|{q.upper()}|")
                | Q(key__contains=q)
            )
            .select_related("application")
            .order_by("-id")[:200]
        )
    return render(
        request, "subsidies/ledger.html", {"q": q, "rows": rows, "runs": runs_subsidies(request.user)}
    )
