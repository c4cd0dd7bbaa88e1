"""Pages of 医疗救助: the public calculator, and the 医疗保障局 clerks' lists of persons and settlements."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from ezhou_platform.common import clock
from ezhou_platform.common.models import Jurisdiction, User
from ezhou_platform.common.permissions import public, view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core import ids
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import MoneyError, format_yuan, parse_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.settlement import Claims, settle_reference

from . import services
from .models import CLASS_CHOICES, Application, FundBudget, Person, Recovery, Settlement, WarningRun

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = "medical_security"
ROWS = 5
# The configured values a page uses; the demo's examples of them are marked 示例数据（非官方统计） on the page.
INCOME = ("income.per_capita_disposable",)
RURAL_INCOME = ("income.rural_per_capita_disposable",)
PREMIUM = ("premium_subsidy.individual_premium",)


def _examples(*groups: tuple[str, ...]) -> list[str]:
    return services.example_values(tuple(name for group in groups for name in group))


def _date(raw: str | None, label: str, errors: list[str]) -> dt.date | None:
    """A date typed into a form (2024-03-15), or an error naming the field by its label once."""
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        errors.append(f"“{label}”应为日期，如 2024-03-15。")
        return None


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
        "example_values": _examples(INCOME),
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
    today = clock.today()
    open_by_person: dict[int, int] = {}
    for r in Recovery.objects.filter(
        person_id__in=[p.pk for p in page], year=today.year, state=Recovery.State.OPEN
    ):
        open_by_person[r.person_id] = open_by_person.get(r.person_id, 0) + r.amount
    rows = [
        {
            "p": p,
            "class": CLASS_LABELS.get(services.class_on(p, today) or 0, "—"),
            "identities": "、".join(i.get_kind_display() for i in p.identities.all()),
            "pay_later": services.pay_after_treatment_eligible(p, today),
            "recoverable": format_yuan(open_by_person[p.pk]) if p.pk in open_by_person else "",
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
            "query": urlencode({k: v for k, v in {"q": q, "district": district}.items() if v}),
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
        },
    )


@view_requires(*STAFF, department=DEPARTMENT)
def settlements(request: HttpRequest) -> HttpResponse:
    qs = Settlement.objects.select_related("claim", "person", "jurisdiction", "recovery").order_by("-id")
    f = {k: (request.GET.get(k) or "").strip() for k in ("q", "year", "kind", "person_class", "district")}
    # the year is shown back as typed digits, never as a number the locale would write "2,024"
    f["year"] = f["year"] if f["year"].isdigit() else ""
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
            "self_pay": format_yuan(s.claim.policy_self_pay) if s.kind == Settlement.Kind.SETTLE else "",
            "class": CLASS_LABELS[s.person_class],
            "recovery": getattr(s, "recovery", None),
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
            "example_values": _examples(INCOME),
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
    today = clock.today()
    last_month = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    return {
        "runs": runs,
        "run": chosen,
        "lists": lists,
        "dropped": dropped,
        "rural_income": format_yuan(chosen.rural_income) if chosen else "",
        "default_month": f"{last_month.year:04d}-{last_month.month:02d}",
        "example_values": _examples(RURAL_INCOME),
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
            messages.error(request, "“预警月份”应写作年-月，如 2024-03（第十四条：每月定期推送）。")
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
    """第二十三条 fund ledger: each district's and zone's budget lines (the 320元/人/年 poverty-measure funds as
    persons × 320, the premium-subsidy funds, the other sources) against what the fund paid; then budget
    execution by class with a bar chart, and the hospital-borne excess."""
    from django.contrib import messages
    from django.db.models import Count, Sum
    from django.shortcuts import redirect

    from .models import FundContribution

    today = clock.today()
    can_enter = cast(User, request.user).role != Role.AUDITOR
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
    year_text = (request.POST.get("year") if posted else request.GET.get("year")) or str(today.year)
    year = int(year_text) if year_text.isdigit() and 2022 <= int(year_text) <= 2100 else today.year
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
        r["bw"] = max(round(400 * r["_budget"] / top), 0)
        r["sw"] = max(round(400 * r["_spent"] / top), 0)
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
            "chart_height": 20 + 28 * len(rows),
            "hospitals": hospitals,
            "ledger": services.fund_ledger(year),
            "can_enter": can_enter,
            "places": Jurisdiction.objects.order_by("id"),
            "sources": FundContribution.Source.choices,
            "posted": posted,
            "example_values": _examples(INCOME, PREMIUM),
        },
    )


def _record_contribution(request: HttpRequest) -> None:
    post = request.POST
    year_text = (post.get("year") or "").strip()
    if not year_text.isdigit():
        raise services.ApiError("invalid_year", "“年度”应为年份，如 2024。", field="year")
    place = Jurisdiction.objects.filter(code=post.get("district") or "").first()
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


@view_requires(*STAFF, department=DEPARTMENT)
def applications(request: HttpRequest) -> HttpResponse:
    """Applications (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助): receive one, approve or refuse with a
    reason; every step goes through the services (state machine, audit). Approving tilted aid pays the year's
    costs already incurred, and the message says how much."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect

    can_decide = cast(User, request.user).role != Role.AUDITOR
    posted: Any = {}
    if request.method == "POST":
        if not can_decide:
            return HttpResponse("审计员只读。", status=403)
        decision = request.POST.get("decision")
        if decision == "submit":
            posted = request.POST
            if _submit_application(request):
                return redirect(request.get_full_path())
        else:
            app = get_object_or_404(Application, pk=request.POST.get("application") or 0)
            reason = (request.POST.get("reason") or "").strip()
            try:
                if decision == "approve":
                    before = Settlement.objects.filter(kind=Settlement.Kind.ADJUST, person=app.person).count()
                    services.approve_application(
                        app, acting_user=request.user, day=clock.today(), reason=reason
                    )
                    paid = Settlement.objects.filter(kind=Settlement.Kind.ADJUST, person=app.person).order_by(
                        "id"
                    )[before:]
                    extra = sum(s.tilted_aid for s in paid)
                    messages.success(
                        request,
                        f"已批准：{app.person} {app.get_kind_display()}。"
                        + (f"补发本年度已发生费用的倾斜救助{format_yuan(extra)}。" if extra else ""),
                    )
                elif decision == "reject":
                    services.reject_application(
                        app, acting_user=request.user, day=clock.today(), reason=reason
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
    today = clock.today()
    return render(
        request,
        "medical_assistance/applications.html",
        {
            "page": page,
            "state": state,
            "states": Application.State.choices,
            "kinds": Application.Kind.choices,
            "can_decide": can_decide,
            "query": urlencode({"state": state}),
            "posted": posted,
            "default_year": str(today.year),
            "today_iso": today.isoformat(),
            "example_values": _examples(INCOME),
        },
    )


def _submit_application(request: HttpRequest) -> bool:
    """Receive an application from the form; errors (by field label, once) stay on the page with what was
    typed."""
    from django.contrib import messages

    post = request.POST
    errors: list[str] = []
    person = None
    try:
        number = ids.validate_resident_id(post.get("resident_id") or "")
    except ids.InvalidIdentifier as exc:
        errors.append(f"“公民身份号码”无效：{exc}")
    else:
        person = Person.objects.filter(resident_id=number).first()
        if person is None:
            errors.append("该公民身份号码尚未登记为参保人员：请先在“救助身份”中登记。")
    kind = post.get("kind") or ""
    if kind not in Application.Kind.values:
        errors.append("请选择申请“类型”。")
    year_text = (post.get("year") or "").strip()
    if not year_text.isdigit():
        errors.append("“救助年度”应为年份，如 2024。")
    submitted_on = _date(post.get("submitted_on"), "申请日期", errors)
    recognised_on = None
    if (post.get("recognised_on") or "").strip():
        recognised_on = _date(post.get("recognised_on"), "身份确定日期", errors)
    if not errors and person is not None and submitted_on is not None:
        try:
            app = services.submit_application(
                person,
                kind=kind,
                year=int(year_text),
                submitted_on=submitted_on,
                recognised_on=recognised_on,
                note=(post.get("note") or "").strip(),
                acting_user=request.user,
            )
        except services.ApiError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"已受理：{app.person} {app.get_kind_display()}（{app.year}年度）。")
            return True
    for e in errors:
        messages.error(request, e)
    return False


# -- 救助身份（第四条第八款） --------------------------------------------------------------------------------


def _identity_status(request: HttpRequest) -> str:
    status = request.GET.get("status") or ""
    return status if status in ("valid", "expired") else ""


@view_requires(*STAFF, department=DEPARTMENT)
def identities(request: HttpRequest) -> HttpResponse:
    """Identities recognised by 民政 and 乡村振兴 (第四条第八款), with source, validity and evidence; clerks and
    heads add one through the service (validated, audited)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from ezhou_platform.common.models import Department
    from ezhou_rules.medical_assistance.recipients import IdentityKind, recognised_by

    from .models import Identity

    can_add = cast(User, request.user).role != Role.AUDITOR
    if request.method == "POST":
        if not can_add:
            return HttpResponse("审计员只读。", status=403)
        post = request.POST
        errors: list[str] = []
        try:
            number = ids.validate_resident_id(post.get("resident_id") or "")
        except ids.InvalidIdentifier as exc:
            errors.append(f"“公民身份号码”无效：{exc}")
            number = ""
        dates: dict[str, dt.date | None] = {}
        for key, label, required in (("valid_from", "有效期起", True), ("valid_until", "有效期止", False)):
            raw = (post.get(key) or "").strip()
            if not raw and not required:
                dates[key] = None
                continue
            dates[key] = _date(raw, label, errors)
        kind = post.get("kind") or ""
        if kind not in {k.value for k in IdentityKind}:
            errors.append("请选择“身份”（第四条）。")
        department = Department.objects.filter(
            code=post.get("source_department") or "", code__in=("civil_affairs", "rural_revitalization")
        ).first()
        if department is None:
            errors.append("“认定部门”应为民政局或乡村振兴局（第四条第八款）。")
        if not errors:
            person = Person.objects.filter(resident_id=number).first()
            try:
                if person is None:
                    jurisdiction = (
                        Jurisdiction.objects.filter(code=post.get("district") or "")
                        .exclude(code="ezhou")
                        .first()
                    )
                    if jurisdiction is None:
                        raise services.ApiError(
                            "invalid_district", "该人员尚未登记，请填写姓名并选择所属区。", field="district"
                        )
                    person = services.register_person(
                        resident_id=number,
                        name=post.get("name") or "",
                        jurisdiction=jurisdiction,
                        acting_user=request.user,
                    )
                valid_from = dates["valid_from"]
                assert valid_from is not None
                identity = services.record_identity(
                    person,
                    kind=kind,
                    source_department=department,
                    valid_from=valid_from,
                    valid_until=dates["valid_until"],
                    evidence=post.get("evidence") or "",
                    acting_user=request.user,
                )
            except services.ApiError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"已登记：{person} {identity.get_kind_display()}。")
                return redirect(request.get_full_path())
        for e in errors:
            messages.error(request, e)
    qs = Identity.objects.select_related("person", "person__jurisdiction", "source_department").order_by(
        "-recorded_at", "-id"
    )
    f = {k: (request.GET.get(k) or "").strip() for k in ("q", "kind", "source")}
    if f["q"]:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(f["q"]))  # exact ID only
        except ids.InvalidIdentifier:
            qs = qs.filter(Q(person__name=f["q"]) | Q(evidence=f["q"]))  # exact name or document number
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["source"] in ("civil_affairs", "rural_revitalization"):
        qs = qs.filter(source_department__code=f["source"])
    status = _identity_status(request)
    today = clock.today()
    if status == "valid":
        qs = qs.filter(valid_from__lte=today).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    elif status == "expired":
        qs = qs.filter(valid_until__lt=today)
    f["status"] = status
    page = _page(request, qs)
    rows = []
    for i in page:
        state = (
            "尚未生效"
            if i.valid_from > today
            else ("已失效" if i.valid_until and i.valid_until < today else "有效")
        )
        rows.append({"i": i, "state": state, "class": CLASS_LABELS.get(i.recipient_class or 0, "—")})
    return render(
        request,
        "medical_assistance/identities.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "query": urlencode({k: v for k, v in f.items() if v}),
            "kinds": [(k.value, k.label) for k in IdentityKind],  # type: ignore[attr-defined]
            "kind_departments": [
                (k.value, k.label, recognised_by(k).label)  # type: ignore[attr-defined]
                for k in IdentityKind
            ],
            "sources": [("civil_affairs", "民政局"), ("rural_revitalization", "乡村振兴局")],
            "today": today,
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
            "can_add": can_add,
            "posted": request.POST if request.method == "POST" else {},
        },
    )


# -- 第七条 参保资助 ---------------------------------------------------------------------------------------


def _coverage_year(raw: str | None, default: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    return int(raw) if raw.isdigit() and 2023 <= int(raw) <= 2100 else None


@public
def premium_subsidy(request: HttpRequest) -> HttpResponse:
    """Public estimate of the 第七条 premium subsidy for a set of identities and a coverage year."""
    from ezhou_rules.medical_assistance.recipients import IdentityKind, premium_subsidy

    kinds_all = [(k.value, k.label) for k in IdentityKind]  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "kinds": kinds_all,
        "chosen": [],
        "year": clock.today().year,
        "example_values": _examples(PREMIUM),
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
                result = premium_subsidy(services.tree(), chosen, year, trace=trace)
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


@view_requires(*STAFF, department=DEPARTMENT)
def premium_subsidy_persons(request: HttpRequest) -> HttpResponse:
    """The 第七条 subsidy of each registered person for a coverage year (identities valid on 1 January)."""
    today = clock.today()
    year = _coverage_year(request.GET.get("year"), today.year)
    errors: list[str] = []
    if year is None:
        errors.append("“医保年度”应为2023—2100之间的年份（第七条）。")
        year = today.year
    qs = Person.objects.select_related("jurisdiction").order_by("id")
    q = (request.GET.get("q") or "").strip()
    if q:
        try:
            qs = qs.filter(resident_id=ids.validate_resident_id(q))
        except ids.InvalidIdentifier:
            qs = qs.filter(name=q)
    district = request.GET.get("district") or ""
    if district:
        qs = qs.filter(jurisdiction__code=district)
    page = _page(request, qs)
    rows = []
    for p in page:
        try:
            r = services.premium_subsidy_for(p, year)
        except ParameterNotSet as exc:
            if not errors:
                errors.append(f"暂时无法测算：{services.not_set_error(exc).message}")
            rows.append({"p": p, "basis": "—", "ratio": "—", "premium": "—", "subsidy": "—"})
            continue
        rows.append(
            {
                "p": p,
                "basis": r.basis,
                "ratio": f"{r.ratio * 100}%",
                "premium": format_yuan(r.premium) if r.subsidy else "—",
                "subsidy": format_yuan(r.subsidy),
            }
        )
    return render(
        request,
        "medical_assistance/premium_subsidy_persons.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "q": q,
            "district": district,
            "errors": errors,
            "query": urlencode(
                {k: v for k, v in {"year": str(year), "q": q, "district": district}.items() if v}
            ),
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
            "example_values": _examples(PREMIUM),
        },
    )


# -- 第四条 因病致贫重病患者认定（民政局） ------------------------------------------------------------------------

CIVIL_AFFAIRS = "civil_affairs"


@view_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department=CIVIL_AFFAIRS)
def class_4_recognitions(request: HttpRequest) -> HttpResponse:
    """民政局: receive applications for recognition as 因病致贫重病患者, record the property check, decide."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect

    from .models import Class4Recognition

    can_decide = cast(User, request.user).role != Role.AUDITOR
    if request.method == "POST":
        if not can_decide:
            return HttpResponse("审计员只读。", status=403)
        post = request.POST
        action = post.get("action") or ""
        try:
            if action == "submit":
                _submit_class_4(request)
            else:
                rec = get_object_or_404(Class4Recognition, pk=post.get("recognition") or 0)
                reason = (post.get("reason") or "").strip()
                if action == "property":
                    if post.get("passed") not in ("yes", "no"):
                        raise services.ApiError("missing_decision", "请选择家庭财产是否符合规定。")
                    services.record_property_check(
                        rec, passed=post.get("passed") == "yes", reason=reason, acting_user=request.user
                    )
                    messages.success(request, f"已记录家庭财产审核结论：{rec.person}。")
                elif action == "approve":
                    rec = services.approve_class_4(
                        rec, acting_user=request.user, day=clock.today(), reason=reason
                    )
                    messages.success(
                        request,
                        f"已认定{rec.person}为因病致贫重病患者，身份有效期至{cn_date(rec.valid_until)}。",
                    )
                elif action == "reject":
                    services.reject_class_4(rec, acting_user=request.user, day=clock.today(), reason=reason)
                    messages.success(request, f"已不予认定：{rec.person}。")
                else:
                    messages.error(request, "请选择办理事项。")
        except services.ApiError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    state = request.GET.get("state") or ""
    qs = Class4Recognition.objects.select_related("person", "person__jurisdiction").order_by(
        "-submitted_on", "-id"
    )
    if state in Class4Recognition.State.values:
        qs = qs.filter(state=state)
    q = (request.GET.get("q") or "").strip()
    if q:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(q))
        except ids.InvalidIdentifier:
            qs = qs.filter(person__name=q)
    page = _page(request, qs)
    rows = [
        {
            "r": r,
            "self_pay": format_yuan(r.self_pay_12m),
            "threshold": format_yuan(r.threshold),
        }
        for r in page
    ]
    return render(
        request,
        "medical_assistance/class_4.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "q": q,
            "states": Class4Recognition.State.choices,
            "can_decide": can_decide,
            "districts": Jurisdiction.objects.exclude(code="ezhou").order_by("id"),
            "today": clock.today(),
            "query": urlencode({k: v for k, v in {"state": state, "q": q}.items() if v}),
            "example_values": _examples(INCOME),
        },
    )


def _submit_class_4(request: HttpRequest) -> None:
    from django.contrib import messages

    post = request.POST
    jurisdiction = Jurisdiction.objects.filter(code=post.get("district") or "").exclude(code="ezhou").first()
    if jurisdiction is None:
        raise services.ApiError("invalid_district", "请选择申请人所属区。", field="district")
    try:
        submitted_on = dt.date.fromisoformat(post.get("submitted_on") or "")
    except ValueError:
        raise services.ApiError(
            "invalid_date", "“申请日期”应为日期，如 2024-03-15。", field="submitted_on"
        ) from None
    try:
        self_pay = parse_yuan((post.get("self_pay_12m") or "").strip())
    except MoneyError as exc:
        raise services.ApiError(
            "invalid_amount", f"“申请前12个月累计自负医疗费用”：{exc}", field="self_pay_12m"
        ) from None
    from django.db import transaction

    with transaction.atomic():  # a refused application leaves no newly registered person behind
        person = services.register_person(
            resident_id=post.get("resident_id") or "",
            name=post.get("name") or "",
            jurisdiction=jurisdiction,
            acting_user=request.user,
        )
        rec = services.submit_class_4_recognition(
            person,
            submitted_on=submitted_on,
            self_pay_12m=self_pay,
            self_pay_evidence=post.get("self_pay_evidence") or "",
            acting_user=request.user,
        )
    verdict = "超过" if rec.self_pay_test_passed else "未超过"
    messages.success(
        request,
        f"已受理：申请前12个月累计自负{format_yuan(rec.self_pay_12m)}，{verdict}{rec.income_year}年居民人均可支配收入"
        f"（{format_yuan(rec.threshold)}）。请记录家庭财产审核结论。",
    )


# -- 多付应追回 ----------------------------------------------------------------------------------------------


@view_requires(*STAFF, department=DEPARTMENT)
def recoveries(request: HttpRequest) -> HttpResponse:
    """Amounts paid that a re-settlement lowered (第十一条): the reason, and recording them as recovered."""
    from django.contrib import messages
    from django.db.models import Sum
    from django.shortcuts import get_object_or_404, redirect

    can_record = cast(User, request.user).role != Role.AUDITOR
    if request.method == "POST":
        if not can_record:
            return HttpResponse("审计员只读。", status=403)
        recovery = get_object_or_404(Recovery, pk=request.POST.get("recovery") or 0)
        errors: list[str] = []
        day = _date(request.POST.get("recovered_on"), "追回日期", errors)
        if day is not None:
            try:
                services.record_recovery(
                    recovery, day=day, evidence=request.POST.get("evidence") or "", acting_user=request.user
                )
            except services.ApiError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"已登记追回：{recovery.person} {format_yuan(recovery.amount)}。")
        for e in errors:
            messages.error(request, e)
        return redirect(request.get_full_path())
    state = request.GET.get("state") or ""
    year = (request.GET.get("year") or "").strip()
    qs = Recovery.objects.select_related("person", "adjustment__claim").order_by("-id")
    if state in Recovery.State.values:
        qs = qs.filter(state=state)
    else:
        state = ""
    if year.isdigit():
        qs = qs.filter(year=int(year))
    else:
        year = ""
    open_total = qs.filter(state=Recovery.State.OPEN).aggregate(total=Sum("amount"))["total"] or 0
    return render(
        request,
        "medical_assistance/recoveries.html",
        {
            "page": _page(request, qs),
            "state": state,
            "year": year,
            "states": Recovery.State.choices,
            "open_total": format_yuan(open_total),
            "can_record": can_record,
            "today": clock.today(),
            "query": urlencode({k: v for k, v in {"state": state, "year": year}.items() if v}),
        },
    )
