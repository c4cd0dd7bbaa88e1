"""The public pages of 保障性租赁住房: the letting announcements (第十六条), the publicity list (第十四条第（二）项)
and the calculators — eligibility (第十二条), exit rent (第二十条第二款), rent-to-own (三（四）), unit area
(第八条) and the review and publicity deadlines (第十四条第（二）项). Each calculator keeps what was entered,
shows its result with the articles and every step, and gives the same result as a PDF (“下载PDF”: the form
posts its inputs again and the result is rendered, never stored)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.permissions import public
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import mask_name, mask_resident_id
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import validity_warning
from ezhou_rules.rental_housing.common import RentalHousingInputError, centi_m2, format_m2
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.housing import SOURCING_METHODS, TYPE_LABELS, check_unit_area, project_type
from ezhou_rules.rental_housing.tenancy import exit_rent_statement, rent_to_own

from .. import steps as S
from ..models import Application, ApplicationStatus, Project, UnitStatus
from .common import DATE, areas, fen, pdf_response, yuan


@public
def index(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.exclude(announced_on=None)
        .select_related("jurisdiction", "operator")
        .annotate(free=Count("units", filter=Q(units__status=UnitStatus.AVAILABLE, units__fitted_out=True)))
    )
    rows = []
    for p in projects:
        units = [
            {"u": u, "rent": yuan(u.rent_fen), "fee": yuan(u.property_fee_fen)}
            for u in p.units.filter(fitted_out=True).order_by("number")
        ]
        rows.append({"p": p, "units": units})
    return render(request, "rental_housing/index.html", {"projects": rows})


@public
def publicity(request: HttpRequest) -> HttpResponse:
    qs = (
        Application.objects.filter(status=ApplicationStatus.PUBLICITY)
        .select_related("project")
        .order_by("publicity_end", "id")
    )
    rows = [
        {
            "project": a.project.name,
            "name": mask_name(a.name),
            "id": mask_resident_id(a.id_number),
            "start": a.publicity_start,
            "end": a.publicity_end,
        }
        for a in qs
    ]
    return render(request, "rental_housing/publicity.html", {"rows": rows})


# -- calculators ---------------------------------------------------------------------------------------------
@dataclass
class Calculation:
    """A calculator's result as the page and the PDF show it."""

    title: str
    verdict: str
    ok: bool
    inputs: list[tuple[str, str]]
    outcome: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    citation: str = ""
    warning: str = ""


def _inputs(form: forms.Form) -> list[tuple[str, str]]:
    """What was entered, by the fields' Chinese labels (dates as 2026年12月1日, choices by their labels)."""
    out = []
    for name, f in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(f, forms.BooleanField):
            text = "是" if value else "否"
        elif isinstance(value, dt.date):
            text = cn_date(value)
        elif isinstance(f, forms.ChoiceField) and value not in (None, ""):
            text = str(dict(f.choices).get(value, dict(f.choices).get(str(value), value)))  # type: ignore[arg-type]
        elif value in (None, ""):
            text = "（未填）"
        else:
            text = str(value)
        out.append((str(f.label), text))
    return out


def _calculator(
    request: HttpRequest,
    form_class: type[forms.Form],
    compute: Callable[[forms.Form], Calculation],
    template: str,
    title: str,
    renamed: dict[str, str] | None = None,
) -> HttpResponse:
    form = form_class(request.POST or None)
    result: Calculation | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = compute(form)
        except (RentalHousingInputError, ApiError) as exc:
            name = (renamed or {}).get(str(exc.field).split(".")[0], exc.field)
            form.add_error(name if name in form.fields else None, exc.message)
        else:
            if request.POST.get("pdf"):
                return pdf_response(
                    request,
                    "rental_housing/pdf/calculation.html",
                    {"calc": result, "computed_on": clock.today()},
                    f"{title}-{clock.today().isoformat()}.pdf",
                )
    # The PDF button posts exactly what was computed (hidden copies), whatever is typed in the form since.
    submitted = [
        (k, v)
        for k, values in request.POST.lists()
        for v in values
        if k not in ("csrfmiddlewaretoken", "pdf")
    ]
    return render(request, template, {"form": form, "calc": result, "submitted": submitted, "title": title})


class EligibilityForm(forms.Form):
    """Bound to what was posted, so the values stay in the form whether the check computes or refuses."""

    application_date = forms.DateField(label="申请日期", initial=clock.today, widget=DATE)
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    full_civil_capacity = forms.BooleanField(label="具有完全民事行为能力", required=False, initial=True)
    has_spouse = forms.BooleanField(label="有配偶", required=False)
    minor_children = forms.IntegerField(label="未成年子女人数", min_value=0, max_value=20, initial=0)
    home_areas = forms.CharField(
        label="辖区内已交付住房建筑面积（平方米，多套用逗号分隔）",
        required=False,
        help_text="已签订预售合同尚未交付的商品房不填（交付前视同无房）；辖区外住房不填。",
    )
    other_subsidised_housing = forms.BooleanField(label="在本市已享受其他保障性住房", required=False)


def _eligibility(form: forms.Form) -> Calculation:
    d = form.cleaned_data
    trace = Trace()
    result = check_applicant(
        application_date=d["application_date"],
        birth_date=d["birth_date"],
        full_civil_capacity=d["full_civil_capacity"],
        has_spouse=d["has_spouse"],
        minor_children=d["minor_children"],
        homes=parse_homes([{"area_m2": a} for a in areas(d["home_areas"])]),
        other_subsidised_housing=d["other_subsidised_housing"],
        trace=trace,
    )
    return Calculation(
        title="保障性租赁住房承租条件自测",
        verdict="符合第十二条规定的申请条件" if result.eligible else "不符合申请条件",
        ok=result.eligible,
        inputs=_inputs(form),
        outcome=[
            ("申请人年龄", f"{result.age}周岁"),
            ("家庭人数", f"{result.household_size}人"),
            ("计入的住房", f"{result.counted_homes}套"),
            ("家庭人均居住建筑面积", f"{format_m2(result.per_capita_centi_m2)}平方米"),
        ],
        reasons=[f"{r['message']}（{r['citation']}）" for r in result.reasons],
        steps=trace.to_list(),
        citation=f"{S.DOC} 第十二条",
        warning=result.warning,
    )


@public
def eligibility(request: HttpRequest) -> HttpResponse:
    return _calculator(
        request,
        EligibilityForm,
        _eligibility,
        "rental_housing/eligibility.html",
        "保障性租赁住房承租条件自测",
        renamed={"homes": "home_areas"},
    )


class ExitRentForm(forms.Form):
    exit_date = forms.DateField(label="租赁关系终止日", widget=DATE, help_text="腾退搬迁期自次日起算")
    move_out_months = forms.IntegerField(label="腾退搬迁期（月）", min_value=0, max_value=3, initial=3)
    vacated_date = forms.DateField(label="腾退日期", widget=DATE, help_text="交还房屋之日，计租至当日")
    contract_rent_yuan = forms.DecimalField(label="原合同月租金（元）", min_value=0, decimal_places=2)
    market_rent_yuan = forms.DecimalField(label="市场月租金（元）", min_value=0, decimal_places=2)


def _exit_rent(form: forms.Form) -> Calculation:
    d = form.cleaned_data
    trace = Trace()
    s = exit_rent_statement(
        exit_date=d["exit_date"],
        move_out_months=d["move_out_months"],
        vacated_date=d["vacated_date"],
        contract_rent_fen=fen(d["contract_rent_yuan"]),
        market_rent_fen=fen(d["market_rent_yuan"]),
        trace=trace,
    )
    outcome = [("腾退搬迁期截止日", cn_date(s.move_out_end))]
    for line in s.lines:
        kind = "搬迁期内按原合同租金" if line.kind == "contract" else "搬迁期满后按市场租金"
        outcome.append(
            (f"{kind}（{cn_date(line.first_day)}至{cn_date(line.last_day)}）", format_yuan(line.amount_fen))
        )
    outcome.append(("退出期间应缴租金合计", format_yuan(s.total_fen)))
    return Calculation(
        title="保障性租赁住房退出租金计算",
        verdict=f"退出期间应缴租金 {format_yuan(s.total_fen)}",
        ok=True,
        inputs=_inputs(form),
        outcome=outcome,
        steps=trace.to_list(),
        citation=S.CITE_EXIT,
        warning=s.warning,
    )


@public
def exit_rent(request: HttpRequest) -> HttpResponse:
    return _calculator(
        request,
        ExitRentForm,
        _exit_rent,
        "rental_housing/calculator.html",
        "保障性租赁住房退出租金计算",
        renamed={"contract_rent_fen": "contract_rent_yuan", "market_rent_fen": "market_rent_yuan"},
    )


class RentToOwnForm(forms.Form):
    housing_type = forms.ChoiceField(label="房源类型", choices=list(TYPE_LABELS.items()))
    tenancy_start = forms.DateField(label="起租日期", widget=DATE, help_text="首份租赁合同的起租日期")
    on = forms.DateField(label="计算日期", widget=DATE, initial=clock.today)
    rent_paid_yuan = forms.DecimalField(label="已交租金合计（元）", min_value=0, decimal_places=2)
    price_yuan = forms.DecimalField(
        label="拟购份额的购房款（元）",
        min_value=0,
        decimal_places=2,
        required=False,
        help_text="按市住建部门会同有关部门制定、经市政府批准的价格标准确定；不填则只计算可申请日期",
    )
    shared_ownership_from = forms.DateField(label="取得共有产权住房日期", widget=DATE, required=False)
    full_ownership = forms.BooleanField(label="已购买全部产权", required=False)


def _rent_to_own(form: forms.Form) -> Calculation:
    d = form.cleaned_data
    trace = Trace()
    price = fen(d["price_yuan"]) if d["price_yuan"] is not None else None
    r = rent_to_own(
        housing_type=d["housing_type"],
        tenancy_start=d["tenancy_start"],
        on=d["on"],
        rent_paid_fen=fen(d["rent_paid_yuan"]),
        price_fen=price,
        shared_ownership_from=d["shared_ownership_from"],
        full_ownership=d["full_ownership"],
        trace=trace,
    )
    outcome: list[tuple[str, str]] = []
    if r.conversion_from:
        outcome.append(("可申请转为共有产权住房之日", cn_date(r.conversion_from)))
        outcome.append(("计算日是否已可申请", "是" if r.may_apply_now else "否"))
    if r.payable_fen is not None:
        outcome.append(("尚需支付的购房款", format_yuan(r.payable_fen)))
        outcome.append(("超出购房款的已交租金", format_yuan(r.uncredited_rent_fen or 0)))
    if r.market_sale_from:
        outcome.append(("可申请上市交易之日", cn_date(r.market_sale_from)))
    verdict = r.reason or (
        "计算日已可申请转为共有产权住房" if r.may_apply_now else "计算日尚不能申请转为共有产权住房"
    )
    return Calculation(
        title="先租后售计算",
        verdict=verdict,
        ok=r.allowed and r.may_apply_now,
        inputs=_inputs(form),
        outcome=outcome,
        steps=trace.to_list(),
        citation=S.CITE_RENT_TO_OWN,
        warning=r.warning,
    )


@public
def rent_to_own_calc(request: HttpRequest) -> HttpResponse:
    return _calculator(
        request,
        RentToOwnForm,
        _rent_to_own,
        "rental_housing/calculator.html",
        "先租后售计算",
        renamed={"rent_paid_fen": "rent_paid_yuan", "price_fen": "price_yuan"},
    )


class AreaForm(forms.Form):
    on = forms.DateField(label="适用日期", widget=DATE, initial=clock.today)
    sourcing_method = forms.TypedChoiceField(
        label="筹集方式（第六条）",
        coerce=int,
        choices=[(k, f"（{k}）{v}") for k, v in SOURCING_METHODS.items()],
    )
    construction = forms.ChoiceField(
        label="建设情况",
        choices=[
            ("new_build", "新建（尚未开工）"),
            ("started_or_converted", "已开工建设或由现有建成住房转化"),
        ],
    )
    area_m2 = forms.DecimalField(label="单套建筑面积（平方米）", min_value=Decimal("0.01"), decimal_places=2)


def _area(form: forms.Form) -> Calculation:
    d = form.cleaned_data
    trace = Trace()
    kind = str(project_type([d["sourcing_method"]])[0])
    area = centi_m2(d["area_m2"], field="area_m2")
    r = check_unit_area(kind, area, d["construction"] == "started_or_converted", d["on"], trace=trace)
    outcome = [("房源类型", TYPE_LABELS[kind]), ("面积上限", f"{format_m2(r.limit_centi_m2)}平方米")]
    if r.guide_centi_m2 is not None:
        outcome.append(("原则上控制面积", f"{format_m2(r.guide_centi_m2)}平方米左右"))
    verdict = {
        "ok": "符合第八条",
        "warning": "允许，但超过原则上控制的面积，须记录理由",
        "refused": "超过上限，不符合第八条",
    }
    return Calculation(
        title="单套建筑面积核对（第八条）",
        verdict=verdict[r.status],
        ok=r.within,
        inputs=_inputs(form),
        outcome=outcome,
        reasons=[r.message],
        steps=trace.to_list(),
        citation=r.citation,
        warning=r.warning,
    )


@public
def area_calc(request: HttpRequest) -> HttpResponse:
    return _calculator(
        request, AreaForm, _area, "rental_housing/calculator.html", "单套建筑面积核对（第八条）"
    )


class DeadlinesForm(forms.Form):
    start = forms.DateField(
        label="申请日期", widget=DATE, initial=clock.today, help_text="审核期限自次日起算"
    )
    publicity_start = forms.DateField(
        label="公示开始",
        widget=DATE,
        required=False,
        help_text="审核通过、公示发布之日；不填则假定在审核期限当日公示",
    )


def _deadlines(form: forms.Form) -> Calculation:
    d = form.cleaned_data
    cal = platform_calendar()
    review = S.review_period(d["start"], cal, field="start")
    published = d["publicity_start"] or review.due
    if published < d["start"]:
        raise ApiError("invalid_date", "公示开始：不能早于申请日期。", field="publicity_start", status=422)
    pub = S.publicity_period(published, cal, field="publicity_start")
    steps = [
        {"explanation": f"审核期限：{review.explain()}", "citation": S.CITE_REVIEW},
        {"explanation": f"公示期：{pub.explain()}", "citation": S.CITE_REVIEW},
    ]
    return Calculation(
        title="审核期限与公示期计算",
        verdict=f"审核期限{cn_date(review.due)}，公示期至{cn_date(pub.due)}",
        ok=True,
        inputs=_inputs(form),
        outcome=[
            ("审核期限", cn_date(review.due) + ("（暂定）" if review.provisional else "")),
            ("公示开始", cn_date(published)),
            ("公示期最后一日", cn_date(pub.due) + ("（暂定）" if pub.provisional else "")),
        ],
        reasons=[x for x in (review.reason, pub.reason) if x],
        steps=steps,
        citation=S.CITE_REVIEW,
        warning=validity_warning(d["start"]),
    )


@public
def deadlines_calc(request: HttpRequest) -> HttpResponse:
    return _calculator(
        request,
        DeadlinesForm,
        _deadlines,
        "rental_housing/calculator.html",
        "审核期限与公示期计算",
        renamed={"application_date": "start"},
    )


CALCULATORS = (
    ("rental_housing:eligibility", "承租条件自测", "第十二条：年龄、住房、是否已享受其他保障性住房"),
    ("rental_housing:calc_deadlines", "审核期限与公示期", "第十四条第（二）项：5个工作日审核、公示5个工作日"),
    ("rental_housing:calc_area", "单套建筑面积核对", "第八条：允许先租后售、只租不售房源的面积标准"),
    ("rental_housing:calc_exit_rent", "退出租金计算", "第二十条第二款：腾退搬迁期内外的租金"),
    (
        "rental_housing:calc_rent_to_own",
        "先租后售计算",
        "鄂州政办发〔2022〕19号 三（四）：租赁满5年、租金计入购房款",
    ),
)


@public
def calculators(request: HttpRequest) -> HttpResponse:
    return render(request, "rental_housing/calculators.html", {"calculators": CALCULATORS})
