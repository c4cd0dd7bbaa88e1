"""The layer's batch paths and coded refusals (added for the water plan's yearly notices, issue 9):
`engine.start_many`, `documents.issue_many` (numbers taken together, PDFs on first download), the number's
year, `documents.adopt` for a number issued before the layer, and a check's `Refusal` with its code, field
and article."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.procedures import documents, engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Refusal, transitions
from ezhou_platform.procedures.models import Case, CaseEvent, Document, DocumentCounter

D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
TEMPLATE = "procedure_example/decision.html"

pytestmark = pytest.mark.django_db


def _requests(n: int, on: dt.date) -> list[ExampleRequest]:
    return [ExampleRequest.objects.create(name=f"单位{i}", received_on=on) for i in range(n)]


def test_start_many_opens_one_case_and_one_event_per_record(demo_users: dict[str, Any]) -> None:
    clerk = demo_users["shuiwu_clerk"]
    with transaction.atomic():
        reqs = _requests(3, D(2025, 1, 10))
        cases = engine.start_many(reqs, actor=clerk, on=D(2025, 1, 10), label="开具", cites=CITE)
    assert [c.object_id for c in cases] == [r.pk for r in reqs] and all(c.pk for c in cases)
    assert Case.objects.filter(state="received", opened_by=clerk, opened_on=D(2025, 1, 10)).count() == 3
    assert CaseEvent.objects.filter(step="start", citation=CITE).count() == 3
    # the cases work like any other: a step is taken through the engine
    engine.take(reqs[1], "verify", actor=clerk, on=D(2025, 1, 13))
    assert Case.objects.get(object_id=reqs[1].pk).state == "verified"
    assert engine.start_many([], actor=clerk, on=D(2025, 1, 10), label="开具", cites=CITE) == []


def _items(reqs: list[ExampleRequest]) -> list[documents.Item]:
    return [documents.Item(title=f"{r.name}的决定", recipient=r.name, context={"record": r}) for r in reqs]


def test_issue_many_numbers_consecutively_in_the_given_year_and_renders_pdfs_on_first_download(
    demo_users: dict[str, Any],
) -> None:
    head = demo_users["shuiwu_head"]
    reqs = _requests(3, D(2024, 12, 2))
    first = documents.issue(
        "procedure_example.decision",
        template=TEMPLATE,
        title="单独出具",
        on=D(2025, 1, 10),
        actor=head,
        context={"record": reqs[0]},
        year=2024,
    )
    # numbered in 2024 although issued in January 2025 (a year's assessment is numbered in the year assessed)
    assert (first.number, first.year, bytes(first.pdf)[:4]) == ("鄂水节调〔2024〕1号", 2024, b"%PDF")
    docs = documents.issue_many(
        "procedure_example.decision",
        _items(reqs),
        template=TEMPLATE,
        on=D(2025, 1, 10),
        actor=head,
        year=2024,
    )
    assert [d.number for d in docs] == ["鄂水节调〔2024〕2号", "鄂水节调〔2024〕3号", "鄂水节调〔2024〕4号"]
    assert all(d.pk for d in docs) and DocumentCounter.objects.get(year=2024).last == 4
    # the HTML is kept as issued; the PDF is rendered from it on first download, then kept with its hash
    doc = Document.objects.get(pk=docs[1].pk)
    assert "单位1" in doc.html and "鄂水节调〔2024〕3号" in doc.html
    assert bytes(doc.pdf) == b"" and doc.sha256 == ""
    pdf = documents.pdf_of(doc)
    doc.refresh_from_db()
    assert pdf[:4] == b"%PDF" and bytes(doc.pdf) == pdf and doc.sha256 == hashlib.sha256(pdf).hexdigest()
    assert documents.pdf_of(doc) == pdf  # not rendered again


def test_a_batch_that_fails_gives_all_its_numbers_back(demo_users: dict[str, Any]) -> None:
    head = demo_users["shuiwu_head"]
    reqs = _requests(2, D(2024, 3, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        documents.issue_many(
            "procedure_example.decision", _items(reqs), template=TEMPLATE, on=D(2024, 3, 4), actor=head
        )
        raise RuntimeError("the unit of work fails after the numbers were taken")
    assert not Document.objects.exists()
    docs = documents.issue_many(
        "procedure_example.decision", _items(reqs), template=TEMPLATE, on=D(2024, 3, 4), actor=head
    )
    assert [d.seq for d in docs] == [1, 2]


def test_page_download_renders_a_batch_pdf(login_client: Any, demo_users: dict[str, Any]) -> None:
    head = demo_users["shuiwu_head"]
    (doc,) = documents.issue_many(
        "procedure_example.decision",
        _items(_requests(1, D(2024, 3, 1))),
        template=TEMPLATE,
        on=D(2024, 3, 4),
        actor=head,
    )
    response = login_client("shuiwu_head").get(f"/workspace/documents/{doc.pk}/pdf/")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    doc.refresh_from_db()
    assert doc.sha256 == hashlib.sha256(response.content).hexdigest()


def test_adopt_keeps_a_number_issued_before_the_layer_so_it_can_be_corrected(
    demo_users: dict[str, Any],
) -> None:
    head = demo_users["shuiwu_head"]
    (req,) = _requests(1, D(2024, 3, 1))
    kwargs: dict[str, Any] = {
        "template": TEMPLATE,
        "title": "旧文书",
        "on": D(2024, 3, 4),
        "actor": head,
        "context": {"record": req},
    }
    with pytest.raises(documents.DocumentError, match="不是已出具的文号"):
        documents.adopt("procedure_example.decision", seq=7, year=2024, number="旧〔2024〕7号", **kwargs)
    water = demo_users["shuiwu_head"].department
    DocumentCounter.objects.create(department=water, kind="procedure_example.decision", year=2024, last=9)
    old = documents.adopt("procedure_example.decision", seq=7, year=2024, number="旧〔2024〕7号", **kwargs)
    assert (old.number, old.seq, old.version) == ("旧〔2024〕7号", 7, 1)
    with pytest.raises(documents.DocumentError, match="已有文书记录"):
        documents.adopt("procedure_example.decision", seq=7, year=2024, number="旧〔2024〕7号", **kwargs)
    fixed = documents.correct(
        old,
        template=TEMPLATE,
        reason="金额有误",
        on=D(2024, 3, 8),
        actor=head,
        context={"record": req},
        pdf=False,
    )
    assert (fixed.number, fixed.version, bytes(fixed.pdf)) == ("旧〔2024〕7号", 2, b"")
    # the counter is untouched: the next number is 10
    assert (
        documents.issue(
            "procedure_example.decision",
            template=TEMPLATE,
            title="新",
            on=D(2024, 3, 9),
            actor=head,
            context={"record": req},
            pdf=False,
        ).seq
        == 10
    )


def test_a_refusal_names_its_code_field_and_article(demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    with transaction.atomic():
        (req,) = _requests(1, D(2024, 3, 4))
        engine.start(req, actor=clerk, on=D(2024, 3, 4), label="受理", cites=CITE)
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    approve = next(t for t in transitions(ExampleRequest) if t.name == "approve").custom["step"]
    original = approve.checks

    def owes(record: Any, ctx: Any) -> Refusal:
        return Refusal(
            "该单位拖欠超计划用水加价水费",
            code="refused_unpaid",
            field="unit",
            cites="鄂州政办发〔2022〕15号 第十三条第（七）项",
        )

    def plain(record: Any, ctx: Any) -> Refusal:
        return Refusal("核准水量应大于0", field="volume")

    try:
        object.__setattr__(approve, "checks", (owes,))
        with pytest.raises(ProcedureError) as info:
            engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5})
        assert (info.value.code, info.value.field, info.value.status) == ("refused_unpaid", "unit", 422)
        assert (
            info.value.message == "该单位拖欠超计划用水加价水费（鄂州政办发〔2022〕15号 第十三条第（七）项）"
        )
        object.__setattr__(approve, "checks", (plain,))
        with pytest.raises(ProcedureError) as info:
            engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5})
        # without its own article the step's is named; the code defaults to check_failed
        assert (info.value.code, info.value.message) == ("check_failed", f"核准水量应大于0（{CITE}）")
    finally:
        object.__setattr__(approve, "checks", original)
    req.refresh_from_db()
    assert req.status == "verified" and not Document.objects.exists()
    assert dataclasses.is_dataclass(approve)


def test_cites_for_names_the_precise_article_and_a_spec_may_defer_the_pdf(demo_users: dict[str, Any]) -> None:
    from ezhou_platform.common.audit.models import AuditRecord

    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    with transaction.atomic():
        reqs = _requests(2, D(2024, 3, 4))
        for r in reqs:
            engine.start(r, actor=clerk, on=D(2024, 3, 4), label="受理", cites=CITE)
    steps = {t.name: t.custom["step"] for t in transitions(ExampleRequest)}
    refuse, approve = steps["refuse"], steps["approve"]
    spec = approve.document
    try:
        object.__setattr__(
            refuse, "cites_for", lambda r, ctx: f"鄂州政办发〔2022〕15号 第十三条第（{ctx.data['case']}）项"
        )
        object.__setattr__(
            approve,
            "document",
            dataclasses.replace(spec, pdf=False, context=lambda r, c: {"title": "专门标题"}),
        )
        engine.take(reqs[0], "refuse", actor=clerk, on=D(2024, 3, 5), data={"reason": "r", "case": "五"})
        engine.take(reqs[1], "verify", actor=clerk, on=D(2024, 3, 5))
        doc = engine.take(reqs[1], "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5}).document
    finally:
        object.__setattr__(refuse, "cites_for", None)
        object.__setattr__(approve, "document", spec)
    cite = "鄂州政办发〔2022〕15号 第十三条第（五）项"
    assert CaseEvent.objects.get(step="refuse").citation == cite
    assert AuditRecord.objects.get(action="procedure_example.request.refuse").citation == cite
    assert doc is not None and doc.title == "专门标题" and bytes(doc.pdf) == b"" and doc.sha256 == ""
