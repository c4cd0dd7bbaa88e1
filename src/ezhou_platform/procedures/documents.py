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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import get_template, render_to_string

from ezhou_platform.common import bulk
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


def next_seq(department: Department, kind_code: str, year: int, count: int = 1) -> int:
    """The next number of ``kind_code`` for ``department`` in ``year``; call inside the issuing transaction.

    With ``count`` > 1, ``count`` consecutive numbers are taken at once and the first is returned."""
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
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
        return first
    raise DocumentError("文书编号暂时无法取得，请重试。")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def _render(template: str, context: dict[str, Any], *, pdf: bool = True) -> tuple[str, bytes, str]:
    html = render_to_string(template, context)
    if not pdf:
        return html, b"", ""
    data = render_pdf(html)
    return html, data, hashlib.sha256(data).hexdigest()


def pdf_of(document: Document) -> bytes:
    """The document's PDF. A document issued in a batch (``issue_many``, or ``pdf=False``) keeps its HTML as
    issued and gets its PDF, rendered from that HTML, the first time it is asked for; the PDF and its hash are
    then kept like any other."""
    if document.pdf and bytes(document.pdf):
        return bytes(document.pdf)
    data = render_pdf(document.html)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # Whoever renders first wins; a concurrent request reads the stored one.
        Document.objects.filter(pk=document.pk, sha256="").update(pdf=data, sha256=digest)
        document.refresh_from_db(fields=["pdf", "sha256"])
    return bytes(document.pdf)


@dataclass(frozen=True)
class Item:
    """One document of a batch (``issue_many``)."""

    title: str
    recipient: str = ""
    case: Case | None = None
    context: dict[str, Any] | None = None


def _context(
    k: DocumentKind | str,
    number: str,
    *,
    title: str,
    recipient: str,
    citation: str,
    remedy: str,
    on: dt.date,
    department: Department,
    extra: dict[str, Any] | None,
    version: int = 1,
    correction_reason: str = "",
) -> dict[str, Any]:
    return {
        **(extra or {}),
        "document": {
            "kind": k.label if isinstance(k, DocumentKind) else k,
            "number": number,
            "title": title,
            "recipient": recipient,
            "citation": citation,
            "remedy": remedy,
            "issued_on": on,
            "version": version,
            **({"correction_reason": correction_reason} if correction_reason else {}),
        },
        "department": department,
    }


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
    year: int | None = None,
    pdf: bool = True,
) -> Document:
    """Number, render and store a document (inside the caller's transaction when there is one).

    ``year``: the year the number runs in, when it is not the year of issue (a year's assessment notices
    issued the next January are numbered in the year assessed). ``pdf=False``: keep the HTML now and render
    the PDF on first download (``pdf_of``)."""
    return issue_many(
        kind_code,
        [Item(title=title, recipient=recipient, case=case, context=context)],
        template=template,
        on=on,
        actor=actor,
        citation=citation,
        remedy=remedy,
        year=year,
        pdf=pdf,
    )[0]


def issue_many(
    kind_code: str,
    items: list[Item],
    *,
    template: str,
    on: dt.date,
    actor: Any,
    citation: str = "",
    remedy: str = "",
    year: int | None = None,
    pdf: bool = False,
    render: Callable[[Any, dict[str, Any]], str] | None = None,
) -> list[Document]:
    """Documents of one kind issued together (a year's notices): consecutive numbers taken under one lock of
    the counter, each rendered from its context, stored in one bulk insert; PDFs on first download unless
    ``pdf``. Gap-free like ``issue``: the numbers and the documents commit together or not at all.

    ``render(template, context)``: how each document's HTML is made from the compiled template (default: the
    template engine); a batch renderer must produce the template's output exactly."""
    if not items:
        return []
    k = kind(kind_code)
    department = Department.objects.get(code=k.department)
    number_year = year or on.year
    issued_by = actor if getattr(actor, "pk", None) else None
    compiled = get_template(template)
    with transaction.atomic():
        first = next_seq(department, k.code, number_year, len(items))
        rows = []
        for offset, item in enumerate(items):
            seq = first + offset
            number = k.number_format.format(year=number_year, seq=seq)
            ctx = _context(
                k,
                number,
                title=item.title,
                recipient=item.recipient,
                citation=citation,
                remedy=remedy,
                on=on,
                department=department,
                extra=item.context,
            )
            html = render(compiled, ctx) if render else compiled.render(ctx)
            data = render_pdf(html) if pdf else b""
            rows.append(
                Document(
                    case=item.case,
                    department=department,
                    kind=k.code,
                    kind_label=k.label,
                    year=number_year,
                    seq=seq,
                    number=number,
                    title=item.title,
                    recipient=item.recipient,
                    citation=citation,
                    remedy=remedy,
                    html=html,
                    pdf=data,
                    sha256=hashlib.sha256(data).hexdigest() if pdf else "",
                    issued_on=on,
                    issued_by=issued_by,
                )
            )
        if len(rows) == 1:
            rows[0].save(force_insert=True)
            return rows
        # one executemany with the ids reserved first (bulk_create compiles a statement per ~60 rows here)
        bulk.insert_objects(Document, rows)
        return rows


@dataclass(frozen=True)
class Numbers:
    """Consecutive numbers of one kind taken for a batch written as rows (``number_many``, ``write_many``), and
    the ids its rows will have (reserved, so the records that point at the documents are written first)."""

    kind: DocumentKind
    department: Department
    year: int
    first: int
    ids: list[int]

    @property
    def numbers(self) -> list[str]:
        fmt = self.kind.number_format
        return [fmt.format(year=self.year, seq=self.first + i) for i in range(len(self.ids))]

    def context(
        self,
        i: int,
        *,
        title: str,
        recipient: str,
        citation: str,
        remedy: str,
        on: dt.date,
        extra: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The template context of document ``i`` of the batch, as ``issue_many`` gives its template."""
        number = self.kind.number_format.format(year=self.year, seq=self.first + i)
        return _context(
            self.kind,
            number,
            title=title,
            recipient=recipient,
            citation=citation,
            remedy=remedy,
            on=on,
            department=self.department,
            extra=extra,
        )


def number_many(kind_code: str, count: int, *, year: int) -> Numbers:
    """Take ``count`` consecutive numbers of ``kind_code`` in ``year`` and reserve the documents' ids, for a
    batch of tens of thousands whose HTML the caller makes (``issue_many`` without a context and a Document
    instance per document). Inside the transaction that then calls ``write_many``: the numbers and the
    documents commit together or not at all, gap-free like ``issue``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_many must run inside the transaction that writes the documents")
    k = kind(kind_code)
    department = Department.objects.get(code=k.department)
    first = next_seq(department, k.code, year, count) if count else 0
    return Numbers(k, department, year, first, bulk.reserve_ids(Document, count))


def write_many(
    numbers: Numbers,
    *,
    titles: list[str],
    recipients: list[str],
    case_ids: list[int | None],
    htmls: list[str],
    on: dt.date,
    actor: Any,
    citation: str = "",
    remedy: str = "",
) -> None:
    """Write the documents numbered by ``numbers`` (one each, in order) with their HTML as issued, in one
    ``executemany``: the columns ``issue_many`` writes, the PDF on first download (``pdf_of``)."""
    n = len(numbers.ids)
    if not n:
        return
    first = numbers.first
    bulk.insert(
        Document,
        n,
        {
            "id": numbers.ids,
            "case_id": case_ids,
            "seq": range(first, first + n),
            "number": numbers.numbers,
            "title": titles,
            "recipient": recipients,
            "html": htmls,
        },
        same={
            "department_id": numbers.department.pk,
            "kind": numbers.kind.code,
            "kind_label": numbers.kind.label,
            "year": numbers.year,
            "citation": citation,
            "remedy": remedy,
            "pdf": b"",
            "sha256": "",
            "issued_on": on,
            "issued_by_id": actor.pk if getattr(actor, "pk", None) else None,
        },
    )


def adopt(
    kind_code: str,
    *,
    seq: int,
    year: int,
    number: str,
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
    """Keep, as version 1 of its number, a document a domain issued before this layer numbered it (its number
    is already counted: a data migration set the counter past it), so that it can be corrected like any
    other. Refused for a number the counter has not reached or one already kept."""
    k = kind(kind_code)
    department = Department.objects.get(code=k.department)
    counter = DocumentCounter.objects.filter(department=department, kind=k.code, year=year).first()
    if counter is None or seq > counter.last:
        raise DocumentError(f"{number}不是已出具的文号，不能补录。")
    if Document.objects.filter(department=department, kind=k.code, year=year, seq=seq).exists():
        raise DocumentError(f"{number}已有文书记录。")
    ctx = _context(
        k,
        number,
        title=title,
        recipient=recipient,
        citation=citation,
        remedy=remedy,
        on=on,
        department=department,
        extra=context,
    )
    return Document.objects.create(
        case=case,
        department=department,
        kind=k.code,
        kind_label=k.label,
        year=year,
        seq=seq,
        number=number,
        title=title,
        recipient=recipient,
        citation=citation,
        remedy=remedy,
        html=render_to_string(template, ctx),
        pdf=b"",
        sha256="",
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
    pdf: bool = True,
) -> Document:
    """A corrected version of ``document``: same number, next version, the old one kept and marked."""
    if not reason.strip():
        raise DocumentError("更正文书须写明更正原因。")
    with transaction.atomic():
        old = Document.objects.select_for_update().get(pk=document.pk)
        if not old.current:
            raise DocumentError(f"{old.number}已有更正后的版本，请在最新版本上更正。")
        version = old.version + 1
        ctx = _context(
            old.kind_label,
            old.number,
            title=title or old.title,
            recipient=old.recipient,
            citation=old.citation,
            remedy=old.remedy,
            on=on,
            department=old.department,
            extra=context,
            version=version,
            correction_reason=reason,
        )
        html, data, digest = _render(template, ctx, pdf=pdf)
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
            pdf=data,
            sha256=digest,
            issued_on=on,
            issued_by=actor if getattr(actor, "pk", None) else None,
            supersedes=old,
            correction_reason=reason.strip()[:200],
        )


def issue_for_step(
    record: Any, case: Case, st: Step, ctx: StepContext, proc: Procedure, *, cites: str = ""
) -> Document:
    """The document a step issues, with the record, the step and the case in its template context (the spec's
    context may also give the document's "recipient" and "title")."""
    spec = st.document
    assert spec is not None
    code = spec.kind if isinstance(spec.kind, str) else spec.kind(record, ctx)
    extra = spec.context(record, ctx) if spec.context else {}
    return issue(
        code,
        template=spec.template,
        title=extra.pop("title", "") or spec.title or f"{proc.label}{kind(code).label}",
        on=ctx.on,
        actor=ctx.actor,
        case=case,
        recipient=extra.pop("recipient", case.title),
        citation=cites or proc.cites_for(record, st),
        remedy=spec.remedy,
        context={"record": record, "case": case, "step": st, "ctx": ctx, **extra},
        pdf=spec.pdf,
    )
