"""医疗保障局's lists of insured persons and of each person's 第七条 premium subsidy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import view_requires
from ezhou_rules.core import ids
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS

from .. import services
from ..models import Person, Recovery
from .common import DEPARTMENT, PREMIUM, STAFF, districts, examples, link_query, page_of, pii_search
from .public import _coverage_year


@pii_search
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
    page = page_of(request, qs)
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
            "query": link_query(request, {"q": q, "district": district}),
            "districts": districts(clock.today()),
        },
    )


@pii_search
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
    page = page_of(request, qs)
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
            "query": link_query(request, {"year": str(year), "q": q, "district": district}),
            "districts": districts(clock.today()),
            "example_values": examples(PREMIUM),
        },
    )
