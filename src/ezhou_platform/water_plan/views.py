"""Pages of 计划用水管理: the public introduction, the clerks' deadline board and unit lists, the enterprise's
own plans, the printable surcharge notice (HTML and PDF) and Excel exports."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_capital, format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import deadlines
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume, fraction_text, parse_volume

from . import services
from .models import (
    AdjustmentRequest,
    Appeal,
    EvidenceFile,
    Method,
    PlanChange,
    QuotaEntry,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)
from .services import REFUSAL_CASES

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "water_plan/index.html")


@view_requires(*STAFF, department="water")
def board(request: HttpRequest) -> HttpResponse:
    items = services.deadline_board(clock.today())
    return render(request, "water_plan/board.html", {"items": items, "today": clock.today()})


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


def _change_rows(plan: YearlyPlan) -> list[dict[str, Any]]:
    """Each change of the plan with the plan before and after it (in the order they were decided)."""
    rows, running = [], plan.volume_m3x100
    for c in sorted(plan.changes.all(), key=lambda c: c.pk):
        before, running = running, running + c.delta_m3x100
        rows.append(
            {
                "change": c,
                "delta": format_volume(c.delta_m3x100),
                "before": format_volume(before),
                "after": format_volume(running),
            }
        )
    return rows


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
                "changes": _change_rows(p),
                "adjustment_due": deadlines.adjustment_filing_due(p.issued_on, platform_calendar()).due,
                "trace": trace.steps,
                "warning": services.expiry_warning(p.issued_on),
            }
        )
    return rows


def _supplement_rows(requests: Any) -> list[dict[str, Any]]:
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
            "supplements": _supplement_rows(
                SupplementRequest.objects.filter(plan__unit=unit)
                .prefetch_related("construction_reports")
                .order_by("-pk")
            ),
            "appeals": Appeal.objects.filter(notice__unit=unit).select_related("notice").order_by("-pk"),
            "evidence": unit.evidence.select_related("adjustment", "supplement", "appeal").order_by("-pk"),
            "refusal_cases": sorted(REFUSAL_CASES.items()),
            "can_act": getattr(request.user, "role", "") in (Role.CLERK, Role.DEPARTMENT_HEAD),
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
    today = clock.today()
    supplements = (
        SupplementRequest.objects.filter(plan__unit__in=units)
        .select_related("plan__unit")
        .prefetch_related("construction_reports")
        .order_by("-pk")
    )
    return render(
        request,
        "water_plan/my_plans.html",
        {
            "units": units,
            "plans": _plan_rows(plans),
            # a supplement is filed for the year's plan, until 31 December (第十二条)
            "open_plans": [p for p in plans if p.year == today.year],
            "supplements": _supplement_rows(supplements),
            "quota_entries": QuotaEntry.objects.order_by("indicator", "unit", "-valid_from"),
            "notices": _decorate(notices),
            "evidence": EvidenceFile.objects.filter(unit__in=units).order_by("-pk"),
            "free_supplement_evidence": EvidenceFile.objects.filter(
                unit__in=units,
                kind=EvidenceFile.Kind.SUPPLEMENT,
                adjustment__isnull=True,
                supplement__isnull=True,
                appeal__isnull=True,
            ).order_by("-pk"),
            "evidence_kinds": EvidenceFile.Kind.choices,
            "max_mb": services.EVIDENCE_MAX_BYTES // 1048576,
            "today": today,
        },
    )


@view_requires(Role.ENTERPRISE)
@require_POST
def upload_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise user uploads a 证明材料 for one of its own units (checked and audited by the service)."""
    unit = get_object_or_404(services.units_for(request.user), pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise WaterPlanError("evidence_empty", "文件：请选择要上传的文件。", field="file")
        if upload.size and upload.size > services.EVIDENCE_MAX_BYTES:
            raise WaterPlanError(
                "evidence_too_large",
                f"文件超过{services.EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
                field="file",
            )
        ev = services.store_evidence(
            unit, request.POST.get("kind", ""), upload.name or "", upload.read(), actor=request.user
        )
    except WaterPlanError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"已上传证明材料，编号{ev.pk}。")
    return redirect("water_plan:my_plans")


@view_requires(Role.ENTERPRISE)
@require_POST
def file_other_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 注: an "other" emergency filed by the unit — by quota where the named indicator has one, otherwise
    the department sets the volume by its written opinion."""
    plan = get_object_or_404(YearlyPlan.objects.filter(unit__in=services.units_for(request.user)), pk=pk)
    post = request.POST
    quota = post.get("quota", "")
    indicator, _, quota_unit = quota.partition("|")
    inputs: dict[str, Any] = {"description": post.get("description", "").strip()}
    for name, value in (
        ("indicator", indicator),
        ("quota_unit", quota_unit),
        ("quantity", post.get("quantity", "").strip()),
        ("requested_volume", post.get("requested_volume", "").strip()),
    ):
        if value:
            inputs[name] = value
    try:
        ids = [int(x) for x in post.getlist("evidence_ids") if x.isdigit()]
        evidence = list(
            EvidenceFile.objects.filter(pk__in=ids, unit__in=services.units_for(request.user)).select_related(
                "unit"
            )
        )
        req = services.file_supplement(
            plan,
            "other",
            _form_date(request, "event_on"),
            clock.today(),
            inputs,
            actor=request.user,
            evidence=evidence,
        )
    except WaterPlanError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            f"已提出突发用水增补申请#{req.pk}（其他突发用水情况），审核期限{cn_date(req.review_due)}（第十二条）。",
        )
    return redirect("water_plan:my_plans")


@view_requires(Role.ENTERPRISE)
@require_POST
def report_construction(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2 （三）: the unit reports a month's construction-meter volume through the platform."""
    req = get_object_or_404(
        SupplementRequest.objects.filter(plan__unit__in=services.units_for(request.user)).select_related(
            "plan"
        ),
        pk=pk,
    )
    try:
        raw = request.POST.get("month", "").strip()
        try:
            month = dt.date.fromisoformat(raw + "-01")
        except ValueError:
            raise WaterPlanError(
                "month_format", f"月份：“{raw}”不是月份，请按“年-月”填写（如2026-05）。", field="month"
            ) from None
        volume = parse_volume(request.POST.get("volume", ""), field="volume")
        report = services.report_construction_month(req, month, volume, clock.today(), actor=request.user)
    except WaterPlanError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            f"已上报{report.month.year}年{report.month.month}月基建水表用水量{format_volume(report.volume_m3x100)}"
            f"立方米（{'按期' if report.on_time else '逾期，原则上不予认可'}）。",
        )
    return redirect("water_plan:my_plans")


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
        # stored steps (the construction months deducted) and the recomputed assessment and bands
        "trace": [*notice.trace, *services.notice_trace(notice).to_list()],
        "warning": services.expiry_warning(notice.issued_on),
    }


def _pdf(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "water_plan/notice.html", _notice_context(_notice_for(request, pk)))


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_for(request, pk)
    return _pdf(request, "water_plan/notice_pdf.html", _notice_context(notice), f"notice-{notice.pk}.pdf")


def _change_for(request: HttpRequest, pk: int) -> PlanChange:
    change = get_object_or_404(PlanChange.objects.select_related("plan__unit", "decided_by"), pk=pk)
    user: Any = request.user
    if user.role == Role.ENTERPRISE and change.plan.unit.uscc != user.enterprise_uscc:
        raise Http404
    return change


def _change_context(change: PlanChange) -> dict[str, Any]:
    """计划变更通知书: the change, the plan before and after it, why (article, recomputation) and the warning."""
    plan = change.plan
    row = next(r for r in _change_rows(plan) if r["change"].pk == change.pk)
    return {
        "change": change,
        "plan": plan,
        "place": change.citation.removeprefix(services.DOC).strip(),
        "row": row,
        "trace": change.trace,
        "coefficient": f"{change.coefficient_pct / 100:+.2f}" if change.coefficient_pct is not None else "",
        "warning": services.expiry_warning(change.decided_on),
    }


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def change_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "water_plan/change_notice.html", _change_context(_change_for(request, pk)))


@view_requires(Role.ENTERPRISE, *STAFF, department="water")
def change_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_for(request, pk)
    return _pdf(
        request, "water_plan/change_notice_pdf.html", _change_context(change), f"plan-change-{change.pk}.pdf"
    )


def _xlsx(title: str, header: list[str], rows: list[list[Any]], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'  # the platform's one date format (2026年12月1日)
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
            p.issued_on,  # a date cell: the spreadsheet shows it in the reader's date format
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
            n.payment_due,
            n.paid_on,
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
            n.credit_listed_on,
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


# -- clerks' decision forms (POST with CSRF; each calls the service that the API calls) ----------------------

CLERK = (Role.CLERK, Role.DEPARTMENT_HEAD)


def _error_text(exc: WaterPlanError) -> str:
    """The message with the field's Chinese label once (never its machine name)."""
    return with_label(exc.field, exc.message)


def _form_date(request: HttpRequest, name: str, *, default: Any = None) -> Any:
    raw = request.POST.get(name, "").strip()
    if not raw:
        if default is not None:
            return default
        raise WaterPlanError("date_missing", with_label(name, "请填写日期（年-月-日）。"), field=name)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise WaterPlanError(
            "date_format", with_label(name, f"“{raw}”不是日期，请按“年-月-日”填写。"), field=name
        ) from None


def _form_case(request: HttpRequest) -> int:
    raw = request.POST.get("refusal_case", "").strip()
    return int(raw) if raw.isdigit() else 0


def _done(request: HttpRequest, unit_pk: int, run: Callable[[], Any], ok: str) -> HttpResponse:
    try:
        run()
    except WaterPlanError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, ok)
    return redirect("water_plan:unit_detail", pk=unit_pk)


@view_requires(*CLERK, department="water")
@require_POST
def decide_adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(AdjustmentRequest.objects.select_related("plan__unit"), pk=pk)
    action, today = request.POST.get("action", ""), clock.today()

    def run() -> None:
        if action == "verify":
            services.verify_adjustment(req, actor=request.user, on=today)
        elif action == "approve":
            volume = parse_volume(request.POST.get("approved_volume", ""), field="approved_volume")
            services.approve_adjustment(req, volume, actor=request.user, on=today)
        elif action == "refuse":
            services.refuse_adjustment(
                req, _form_case(request), request.POST.get("reason", ""), actor=request.user, on=today
            )
        else:
            raise WaterPlanError("action", "办理事项：请选择核实、核准或不予调整。", field="action")

    return _done(request, req.plan.unit_id, run, f"调整申请#{req.pk}已办理。")


@view_requires(*CLERK, department="water")
@require_POST
def decide_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(SupplementRequest.objects.select_related("plan__unit"), pk=pk)
    action, today = request.POST.get("action", ""), clock.today()

    def run() -> None:
        if action == "approve":
            volume, opinion = None, ""
            if req.computed_m3x100 is None:  # 附件2 注: the written opinion sets the volume
                volume = parse_volume(request.POST.get("approved_volume", ""), field="approved_volume")
                opinion = request.POST.get("opinion", "")
            services.approve_supplement(
                req, actor=request.user, on=today, approved_m3x100=volume, opinion=opinion
            )
        elif action == "refuse":
            services.refuse_supplement(
                req, _form_case(request), request.POST.get("reason", ""), actor=request.user, on=today
            )
        else:
            raise WaterPlanError("action", "办理事项：请选择核准或不予增补。", field="action")

    return _done(request, req.plan.unit_id, run, f"突发用水增补申请#{req.pk}已办理。")


@view_requires(*CLERK, department="water")
@require_POST
def decide_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("notice__unit"), pk=pk)
    choice = request.POST.get("upheld", "")

    def run() -> None:
        if choice not in ("yes", "no"):
            raise WaterPlanError(
                "appeal_choice", "办理事项：请选择异议成立或不成立（第十五条）。", field="action"
            )
        corrected = None
        if choice == "yes":
            corrected = parse_volume(request.POST.get("corrected_actual", ""), field="corrected_actual")
        services.decide_appeal(
            appeal,
            choice == "yes",
            request.POST.get("decision", ""),
            actor=request.user,
            on=clock.today(),
            corrected_actual_m3x100=corrected,
        )

    return _done(request, appeal.notice.unit_id, run, f"异议#{appeal.pk}已处理。")


@view_requires(*CLERK, department="water")
@require_POST
def notice_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Record delivery or payment, or issue a 征收催告单 (第十五条、第十六条)."""
    notice = get_object_or_404(SurchargeNotice.objects.select_related("unit"), pk=pk)
    action, today = request.POST.get("action", ""), clock.today()

    def run() -> None:
        if action == "deliver":
            services.deliver_notice(notice, _form_date(request, "on", default=today), actor=request.user)
        elif action == "pay":
            services.record_payment(notice, _form_date(request, "on", default=today), actor=request.user)
        elif action == "remind":
            services.issue_reminder(notice, today, _form_date(request, "pay_by"), actor=request.user)
        else:
            raise WaterPlanError("action", "办理事项：请选择登记送达、登记缴费或下发催告单。", field="action")

    return _done(request, notice.unit_id, run, f"通知单{notice.number}已办理。")
