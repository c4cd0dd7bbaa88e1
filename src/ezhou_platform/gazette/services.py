"""Loading the policy library (gazette/*.md) into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ezhou_rules.library import Library, load_library
from ezhou_rules.library import Unit as LibraryUnit

from .models import Document, Unit

_DOC_FIELDS = (
    "number",
    "title",
    "notice_title",
    "issuer",
    "issued",
    "effective",
    "valid_until",
    "interpreted_by",
    "module",
    "position",
    "text",
)
_UNIT_FIELDS = (
    "kind",
    "label",
    "heading",
    "text",
    "search_text",
    "parent_anchor",
    "citation",
    "position",
    "cells",
    "rows",
    "row_anchors",
    "header_rows",
)


@dataclass
class LoadReport:
    documents: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.documents} 个文件：新增 {self.created} 条，更新 {self.updated} 条，"
            f"删除 {self.deleted} 条，未变 {self.unchanged} 条"
        )


def _unit_values(u: LibraryUnit) -> dict[str, object]:
    return {
        "kind": u.kind,
        "label": u.label,
        "heading": u.heading or "",
        "text": u.text,
        "search_text": "\n".join(filter(None, [u.heading or "", u.plain_text])),
        "parent_anchor": u.parent or "",
        "citation": str(u.citation) if u.citation else "",
        "position": u.order,
        "cells": list(u.cells),
        "rows": [list(r) for r in u.rows],
        "row_anchors": list(u.row_anchors),
        "header_rows": u.header_rows,
    }


@transaction.atomic
def load_gazette(library: Library | None = None, *, path: str | Path | None = None) -> LoadReport:
    """Make the gazette tables mirror the library: create, update changed rows, delete what is gone."""
    if library is None:
        library = load_library(path if path is not None else getattr(settings, "GAZETTE_DIR", None))
    report = LoadReport(documents=len(library))
    seen_docs = []
    for position, doc in enumerate(library):
        values = {
            "number": doc.number,
            "title": doc.title,
            "notice_title": doc.notice_title,
            "issuer": doc.issuer,
            "issued": doc.issued,
            "effective": doc.effective,
            "valid_until": doc.valid_until,
            "interpreted_by": doc.interpreted_by or "",
            "module": doc.module or "",
            "position": position,
            "text": doc.text,
        }
        row = Document.objects.filter(slug=doc.slug).first()
        if row is None:
            # a number may move to another slug: free it first
            Document.objects.filter(number=doc.number).delete()
            row = Document.objects.create(slug=doc.slug, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        seen_docs.append(row.pk)

        existing = {u.anchor: u for u in row.units.all()}
        to_create, to_update = [], []
        for u in doc.units:
            wanted = _unit_values(u)
            old = existing.pop(u.anchor, None)
            if old is None:
                to_create.append(Unit(document=row, anchor=u.anchor, **wanted))
            elif any(getattr(old, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(old, k, v)
                to_update.append(old)
            else:
                report.unchanged += 1
        if existing:
            report.deleted += Unit.objects.filter(pk__in=[u.pk for u in existing.values()]).delete()[0]
        Unit.objects.bulk_create(to_create)
        if to_update:
            Unit.objects.bulk_update(to_update, list(_UNIT_FIELDS))
        report.created += len(to_create)
        report.updated += len(to_update)
    gone = Document.objects.exclude(pk__in=seen_docs)
    report.deleted += gone.count()
    gone.delete()
    return report
