"""Pages of 医疗救助: the public calculator, and the 医疗保障局 clerks' lists of persons and settlements."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from ezhou_platform.common.models import Jurisdiction, User
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core import ids
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from . import services
from .models import CLASS_CHOICES, Application, FundBudget, Person, Settlement, WarningRun

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = "medical_security"
ROWS = 5
PLACES = {
    "city": ("市域内定点医疗机构", True, True, False),
    "referred": ("经转诊到市外（省内）", False, True, False),
    "temporary": ("临时外出到市外（省内，未转诊）", False, True, True),
    "temporary_out_of_province": ("临时外出到省外（未转诊）", False, False, True),
    "referred_out_of_province": ("经转诊到省外", False, False, False),
}


@public
def index(request: HttpRequest) -> HttpResponse:
    tree = services.tree()
    day = timezone.localdate()
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
            errors.append(f"{label}“结算日期”应为日期（如 2024-03-15）。")
            continue
        if day < dt.date(2022, 10, 18):
            errors.append(f"{label}“结算日期”早于本办法印发日期（2022年10月18日）。")
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


@public
def calculator(request: HttpRequest) -> HttpResponse:
    """Public estimate: the class, the year's claims in order, and the explanation with the articles."""
    context: dict[str, Any] = {"rows": range(ROWS), "places": PLACES, "classes": CLASS_CHOICES, "posted": {}}
    if request.method == "POST":
        errors: list[str] = []
        post = request.POST
        context["posted"] = post
        try:
            cls = int(post.get("person_class", ""))
            assert cls in CLASS_LABELS
        except (ValueError, AssertionError):
            errors.append("请选择救助类别（第四条）。")
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
                errors.append(f"暂时无法测算：{exc}")
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


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, 25).get_page(request.GET.get("page"))


@view_requires(*STAFF, department=DEPARTMENT)
def persons(request: HttpRequest) -> HttpResponse:
    qs = Person.objects.select_related("jurisdiction").prefetch_related("identities").order_by("id")
    q = (request.GET.get("q") or "").strip()
    if q:
        try:
            qs = qs.filter(resident_id=ids.validate_resident_id(q))  # exact ID only
        except ids.InvalidIdentifier:
            qs = qs.filter(name=q)  # exact name only: no browsing by fragments of personal data
    district = request.GET.get("district") or ""
    if district:
        qs = qs.filter(jurisdiction__code=district)
    page = _page(request, qs)
    today = timezone.localdate()
    rows = [
        {
            "p": p,
            "class": CLASS_LABELS.get(services.class_on(p, today) or 0, "—"),
            "identities": "、".join(i.get_kind_display() for i in p.identities.all()),
        }
        for p in page
    ]
    return render(
        request,
        "medical_assistance/persons.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "district": district,
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
        },
    )


@view_requires(*STAFF, department=DEPARTMENT)
def settlements(request: HttpRequest) -> HttpResponse:
    qs = Settlement.objects.select_related("claim", "person", "jurisdiction").order_by("-id")
    f = {k: (request.GET.get(k) or "").strip() for k in ("q", "year", "kind", "person_class", "district")}
    if f["q"]:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(f["q"]))
        except ids.InvalidIdentifier:
            qs = qs.filter(Q(claim__claim_id=f["q"]) | Q(claim__hospital_name__contains=f["q"]))
    if f["year"].isdigit():
        qs = qs.filter(year=int(f["year"]))
    if f["kind"] in Settlement.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["person_class"] in ("1", "2", "3", "4"):
        qs = qs.filter(person_class=int(f["person_class"]))
    if f["district"]:
        qs = qs.filter(jurisdiction__code=f["district"])
    page = _page(request, qs)
    rows = [
        {
            "s": s,
            "basic": format_yuan(s.basic_aid),
            "tilted": format_yuan(s.tilted_aid),
            "borne": format_yuan(s.hospital_borne),
            "self_pay": format_yuan(s.claim.policy_self_pay),
            "class": CLASS_LABELS[s.person_class],
        }
        for s in page
    ]
    query = urlencode({k: v for k, v in f.items() if v})
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
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
        },
    )


# -- 第十四条 双预警 ---------------------------------------------------------------------------------------


def _warning_context(request: HttpRequest) -> dict[str, Any]:
    runs = list(WarningRun.objects.order_by("-year", "-month")[:24])
    chosen = None
    run_id = request.GET.get("run")
    if run_id and run_id.isdigit():
        chosen = next((r for r in runs if r.pk == int(run_id)), None)
    chosen = chosen or (runs[0] if runs else None)
    lists: dict[str, Any] = {}
    dropped: list[Any] = []
    if chosen is not None:
        entries = chosen.entries.select_related("person", "person__jurisdiction")
        for e in entries:
            lists.setdefault(e.get_list_display(), []).append(
                {"e": e, "self_borne": format_yuan(e.self_borne), "threshold": format_yuan(e.threshold)}
            )
        previous = WarningRun.objects.filter(year=chosen.year, month=chosen.month - 1).first()
        if previous is not None:
            now = {(e.person_id, e.list) for e in entries}
            dropped = [
                e
                for e in previous.entries.select_related("person", "person__jurisdiction")
                if (e.person_id, e.list) not in now
            ]
    return {
        "runs": runs,
        "run": chosen,
        "lists": lists,
        "dropped": dropped,
        "rural_income": format_yuan(chosen.rural_income) if chosen else "",
    }


@view_requires(*STAFF, department=DEPARTMENT)
def warnings_medical(request: HttpRequest) -> HttpResponse:
    """医疗保障局: generate the month's lists and read them."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method == "POST":
        try:
            year, month = (int(x) for x in (request.POST.get("month") or "").split("-"))
            run = services.run_warnings(year, month, acting_user=request.user)
        except ValueError:
            messages.error(request, "“预警月份”应写作 YYYY-MM（第十四条：每月定期推送）。")
        except services.ApiError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已生成{run}，并推送民政、乡村振兴部门。")
            return redirect(f"{request.path}?run={run.pk}")
    context = _warning_context(request)
    # view_requires sends anonymous users to log in, so the user here is a logged-in User
    context["can_run"] = cast(User, request.user).role != Role.AUDITOR
    context["audience"] = "医疗保障局"
    return render(request, "medical_assistance/warnings.html", context)


@view_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department="civil_affairs")
def warnings_civil_affairs(request: HttpRequest) -> HttpResponse:
    """民政局: the lists pushed to it (第十四条); nothing else of the medical data."""
    return render(
        request, "medical_assistance/warnings.html", {**_warning_context(request), "audience": "民政局"}
    )


@view_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department="rural_revitalization")
def warnings_rural(request: HttpRequest) -> HttpResponse:
    """乡村振兴局: the lists pushed to it (第十四条)."""
    return render(
        request, "medical_assistance/warnings.html", {**_warning_context(request), "audience": "乡村振兴局"}
    )


@view_requires(*STAFF, department=DEPARTMENT)
def fund(request: HttpRequest) -> HttpResponse:
    """Fund ledger: budget vs paid (reversals netted) by district and class, with a bar chart."""
    today = timezone.localdate()
    year_text = request.GET.get("year") or str(today.year)
    year = int(year_text) if year_text.isdigit() else today.year
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
    top = max([max(r["_spent"], r["_budget"]) for r in rows] or [1]) or 1
    for i, r in enumerate(rows):
        r["y"] = 10 + i * 28
        r["bw"] = round(400 * r["_budget"] / top)
        r["sw"] = round(400 * r["_spent"] / top)
    from django.db.models import Count, Sum

    hospitals = [
        {"name": h["claim__hospital_name"], "claims": h["n"], "borne": format_yuan(h["borne"] or 0)}
        for h in Settlement.objects.filter(year=year)
        .values("claim__hospital_name")
        .annotate(borne=Sum("hospital_borne"), n=Count("id"))
        .exclude(borne=0)
        .order_by("-borne")
    ]
    return render(
        request,
        "medical_assistance/fund.html",
        {"year": year, "rows": rows, "chart_height": 20 + 28 * len(rows), "hospitals": hospitals},
    )


@view_requires(*STAFF, department=DEPARTMENT)
def applications(request: HttpRequest) -> HttpResponse:
    """Review of applications (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助): approve or refuse
    with a reason; every decision goes through the services (state machine, audit)."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect

    if request.method == "POST":
        app = get_object_or_404(Application, pk=request.POST.get("application") or 0)
        reason = (request.POST.get("reason") or "").strip()
        try:
            if request.POST.get("decision") == "approve":
                services.approve_application(
                    app, acting_user=request.user, day=timezone.localdate(), reason=reason
                )
                messages.success(request, f"已批准：{app.person} {app.get_kind_display()}。")
            elif request.POST.get("decision") == "reject":
                services.reject_application(
                    app, acting_user=request.user, day=timezone.localdate(), reason=reason
                )
                messages.success(request, f"已不予批准：{app.person} {app.get_kind_display()}。")
            else:
                messages.error(request, "请选择“批准”或“不予批准”。")
        except services.ApiError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    state = request.GET.get("state") or Application.State.SUBMITTED
    qs = Application.objects.select_related("person", "decided_by").order_by("submitted_on", "id")
    if state in Application.State.values:
        qs = qs.filter(state=state)
    page = _page(request, qs)
    # view_requires sends anonymous users to log in, so the user here is a logged-in User
    return render(
        request,
        "medical_assistance/applications.html",
        {
            "page": page,
            "state": state,
            "states": Application.State.choices,
            "can_decide": cast(User, request.user).role != Role.AUDITOR,
        },
    )
