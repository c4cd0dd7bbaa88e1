"""Public pages of the policy library (no login): the list, a document, search, coverage."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ezhou_platform.common.permissions import public
from ezhou_rules.core.citations import Implementation

from . import coverage as cov
from .models import Document, Unit

PAGE_SIZE = 20
# units listed in a document's table of contents
TOC_KINDS = {"notice", "part", "chapter", "section", "article", "annex"}


@lru_cache(maxsize=1)
def _implementations() -> tuple[Implementation, ...]:
    return tuple(cov.implementations())


def implementations() -> list[Implementation]:
    """The registry after importing the whole platform (once per process)."""
    return list(_implementations())


@public
def document_list(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.all()
    return render(request, "gazette/list.html", {"documents": documents})


@public
def document_detail(request: HttpRequest, slug: str) -> HttpResponse:
    document = get_object_or_404(Document, slug=slug)
    units = list(document.units.all())
    impls = cov.by_anchor(implementations())
    for u in units:
        key = (document.number, u.anchor if u.kind != "notice" else "")
        u.implementations = impls.get(key, [])  # type: ignore[attr-defined]
    toc = [
        u
        for u in units
        if u.kind in TOC_KINDS
        and not u.in_table
        and not (u.kind == "section" and u.anchor.startswith("annex"))
    ]
    body = [u for u in units if not u.in_table]
    return render(
        request,
        "gazette/document.html",
        {"document": document, "units": body, "toc": toc},
    )


@public
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    page = None
    if q:
        terms = q.split()
        hits = Unit.objects.select_related("document")
        for term in terms:
            hits = hits.filter(Q(search_text__icontains=term) | Q(label__icontains=term))
        hits = hits.order_by("document__position", "position")
        page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "gazette/search.html", {"q": q, "page": page})


@public
def coverage(request: HttpRequest) -> HttpResponse:
    impls = implementations()
    documents = list(Document.objects.all())
    units_by_doc: dict[int, list[Unit]] = defaultdict(list)
    for u in Unit.objects.all():
        units_by_doc[u.document_id].append(u)
    rows = [cov.document_coverage(d, units_by_doc[d.pk], impls) for d in documents]
    known = {d.number: {u.anchor for u in units_by_doc[d.pk]} for d in documents}
    return render(
        request,
        "gazette/coverage.html",
        {
            "rows": rows,
            "implemented": sum(r.implemented for r in rows),
            "total": sum(r.total for r in rows),
            "registered": len(impls),
            "unresolved": cov.unresolved(impls, known),
        },
    )
