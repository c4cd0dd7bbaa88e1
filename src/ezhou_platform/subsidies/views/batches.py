"""Acts over many applications: 名单公示 of the reviewed ones, the 奖补决定 after the notice period (four eyes),
payment by the payer against its budget with the payment file for the finance office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_rules.core.money import MoneyError, parse_yuan
from ezhou_rules.subsidies import MEASURES, measure_name
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application, BudgetAccount, PaymentBatch, PublicNotice
from ..services import decisions, notices, payments
from ..services.payers import payer_of_user
from .common import STAFF, WORKERS, applications_for, runs_subsidies, xlsx_response

LIMIT = 500  # at most this many applications in one act from a page


def _selected(request: HttpRequest, status: str) -> list[Application]:
    ids = [int(x) for x in request.POST.getlist("applications") if x.isdigit()][:LIMIT]
    return list(applications_for(request.user).filter(pk__in=ids, status=status).order_by("id"))


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def notices_staff(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    on = clock.today()
    if request.method == "POST":
        if user.role not in WORKERS:
            raise Http404
        try:
            notice = notices.publish(
                _selected(request, Application.Status.REVIEWED),
                actor=user,
                on=on,
                title=request.POST.get("title", ""),
            )
            messages.success(request, f"已发布公示{notice.number}，公示期至{notice.ends_on:%Y-%m-%d}。")
            return redirect(notice.get_absolute_url())
        except (SubsidyError, engine.ProcedureError) as exc:
            messages.error(request, exc.message)
    scope = applications_for(user)
    reviewed = scope.filter(status=Application.Status.REVIEWED).order_by("id")[:LIMIT]
    mine = PublicNotice.objects.select_related("document")
    if user.role in WORKERS:
        mine = mine.filter(department=user.department)
    try:
        days, deadline = notices.notice_period(on)
        period = (
            f"{days}个工作日，今日发布则至{deadline.due.year}年{deadline.due.month}月{deadline.due.day}日"
        )
    except SubsidyError as exc:
        period = exc.message
    return render(
        request,
        "subsidies/notices_staff.html",
        {
            "reviewed": reviewed,
            "notices": mine[:50],
            "period": period,
            "runs": runs_subsidies(user),
            "today": on,
        },
    )


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def decisions_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    on = clock.today()
    if request.method == "POST":
        if user.role not in WORKERS:
            raise Http404
        apps = _selected(request, Application.Status.NOTICED)
        try:
            items = []
            for a in apps:
                raw = (request.POST.get(f"amount_{a.pk}") or "").strip()
                try:
                    amount = parse_yuan(raw) if raw else None
                except MoneyError as exc:
                    raise SubsidyError(
                        "amount_invalid", f"{a.number}“决定奖励金额”：{exc}", field="decided_amount"
                    ) from None
                items.append(
                    decisions.Item(
                        a,
                        amount,
                        request.POST.get(f"reason_{a.pk}", ""),
                        request.POST.get(f"reference_{a.pk}", ""),
                    )
                )
            decision = decisions.decide(items, actor=user, on=on, title=request.POST.get("title", ""))
            messages.success(request, f"已作出奖补决定{decision.number}（{len(items)}份）。")
            return redirect("subsidies:decisions")
        except (SubsidyError, engine.ProcedureError) as exc:
            messages.error(request, exc.message)
    ready = (
        applications_for(user)
        .filter(status=Application.Status.NOTICED, notice__ends_on__lt=on)
        .select_related("notice", "supersedes")
        .order_by("id")[:LIMIT]
    )
    waiting = (
        applications_for(user).filter(status=Application.Status.NOTICED, notice__ends_on__gte=on).count()
    )
    return render(
        request,
        "subsidies/decisions.html",
        {"ready": ready, "waiting": waiting, "runs": runs_subsidies(user), "today": on},
    )


@view_requires(*STAFF, department="finance")
def payments_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    on = clock.today()
    payer = payer_of_user(user)
    if request.method == "POST" and payer is not None:
        action = request.POST.get("action")
        try:
            if action == "budget":
                measure = request.POST.get("measure", "")
                try:
                    amount = parse_yuan((request.POST.get("amount") or "").strip())
                except MoneyError as exc:
                    raise SubsidyError("amount_invalid", f"“预算金额（元）”：{exc}", field="amount") from None
                if not measure.isdigit():
                    raise SubsidyError("measure_required", "请选择“措施”。", field="measure")
                payments.enter_budget(
                    measure=int(measure),
                    amount_fen=amount,
                    source=request.POST.get("source", ""),
                    actor=user,
                    on=on,
                )
                messages.success(request, f"已录入{payer}{measure_name(int(measure))}预算。")
            elif action == "pay":
                result = payments.pay(_selected(request, Application.Status.DECIDED), actor=user, on=on)
                assert result.batch is not None
                for a, why in result.unpaid:
                    messages.warning(request, f"{a.number}未支付：{why}。")
                messages.success(request, f"已支付{result.batch.count}笔，支付清单{result.batch.number}。")
                return redirect(result.batch.get_absolute_url())
        except (SubsidyError, engine.ProcedureError) as exc:
            messages.error(request, exc.message)
    awaiting = (
        Application.objects.filter(status=Application.Status.DECIDED, payer=payer).order_by(
            "decided_on", "id"
        )[:LIMIT]
        if payer
        else []
    )
    budgets = BudgetAccount.objects.filter(payer=payer) if payer else BudgetAccount.objects.all()
    batches = PaymentBatch.objects.select_related("document")
    if payer:
        batches = batches.filter(payer=payer)
    measures = sorted({c.measure for c in COMPONENTS.values() if c.measure in MEASURES and c.measure != 16})
    return render(
        request,
        "subsidies/payments.html",
        {
            "payer": payer,
            "awaiting": awaiting,
            "budgets": budgets,
            "batches": batches[:50],
            "measures": [(m, measure_name(m)) for m in measures],
            "today": on,
        },
    )


def _batch(request: HttpRequest, pk: int) -> PaymentBatch:
    batch = get_object_or_404(PaymentBatch.objects.select_related("document"), pk=pk)
    payer = payer_of_user(request.user)
    if payer is not None and batch.payer != payer:
        raise Http404
    return batch


@view_requires(*STAFF, department="finance")
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(
        request,
        "subsidies/payment.html",
        {"batch": batch, "rows": payments.payment_rows(batch), "header": payments.PAYMENT_FILE_HEADER},
    )


@view_requires(*STAFF, department="finance")
def payment_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    with transaction.atomic():
        record(
            "subsidies.payment.file",
            actor=request.user,
            obj=batch,
            after={"number": batch.number, "count": batch.count, "total_fen": batch.total_fen},
            label="下载支付文件",
        )
    return xlsx_response(
        "支付清单",
        payments.PAYMENT_FILE_HEADER,
        payments.payment_rows(batch),
        f"支付文件-{batch.number}.xlsx",
    )
