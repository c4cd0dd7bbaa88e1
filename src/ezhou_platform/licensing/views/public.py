"""Public pages (no login): the catalogue with its facets, an item with its scheme and published template,
the load report, the coverage check, the public credit records and the published draws."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import public
from ezhou_rules.licensing import CITE_APPLICANTS, CITE_NOTIFY, CITE_SCOPE
from ezhou_rules.licensing.catalogue import ReformMode
from ezhou_rules.licensing.departments import Level, supervisor
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.periods import PeriodKind, PeriodNotConfigured

from ..models import CatalogueVersion, CreditRecord
from ..services import applications, catalogue, credit, rules
from .common import page_of, query_without_page


def _item_or_404(code: str) -> Any:
    try:
        return rules.catalogue().item(code)
    except LicensingError:
        raise Http404("清单中没有该事项。") from None


@public
def index(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    cat = rules.catalogue()
    q = request.GET.get("q", "").strip()[:50]
    dtype = request.GET.get("type", "")
    items = cat.items_on(today)
    if q:
        items = [i for i in items if q in i.matter or any(q in c for c in i.certificates) or q == i.code]
    if dtype:
        items = [i for i in items if i.department_type == dtype]
    published = {s.item_code for s in rules.scheme_rows() if s.valid_from <= today}
    types = sorted(
        {(i.department_type or "", i.department_label) for i in cat.items_on(today)}, key=lambda t: t[1]
    )
    return render(
        request,
        "licensing/index.html",
        {
            "page": page_of(request, items, 30),
            "query": query_without_page(request),
            "q": q,
            "type": dtype,
            "types": types,
            "published": published,
            "loaded": catalogue.latest_version(),
            "today": today,
            "batches": cat.batches,
            "cite_scope": CITE_SCOPE,
        },
    )


def _periods(code: str, day: Any) -> list[dict[str, Any]]:
    table = rules.period_table()
    out = []
    for kind in PeriodKind:
        found = table.lookup(code, kind, day)
        out.append(
            {
                "kind": kind,
                "configured": not isinstance(found, PeriodNotConfigured),
                "text": found.message if isinstance(found, PeriodNotConfigured) else found.describe(),
                "source": "" if isinstance(found, PeriodNotConfigured) else found.source,
            }
        )
    extra = [r for r in table.rules() if r.item == code and r.material]
    for r in extra:
        out.append(
            {
                "kind": r.kind,
                "configured": True,
                "text": f"材料“{r.material}”：{r.describe()}",
                "source": r.source,
            }
        )
    return out


@public
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = clock.today()
    item = _item_or_404(code)
    try:
        scheme = rules.scheme_book().scheme_on(item.code, today)
        scheme_error = ""
    except LicensingError as exc:
        scheme, scheme_error = None, exc.message
    scheme_row = None
    if scheme is not None:
        scheme_row = next(s for s in rules.scheme_rows(item.code) if s.version == scheme.version)
    table = rules.issuing_table()
    supervisors = []
    for mode in ReformMode:
        if mode in item.modes:
            try:
                s = supervisor(item, mode, level=Level.CITY, on=today, table=table)
                supervisors.append((mode.label, s.body.name, s.reason))
            except LicensingError as exc:
                supervisors.append((mode.label, "", exc.message))
    return render(
        request,
        "licensing/item.html",
        {
            "item": item,
            "scheme": scheme,
            "scheme_row": scheme_row,
            "scheme_error": scheme_error,
            "periods": _periods(item.code, today),
            "supervisors": supervisors,
            "today": today,
            "questions": applications.questions(item.code),
            "cite_notify": CITE_NOTIFY,
            "decision": [(x, x.decision_on(today)) for x in item.inconsistencies],
        },
    )


@public
def template_text(request: HttpRequest, code: str) -> HttpResponse:
    """The published 告知承诺书格式文本 (第二部分 二（二）1: 公布…格式文本，方便申请人获取、下载)."""
    item = _item_or_404(code)
    try:
        scheme = rules.scheme_book().scheme_on(item.code, clock.today())
    except LicensingError:
        raise Http404("该事项尚未发布告知承诺书格式文本。") from None
    response = HttpResponse(scheme.template.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="commitment-{item.code}-{scheme.template.version}.txt"'
    )
    response["X-Template-SHA256"] = scheme.template.sha256
    return response


@public
def report(request: HttpRequest) -> HttpResponse:
    versions = CatalogueVersion.objects.order_by("-loaded_at")[:20]
    cat = rules.catalogue()
    return render(
        request,
        "licensing/report.html",
        {
            "versions": versions,
            "latest": catalogue.latest_version(),
            "flags": cat.inconsistencies,
            "live_report": cat.report,
            "today": clock.today(),
        },
    )


@public
def check(request: HttpRequest) -> HttpResponse:
    """Is my application covered by the commitment route? (第二部分 二（一）1、2)"""
    today = clock.today()
    cat = rules.catalogue()
    code = request.GET.get("item", "")
    context: dict[str, Any] = {"items": cat.items_on(today), "code": code, "cite": CITE_APPLICANTS}
    if code:
        try:
            item = cat.item(code)
            context["item"] = item
            context["questions"] = applications.questions(item.code)
            context["certificates"] = item.certificates
        except LicensingError as exc:
            context["error"] = exc.message
            return render(request, "licensing/check.html", context)
        if request.GET.get("go"):
            facets = facets_from(request.GET, context["questions"])
            context["answers"] = facets
            try:
                context["result"] = applications.describe(
                    item.code, facets, on=today, certificate=request.GET.get("certificate", "")
                ).coverage
            except LicensingError as exc:
                context["error"] = exc.message
    return render(request, "licensing/check.html", context)


def facets_from(data: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Facets from a form: one field per question (``f_<key>``); several values where the dimension allows."""
    out: dict[str, Any] = {}
    for q in questions:
        values = [v.strip() for v in data.getlist(f"f_{q['key']}") if v.strip()]
        extra = [
            v.strip()
            for v in str(data.get(f"f_{q['key']}_other", "")).replace("，", "、").split("、")
            if v.strip()
        ]
        values = list(dict.fromkeys([*values, *extra]))
        if values:
            out[q["key"]] = values[0] if q["single"] and len(values) == 1 else values
    return out


@public
def credit_public(request: HttpRequest) -> HttpResponse:
    """信用记录公示 (第二部分 三（四）): confirmed records with their status; repairs shown with their date."""
    q = request.GET.get("q", "").strip()[:50]
    records = credit.published().order_by("-decided_on", "-id")
    if q:
        records = records.filter(subject_name__contains=q) | records.filter(subject_uscc=q.upper())
    return render(
        request,
        "licensing/credit_public.html",
        {
            "page": page_of(request, records),
            "query": query_without_page(request),
            "q": q,
            "kinds": dict(CreditRecord._meta.get_field("kind").choices or []),
        },
    )
