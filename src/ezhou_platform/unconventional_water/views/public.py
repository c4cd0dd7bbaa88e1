"""Pages everyone may read: the introduction, the public list of facilities, the 第八条 screening check and the
standards library."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import public
from ezhou_rules.core.dates import cn_date
from ezhou_rules.unconventional_water.common import format_hundredths
from ezhou_rules.unconventional_water.quality import missing_standards
from ezhou_rules.unconventional_water.uses import STANDARD_TITLES, USES

from ..forms import ScreeningForm, add_refusal, jurisdiction_choices
from ..models import StandardTable
from ..services import common
from ..services.facilities import public_facilities
from ..services.library import library_at
from ..services.projects import screen
from .base import REFUSALS, page_of


@public
def index(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "unconventional_water/index.html",
        {
            "warning": common.expiry_warning(today),
            "today": today,
            "staff": common.reads_everything(request.user),
        },
    )


@public
def facilities(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    ftype = request.GET.get("type", "")
    jurisdiction = request.GET.get("jurisdiction", "")
    page = page_of(request, public_facilities(q, ftype, jurisdiction), 30)
    rows = [
        (
            f,
            "、".join(USES[u].label for u in f.uses if u in USES),
            format_hundredths(f.capacity_m3x100_per_day),
        )
        for f in page
    ]
    return render(
        request,
        "unconventional_water/public_facilities.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "type": ftype,
            "jurisdiction": jurisdiction,
            "jurisdictions": jurisdiction_choices(),
        },
    )


@public
def screening(request: HttpRequest) -> HttpResponse:
    form = ScreeningForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = screen(form.cleaned_data, clock.today())
        except REFUSALS as exc:
            add_refusal(form, exc)
    return render(request, "unconventional_water/screening.html", {"form": form, "result": result})


@public
def standards(request: HttpRequest) -> HttpResponse:
    library, _ = library_at()
    shipped: list[dict[str, Any]] = []
    entered: list[dict[str, Any]] = []
    for code, s in sorted(library.standards.items()):
        rows = [r for r in library.rows if r.standard == code]
        uses = sorted({u for r in rows for u in r.uses}, key=list(USES).index)
        entry = {"standard": s, "rows": len(rows), "uses": "、".join(USES[u].label for u in uses)}
        (entered if s.entered_by else shipped).append(entry)
    needed = [
        {"code": c, "title": t, "entered": c in library.standards, "for": _needed_for(c)}
        for c, t in STANDARD_TITLES.items()
    ]
    tables = StandardTable.objects.select_related("entered_by", "withdrawn_by").order_by("-entered_at")
    user: Any = request.user
    may_enter = getattr(user, "role", None) == "admin" or (
        getattr(user, "role", None) == "head" and common.is_water_staff(user)
    )
    return render(
        request,
        "unconventional_water/standards.html",
        {"shipped": shipped, "entered": entered, "needed": needed, "tables": tables, "may_enter": may_enter},
    )


def _needed_for(code: str) -> str:
    uses = [u.label for u in USES.values() if code in u.standards]
    if code == "GB 50400-2016":
        return "全部雨水用途（第十一条第二款）"
    return "、".join(uses)


@public
def standard_detail(request: HttpRequest, code: str) -> HttpResponse:
    library, _ = library_at()
    standard = library.standards.get(code)
    if standard is None:
        raise Http404("标准库中没有该标准。")
    rows = [
        {
            "indicator": library.catalogue.by_code[r.indicator].name,
            "limit": r.text(library.catalogue),
            "unit": r.unit,
            "group": r.group,
            "sample_point": {"plant_outlet": "出厂", "network_end": "管网末端"}.get(r.sample_point, "任意"),
            "selective": r.selective,
            "table": r.table,
            "note": r.note,
        }
        for r in library.rows
        if r.standard == code
    ]
    table = StandardTable.objects.filter(code=code, withdrawn_at__isnull=True).first()
    return render(
        request,
        "unconventional_water/standard_detail.html",
        {
            "standard": standard,
            "rows": rows,
            "table": table,
            "in_force": cn_date(standard.in_force) if standard.in_force else "",
        },
    )


def missing_for(facility: Any) -> list[Any]:
    """The (standard, use) pairs a facility's checks need that nobody has entered (shown before filing)."""
    library, _ = library_at()
    return missing_standards(facility.facility_type, facility.uses, library)
