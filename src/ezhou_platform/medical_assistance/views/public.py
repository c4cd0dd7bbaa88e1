"""Public pages of 医疗救助: the policy summary, the calculator and the premium-subsidy estimate (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import public
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import IdentityKind
from ezhou_rules.medical_assistance.recipients import premium_subsidy as premium_rule
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from .. import services
from ..forms import PLACES
from ..models import CLASS_CHOICES
from .common import INCOME, PREMIUM, examples

ROWS = 5


@public
def index(request: HttpRequest) -> HttpResponse:
    tree = services.tree()
    day = clock.today()
    table = []
    for c in (1, 2, 3, 4):
        unlimited = tree.get(f"tilted.unlimited.class_{c}", day)
        table.append(
            {
                "label": CLASS_LABELS[c],
                "deductible": format_yuan(tree.get(f"basic.deductible.class_{c}", day)),
                "ratio": f"{tree.get(f'basic.ratio.class_{c}', day) * 100}%",
                "cap": format_yuan(tree.get(f"basic.cap.class_{c}", day)),
                "t_deductible": format_yuan(tree.get(f"tilted.deductible.class_{c}", day)),
                "t_ratio": f"{tree.get(f'tilted.ratio.class_{c}', day) * 100}%",
                "t_cap": "无年支付限额" if unlimited else format_yuan(tree.get(f"tilted.cap.class_{c}", day)),
            }
        )
    return render(request, "medical_assistance/index.html", {"table": table})


def _parse_rows(post: Any, errors: list[str]) -> list[dict[str, Any]]:
    today = clock.today()
    year_end = dt.date(today.year, 12, 31)
    rows = []
    for i in range(ROWS):
        raw = (post.get(f"self_pay_{i}") or "").strip()
        if not raw:
            continue
        label = f"第{i + 1}行"
        try:
            self_pay = parse_yuan(raw)
        except MoneyError as exc:
            errors.append(f"{label}“政策范围内个人自付”：{exc}")
            continue
        if self_pay < 0:
            errors.append(f"{label}“政策范围内个人自付”不能为负数。")
            continue
        try:
            day = dt.date.fromisoformat(post.get(f"date_{i}") or "")
        except ValueError:
            errors.append(f"{label}“结算日期”应为日期，如 2024-03-15。")
            continue
        if not services.IN_FORCE <= day <= year_end:
            errors.append(
                f"{label}“结算日期”应在本办法施行之日（{cn_date(services.IN_FORCE)}）至本年度末"
                f"（{cn_date(year_end)}）之间。"
            )
            continue
        place = post.get(f"place_{i}") or "city"
        if place not in PLACES:
            errors.append(f"{label}“就医地点”无效。")
            continue
        _, in_city, in_province, temporary = PLACES[place]
        rows.append(
            {
                "person": 1,
                "settle_date": day,
                "inpatient": post.get(f"kind_{i}") != "chronic_outpatient",
                "hospital_level": 2,
                "in_city": in_city,
                "in_province": in_province,
                "temporary_out_of_city": temporary,
                "total_cost": self_pay,
                "out_of_policy_cost": 0,
                "policy_self_pay": self_pay,
            }
        )
    return rows


def _entered_rows(post: Any) -> list[dict[str, str]]:
    """What was typed in each row, to show it again after computing or refusing."""
    return [
        {
            "i": str(i),
            "n": str(i + 1),
            "date": post.get(f"date_{i}") or "",
            "kind": post.get(f"kind_{i}") or "inpatient",
            "place": post.get(f"place_{i}") or "city",
            "self_pay": post.get(f"self_pay_{i}") or "",
        }
        for i in range(ROWS)
    ]


@public
def calculator(request: HttpRequest) -> HttpResponse:
    """Public estimate: the class, the year's claims in order, and the explanation with the articles. What
    was entered stays in the form, whether the estimate was computed or refused."""
    post: Any = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        "rows": _entered_rows(post),
        "places": PLACES,
        "classes": CLASS_CHOICES,
        "posted": post,
        "example_values": examples(INCOME),
    }
    if request.method == "POST":
        errors: list[str] = []
        try:
            cls = int(post.get("person_class", ""))
            assert cls in CLASS_LABELS
        except (ValueError, AssertionError):
            errors.append("请选择“救助类别”（第四条）。")
            cls = 0
        rows = _parse_rows(post, errors)
        if not rows and not errors:
            errors.append("请至少填写一笔费用。")
        if rows and len({r["settle_date"].year for r in rows}) > 1:
            errors.append("各笔费用应在同一年度（医疗救助按自然年度累计，第十一条第（三）项）。")
        if not errors:
            rows.sort(key=lambda r: r["settle_date"])
            tilted = post.get("tilted") == "on"
            for r in rows:
                r["person_class"] = cls
                r["tilted_approved"] = tilted
            trace = Trace()
            try:
                result = settle_reference(Claims.from_records(rows), services.tree(), trace=trace)
            except ParameterNotSet as exc:
                errors.append(f"暂时无法测算：{services.not_set_error(exc).message}")
            else:
                context["result"] = {
                    "rows": [
                        {
                            "date": r["settle_date"],
                            "self_pay": format_yuan(r["policy_self_pay"]),
                            "basic": format_yuan(int(result.basic_aid[i])),
                            "tilted": format_yuan(int(result.tilted_aid[i])),
                            "remaining_deductible": format_yuan(int(result.remaining_deductible[i])),
                            "remaining_cap": format_yuan(int(result.remaining_cap[i])),
                        }
                        for i, r in enumerate(rows)
                    ],
                    "total": format_yuan(int(result.basic_aid.sum() + result.tilted_aid.sum())),
                    "steps": trace.to_list(),
                }
        context["errors"] = errors
    return render(request, "medical_assistance/calculator.html", context)


def _coverage_year(raw: str | None, default: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    return int(raw) if raw.isdigit() and 2023 <= int(raw) <= 2100 else None


@public
def premium_subsidy(request: HttpRequest) -> HttpResponse:
    """Public estimate of the 第七条 premium subsidy for a set of identities and a coverage year."""
    kinds_all = [(k.value, k.label) for k in IdentityKind]  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "kinds": kinds_all,
        "chosen": [],
        "year": clock.today().year,
        "example_values": examples(PREMIUM),
    }
    if request.GET.get("year") is not None:
        errors = []
        chosen = [k for k in request.GET.getlist("identity") if k in {v for v, _ in kinds_all}]
        year = _coverage_year(request.GET.get("year"), clock.today().year)
        if year is None:
            errors.append("“医保年度”应为2023—2100之间的年份（第七条）。")
        context.update(chosen=chosen, year=request.GET.get("year"))
        if not errors and year is not None:
            trace = Trace()
            try:
                result = premium_rule(services.tree(), chosen, year, trace=trace)
            except ParameterNotSet as exc:
                errors.append(f"暂时无法测算：{services.not_set_error(exc).message}")
            else:
                context["result"] = {
                    "premium": format_yuan(result.premium) if result.subsidy else "—",
                    "ratio": f"{result.ratio * 100}%",
                    "subsidy": format_yuan(result.subsidy),
                    "basis": result.basis,
                    "steps": trace.to_list(),
                }
        context["errors"] = errors
    return render(request, "medical_assistance/premium_subsidy.html", context)
