"""Staff pages of the tenancy: the list of lease contracts (with its Excel export; the steps of a contract are on
its application's page) and 先租后售 — the list of requests and a request's page with its steps: assess the
price and the credited rent, approve (another person), refuse (鄂州政办发〔2022〕19号 三（四）)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.exports import xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_rules.core.ids import mask_name

from .. import selectors, services
from .. import steps as S
from ..models import ContractStatus, RentToOwnRequest, RentToOwnStatus
from .common import STAFF, can_write, fen, filtered, form_error, list_page, yuan


def _contracts(request: HttpRequest) -> Any:
    qs = selectors.contracts_for(request.user).select_related(
        "allocation__unit__project", "allocation__application"
    )
    search = ("number", "allocation__unit__number", "allocation__application__name")
    return filtered(request, qs, ContractStatus, search, "allocation__unit__project_id").order_by(
        "-signed_on", "-id"
    )


@view_requires(*STAFF, department="housing")
def contract_list(request: HttpRequest) -> HttpResponse:
    ctx = list_page(request, _contracts(request), ContractStatus, "rental_housing:contracts_export")
    for c in ctx["page"]:
        c.tenant = mask_name(c.allocation.application.name)  # type: ignore[attr-defined]
        c.rent = yuan(c.monthly_rent_fen)  # type: ignore[attr-defined]
    return render(request, "rental_housing/contracts.html", ctx)


@view_requires(*STAFF, department="housing")
def contract_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            c.number,
            c.allocation.application_id,
            mask_name(c.allocation.application.name),
            c.allocation.unit.project.name,
            c.allocation.unit.number,
            c.start_date,
            c.end_date,
            yuan(c.monthly_rent_fen),
            c.payment_period_months,
            c.get_status_display(),
            c.filed_on,
            c.terminated_on,
            c.move_out_due,
            c.vacated_on,
            yuan(c.exit_rent_fen),
        ]
        for c in _contracts(request)
    ]
    header = ["合同编号", "申请编号", "承租人", "项目", "房号", "起租日期", "到期日期", "月租金（元）"]
    header += [
        "收取周期（月）",
        "状态",
        "备案日期",
        "终止日期",
        "腾退搬迁期截止日",
        "腾退日期",
        "退出租金（元）",
    ]
    return xlsx_response("保障性租赁住房租赁合同.xlsx", "租赁合同", header, rows, text_columns={0, 1, 4})


# -- 先租后售 -------------------------------------------------------------------------------------------------
def _requests(request: HttpRequest) -> Any:
    qs = RentToOwnRequest.objects.filter(contract__in=selectors.contracts_for(request.user)).select_related(
        "contract__allocation__unit__project", "contract__allocation__application"
    )
    search = ("contract__number", "contract__allocation__application__name")
    return filtered(request, qs, RentToOwnStatus, search, "contract__allocation__unit__project_id").order_by(
        "-filed_on", "-id"
    )


@view_requires(*STAFF, department="housing")
def rent_to_own_list(request: HttpRequest) -> HttpResponse:
    ctx = list_page(request, _requests(request), RentToOwnStatus, "rental_housing:rent_to_own_export")
    for r in ctx["page"]:
        r.tenant = mask_name(r.contract.allocation.application.name)  # type: ignore[attr-defined]
        r.payable = yuan(r.payable_fen)  # type: ignore[attr-defined]
    return render(request, "rental_housing/rent_to_own_list.html", {**ctx, "cite": S.CITE_RENT_TO_OWN})


@view_requires(*STAFF, department="housing")
def rent_to_own_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            r.pk,
            r.contract.number,
            mask_name(r.contract.allocation.application.name),
            r.contract.allocation.unit.project.name,
            r.contract.allocation.unit.number,
            r.filed_on,
            r.tenancy_start,
            r.get_share_display() + (f"（{r.share_ratio}）" if r.share_ratio else ""),
            yuan(r.price_fen),
            yuan(r.rent_paid_fen),
            yuan(r.payable_fen),
            r.get_status_display(),
        ]
        for r in _requests(request)
    ]
    header = ["申请编号", "合同编号", "承租人", "项目", "房号", "申请日期", "租赁起始日", "拟购产权"]
    header += ["购房款（元）", "已交租金（元）", "尚需支付（元）", "状态"]
    return xlsx_response("先租后售申请.xlsx", "先租后售", header, rows, text_columns={0, 1, 4})


class AssessForm(forms.Form):
    share = forms.ChoiceField(label="拟购产权", choices=RentToOwnRequest.Share.choices)
    share_ratio = forms.CharField(label="拟购产权份额（部分产权时，如60%）", max_length=20, required=False)
    price_yuan = forms.DecimalField(label="拟购份额的购房款（元）", min_value=0, decimal_places=2)
    price_basis = forms.CharField(
        label="定价依据", max_length=200, help_text="市住建部门会同有关部门制定、经市政府批准的价格标准的文号"
    )
    rent_paid_yuan = forms.DecimalField(label="已交租金合计（元）", min_value=0, decimal_places=2)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="不予批准的理由", widget=forms.Textarea(attrs={"rows": 2}))


@view_requires(*STAFF, department="housing")
def rent_to_own_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(_requests(request), pk=pk)
    assess = AssessForm(
        request.POST if request.POST.get("action") == "assess" else None,
        initial={"share": req.share, "share_ratio": req.share_ratio},
    )
    refuse = RefuseForm(request.POST if request.POST.get("action") == "refuse" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assess":
                if not assess.is_valid():
                    raise form_error(assess)
                d = assess.cleaned_data
                services.assess_rent_to_own(
                    req,
                    acting_user=request.user,
                    price_fen=fen(d["price_yuan"]),
                    rent_paid_fen=fen(d["rent_paid_yuan"]),
                    price_basis=d["price_basis"],
                    share=d["share"],
                    share_ratio=d["share_ratio"],
                )
            elif action == "approve":
                services.approve_rent_to_own(req, acting_user=request.user)
            elif action == "refuse":
                if not refuse.is_valid():
                    raise form_error(refuse)
                services.refuse_rent_to_own(
                    req, acting_user=request.user, reason=refuse.cleaned_data["reason"]
                )
            else:
                raise ApiError("invalid_input", "未知操作。", field="action", status=400)
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已办理。")
            return redirect("rental_housing:rent_to_own_detail", pk=pk)
    return render(
        request,
        "rental_housing/rent_to_own_detail.html",
        {
            "r": req,
            "tenant": mask_name(req.contract.allocation.application.name),
            "price": yuan(req.price_fen),
            "rent_paid": yuan(req.rent_paid_fen),
            "payable": yuan(req.payable_fen),
            "uncredited": yuan(req.uncredited_rent_fen),
            "steps": dict(engine.available_steps(req, request.user)),
            "case": engine.case_of(req),
            "assess_form": assess,
            "refuse_form": refuse,
            "can_write": can_write(request.user),
            "cite": S.CITE_RENT_TO_OWN,
        },
    )
