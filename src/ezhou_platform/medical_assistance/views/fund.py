"""第二十三条 医疗救助基金 for 医疗保障局: each district's and zone's budget lines against what the fund paid, by
year and by month (charts), budget execution by class, the hospital-borne excess (第十三条第三款), and the
ledger's Excel export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.exports import Sheet, xlsx_response
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import view_requires
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS

from .. import services
from ..models import FundBudget, FundContribution, Settlement
from .common import DEPARTMENT, INCOME, PREMIUM, STAFF, examples, may_write


@view_requires(*STAFF, department=DEPARTMENT)
def fund(request: HttpRequest) -> HttpResponse:
    """第二十三条 fund ledger: each district's and zone's budget lines (the 320元/人/年 poverty-measure funds as
    persons × 320, the premium-subsidy funds, the other sources) against what the fund paid; then budget
    execution by class with a bar chart, and the hospital-borne excess."""
    can_enter = may_write(request)
    posted: Any = {}
    if request.method == "POST":
        if not can_enter:
            return HttpResponse("审计员只读。", status=403)
        posted = request.POST
        try:
            _record_contribution(request)
        except services.ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已录入筹集资金。")
            return redirect(f"{request.path}?year={posted.get('year')}")
    year = _year(request.POST.get("year") if posted else request.GET.get("year"))
    paid = {(r["district"], r["person_class"]): r for r in services.paid_by_district_and_class(year)}
    budgets = {
        (b.jurisdiction.name, b.person_class): b.amount
        for b in FundBudget.objects.filter(year=year).select_related("jurisdiction")
    }
    keys = sorted(set(paid) | set(budgets), key=lambda k: (k[0], k[1]))
    rows: list[dict[str, Any]] = []
    for district, cls in keys:
        p = paid.get((district, cls))
        spent = (p["basic"] + p["tilted"]) if p else 0
        budget = budgets.get((district, cls))
        rows.append(
            {
                "district": district,
                "class": CLASS_LABELS[cls],
                "budget": format_yuan(budget) if budget is not None else "未录入",
                "basic": format_yuan(p["basic"] if p else 0),
                "tilted": format_yuan(p["tilted"] if p else 0),
                "spent": format_yuan(spent),
                "left": format_yuan(budget - spent) if budget is not None else "—",
                "share": f"{spent * 100 / budget:.1f}%" if budget else "—",
                "_spent": spent,
                "_budget": budget or 0,
            }
        )
    ledger = services.fund_ledger(year)
    hospitals = [
        {"name": h["claim__hospital_name"], "claims": h["n"], "borne": format_yuan(h["borne"] or 0)}
        for h in Settlement.objects.filter(year=year, kind=Settlement.Kind.SETTLE)
        .values("claim__hospital_name")
        .annotate(borne=Sum("hospital_borne"), n=Count("id"))
        .exclude(borne=0)
        .order_by("-borne")
    ]
    return render(
        request,
        "medical_assistance/fund.html",
        {
            "year": year,
            "rows": rows,
            "class_chart": _class_chart(year, rows),
            "month_chart": _month_chart(year),
            "district_chart": _district_chart(year, ledger),
            "hospitals": hospitals,
            "ledger": ledger,
            "can_enter": can_enter,
            "places": [
                *Jurisdiction.objects.filter(code="ezhou", level=Jurisdiction.Level.CITY),
                *Jurisdiction.objects.districts(on=services.fund.year_day(year)).order_by("id"),
            ],
            "sources": FundContribution.Source.choices,
            "posted": posted,
            "example_values": examples(INCOME, PREMIUM),
        },
    )


def _record_contribution(request: HttpRequest) -> None:
    post = request.POST
    year_text = (post.get("year") or "").strip()
    if not year_text.isdigit():
        raise services.ApiError("invalid_year", "“年度”应为年份，如 2024。", field="year")
    place = Jurisdiction.objects.filter(
        code=post.get("district") or "", level__in=(Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT)
    ).first()
    if place is None:
        raise services.ApiError("invalid_district", "请选择“区（功能区）”。", field="district")
    persons_text = (post.get("persons") or "").strip()
    amount_text = (post.get("amount") or "").strip()
    persons = None
    if persons_text:
        if not persons_text.isdigit():
            raise services.ApiError("invalid_persons", "“人数”应为不小于零的整数。", field="persons")
        persons = int(persons_text)
    amount = None
    if amount_text:
        try:
            amount = parse_yuan(amount_text)
        except MoneyError as exc:
            raise services.ApiError("invalid_amount", f"“金额”：{exc}", field="amount") from None
    services.record_contribution(
        year=int(year_text),
        jurisdiction=place,
        source=post.get("source") or "",
        persons=persons,
        amount=amount,
        basis=post.get("basis") or "",
        acting_user=request.user,
    )


def _year(text: str | None) -> int:
    text = (text or "").strip()
    today = clock.today()
    return int(text) if text.isdigit() and 2022 <= int(text) <= today.year + 1 else today.year


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _month_chart(year: int) -> dict[str, Any] | None:
    """The fund by month and district: each district's net payment per month (stacked), the city's cumulative
    payment against its year's budget lines (第二十三条)."""
    data = services.fund_by_month(year)
    if not data["places"]:
        return None
    series = [Series(p.name, [_yuan(v) for v in data["paid"][p.pk]], stack="paid") for p in data["places"]]
    series.append(Series("全市累计支出", [_yuan(v) for v in data["cumulative"]], type="line", axis=1))
    if data["city_budget"]:
        series.append(Series("全市年度筹集资金", [_yuan(data["city_budget"])] * 12, type="line", axis=1))
    return bar_chart(
        title=f"{year}年医疗救助基金支出（按月、按区）",
        categories=[f"{m}月" for m in range(1, 13)],
        series=series,
        unit="元",
        unit2="元（累计）",
        description="柱：各区当月医疗救助净支出（冲销、调整已抵减，按记账日期）；线：全市累计支出与年度筹集资金。",
    )


def _district_chart(year: int, ledger: dict[str, Any]) -> dict[str, Any] | None:
    rows = ledger["rows"]
    if not rows:
        return None
    return bar_chart(
        title=f"{year}年各区（功能区）筹集资金与支出",
        categories=[r["place"].name for r in rows],
        series=[
            Series("筹集资金", [_yuan(r["budget"]) for r in rows]),
            Series("医疗救助支出", [_yuan(r["aid"]) for r in rows], stack="paid"),
            Series("资助参保支出", [_yuan(r["premium_subsidy"]) for r in rows], stack="paid"),
        ],
        unit="元",
        horizontal=True,
        height=360,
    )


def _class_chart(year: int, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    return bar_chart(
        title=f"{year}年分类别预算与已支付",
        categories=[f"{r['district']}{r['class']}" for r in rows],
        series=[
            Series("预算", [_yuan(r["_budget"]) for r in rows]),
            Series("已支付", [_yuan(r["_spent"]) for r in rows]),
        ],
        unit="元",
        horizontal=True,
        height=max(240, 40 * len(rows)),
    )


@view_requires(*STAFF, department=DEPARTMENT)
def fund_export(request: HttpRequest) -> HttpResponse:
    """The ledger of a year: each budget line, and each place's totals against payments."""
    year = _year(request.GET.get("year"))
    ledger = services.fund_ledger(year)
    lines, totals = [], []
    for r in ledger["rows"]:
        for c in r["lines"]:
            lines.append([r["place"].name, c.get_source_display(), c.persons, _yuan(c.amount), c.basis])
        totals.append(
            [
                r["place"].name,
                _yuan(r["budget"]),
                _yuan(r["aid"]),
                _yuan(r["premium_subsidy"]),
                _yuan(r["balance"]),
                _yuan(r["open_recoveries"]),
            ]
        )
    return xlsx_response(
        f"医疗救助基金台账-{year}.xlsx",
        [
            Sheet("筹集资金", ["区（功能区）", "预算来源", "人数", "金额（元）", "依据"], lines),
            Sheet(
                "筹集与支出",
                [
                    "区（功能区）",
                    "筹集合计（元）",
                    "医疗救助支出（元）",
                    "资助参保支出（元）",
                    "结余（元）",
                    "待追回（元）",
                ],
                totals,
            ),
        ],
    )
