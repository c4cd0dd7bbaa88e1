"""The citizen's and enterprise's pages of 保障性租赁住房: applying (for oneself, or for a principal of a recorded
agent relationship), following the application, giving it up, choosing a unit, answering a queue offer, the
contract and its rent statement (pages and PDFs), 先租后售, repairs and complaints. Views validate input and
call `services`; every write is there, every step the procedure layer's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.security import consent
from ezhou_rules.core.ids import mask_name, mask_resident_id
from ezhou_rules.rental_housing import validity_warning
from ezhou_rules.rental_housing.tenancy import rent_schedule

from .. import selectors, services
from .. import steps as S
from ..models import (
    MATERIALS,
    Application,
    ApplicationStatus,
    Complaint,
    Contract,
    MaintenanceRequest,
    Project,
    RentToOwnRequest,
    Unit,
    UnitOffer,
    UnitStatus,
)
from .common import WRITERS, areas, pdf_response, show_error, yuan


# -- citizen portal -------------------------------------------------------------------------------------------
class ApplyForm(consent.NoticeFormMixin, forms.Form):
    """The applicant is chosen from the account's verified identity and its agent relationships, never typed:
    an account cannot apply under someone else's name and ID number (issue 8 §4). The notice (C26) is read
    and acknowledged on the same form."""

    notice_key = consent.RENTAL_APPLICATION

    project = forms.ModelChoiceField(label="申请项目", queryset=Project.objects.exclude(announced_on=None))
    applicant = forms.ChoiceField(label="申请人")
    phone = forms.CharField(
        label="联系电话", max_length=20, help_text="手机号码，或带区号的固定电话（如 0711-3200000）"
    )
    full_civil_capacity = forms.BooleanField(label="本人承诺具有完全民事行为能力", required=True)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(
        label="本人、配偶、未成年子女在申请辖区已交付住房面积（平方米，逗号分隔）", required=False
    )
    other_subsidised_housing = forms.BooleanField(label="在本市已享受其他形式的保障性住房", required=False)
    work_unit = forms.CharField(label="工作单位", required=False)
    priority_public_service = forms.BooleanField(label="从事基本公共服务", required=False)
    priority_multi_child = forms.BooleanField(label="多孩家庭", required=False)
    priority_three_generation = forms.BooleanField(label="三世同堂", required=False)
    materials = forms.MultipleChoiceField(
        label="已上传的申请材料（第十三条）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(f.removeprefix("material_"), label) for f, label, _ in MATERIALS],
    )

    def __init__(self, *args: Any, identities: list[tuple[str, str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identities = {(f"agent-{rel.pk}" if rel else "self"): (n, i, rel) for n, i, rel in identities}
        self.fields["applicant"].choices = [  # type: ignore[attr-defined]
            (
                key,
                f"{mask_name(n)}（{mask_resident_id(i)}，"
                + (f"代理申请：{rel.get_relation_display()}" if rel else "本人")
                + "）",
            )
            for key, (n, i, rel) in self.identities.items()
        ]


@view_requires(Role.CITIZEN)
def my_applications(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    identities = services.online_identities(user, clock.today())
    form = ApplyForm(request.POST or None, identities=identities)
    if request.method == "POST" and identities and form.is_valid():
        d = form.cleaned_data
        name, number, _rel = form.identities[d["applicant"]]
        try:
            with consent.submission(consent.from_form(form), request) as c:
                c.subject, _ = services.submit_application(
                    services.ApplicationInput(
                        project=d["project"],
                        name=name,
                        id_number=number,
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
                    channel=Application.Channel.ONLINE,
                    applicant=request.user,
                )
        except ApiError as exc:
            target = {"id_number": "applicant", "name": "applicant", "homes": "home_areas"}.get(
                (exc.field or "").split(".")[0], exc.field
            )
            form.add_error(target if target in form.fields else None, exc.message)
        else:
            messages.success(request, "申请已提交，运营单位将在5个工作日内审核。")
            return redirect("rental_housing:my")
    apps = []
    for a in (
        Application.objects.filter(applicant=user)
        .select_related("project", "agent")
        .order_by("-submitted_at")
    ):
        pos = services.queue_position(a) if a.status == ApplicationStatus.QUALIFIED else None
        alloc = a.allocations.filter(active=True).select_related("unit").first()
        contract = Contract.objects.filter(allocation__application=a).order_by("-id").first()
        free = (
            Unit.objects.filter(project=a.project, status=UnitStatus.AVAILABLE, fitted_out=True).order_by(
                "number"
            )
            if pos and pos.queue_position is None
            else []
        )
        apps.append(
            {
                "a": a,
                "for_whom": f"{a.name}（代理申请：{a.agent.get_relation_display()}）"
                if a.agent
                else f"{a.name}（本人）",
                "offer": (offer := services.open_offer(a)),
                "offer_rent": yuan(offer.unit.rent_fen) if offer else "",
                "rent": yuan(contract.monthly_rent_fen) if contract else "",
                "per_payment": yuan(contract.monthly_rent_fen * contract.payment_period_months)
                if contract
                else "",
                "pos": pos,
                "alloc": alloc,
                "contract": contract,
                "free": free,
                "exit_rent": yuan(contract.exit_rent_fen) if contract else "",
            }
        )
    return render(
        request, "rental_housing/my.html", {"form": form, "apps": apps, "can_apply": bool(identities)}
    )


@view_requires(Role.CITIZEN)
def my_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The tenant's contract and rent statement: the rent of each collection period (第二十条第一款) and, after
    the exit, the exit rent (第二十条第二款); the contract, the statement and the documents as PDFs."""
    return render(request, "rental_housing/my_contract.html", _contract_context(_contract_for(request, pk)))


@view_requires(Role.CITIZEN)
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk, applicant=request.user)
    if request.method == "POST":
        unit_id = request.POST.get("unit_id")
        try:
            result = services.choose_unit(
                app, acting_user=request.user, unit_id=int(unit_id) if unit_id else None
            )
        except (ApiError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "房源编号无效。"))
        else:
            if result.allocation:
                messages.success(
                    request, f"已选定房源 {result.allocation.unit.number}，请与运营单位签订租赁合同。"
                )
            else:
                messages.info(request, f"房源不足，您已进入轮候，当前轮候第{result.queue_position}位。")
    return redirect("rental_housing:my")


# -- 轮候配租通知 (第十七条) ----------------------------------------------------------------------------------
@view_requires(Role.CITIZEN)
def answer_offer(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("rental_housing:my")
    offer = get_object_or_404(UnitOffer, pk=pk, application__applicant=request.user)
    accept = request.POST.get("accept") == "1"
    try:
        services.answer_offer(offer, acting_user=request.user, accept=accept)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已接受房源 {offer.unit.number}，请与运营单位签订租赁合同。"
            if accept
            else "已放弃该房源，您仍在轮候中，房源将按申请顺序通知下一位申请人。",
        )
    return redirect("rental_housing:my")


# -- maintenance (第二十四条) and complaints (第二十七条) -----------------------------------------------------
class MaintenanceForm(forms.Form):
    contract = forms.ModelChoiceField(label="租赁合同", queryset=Contract.objects.none())
    description = forms.CharField(label="报修内容", widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintForm(forms.Form):
    project = forms.ModelChoiceField(
        label="涉及项目（可不选）", queryset=Project.objects.exclude(announced_on=None), required=False
    )
    content = forms.CharField(label="投诉举报内容", widget=forms.Textarea(attrs={"rows": 3}))
    complainant = forms.CharField(label="投诉人（可匿名）", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


@view_requires(Role.CITIZEN)
def my_service(request: HttpRequest) -> HttpResponse:
    """The tenant reports repairs and files complaints, and follows both."""
    user: Any = request.user
    live = Contract.objects.filter(allocation__application__applicant=user, status__in=["signed", "filed"])
    mform = MaintenanceForm(request.POST if request.POST.get("kind") == "maintenance" else None)
    mform.fields["contract"].queryset = live  # type: ignore[attr-defined]
    if len(contracts := list(live[:2])) == 1:  # the usual case: one contract, already chosen
        mform.fields["contract"].initial = contracts[0].pk
    cform = ComplaintForm(request.POST if request.POST.get("kind") == "complaint" else None)
    if request.method == "POST":
        form: forms.Form = mform if request.POST.get("kind") == "maintenance" else cform
        if form.is_valid():
            d = form.cleaned_data
            try:
                if form is mform:
                    services.report_maintenance(
                        d["contract"], acting_user=request.user, description=d["description"]
                    )
                else:
                    services.submit_complaint(
                        acting_user=request.user,
                        content=d["content"],
                        project=d["project"],
                        complainant=d["complainant"],
                        phone=d["phone"],
                    )
            except ApiError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "已提交，可在本页查看处理进度。")
                return redirect("rental_housing:my_service")
    return render(
        request,
        "rental_housing/my_service.html",
        {
            "mform": mform,
            "cform": cform,
            "has_contract": live.exists(),
            "repairs": MaintenanceRequest.objects.filter(
                contract__allocation__application__applicant=user
            ).select_related("contract__allocation__unit"),
            "complaints": Complaint.objects.filter(submitted_by=user).select_related("project"),
        },
    )


# -- giving up (第十四条, 第十七条) ------------------------------------------------------------------------------
@view_requires(Role.CITIZEN)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant gives up their application or their place in the queue (an open offer passes on)."""
    if request.method != "POST":
        return redirect("rental_housing:my")
    app = get_object_or_404(Application, pk=pk, applicant=request.user)
    if request.POST.get("confirm") != "1":
        messages.error(request, "放弃申请：请勾选“确认放弃”后提交。")
        return redirect("rental_housing:my")
    try:
        services.withdraw(app, acting_user=request.user)
    except ApiError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已放弃“{app.project}”的申请（{S.CITE_APPLICATION}）。")
    return redirect("rental_housing:my")


# -- the contract and the rent statement as PDFs ---------------------------------------------------------------
def _contract_for(request: HttpRequest, pk: int) -> Contract:
    """The tenant's own contract, or one staff see (their operator's or district's projects)."""
    user: Any = request.user
    qs = Contract.objects.select_related("allocation__unit__project__operator", "allocation__application")
    if user.role == Role.CITIZEN:
        return get_object_or_404(qs, pk=pk, allocation__application__applicant=user)
    return get_object_or_404(selectors.contracts_for(user, qs), pk=pk)


def _contract_context(contract: Contract) -> dict[str, Any]:
    schedule = rent_schedule(
        start=contract.start_date,
        end=contract.end_date,
        monthly_rent_fen=contract.monthly_rent_fen,
        payment_period_months=contract.payment_period_months,
    )
    from ezhou_platform.procedures.engine import case_of

    case = case_of(contract)
    return {
        "c": contract,
        "schedule": schedule,
        "schedule_total": sum(line.amount_fen for line in schedule),
        "warning": validity_warning(contract.start_date),
        "documents": case.documents.order_by("issued_at") if case else [],
        "today": clock.today(),
    }


@view_requires(Role.CITIZEN, *WRITERS, Role.AUDITOR, department="housing")
def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The lease as signed and filed (第十八条, 第十九条): parties, unit, term, rent, deposit, collection period."""
    contract = _contract_for(request, pk)
    return pdf_response(
        request,
        "rental_housing/pdf/contract.html",
        _contract_context(contract),
        f"租赁合同{contract.number}.pdf",
    )


@view_requires(Role.CITIZEN, *WRITERS, Role.AUDITOR, department="housing")
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The rent statement: each collection period (第二十条第一款) and, after the exit, the exit rent (第二十条第二款)."""
    contract = _contract_for(request, pk)
    return pdf_response(
        request,
        "rental_housing/pdf/statement.html",
        _contract_context(contract),
        f"租金清单{contract.number}.pdf",
    )


# -- 先租后售 (鄂州政办发〔2022〕19号 三（四）) ------------------------------------------------------------------------
class RentToOwnApplyForm(forms.Form):
    contract = forms.ModelChoiceField(label="租赁合同", queryset=Contract.objects.none())
    share = forms.ChoiceField(label="拟购产权", choices=RentToOwnRequest.Share.choices)
    share_ratio = forms.CharField(
        label="拟购产权份额", max_length=20, required=False, help_text="购买部分产权时填写百分比，如60%"
    )


@view_requires(Role.CITIZEN)
def my_rent_to_own(request: HttpRequest) -> HttpResponse:
    """A tenant of a 允许先租后售 unit applies, after 5 full years, to convert it into 共有产权住房."""
    user: Any = request.user
    live = Contract.objects.filter(
        allocation__application__applicant=user, status__in=["signed", "filed"]
    ).select_related("allocation__unit__project")
    form = RentToOwnApplyForm(request.POST or None)
    form.fields["contract"].queryset = live  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.file_rent_to_own(
                d["contract"],
                acting_user=user,
                share=d["share"],
                share_ratio=d["share_ratio"],
                applicant=user,
            )
        except ApiError as exc:
            show_error(form, exc)
        else:
            messages.success(request, "先租后售申请已提交，住房和城乡建设部门将核定购房款。")
            return redirect("rental_housing:my_rent_to_own")
    mine = RentToOwnRequest.objects.filter(contract__allocation__application__applicant=user).select_related(
        "contract__allocation__unit__project"
    )
    rows = [
        {
            "r": r,
            "price": yuan(r.price_fen),
            "rent_paid": yuan(r.rent_paid_fen),
            "payable": yuan(r.payable_fen),
            "from": services.tenancy_start(r.contract),
        }
        for r in mine
    ]
    return render(
        request,
        "rental_housing/my_rent_to_own.html",
        {"form": form, "rows": rows, "has_contract": live.exists(), "cite": S.CITE_RENT_TO_OWN},
    )


# -- complaints from citizens and enterprises (第二十七条) ---------------------------------------------------------
@view_requires(Role.CITIZEN, Role.ENTERPRISE)
def complaint_new(request: HttpRequest) -> HttpResponse:
    """投诉举报 (第二十七条) by a citizen or an enterprise, and the ones it filed with their answers."""
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.submit_complaint(
                acting_user=request.user,
                content=d["content"],
                project=d["project"],
                complainant=d["complainant"],
                phone=d["phone"],
            )
        except ApiError as exc:
            show_error(form, exc)
        else:
            messages.success(request, "投诉举报已受理，可在本页查看处理进度。")
            return redirect("rental_housing:complaint_new")
    return render(
        request,
        "rental_housing/complaint_new.html",
        {
            "form": form,
            "complaints": Complaint.objects.filter(submitted_by_id=request.user.pk).select_related("project"),
            "cite": S.CITE_COMPLAINT,
        },
    )
