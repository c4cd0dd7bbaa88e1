"""Numbered documents (受理通知书, 决定书, 通知单, 催告单 …): one numbering, one template, one PDF path.

A domain registers each kind once::

    documents.register_kind(DocumentKind("water_plan.adjustment_decision", "用水计划调整决定书",
                                         "鄂水节调〔{year}〕{seq}号", department="water"))

and a step issues it (``DocumentSpec`` on the step) or a service calls ``issue(...)``. Numbers run per
department, kind and year without gaps: the counter row is locked while a number is taken and is written in
the same transaction as the document, so a rollback gives the number back and two clerks never get the same
one. The document is rendered from the domain's template, which extends ``procedures/document_base.html``
(the city's header, the number, the article, the 救济途径, the date), turned into a PDF by WeasyPrint with
Debian's CJK fonts, and kept as issued with the SHA-256 of the PDF. A correction is a new version of the same
number; the old version stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from ezhou_platform.common.models import Department

from .machine import Procedure, Step, StepContext
from .models import Case, Document, DocumentCounter


class DocumentError(ValueError):
    code = "document_invalid"


@dataclass(frozen=True)
class DocumentKind:
    code: str  # "water_plan.surcharge_notice"
    label: str  # "超计划、超定额用水加价收费通知单"
    number_format: str  # "鄂水节加〔{year}〕{seq}号"
    department: str  # Department.code of the issuing department


_KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    if "{seq" not in kind.number_format or "{year" not in kind.number_format:
        raise ValueError(f"number format of {kind.code} needs {{year}} and {{seq}}")
    _KINDS[kind.code] = kind
    return kind


def kind(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise DocumentError(f"未登记的文书类型：{code}") from None


def next_seq(department: Department, kind_code: str, year: int) -> int:
    """The next number of ``kind_code`` for ``department`` in ``year``; call inside the issuing transaction."""
    for _ in range(3):
        counter = (
            DocumentCounter.objects.select_for_update()
            .filter(department=department, kind=kind_code, year=year)
            .first()
        )
        if counter is None:
            try:
                with transaction.atomic():
                    DocumentCounter.objects.create(department=department, kind=kind_code, year=year, last=0)
            except IntegrityError:
                pass  # another transaction created it first: lock it on the next pass
            continue
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    raise DocumentError("文书编号暂时无法取得，请重试。")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def _render(template: str, context: dict[str, Any]) -> tuple[str, bytes, str]:
    html = render_to_string(template, context)
    pdf = render_pdf(html)
    return html, pdf, hashlib.sha256(pdf).hexdigest()


def issue(
    kind_code: str,
    *,
    template: str,
    title: str,
    on: dt.date,
    actor: Any,
    case: Case | None = None,
    recipient: str = "",
    citation: str = "",
    remedy: str = "",
    context: dict[str, Any] | None = None,
) -> Document:
    """Number, render and store a document (inside the caller's transaction when there is one)."""
    k = kind(kind_code)
    department = Department.objects.get(code=k.department)
    with transaction.atomic():
        seq = next_seq(department, k.code, on.year)
        number = k.number_format.format(year=on.year, seq=seq)
        ctx = {
            **(context or {}),
            "document": {
                "kind": k.label,
                "number": number,
                "title": title,
                "recipient": recipient,
                "citation": citation,
                "remedy": remedy,
                "issued_on": on,
                "version": 1,
            },
            "department": department,
        }
        html, pdf, digest = _render(template, ctx)
        return Document.objects.create(
            case=case,
            department=department,
            kind=k.code,
            kind_label=k.label,
            year=on.year,
            seq=seq,
            number=number,
            title=title,
            recipient=recipient,
            citation=citation,
            remedy=remedy,
            html=html,
            pdf=pdf,
            sha256=digest,
            issued_on=on,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )


def correct(
    document: Document,
    *,
    template: str,
    reason: str,
    on: dt.date,
    actor: Any,
    context: dict[str, Any] | None = None,
    title: str | None = None,
) -> Document:
    """A corrected version of ``document``: same number, next version, the old one kept and marked."""
    if not reason.strip():
        raise DocumentError("更正文书须写明更正原因。")
    with transaction.atomic():
        old = Document.objects.select_for_update().get(pk=document.pk)
        if not old.current:
            raise DocumentError(f"{old.number}已有更正后的版本，请在最新版本上更正。")
        version = old.version + 1
        ctx = {
            **(context or {}),
            "document": {
                "kind": old.kind_label,
                "number": old.number,
                "title": title or old.title,
                "recipient": old.recipient,
                "citation": old.citation,
                "remedy": old.remedy,
                "issued_on": on,
                "version": version,
                "correction_reason": reason,
            },
            "department": old.department,
        }
        html, pdf, digest = _render(template, ctx)
        return Document.objects.create(
            case=old.case,
            department=old.department,
            kind=old.kind,
            kind_label=old.kind_label,
            year=old.year,
            seq=old.seq,
            version=version,
            number=old.number,
            title=title or old.title,
            recipient=old.recipient,
            citation=old.citation,
            remedy=old.remedy,
            html=html,
            pdf=pdf,
            sha256=digest,
            issued_on=on,
            issued_by=actor if getattr(actor, "pk", None) else None,
            supersedes=old,
            correction_reason=reason.strip()[:200],
        )


def issue_for_step(record: Any, case: Case, st: Step, ctx: StepContext, proc: Procedure) -> Document:
    """The document a step issues, with the record, the step and the case in its template context."""
    spec = st.document
    assert spec is not None
    code = spec.kind if isinstance(spec.kind, str) else spec.kind(record, ctx)
    extra = spec.context(record, ctx) if spec.context else {}
    return issue(
        code,
        template=spec.template,
        title=spec.title or f"{proc.label}{kind(code).label}",
        on=ctx.on,
        actor=ctx.actor,
        case=case,
        recipient=extra.pop("recipient", case.title),
        citation=st.cites,
        remedy=spec.remedy,
        context={"record": record, "case": case, "step": st, "ctx": ctx, **extra},
    )
