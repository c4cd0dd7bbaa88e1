"""The department's pages: the public introduction, the board (the department's 待办 from the procedure layer
and the units' overdue periods), the unit list and a unit's page (plans with the chart of its use, requests,
notices, each with the forms of its open steps) and the Excel exports."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ezhou_platform.common import clock
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.procedures import workspace as ws
from ezhou_platform.procedures.models import Period
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import deadlines
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume

from .. import event_sources, forms, services
from ..models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    Method,
    PlanRequest,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)
from .common import STAFF, usage_chart, xlsx

WATER = "water"


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "water_plan/index.html")


# What the department does before each of its periods ends.
TO_DO = {
    "verify_due": "核实调整申请",
    "notify_due": "核准调整并告知",
    "review_due": "审核突发用水增补",
    "decision_due": "处理异议",
    "issue_due": "下达用水计划",
}
# What the department does once a unit's own period has passed (第十六条第二款).
AFTER_APPLICANT = {
    "payment_due": "缴费期限届满未缴费：可下发第一次征收催告单",
    "reminder_due": "催告缴费期限届满仍未缴费：可再次催告，第二次催缴后仍未缴纳的纳入社会信用体系平台",
}


@view_requires(*STAFF, department=WATER)
def board(request: HttpRequest) -> HttpResponse:
    """The water department's 待办 (every open period that is the department's, overdue first, from the
    procedure layer), the units' periods to pay (those passed first), and the cases waiting for a second person."""
    today = clock.today()
    todo = [
        i
        for i in ws.todo_for(request.user, today)
        if i.period.department is not None and i.period.department.code == WATER
    ]
    # the units' own periods to pay (running, and passed unpaid: then the department acts, 第十六条第二款)
    collection = (
        Period.objects.filter(
            department__code=WATER, party="applicant", closed_on__isnull=True, field__in=AFTER_APPLICANT
        )
        .select_related("case")
        .order_by("due", "id")
    )
    year = today.year
    issuance = deadlines.issuance_due(year, platform_calendar())
    missing = (
        WaterUnit.objects.filter(active=True).exclude(plans__year=year).count()
        if today <= issuance.due
        else 0
    )
    return render(
        request,
        "water_plan/board.html",
        {
            "today": today,
            "todo": [(i, TO_DO.get(i.period.field, i.period.label)) for i in todo],
            "collection": [(p, AFTER_APPLICANT[p.field] if p.due < today else "") for p in collection[:300]],
            "pending_cases": CoefficientEvent.objects.filter(status=CoefficientEvent.Status.RECORDED)
            .select_related("unit", "recorded_by")
            .order_by("recorded_at"),
            "issuance": issuance,
            "missing": missing,
            "year": year,
        },
    )


@view_requires(*STAFF, department=WATER)
def unit_list(request: HttpRequest) -> HttpResponse:
    qs = WaterUnit.objects.select_related("jurisdiction").order_by("name")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q) | Q(accounts__number=q)).distinct()
    jurisdiction = request.GET.get("jurisdiction", "")
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    method = request.GET.get("method", "")
    if method in Method.values:
        qs = qs.filter(method=method)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    today = clock.today()
    return render(
        request,
        "water_plan/unit_list.html",
        {
            "page": page,
            "q": q,
            "jurisdiction": jurisdiction,
            "method": method,
            # districts only: townships and villages are in the register too, dated (issue 9 registers)
            "jurisdictions": Jurisdiction.objects.districts(on=today).order_by("code"),
            "methods": Method.choices,
            "years": sorted(set(YearlyPlan.objects.values_list("year", flat=True)), reverse=True)[:6],
        },
    )


def plan_rows(plans: Any) -> list[dict[str, Any]]:
    """Each plan with its explanation (recomputed from its inputs), its changes and the chart of its use."""
    rows = []
    for p in plans:
        trace = Trace()
        services.compute_plan(p.inputs, p.year, trace=trace)
        rows.append(
            {
                "plan": p,
                "issued": format_volume(p.volume_m3x100),
                "effective": format_volume(p.effective_m3x100),
                "changes": services.change_rows(p),
                "adjustment_due": deadlines.adjustment_filing_due(p.issued_on, platform_calendar()).due,
                "trace": trace.steps,
                "warning": services.expiry_warning(p.issued_on),
                "chart": usage_chart(p),
            }
        )
    return rows


def supplement_rows(requests: Any) -> list[dict[str, Any]]:
    out = []
    for r in requests:
        volume = r.approved_m3x100 if r.approved_m3x100 is not None else r.computed_m3x100
        out.append(
            {
                "request": r,
                "type_label": SUPPLEMENT_TYPES.get(r.type, r.type),
                "volume": "待出具书面意见" if volume is None else format_volume(volume),
                "needs_opinion": r.computed_m3x100 is None,
                "reports": [(m, format_volume(m.volume_m3x100)) for m in r.construction_reports.all()]
                if r.type == "construction"
                else [],
            }
        )
    return out


def decorate_notices(notices: Any) -> list[SurchargeNotice]:
    out = list(notices)
    for n in out:
        n.excess_text = format_volume(n.excess_m3x100)  # type: ignore[attr-defined]
        n.amount_text = format_yuan(n.amount_fen)  # type: ignore[attr-defined]
    return out


def _with_sources(events: Any) -> list[Any]:
    """The unit's coefficient events, each with the records of other systems behind it (event_sources)."""
    out = list(events)
    found = event_sources.sources_for(ev.pk for ev in out)
    for ev in out:
        ev.sources = found.get(ev.pk, [])
    return out


@view_requires(*STAFF, department=WATER)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(WaterUnit.objects.select_related("jurisdiction"), pk=pk)
    plans = unit.plans.prefetch_related("changes__document").order_by("-year")
    return render(
        request,
        "water_plan/unit_detail.html",
        {
            "unit": unit,
            "plans": plan_rows(plans),
            "plan_requests": PlanRequest.objects.filter(unit=unit).order_by("-plan_year"),
            "events": _with_sources(unit.coefficient_events.select_related("recorded_by").order_by("-pk")),
            "event_form": forms.CoefficientEventForm(),
            "notices": decorate_notices(unit.notices.order_by("-year", "-version")),
            "adjustments": [
                (r, format_volume(r.requested_m3x100))
                for r in AdjustmentRequest.objects.filter(plan__unit=unit)
                .select_related("plan")
                .order_by("-pk")
            ],
            "supplements": supplement_rows(
                SupplementRequest.objects.filter(plan__unit=unit)
                .prefetch_related("construction_reports")
                .order_by("-pk")
            ),
            "appeals": Appeal.objects.filter(notice__unit=unit).select_related("notice").order_by("-pk"),
            "evidence": unit.evidence.select_related("adjustment", "supplement", "appeal").order_by("-pk"),
            "refuse_form": forms.RefuseForm(),
            "can_act": getattr(request.user, "role", "") in ("clerk", "head"),
            "today": clock.today(),
        },
    )


# -- exports (IDs, codes and document numbers are text cells) -------------------------------------------------


@view_requires(*STAFF, department=WATER)
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
            p.issued_on,  # a date cell: the spreadsheet shows it in the reader's date format
            p.explanation,
        ]
        for p in plans
    ]
    header = [
        "单位",
        "统一社会信用代码",
        "核定方法",
        "下达计划（立方米）",
        "增减系数",
        "现行计划（立方米）",
        "下达日期",
        "核定说明",
    ]
    return xlsx(f"{year}年度用水计划", header, rows, f"water-plans-{year}.xlsx", text={1, 3, 5})


@view_requires(*STAFF, department=WATER)
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
            n.payment_due,
            n.paid_on,
        ]
        for n in notices
    ]
    header = [
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
    ]
    return xlsx(f"{year}年度加价水费", header, rows, f"water-surcharges-{year}.xlsx", text={0, 3, 4, 5, 6})


@view_requires(*STAFF, department=WATER)
def export_credit(request: HttpRequest) -> HttpResponse:
    """第十六条第二款: units unpaid after the second reminder, for the social credit platform."""
    notices = SurchargeNotice.objects.filter(state=SurchargeNotice.State.CREDIT_LISTED).select_related("unit")
    rows = [
        [
            n.unit.name,
            n.unit.uscc,
            n.number,
            n.amount_fen / 100,
            n.credit_listed_on,
            "鄂州政办发〔2022〕15号 第十六条第二款",
        ]
        for n in notices
    ]
    header = ["单位", "统一社会信用代码", "通知单编号", "欠缴加价水费（元）", "纳入日期", "依据"]
    return xlsx("纳入信用平台", header, rows, "water-credit-list.xlsx", text={1, 2})
