"""Reviewers' pages: the applications of the department (search, filters, paging, Excel), one application with
its facts, the rules' answer and trace, what the data holders' lists say, its ledger keys and documents, and
the steps the user may take now, each with the measure it applies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.pii_search import link_query, masked_term, pii_search
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine, workspace
from ezhou_platform.procedures.models import CaseEvent
from ezhou_rules.core.money import MoneyError, fen_to_decimal, parse_yuan
from ezhou_rules.subsidies import MEASURES, cite, measure_name
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application, ApplicationDocument
from ..services import clawback, decisions, ledger, params, review
from .common import (
    APPLICANTS,
    STAFF,
    WORKERS,
    applications_for,
    page_of,
    runs_subsidies,
    xlsx_response,
)

EXPORT_HEADER = (
    "申请编号",
    "措施",
    "奖补事项",
    "享受主体",
    "证件号码",
    "奖补对象",
    "年度",
    "来源",
    "受理日期",
    "状态",
    "测算金额（元）",
    "最高额（元）",
    "决定金额（元）",
    "兑现单位",
    "决定日期",
    "支付日期",
)


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = applications_for(request.user).order_by("-id")
    f = {
        k: (request.GET.get(k) or "").strip()
        for k in ("q", "measure", "component", "status", "payer", "source")
    }
    if f["q"]:
        q = f["q"].upper()
        by_number = Q(pk=int(q[2:])) if q.startswith("SQ") and q[2:].isdigit() else Q(pk__in=[])
        qs = qs.filter(
            by_number | Q(subject=q) | Q(object__icontains=f["q"]) | Q(subject_name__contains=f["q"])
        )
    if f["measure"].isdigit():
        qs = qs.filter(measure=int(f["measure"]))
    if f["component"] in COMPONENTS:
        qs = qs.filter(component=f["component"])
    if f["status"] in Application.Status.values:
        qs = qs.filter(status=f["status"])
    if f["payer"]:
        qs = qs.filter(payer=f["payer"])
    if f["source"] in Application.Source.values:
        qs = qs.filter(source=f["source"])
    return qs, f


@pii_search  # a subject's resident ID is searched by POST and travels as a session token (C05)
@view_requires(*STAFF, department=scopes.SUBSIDIES)
def application_list(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    page = page_of(request, qs)
    return render(
        request,
        "subsidies/applications.html",
        {
            "page": page,
            "f": f,
            "query": link_query(request, f),
            "statuses": Application.Status.choices,
            "sources": Application.Source.choices,
            "measures": [
                (m, measure_name(m)) for m in MEASURES if any(c.measure == m for c in COMPONENTS.values())
            ],
            "payers": list(params.tree().get("territories", clock.today())),
            "runs": runs_subsidies(request.user),
        },
    )


@pii_search  # the export link carries the list's lookup token, not the ID
@view_requires(*STAFF, department=scopes.SUBSIDIES)
def application_export(request: HttpRequest) -> HttpResponse:
    qs, f = _filtered(request)
    rows = (
        [
            a.number,
            cite(a.measure),
            COMPONENTS[a.component].title if a.component in COMPONENTS else a.component,
            a.subject_name,
            a.shown_subject,  # a resident ID masked (C05): the export is for lists, not for identification
            a.object,
            str(a.year),
            a.get_source_display(),
            a.received_on,
            a.get_status_display(),
            fen_to_decimal(a.amount_fen),
            fen_to_decimal(a.ceiling_fen),
            None if a.payable_fen is None else fen_to_decimal(a.payable_fen),
            a.payer,
            a.decided_on,
            a.paid_on,
        ]
        for a in qs[:50000]
    )
    with transaction.atomic():
        record(
            "subsidies.application.export",
            actor=request.user,
            object_type="subsidies.application",
            object_id="export",
            # the filters as searched (a whole ID masked: the audit log is read by more people than the list)
            after={"filters": {k: masked_term(v) for k, v in f.items() if v}},
            label="导出奖补申请",
        )
    return xlsx_response("奖补申请", EXPORT_HEADER, rows, f"奖补申请-{clock.today():%Y%m%d}.xlsx")


def _may_see(user: Any, app: Application) -> bool:
    if Role(user.role) in APPLICANTS:
        return review.owns(user, app)
    return applications_for(user).filter(pk=app.pk).exists()


@view_requires(*STAFF, *APPLICANTS, department=scopes.SUBSIDIES)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(
        Application.objects.select_related("department", "notice", "decision", "payment", "supersedes"), pk=pk
    )
    user: Any = request.user
    if not _may_see(user, app):
        raise Http404
    case = engine.case_of(app)
    staff = Role(user.role) not in APPLICANTS
    steps = dict(engine.available_steps(app, user)) if case else {}
    if not staff:
        steps = {k: v for k, v in steps.items() if k == "withdraw"}
    cap = ledger.cap_room(app, params.tree(), clock.today()) if staff else None
    return render(
        request,
        "subsidies/application.html",
        {
            "app": app,
            "comp": COMPONENTS.get(app.component),
            "cite": cite(app.measure),
            "measure_name": measure_name(app.measure),
            "facts": review.facts_rows(app),
            "progress": workspace.progress(case) if case else None,
            "events": CaseEvent.objects.filter(case=case).select_related("actor", "document") if case else [],
            "staff": staff,
            "checks": review.reference_checks(app) if staff else [],
            "keys": app.ledger_keys.all() if staff else [],
            "cap": ledger.cap_text(*cap) if cap else "",
            "steps": steps,
            "documents": app.documents.all(),
            "today": clock.today(),
        },
    )


@view_requires(*STAFF, *APPLICANTS, department=scopes.SUBSIDIES)
def application_document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    if not _may_see(request.user, app):
        raise Http404
    document = get_object_or_404(ApplicationDocument, pk=doc, application=app)
    with transaction.atomic():
        record(
            "subsidies.document.download",
            actor=request.user,
            obj=document,
            after={"application": app.number, "kind": document.kind, "sha256": document.sha256},
            label="查看申请材料",
        )
    response = HttpResponse(
        bytes(document.data), content_type=document.content_type or "application/octet-stream"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(document.original_name)}"
    return response


def _amount(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return parse_yuan(raw)
    except MoneyError as exc:
        raise SubsidyError(
            "amount_invalid", f"“决定奖励金额”：{exc}", field="decided_amount", label="决定奖励金额"
        ) from None


@view_requires(*WORKERS, department=scopes.SUBSIDIES)
@require_POST
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    user: Any = request.user
    if not applications_for(user).filter(pk=app.pk).exists():
        raise PermissionDenied("您没有权限办理该申请。")
    name = request.POST.get("step", "")
    on = clock.today()
    try:
        if name == "review":
            review.review(app, actor=user, on=on, note=request.POST.get("note", ""))
            messages.success(request, f"{app.number}审核通过。")
        elif name == "refuse":
            review.refuse(app, actor=user, on=on, reason=request.POST.get("reason", ""))
            messages.success(request, f"{app.number}不予奖补，已释放台账。")
        elif name == "decide":
            item = decisions.Item(
                app,
                _amount(request.POST.get("decided_amount", "")),
                request.POST.get("reason", ""),
                request.POST.get("reference", ""),
            )
            decision = decisions.decide([item], actor=user, on=on)
            messages.success(request, f"已作出奖补决定{decision.number}。")
        elif name == "claw_back":
            clawback.claw_back(app, actor=user, on=on, reason=request.POST.get("reason", ""))
            messages.success(request, f"{app.number}已认定不应享受，追回通知书已出具。")
        else:
            raise SubsidyError("unknown_step", "没有这个办理环节。", field="step")
    except (SubsidyError, engine.ProcedureError) as exc:
        messages.error(request, exc.message)
    return redirect(app.get_absolute_url())
