"""JSON view of the policy library: documents, one document's units, resolving a citation."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.citations import Citation

from .models import Document, Unit

router = Router(tags=["政策文件库"])


class DocumentOut(Schema):
    slug: str
    number: str
    title: str
    issuer: str
    issued: str
    valid_until: str | None
    interpreted_by: str


class UnitOut(Schema):
    anchor: str
    kind: str
    label: str
    heading: str
    text: str
    parent_anchor: str
    citation: str


def _doc(d: Document) -> dict:
    return {
        "slug": d.slug,
        "number": d.number,
        "title": d.title,
        "issuer": d.issuer,
        "issued": d.issued.isoformat(),
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
        "interpreted_by": d.interpreted_by,
    }


@router.get("/", response=list[DocumentOut], summary="政策文件列表", auth=None)
def documents(request: HttpRequest) -> list[dict]:
    return [_doc(d) for d in Document.objects.all()]


@router.get(
    "/resolve", auth=None, response=UnitOut, summary="解析引用，如 鄂州政办发〔2022〕34号 第十一条第（一）项"
)
def resolve(
    request: HttpRequest,
    cite: str = Query(
        ..., title="引用", description="文号加条款，例如：鄂州政办发〔2022〕34号 第十一条", max_length=200
    ),
) -> Unit:
    try:
        c = Citation.parse(cite)
    except ValueError as exc:
        raise ApiError("invalid_citation", f"无法识别的引用：{exc}", field="cite") from exc
    unit = Unit.objects.filter(document__number=c.document, anchor=c.anchor() or "notice").first()
    if unit is None:
        raise ApiError("unknown_citation", f"政策文件库中没有“{c}”。", field="cite", status=404)
    return unit


@router.get("/{slug}", response=list[UnitOut], summary="一个文件的全部条目", auth=None)
def document_units(
    request: HttpRequest,
    slug: str = Path(..., title="文件代码", description="文件代码，例如 medical_assistance", max_length=60),
) -> list[Unit]:
    doc = get_object_or_404(Document, slug=slug)
    return list(doc.units.all())
