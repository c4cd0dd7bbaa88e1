"""The operator's and the housing staff's pages for the application procedure (第十四条–第二十条): the list of
applications (with its Excel export), the offline entry (第十四条第（一）项: 由运营单位将申请资料录入), and an
application's page where each step the user may take now has its form, its article beside it: review
(approve or refuse), objections (record, decide), qualification, giving up, choosing a unit for an offline
applicant, declining an offer, and the contract's steps (sign, file, renew, terminate, vacate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.exports import xlsx_response
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.procedures import engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import mask_name, mask_resident_id

from .. import selectors, services
from .. import steps as S
from ..models import (
    MATERIALS,
    Application,
    ApplicationStatus,
    Contract,
    Objection,
    Project,
    TerminationReason,
)
from .common import DATE, STAFF, WRITERS, areas, can_write, export_url, fen, form_error, show_error


def _applications(request: HttpRequest) -> Any:
    qs = selectors.applications_for(request.user).select_related("project")
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    project = request.GET.get("project", "")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(project__name__contains=q))
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if project.isdigit():
        qs = qs.filter(project_id=int(project))
    return qs.order_by("submitted_at", "id")


@view_requires(*STAFF, department="housing")
def manage(request: HttpRequest) -> HttpResponse:
    page = Paginator(_applications(request), 20).get_page(request.GET.get("page"))
    rows = [{"a": a, "name": mask_name(a.name), "id": mask_resident_id(a.id_number)} for a in page]
    return render(
        request,
        "rental_housing/manage.html",
        {
            "page": page,
            "rows": rows,
            "q": request.GET.get("q", "").strip()[:100],
            "status": request.GET.get("status", ""),
            "project": request.GET.get("project", ""),
            "statuses": ApplicationStatus.choices,
            "projects": selectors.projects_for(request.user),
            "export_url": export_url(request, "rental_housing:manage_export"),
            "can_write": can_write(request.user),
        },
    )


@view_requires(*STAFF, department="housing")
def manage_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, names and ID numbers masked as on the page; numbers and codes as text."""
    rows = [
        [
            a.pk,
            mask_name(a.name),
            mask_resident_id(a.id_number),
            a.project.name,
            a.project.certificate_number,
            a.get_channel_display(),
            a.submitted_on,
            a.get_status_display(),
            a.review_deadline,
            a.publicity_end,
            "、".join(a.priority_labels()),
        ]
        for a in _applications(request)
    ]
    header = ["申请编号", "姓名", "身份证号码", "项目", "项目认定书编号", "申请方式", "申请日期", "状态"]
    return xlsx_response(
        "保障性租赁住房申请.xlsx",
        "承租资格申请",
        [*header, "审核期限", "公示截止", "优先群体"],
        rows,
        text_columns={0, 2, 4},
    )


# -- offline entry (第十四条第（一）项) ----------------------------------------------------------------------------
class OfflineApplicationForm(forms.Form):
    project = forms.ModelChoiceField(label="申请项目", queryset=Project.objects.none())
    name = forms.CharField(label="申请人姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18)
    phone = forms.CharField(label="联系电话", max_length=20, help_text="手机号码，或带区号的固定电话")
    full_civil_capacity = forms.BooleanField(label="申请人声明具有完全民事行为能力", required=True)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(
        label="本人、配偶、未成年子女在申请辖区已交付住房面积（平方米，逗号分隔）", required=False
    )
    other_subsidised_housing = forms.BooleanField(label="在本市已享受其他形式的保障性住房", required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    priority_public_service = forms.BooleanField(label="从事基本公共服务", required=False)
    priority_multi_child = forms.BooleanField(label="多孩家庭", required=False)
    priority_three_generation = forms.BooleanField(label="三世同堂", required=False)
    materials = forms.MultipleChoiceField(
        label="已提交的申请材料（第十三条）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(f.removeprefix("material_"), label) for f, label, _ in MATERIALS],
    )


@view_requires(*WRITERS, department="housing")
def offline_new(request: HttpRequest) -> HttpResponse:
    """运营单位代录线下申请: the applicant brought the materials; the review is due in 5 working days."""
    form = OfflineApplicationForm(request.POST or None)
    form.fields["project"].queryset = selectors.projects_for(request.user).exclude(  # type: ignore[attr-defined]
        announced_on=None
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app, _ = services.submit_application(
                services.ApplicationInput(
                    project=d["project"],
                    name=d["name"],
                    id_number=d["id_number"].strip(),
                    phone=d["phone"],
                    full_civil_capacity=d["full_civil_capacity"],
                    has_spouse=d["has_spouse"],
                    minor_children=d["minor_children"],
                    homes=[{"area_m2": a} for a in areas(d["home_areas"])],
                    other_subsidised_housing=d["other_subsidised_housing"],
                    work_unit=d["work_unit"],
                    priority_public_service=d["priority_public_service"],
                    priority_multi_child=d["priority_multi_child"],
                    priority_three_generation=d["priority_three_generation"],
                    materials=tuple(d["materials"]),
                ),
                acting_user=request.user,
                channel=Application.Channel.OFFLINE,
            )
        except ApiError as exc:
            show_error(form, exc, {"homes": "home_areas"})
        else:
            messages.success(
                request, f"已录入，审核期限为{cn_date(app.review_deadline)}（{S.CITE_REVIEW}）。"
            )
            return redirect("rental_housing:detail", pk=app.pk)
    return render(request, "rental_housing/offline_new.html", {"form": form, "cite": S.CITE_APPLY})


# -- an application's page and its steps -----------------------------------------------------------------------
class RejectForm(forms.Form):
    reason = forms.CharField(label="不予通过理由", widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(label="异议人（可匿名）", max_length=50, required=False)
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}))


class DecideObjectionForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label="处理结果", coerce=lambda v: v == "1", choices=[("0", "异议不成立"), ("1", "异议成立")]
    )
    decision = forms.CharField(label="处理意见", max_length=500)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label="申请人已书面确认放弃申请（轮候）", required=True)


class SignForm(forms.Form):
    number = forms.CharField(label="合同编号", max_length=40)
    start_date = forms.DateField(label="起租日期", widget=DATE)
    end_date = forms.DateField(label="到期日期", widget=DATE)
    payment_period_months = forms.IntegerField(label="租金收取周期（月）", min_value=1)
    deposit_yuan = forms.DecimalField(label="押金（元）", min_value=0, decimal_places=2)
    originals_checked = forms.BooleanField(label="申请资料已与原件核对一致（第十八条）", required=False)


class TerminateForm(forms.Form):
    reason = forms.ChoiceField(label="终止原因", choices=TerminationReason.choices)
    terminated_on = forms.DateField(label="终止日期", widget=DATE)
    move_out_months = forms.IntegerField(label="腾退搬迁期（月，最长3个月）", min_value=0, initial=3)
    record_text = forms.CharField(label="违规情况记录（第二十三条情形必填）", required=False)


class RenewForm(forms.Form):
    number = forms.CharField(label="新合同编号", max_length=40)
    end_date = forms.DateField(label="新合同到期日期", widget=DATE)
    payment_period_months = forms.IntegerField(label="租金收取周期（月）", min_value=1)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(label="辖区内已交付住房面积（平方米，逗号分隔）", required=False)
    other_subsidised_housing = forms.BooleanField(label="已享受其他保障性住房", required=False)


class VacateForm(forms.Form):
    vacated_on = forms.DateField(label="腾退日期", widget=DATE)
    market_rent_yuan = forms.DecimalField(label="市场月租金（元）", min_value=0, decimal_places=2)


def _valid(form_class: type[forms.Form], request: HttpRequest) -> dict[str, Any]:
    form = form_class(request.POST)
    if not form.is_valid():
        raise form_error(form)
    return form.cleaned_data


def _application_action(request: HttpRequest, app: Application, action: str) -> str | None:
    """Run one step of the application page; returns an information message or None."""
    user = request.user
    if action == "approve":
        services.review_approve(app, acting_user=user)
    elif action == "reject":
        services.review_reject(app, acting_user=user, reason=_valid(RejectForm, request)["reason"])
    elif action == "objection":
        d = _valid(ObjectionForm, request)
        services.raise_objection(app, acting_user=user, raised_by=d["raised_by"], content=d["content"])
    elif action == "decide":
        d = _valid(DecideObjectionForm, request)
        obj = get_object_or_404(Objection, pk=d["objection"], application=app)
        services.decide_objection(obj, acting_user=user, upheld=d["upheld"], decision=d["decision"])
    elif action == "qualify":
        services.close_publicity(app, acting_user=user)
    elif action == "withdraw":
        _valid(WithdrawForm, request)
        services.withdraw(app, acting_user=user)
    elif action == "choose":
        r = services.choose_unit(app, acting_user=user)
        if r.allocation is None:
            return f"房源不足，轮候第{r.queue_position}位。"
    elif action == "decline_offer":
        offer = services.open_offer(app)
        if offer is None:
            raise ApiError("invalid_state", "没有待答复的轮候配租通知。", field="offer", status=409)
        services.answer_offer(offer, acting_user=user, accept=False)
    else:
        _contract_action(request, app, action)
    return None


def _contract_action(request: HttpRequest, app: Application, action: str) -> None:
    alloc = app.allocations.filter(active=True).first()
    contract = Contract.objects.filter(allocation__application=app).order_by("-id").first()
    user = request.user
    if action == "sign":
        d = _valid(SignForm, request)
        if alloc is None:
            raise ApiError(
                "invalid_state",
                "申请人尚未选定房源，不能签订合同（第十七条）。",
                field="allocation",
                status=409,
            )
        services.sign_contract(
            alloc,
            acting_user=user,
            number=d["number"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            payment_period_months=d["payment_period_months"],
            deposit_fen=fen(d["deposit_yuan"]),
            originals_checked=d["originals_checked"],
        )
        return
    if action not in ("file", "renew", "terminate", "vacate"):
        raise ApiError("invalid_input", "未知操作。", field="action", status=400)
    if contract is None:
        raise ApiError("invalid_state", "尚未签订合同。", field="contract", status=409)
    if action == "file":
        services.file_contract(contract, acting_user=user)
    elif action == "renew":
        d = _valid(RenewForm, request)
        services.renew_contract(
            contract,
            acting_user=user,
            number=d["number"],
            end_date=d["end_date"],
            payment_period_months=d["payment_period_months"],
            has_spouse=d["has_spouse"],
            minor_children=d["minor_children"],
            homes=[{"area_m2": a} for a in areas(d["home_areas"])],
            other_subsidised_housing=d["other_subsidised_housing"],
        )
    elif action == "terminate":
        d = _valid(TerminateForm, request)
        services.terminate_contract(
            contract,
            acting_user=user,
            reason=d["reason"],
            on=d["terminated_on"],
            record_text=d["record_text"],
            move_out_months=d["move_out_months"],
        )
    else:
        d = _valid(VacateForm, request)
        services.record_vacated(
            contract, acting_user=user, vacated_on=d["vacated_on"], market_rent_fen=fen(d["market_rent_yuan"])
        )


@view_requires(*STAFF, department="housing")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(request.user).select_related("project"), pk=pk)
    if request.method == "POST":
        try:
            info = _application_action(request, app, request.POST.get("action", ""))
        except ApiError as exc:
            messages.error(request, exc.message)
        else:
            if info:
                messages.info(request, info)
            else:
                messages.success(request, "已办理。")
        return redirect("rental_housing:detail", pk=pk)
    pos = services.queue_position(app) if app.status == ApplicationStatus.QUALIFIED else None
    contract = Contract.objects.filter(allocation__application=app).order_by("-id").first()
    case = engine.case_of(app)
    steps = {name: st for name, st in engine.available_steps(app, request.user)}
    contract_steps = (
        {name: st for name, st in engine.available_steps(contract, request.user)} if contract else {}
    )
    return render(
        request,
        "rental_housing/detail.html",
        {
            "a": app,
            "name": mask_name(app.name),
            "id": mask_resident_id(app.id_number),
            "materials": [(label, getattr(app, f)) for f, label, _ in MATERIALS],
            "objections": app.objections.all(),
            "pos": pos,
            "offer": services.open_offer(app),
            "alloc": app.allocations.filter(active=True).select_related("unit").first(),
            "contract": contract,
            "case": case,
            "contract_case": engine.case_of(contract) if contract else None,
            "steps": steps,
            "contract_steps": contract_steps,
            "reject_form": RejectForm(),
            "objection_form": ObjectionForm(),
            "withdraw_form": WithdrawForm(),
            "sign_form": SignForm(),
            "terminate_form": TerminateForm(),
            "renew_form": RenewForm(),
            "vacate_form": VacateForm(),
            "can_write": can_write(request.user),
            "cite_review": S.CITE_REVIEW,
            "cite_choose": S.CITE_CHOOSE,
            "cite_sign": S.CITE_SIGN,
        },
    )
