"""医疗保障局's pages of claims and settlements: the list (and its Excel export), a claim with its entries and
计算说明 (the trace, article by article), reversing it with a reason, the printable 医疗救助结算单, entering a
claim, uploading a claims file, the batch calculation and the year's re-settlement (background jobs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ezhou_platform.common import clock
from ezhou_platform.common.exports import Sheet, xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.views import start_from_request
from ezhou_rules.core import ids
from ezhou_rules.core.money import format_yuan
from ezhou_rules.medical_assistance import batch
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS

from .. import jobs, services
from ..cites import CITE_SETTLE
from ..forms import ClaimForm
from ..models import CLASS_CHOICES, Claim, Settlement
from ..services import claims_file
from .common import (
    DEPARTMENT,
    INCOME,
    STAFF,
    anchor,
    case_panel,
    districts,
    examples,
    link_query,
    may_write,
    page_of,
    pii_search,
)

WRITERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
FILTERS = ("q", "year", "kind", "person_class", "district")


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = Settlement.objects.select_related("claim", "person", "jurisdiction", "recovery").order_by("-id")
    f = {k: (request.GET.get(k) or "").strip() for k in FILTERS}
    # the year is shown back as typed digits, never as a number the locale would write "2,024"
    f["year"] = f["year"] if f["year"].isdigit() else ""
    if f["q"]:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(f["q"]))
        except ids.InvalidIdentifier:
            qs = qs.filter(Q(claim__claim_id=f["q"]) | Q(claim__hospital_name__contains=f["q"]))
    if f["year"]:
        qs = qs.filter(year=int(f["year"]))
    if f["kind"] in Settlement.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["person_class"] in ("1", "2", "3", "4"):
        qs = qs.filter(person_class=int(f["person_class"]))
    if f["district"]:
        qs = qs.filter(jurisdiction__code=f["district"])
    return qs, f


@pii_search
@view_requires(*STAFF, department=DEPARTMENT)
def settlements(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    page = page_of(request, qs)
    rows = [
        {
            "s": s,
            "basic": format_yuan(s.basic_aid),
            "tilted": format_yuan(s.tilted_aid),
            "borne": format_yuan(s.hospital_borne),
            "self_pay": format_yuan(s.claim.policy_self_pay) if s.kind == Settlement.Kind.SETTLE else "",
            "class": CLASS_LABELS[s.person_class],
            "recovery": getattr(s, "recovery", None),
        }
        for s in page
    ]
    query = link_query(request, f)
    return render(
        request,
        "medical_assistance/settlements.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "query": query,
            "classes": CLASS_CHOICES,
            "kinds": Settlement.Kind.choices,
            "districts": districts(clock.today()),
            "example_values": examples(INCOME),
            "can_write": may_write(request),
        },
    )


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


@pii_search
@view_requires(*STAFF, department=DEPARTMENT)
def settlements_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, every row (IDs and codes as text cells, amounts in yuan as numbers)."""
    qs, f = _filtered(request)
    header = [
        "记录编号",
        "结算单号",
        "公民身份号码（脱敏）",
        "所属区",
        "结算日期",
        "类型",
        "记账日期",
        "救助类别",
        "基本救助（元）",
        "倾斜救助（元）",
        "医疗机构承担（元）",
        "原因",
    ]
    rows = (
        [
            str(s.pk),
            s.claim.claim_id,
            s.person.masked_id,
            s.jurisdiction.name,
            s.claim.settle_date,
            s.get_kind_display(),
            s.entry_date,
            CLASS_LABELS[s.person_class],
            _yuan(s.basic_aid),
            _yuan(s.tilted_aid),
            _yuan(s.hospital_borne),
            s.reason,
        ]
        for s in qs.iterator(chunk_size=2000)
    )
    name = f"医疗救助结算记录{'-' + f['year'] if f['year'] else ''}.xlsx"
    return xlsx_response(name, [Sheet("结算记录", header, rows)])


@view_requires(*STAFF, department=DEPARTMENT)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim: its amounts, its case (received → settled → reversed), its entries each with its 计算说明, the
    reversal form (with the article) and the printable 医疗救助结算单."""
    claim = get_object_or_404(Claim.objects.select_related("person", "person__jurisdiction", "slip"), pk=pk)
    if request.method == "POST":
        if not may_write(request):
            return HttpResponse("审计员只读。", status=403)
        return _claim_action(request, claim)
    entries = list(claim.settlements.select_related("created_by").order_by("id"))
    sums = claim.sums()
    panel = case_panel(claim, request.user)
    return render(
        request,
        "medical_assistance/claim.html",
        {
            "claim": claim,
            "entries": entries,
            "recoveries": [e.recovery for e in entries if hasattr(e, "recovery")],
            "sums": sums,
            "total": sums["basic_aid"] + sums["tilted_aid"],
            "pay_after_treatment": services.claim_pay_after_treatment(claim),
            "can_reverse": any(s["name"] == "reverse" for s in panel["steps"]),
            "can_print": may_write(request) and bool(entries),
            "settle_anchor": anchor(CITE_SETTLE),
            **panel,
        },
    )


def _claim_action(request: HttpRequest, claim: Claim) -> HttpResponse:
    action = request.POST.get("action") or ""
    try:
        if action == "reverse":
            original = claim.settlements.filter(kind=Settlement.Kind.SETTLE).first()
            if original is None:
                raise services.ApiError(
                    "not_settled", "该结算单尚未结算，不能冲销。", field="status", status=409
                )
            done = services.reverse_settlement(
                original, reason=request.POST.get("reason") or "", acting_user=request.user
            )
            back = sum(
                -(a.basic_aid + a.tilted_aid) for a in done.adjustments if a.basic_aid + a.tilted_aid < 0
            )
            messages.success(
                request,
                f"已冲销结算单{claim.claim_id}，冲销救助{format_yuan(-(done.entry.basic_aid + done.entry.tilted_aid))}；"
                f"本年度其余{len(done.adjustments)}张结算单重新结算"
                + (f"，多付{format_yuan(back)}列入多付应追回。" if back else "。"),
            )
        elif action == "slip":
            doc = services.print_slip(claim, acting_user=request.user)
            return redirect(reverse("procedures:document_pdf", args=[doc.pk]))
        else:
            messages.error(request, "请选择办理事项。")
    except services.ApiError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("medical_assistance:claim", args=[claim.pk]))


@view_requires(*WRITERS, department=DEPARTMENT)
def claim_new(request: HttpRequest) -> HttpResponse:
    """Enter one claim (第十八条: a claim not settled through 一站式 is handled at the window) and settle it."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.settle_claim(form.claim_input(), acting_user=request.user)
        except services.ApiError as exc:
            form.add_service_error(exc)
        else:
            claim = result.claim
            if not result.created:
                messages.info(request, f"结算单号{claim.claim_id}此前已提交，未重复结算。")
            elif result.settlement is None:
                messages.warning(request, f"已接收结算单{claim.claim_id}，未结算：{claim.pending_reason}")
            else:
                s = result.settlement
                messages.success(
                    request,
                    f"已结算{claim.claim_id}：基本救助{format_yuan(s.basic_aid)}，倾斜救助{format_yuan(s.tilted_aid)}"
                    + (
                        f"；本年度{len(result.adjustments)}张结算单重新结算。" if result.adjustments else "。"
                    ),
                )
            return redirect(reverse("medical_assistance:claim", args=[claim.pk]))
    return render(
        request,
        "medical_assistance/claim_new.html",
        {"form": form, "example_values": examples(INCOME), "settle_anchor": anchor(CITE_SETTLE)},
    )


def _runs(name: str) -> Any:
    return JobRun.objects.filter(name=name).select_related("started_by")[:10]


@view_requires(*WRITERS, department=DEPARTMENT)
def claims_upload(request: HttpRequest) -> HttpResponse:
    """A file of claims received at the window, settled row by row as a background job."""
    if request.method == "POST":
        started = start_from_request(request, jobs.RECEIVE)
        if started is not None:
            return started
    return render(
        request,
        "medical_assistance/claims_upload.html",
        {"columns": claims_file.COLUMNS, "runs": _runs(jobs.RECEIVE)},
    )


@view_requires(*WRITERS, department=DEPARTMENT)
def claims_template(request: HttpRequest) -> HttpResponse:
    notes = [
        [label, note]
        for label, note in (
            ("结算单号", "医疗机构结算单号；同一结算单号只结算一次"),
            ("公民身份号码", "18位，须已登记为参保人员"),
            ("结算日期", "如 2024-03-01 或 2024年3月1日；不早于2022年10月18日、不晚于当天"),
            ("就医类别", "住院 或 门诊慢特病"),
            ("医疗机构级别", "1、2、3（或一级、二级、三级）"),
            ("市域内、省域内、临时外出就医、经基层首诊转诊", "是 或 否（后两项可空，视为否）"),
            ("金额各列", "元，最多两位小数"),
        )
    ]
    return xlsx_response(
        "医疗救助结算单文件模板.xlsx",
        [Sheet("结算单", claims_file.template_rows()[0], []), Sheet("填写说明", ["列", "填写要求"], notes)],
    )


@view_requires(*WRITERS, department=DEPARTMENT)
def claims_calculate(request: HttpRequest) -> HttpResponse:
    """The batch calculation of a claims file by the vectorised kernel (the command's `settle`), not recorded."""
    if request.method == "POST":
        started = start_from_request(request, jobs.CALCULATE)
        if started is not None:
            return started
    return render(
        request,
        "medical_assistance/claims_calculate.html",
        {"columns": [(c, jobs.BATCH_LABELS[c]) for c in batch.INPUT_COLUMNS], "runs": _runs(jobs.CALCULATE)},
    )


@view_requires(*WRITERS, department=DEPARTMENT)
def resettle(request: HttpRequest) -> HttpResponse:
    """Settle a year again with the parameters in force (M28), as a background job."""
    today = clock.today()
    if request.method == "POST":
        started = start_from_request(request, jobs.RESETTLE, params={"year": request.POST.get("year") or ""})
        if started is not None:
            return started
    return render(
        request,
        "medical_assistance/resettle.html",
        {
            "year": request.POST.get("year") or str(today.year),
            "runs": _runs(jobs.RESETTLE),
            "anchor": anchor(CITE_SETTLE),
        },
    )
