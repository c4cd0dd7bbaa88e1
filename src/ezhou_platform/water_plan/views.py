"""Pages of 计划用水管理: the public introduction, the clerks' deadline board and unit lists, the enterprise's
own plans, the printable surcharge notice (HTML and PDF) and Excel exports."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.money import format_capital, format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import deadlines
from ezhou_rules.water_plan.volumes import format_volume, fraction_text

from . import services
from .models import Method, SurchargeNotice, WaterUnit, YearlyPlan

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "water_plan/index.html")


@view_requires(*STAFF, department="water")
def board(request: HttpRequest) -> HttpResponse:
    items = services.deadline_board(timezone.localdate())
    return render(request, "water_plan/board.html", {"items": items, "today": timezone.localdate()})


@view_requires(*STAFF, department="water")
def unit_list(request: HttpRequest) -> HttpResponse:
    qs = WaterUnit.objects.select_related("jurisdiction").order_by("name")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q) | Q(accounts__number=q)).distinct()
    jurisdiction = request.GET.get("jurisdiction", "")
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    method = request.GET.get("method", "")
    if method in Method.values:
        qs = qs.filter(method=method)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "water_plan/unit_list.html",
        {
            "page": page,
            "q": q,
            "jurisdiction": jurisdiction,
            "method": method,
            "jurisdictions": Jurisdiction.objects.order_by("code"),
            "methods": Method.choices,
        },
    )


def _decorate(notices: Any) -> list[SurchargeNotice]:
    out = list(notices)
    for n in out:
        n.excess_text = format_volume(n.excess_m3x100)  # type: ignore[attr-defined]
        n.amount_text = format_yuan(n.amount_fen)  # type: ignore[attr-defined]
    return out


def _plan_rows(plans: Any) -> list[dict[str, Any]]:
    rows = []
    for p in plans:
        trace = Trace()
        services.compute_plan(p.inputs, p.year, trace=trace)
        rows.append(
            {
                "plan": p,
                "issued": format_volume(p.volume_m3x100),
                "effective": format_volume(p.effective_m3x100),
                "changes": [(c, format_volume(c.delta_m3x100)) for c in p.changes.all()],
                "adjustment_due": deadlines.adjustment_filing_due(p.issued_on),
                "trace": trace.steps,
            }
        )
    return rows


@view_requires(*STAFF, department="water")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(WaterUnit.objects.select_related("jurisdiction"), pk=pk)
    plans = unit.plans.prefetch_related("changes").order_by("-year")
    return render(
        request,
        "water_plan/unit_detail.html",
        {
            "unit": unit,
            "plans": _plan_rows(plans),
            "notices": _decorate(unit.notices.order_by("-year", "-version")),
            "adjustments": [
                (r, format_volume(r.requested_m3x100)) for p in plans for r in p.adjustments.all()
            ],
            "supplements": [
                (r, format_volume(r.computed_m3x100)) for p in plans for r in p.supplements.all()
            ],
        },
    )


@view_requires(Role.ENTERPRISE)
def my_plans(request: HttpRequest) -> HttpResponse:
    units = services.units_for(request.user)
    plans = (
        YearlyPlan.objects.filter(unit__in=units)
        .select_related("unit")
        .prefetch_related("changes")
        .order_by("-year")
    )
    notices = (
        SurchargeNotice.objects.filter(unit__in=units).select_related("unit").order_by("-year", "-version")
    )
    return render(
        request,
        "water_plan/my_plans.html",
        {"units": units, "plans": _plan_rows(plans), "notices": _decorate(notices)},
    )


def _notice_for(request: HttpRequest, pk: int) -> SurchargeNotice:
    notice = get_object_or_404(SurchargeNotice.objects.select_related("unit", "supersedes"), pk=pk)
    user: Any = request.user
    if user.role == Role.ENTERPRISE and notice.unit.uscc != user.enterprise_uscc:
        raise Http404
    return notice


def _notice_context(notice: SurchargeNotice) -> dict[str, Any]:
    b = notice.bands

    def pct(x: str) -> str:
        return f"{fraction_text(Fraction(x) * 100, 2)}%"

    lowers = ["0%", *(pct(x) for x in b["bounds"])]
    rows = []
    for i, (mult, amount) in enumerate(zip(b["multipliers"], b["amounts"], strict=True)):
        upper = pct(b["bounds"][i]) if i < len(b["bounds"]) else None
        rows.append(
            {
                "band": i + 1,
                "span": f"超计划{lowers[i]}至{upper}的部分" if upper else f"超计划{lowers[i]}以上的部分",
                "multiplier": fraction_text(Fraction(mult), 2),
                "amount": format_yuan(amount),
            }
        )
    return {
        "notice": notice,
        "rows": rows,
        "price": format_yuan(int(b["price"])),
        "actual": format_volume(notice.actual_m3x100),
        "plan": format_volume(notice.plan_m3x100),
        "excess": format_volume(notice.excess_m3x100),
        "amount": format_yuan(notice.amount_fen),
        "capital": format_capital(notice.amount_fen),
        "trace": services.notice_trace(notice).steps,
    }


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "water_plan/notice.html", _notice_context(_notice_for(request, pk)))


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    notice = _notice_for(request, pk)
    html = render_to_string("water_plan/notice_pdf.html", _notice_context(notice), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


def _xlsx(title: str, header: list[str], rows: list[list[Any]], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@view_requires(*STAFF, department="water")
def export_plans(request: HttpRequest, year: int) -> HttpResponse:
    plans = (
        YearlyPlan.objects.filter(year=year)
        .select_related("unit")
        .prefetch_related("changes")
        .order_by("unit__name")
    )
    rows = [
        [
            p.unit.name,
            p.unit.uscc,
            {"statistic": "统计法", "quota": "定额法"}.get(p.method, "经办人员核定"),
            format_volume(p.volume_m3x100),
            p.coefficient_pct / 100,
            format_volume(p.effective_m3x100),
            p.issued_on.isoformat(),
            p.explanation,
        ]
        for p in plans
    ]
    return _xlsx(
        f"{year}年度用水计划",
        [
            "单位",
            "统一社会信用代码",
            "核定方法",
            "下达计划（立方米）",
            "增减系数",
            "现行计划（立方米）",
            "下达日期",
            "核定说明",
        ],
        rows,
        f"water-plans-{year}.xlsx",
    )


@view_requires(*STAFF, department="water")
def export_notices(request: HttpRequest, year: int) -> HttpResponse:
    notices = SurchargeNotice.objects.filter(year=year).select_related("unit").order_by("number")
    rows = [
        [
            n.number,
            n.version,
            n.unit.name,
            n.unit.uscc,
            format_volume(n.actual_m3x100),
            format_volume(n.plan_m3x100),
            format_volume(n.excess_m3x100),
            n.amount_fen / 100,
            n.get_state_display(),
            n.payment_due.isoformat() if n.payment_due else "",
            n.paid_on.isoformat() if n.paid_on else "",
        ]
        for n in notices
    ]
    return _xlsx(
        f"{year}年度加价水费",
        [
            "通知单编号",
            "版本",
            "单位",
            "统一社会信用代码",
            "实际用水量",
            "考核计划",
            "超计划水量",
            "加价水费（元）",
            "状态",
            "缴费期限",
            "缴费日期",
        ],
        rows,
        f"water-surcharges-{year}.xlsx",
    )


@view_requires(*STAFF, department="water")
def export_credit(request: HttpRequest) -> HttpResponse:
    """第十六条第二款: units unpaid after the second reminder, for the social credit platform."""
    notices = SurchargeNotice.objects.filter(state=SurchargeNotice.State.CREDIT_LISTED).select_related("unit")
    rows = [
        [
            n.unit.name,
            n.unit.uscc,
            n.number,
            n.amount_fen / 100,
            n.credit_listed_on.isoformat() if n.credit_listed_on else "",
            "鄂州政办发〔2022〕15号 第十六条第二款",
        ]
        for n in notices
    ]
    return _xlsx(
        "纳入信用平台",
        ["单位", "统一社会信用代码", "通知单编号", "欠缴加价水费（元）", "纳入日期", "依据"],
        rows,
        "water-credit-list.xlsx",
    )
